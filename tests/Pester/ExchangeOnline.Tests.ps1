# The Exchange Online cmdlets against the loopback emulator (tests/Emulators), run as a child
# process on 127.0.0.1: sign-in, the connection view, and the journal mail contact.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Emulator = Start-TestExchangeEmulator
    $script:Store = New-TestStore
    $env:MIMECASTJOURNALING_STORE = $Store
    function Connect-WithSecret([string] $Secret = $Emulator.ClientSecret) {
        Connect-O365Journaling -TenantId $Emulator.TenantId -ClientId $Emulator.ClientId -ClientSecret (ConvertTo-SecureString $Secret -AsPlainText -Force) `
            -ExchangeEndpoint $Emulator.Endpoint -AuthorityHost $Emulator.Endpoint
    }
}
AfterAll {
    Disconnect-O365Journaling
    Stop-TestExchangeEmulator $Emulator
    Remove-TestStore $Store
    Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
}

Describe 'Before Connect-O365Journaling' {
    BeforeAll { Disconnect-O365Journaling }

    It 'a contact cmdlet stops with an error that says to run Connect-O365Journaling' {
        $err = { Get-O365JournalContact } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'O365NotConnected,*'
        "$($err.CategoryInfo.Category)" | Should -Be 'InvalidOperation'
        $err.Exception.Message | Should -Match 'Run Connect-O365Journaling'
        { New-O365JournalContact journal@journal.contoso.test -Confirm:$false } | Should -Throw '*Connect-O365Journaling*'
    }

    It 'Get-O365JournalingConnection shows nothing' {
        Get-O365JournalingConnection | Should -BeNullOrEmpty
    }
}

Describe 'Connect-O365Journaling' {
    AfterEach { Disconnect-O365Journaling }

    It 'connects with an access token and never shows the token' {
        $token = Invoke-TestExchangeEmulator $Emulator 'token'
        Connect-O365Journaling -TenantId $Emulator.TenantId -AccessToken (ConvertTo-SecureString $token -AsPlainText -Force) -ExchangeEndpoint $Emulator.Endpoint
        $connection = Get-O365JournalingConnection
        $connection.TenantId | Should -Be $Emulator.TenantId
        "$($connection.SignInMethod)" | Should -Be 'AccessToken'
        "$($connection.Environment)" | Should -Be 'Global'
        $connection.ExchangeEndpoint | Should -Be $Emulator.Endpoint
        ($connection | Format-List * | Out-String -Width 400) | Should -Not -Match ([regex]::Escape($token))
        ($connection | ConvertTo-Json | Out-String) | Should -Not -Match ([regex]::Escape($token))
        @(Get-O365JournalContact).Count | Should -Be 0
    }

    It 'connects app-only with a client secret, shows the client id and the token expiry, never the secret' {
        Connect-WithSecret
        $connection = Get-O365JournalingConnection
        "$($connection.SignInMethod)" | Should -Be 'ClientSecret'
        $connection.ClientId | Should -Be $Emulator.ClientId
        $connection.TokenExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(30))
        $text = $connection | Format-List * | Out-String -Width 400
        $text | Should -Not -Match ([regex]::Escape($Emulator.ClientSecret))
        $text | Should -Not -Match 'emu\.[0-9a-f]{32}'
        @(Get-O365JournalContact).Count | Should -Be 0
    }

    It 'a wrong client secret is an authentication error with the token endpoint''s text, and no connection' {
        $err = { Connect-WithSecret 'wrong-secret' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'O365SignInFailed,*'
        "$($err.CategoryInfo.Category)" | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match 'AADSTS7000215'
        Get-O365JournalingConnection | Should -BeNullOrEmpty
    }

    It '-WhatIf does not connect' {
        Connect-O365Journaling -TenantId $Emulator.TenantId -ClientId $Emulator.ClientId -ClientSecret (ConvertTo-SecureString 'x' -AsPlainText -Force) `
            -ExchangeEndpoint $Emulator.Endpoint -AuthorityHost $Emulator.Endpoint -WhatIf
        Get-O365JournalingConnection | Should -BeNullOrEmpty
    }

    It 'Disconnect-O365Journaling ends the session' {
        Connect-WithSecret
        Disconnect-O365Journaling
        Get-O365JournalingConnection | Should -BeNullOrEmpty
        { Get-O365JournalContact } | Should -Throw '*Connect-O365Journaling*'
    }
}

