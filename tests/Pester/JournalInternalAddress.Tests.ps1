# The internal directory as an admin fills it: Import-Csv | Add-JournalInternalAddress, with the
# column names an export from Exchange or Entra typically has; bad rows fail, the rest go on.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Internal directory' {
    BeforeEach {
        $script:Store = New-TestStore
        $env:MIMECASTJOURNALING_STORE = $Store
        $script:Folder = Split-Path $Store
        Register-JournalDomain -Name contoso.test, fabrikam.test | Out-Null
    }
    AfterEach {
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE
    }

    It 'imports a CSV with Address,DisplayName columns by pipeline' {
        $csv = Join-Path $Folder 'users.csv'
        Set-Content -LiteralPath $csv -Value @(
            'Address,DisplayName'
            'alice@contoso.test,Alice Adams'
            'bob@contoso.test,"Bob, the Builder"'
            'carol@fabrikam.test,Carol'
        )
        Import-Csv $csv | Add-JournalInternalAddress -ErrorVariable err
        $err.Count | Should -Be 0
        $all = Get-JournalInternalAddress
        ($all | ForEach-Object EmailAddress) | Sort-Object | Should -Be @('alice@contoso.test', 'bob@contoso.test', 'carol@fabrikam.test')
        ($all | Where-Object EmailAddress -eq 'bob@contoso.test').DisplayName | Should -Be 'Bob, the Builder'
        ($all | Where-Object EmailAddress -eq 'alice@contoso.test').Mailbox | Should -Be 'alice@contoso.test'
        "$(($all | Where-Object EmailAddress -eq 'alice@contoso.test').Type)" | Should -Be 'Mailbox'
    }

    It 'imports a CSV with an EmailAddress column, and aliases with Type and Mailbox' {
        $csv = Join-Path $Folder 'export.csv'
        Set-Content -LiteralPath $csv -Value @(
            'EmailAddress,Name,Type,Mailbox'
            'dave@contoso.test,Dave,Mailbox,'
            'sales@contoso.test,Sales alias,Alias,dave@contoso.test'
        )
        $out = Import-Csv $csv | Add-JournalInternalAddress -PassThru
        $out.Count | Should -Be 2
        $alias = Get-JournalInternalAddress -Address sales@contoso.test
        "$($alias.Type)" | Should -Be 'Alias'
        $alias.Mailbox | Should -Be 'dave@contoso.test'
        $alias.DisplayName | Should -Be 'Sales alias'
        (Get-JournalInternalAddress -Address dave@contoso.test).DisplayName | Should -Be 'Dave'
    }

    It 'reports an out-of-domain address as AddressOutsideRegisteredDomains and goes on with the rest' {
        $rows = @(
            [pscustomobject]@{ Address = 'erin@contoso.test'; DisplayName = 'Erin' }
            [pscustomobject]@{ Address = 'mallory@outside.example'; DisplayName = 'Mallory' }
            [pscustomobject]@{ Address = 'frank@fabrikam.test'; DisplayName = 'Frank' }
        )
        $rows | Add-JournalInternalAddress -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AddressOutsideRegisteredDomains*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].TargetObject | Should -Be 'mallory@outside.example'
        $err[0].Exception.Message | Should -Match 'Register-JournalDomain -Name outside\.example'
        (Get-JournalInternalAddress | ForEach-Object EmailAddress) | Sort-Object | Should -Be @('erin@contoso.test', 'frank@fabrikam.test')
    }

    It 'gives the addresses with member access on the whole result (the property is not called Address, which arrays have as a method)' {
        Add-JournalInternalAddress -Address erin@contoso.test, frank@fabrikam.test
        $addresses = (Get-JournalInternalAddress).EmailAddress
        $addresses | Should -BeOfType [string]
        $addresses | Sort-Object | Should -Be @('erin@contoso.test', 'frank@fabrikam.test')
        (Get-JournalInternalAddress | Select-Object -First 1) | Get-Member -Name Address | Should -BeNullOrEmpty
    }

    It 'adding the same address again changes nothing and is no error' {
        Add-JournalInternalAddress -Address alice@contoso.test -DisplayName Alice
        $events = @(Get-JournalEvent).Count
        Add-JournalInternalAddress -Address alice@contoso.test -DisplayName Alice -ErrorVariable err
        $err.Count | Should -Be 0
        @(Get-JournalInternalAddress).Count | Should -Be 1
        @(Get-JournalEvent).Count | Should -Be $events
    }

    Context 'Get- and Remove-' {
        BeforeEach {
            Add-JournalInternalAddress -Address alice@contoso.test, albert@contoso.test, bob@contoso.test, anna@fabrikam.test
        }

        It 'filters with -Domain' {
            (Get-JournalInternalAddress -Domain fabrikam.test | ForEach-Object EmailAddress) | Should -Be 'anna@fabrikam.test'
            (Get-JournalInternalAddress -Domain contoso.test | ForEach-Object EmailAddress) | Sort-Object | Should -Be @('albert@contoso.test', 'alice@contoso.test', 'bob@contoso.test')
        }

        It 'matches wildcards, also together with -Domain' {
            (Get-JournalInternalAddress -Address 'al*' | ForEach-Object EmailAddress) | Sort-Object | Should -Be @('albert@contoso.test', 'alice@contoso.test')
            (Get-JournalInternalAddress -Address 'a*' -Domain fabrikam.test | ForEach-Object EmailAddress) | Should -Be 'anna@fabrikam.test'
            Get-JournalInternalAddress -Address 'zz*' -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 0
        }

        It 'reports a plain unknown address as ObjectNotFound' {
            Get-JournalInternalAddress -Address nobody@contoso.test -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InternalAddressNotFound*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'removes by pipeline' {
            Get-JournalInternalAddress -Address 'al*' | Remove-JournalInternalAddress
            (Get-JournalInternalAddress | ForEach-Object EmailAddress) | Sort-Object | Should -Be @('anna@fabrikam.test', 'bob@contoso.test')
            'bob@contoso.test' | Remove-JournalInternalAddress
            (Get-JournalInternalAddress | ForEach-Object EmailAddress) | Should -Be 'anna@fabrikam.test'
        }

        It 'changes nothing under -WhatIf' {
            Add-JournalInternalAddress -Address zoe@contoso.test -WhatIf
            Get-JournalInternalAddress -Address '*' | Remove-JournalInternalAddress -WhatIf
            @(Get-JournalInternalAddress).Count | Should -Be 4
            (Get-JournalInternalAddress | ForEach-Object EmailAddress) | Should -Not -Contain 'zoe@contoso.test'
        }

        It 'reports removing an unknown address as ObjectNotFound and removes the others' {
            Remove-JournalInternalAddress -Address nobody@contoso.test, bob@contoso.test -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InternalAddressNotFound*'
            (Get-JournalInternalAddress | ForEach-Object EmailAddress) | Should -Not -Contain 'bob@contoso.test'
        }
    }
}