Describe 'O365JournalContact' {
    BeforeAll { Connect-WithSecret }
    AfterAll { Disconnect-O365Journaling }
    AfterEach { Get-O365JournalContact | Remove-O365JournalContact -Confirm:$false }

    It 'creates the contact hidden from address lists, and -Verbose shows each Exchange cmdlet with its parameters' {
        $verbose = New-O365JournalContact journal@journal.contoso.test -Name 'Mimecast journal' -Verbose 4>&1
        $contact = $verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $contact.GetType().Name | Should -Be 'O365JournalContact'
        "$($contact.Action)" | Should -Be 'Created'
        $contact.Name | Should -Be 'Mimecast journal'
        $contact.ExternalEmailAddress | Should -Be 'journal@journal.contoso.test'
        $contact.HiddenFromAddressListsEnabled | Should -BeTrue
        $messages = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $messages | Should -Contain "Exchange: Invoking New-MailContact -Name 'Mimecast journal' -ExternalEmailAddress 'journal@journal.contoso.test'"
        $messages | Should -Contain "Exchange: Invoking Set-MailContact -Identity 'Mimecast journal' -HiddenFromAddressListsEnabled `$true"
        (Get-O365JournalContact 'Mimecast journal').HiddenFromAddressListsEnabled | Should -BeTrue
    }

    It 'converges when run again: Unchanged, then Updated for a changed setting' {
        New-O365JournalContact journal@journal.contoso.test -Name 'Mimecast journal' | Out-Null
        $again = New-O365JournalContact journal@journal.contoso.test -Name 'Mimecast journal'
        "$($again.Action)" | Should -Be 'Unchanged'
        $shown = New-O365JournalContact journal@journal.contoso.test -Name 'Mimecast journal' -ShowInAddressList -Confirm:$false
        "$($shown.Action)" | Should -Be 'Updated'
        $shown.HiddenFromAddressListsEnabled | Should -BeFalse
        $moved = New-O365JournalContact journal2@journal.contoso.test -Name 'Mimecast journal' -Confirm:$false
        "$($moved.Action)" | Should -Be 'Updated'
        $moved.ExternalEmailAddress | Should -Be 'journal2@journal.contoso.test'
        $moved.HiddenFromAddressListsEnabled | Should -BeTrue
        @(Get-O365JournalContact).Count | Should -Be 1
    }

    It 'takes a journal definition from the pipeline: its service address, and a name derived from it' {
        Register-JournalDomain -Name journal.contoso.test | Out-Null
        New-JournalDefinition 'Exchange Online journaling' eo@journal.contoso.test | Out-Null
        $contact = Get-JournalDefinition 'Exchange Online journaling' | New-O365JournalContact
        $contact.Name | Should -Be 'Journal - Exchange Online journaling'
        $contact.ExternalEmailAddress | Should -Be 'eo@journal.contoso.test'
        $contact.HiddenFromAddressListsEnabled | Should -BeTrue
        "$((Get-JournalDefinition 'Exchange Online journaling' | New-O365JournalContact).Action)" | Should -Be 'Unchanged'
    }

    It '-WhatIf creates nothing' {
        New-O365JournalContact journal@journal.contoso.test -Name 'What if' -WhatIf | Should -BeNullOrEmpty
        Get-O365JournalContact | Should -BeNullOrEmpty
        Get-O365JournalContact 'What if' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Remove-O365JournalContact removes it (and -WhatIf does not)' {
        New-O365JournalContact journal@journal.contoso.test -Name 'Mimecast journal' | Out-Null
        Remove-O365JournalContact 'Mimecast journal' -WhatIf
        (Get-O365JournalContact 'Mimecast journal').Name | Should -Be 'Mimecast journal'
        Get-O365JournalContact 'Mimecast journal' | Remove-O365JournalContact -Confirm:$false
        Get-O365JournalContact | Should -BeNullOrEmpty
    }

    It 'a missing contact is ObjectNotFound with Exchange''s own text' {
        Remove-O365JournalContact 'No such contact' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ExchangeObjectNotFound,*'
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $failures[0].Exception.Message | Should -Match "The operation couldn't be performed because object 'No such contact' couldn't be found"
        $failures[0].TargetObject | Should -Be 'No such contact'
    }

    It 'an address another recipient uses is ResourceExists with Exchange''s text' {
        New-O365JournalContact journal@journal.contoso.test -Name 'First' | Out-Null
        New-O365JournalContact journal@journal.contoso.test -Name 'Second' -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'ResourceExists'
        $failures[0].Exception.Message | Should -Match 'The proxy address "SMTP:journal@journal.contoso.test" is already being used'
    }

    It 'a cmdlet the principal may not run is PermissionDenied' {
        Invoke-TestExchangeEmulator $Emulator 'deny New-MailContact' | Should -Be 'ok'
        try {
            New-O365JournalContact journal@journal.contoso.test -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        } finally {
            Invoke-TestExchangeEmulator $Emulator 'allow New-MailContact' | Out-Null
        }
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ExchangeAccessDenied,*'
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'PermissionDenied'
        $failures[0].Exception.Message | Should -Match 'New-MailContact'
    }

    It 'a contact error does not stop the pipeline: the other items still run' {
        $results = 'journal-a@journal.contoso.test', 'journal-b@journal.contoso.test' |
            ForEach-Object { [pscustomobject]@{ ServiceEmailAddress = $_ } } | New-O365JournalContact
        @($results).Count | Should -Be 2
        'Missing', 'Journal - journal-a@journal.contoso.test' | Remove-O365JournalContact -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures
        @($failures).Count | Should -Be 1
        @(Get-O365JournalContact).Name | Should -Be 'Journal - journal-b@journal.contoso.test'
    }
}

Describe 'Default view of O365JournalContact' {
    BeforeAll { Connect-WithSecret }
    AfterAll {
        Get-O365JournalContact | Remove-O365JournalContact -Confirm:$false
        Disconnect-O365Journaling
    }

    It 'is a table with Name, ExternalEmailAddress, HiddenFromAddressLists and Action' {
        $text = New-O365JournalContact journal@journal.contoso.test -Name 'Mimecast journal' | Out-String -Width 120
        $text | Should -Match 'Name\s+ExternalEmailAddress\s+HiddenFromAddressLists\s+Action'
        $text | Should -Match 'Mimecast journal\s+journal@journal\.contoso\.test\s+True\s+Created'
    }
}
