# The Exchange Online cmdlets against the loopback emulator (tests/Emulators), run as a child
# process on 127.0.0.1: sign-in (MSAL, in child pwsh processes that trust the emulator's CA), the
# connection view, and the journal mail contact.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Emulator = Start-TestExchangeEmulator
    $script:Store = New-TestStore
    $env:MIMECASTJOURNALING_STORE = $Store
    # What the sign-in children get: where the emulator is, and what it accepts.
    $script:EmulatorJson = $Emulator | Select-Object * -ExcludeProperty Process | ConvertTo-Json -Compress

    # Runs -Script in a child pwsh that trusts the emulator's CA, with every stream of every
    # scenario written to its stdout (so tests can look for tokens in all of it), and returns the
    # child's JSON result. Scenario helpers are defined in the child's preamble below.
    $script:ChildPreamble = {
        param($Manifest, $EmulatorJson)
        $ErrorActionPreference = 'Stop'
        $VerbosePreference = 'Continue'
        $E = $EmulatorJson | ConvertFrom-Json
        Import-Module $Manifest -Verbose:$false
        $Emu = @{ TenantId = $E.TenantId; ExchangeEndpoint = $E.Endpoint; AuthorityHost = $E.LoginEndpoint }
        $Results = [ordered]@{}
        # Runs one scenario: all streams are captured and printed, the outcome goes to $Results.
        function Step([string] $Name, [scriptblock] $Script) {
            $r = [ordered]@{ Connected = $false }
            # A list, so that what a failing step wrote before it failed (a device code prompt) is kept.
            $records = [System.Collections.Generic.List[object]]::new()
            try {
                & $Script *>&1 | ForEach-Object { $records.Add($_) }
                $connection = Get-O365JournalingConnection
                if ($connection) {
                    $r.Connected = $true
                    $r.SignInMethod = "$($connection.SignInMethod)"
                    $r.ClientId = $connection.ClientId
                    $r.UserPrincipalName = $connection.UserPrincipalName
                    $r.CertificateThumbprint = $connection.CertificateThumbprint
                    $r.TenantId = $connection.TenantId
                    $r.ExchangeEndpoint = "$($connection.ExchangeEndpoint)"
                    $r.TokenExpiresOn = if ($connection.TokenExpiresOn) { $connection.TokenExpiresOn.ToUnixTimeSeconds() }
                    $records.Add(($connection | Format-List * | Out-String -Width 400))
                    $records.Add(($connection | ConvertTo-Json))
                    $r.Contacts = @(Get-O365JournalContact -Verbose *>&1 | ForEach-Object { $records.Add($_); $_ } |
                            Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count
                    $r.GraphAvailable = $connection.GraphAvailable
                    if ("$($connection.GraphEndpoint)".TrimEnd('/') -eq "$($E.Endpoint)".TrimEnd('/')) {
                        # -GraphEndpoint pointed at the emulator: Graph through the same sign-in.
                        $r.Domains = @(Get-O365AcceptedDomain -Verbose *>&1 | ForEach-Object { $records.Add($_); $_ } |
                                Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] } | ForEach-Object { "$($_.DomainName)|$($_.Source)" })
                    }
                }
            } catch {
                $r.ErrorId = $_.FullyQualifiedErrorId
                $r.Category = "$($_.CategoryInfo.Category)"
                $r.Message = $_.Exception.Message
                $r.ExceptionType = $_.Exception.GetType().FullName
                $records.Add(($_ | Out-String -Width 400))
            } finally {
                Disconnect-O365Journaling -Verbose:$false
            }
            $r.Information = @($records | Where-Object { $_ -is [System.Management.Automation.InformationRecord] } | ForEach-Object { "$($_.MessageData)" })
            $r.Verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            foreach ($record in $records) {
                if ($record -is [System.Management.Automation.VerboseRecord] -or $record -is [System.Management.Automation.WarningRecord]) { "STREAM: $($record.Message)" }
                elseif ($record -is [System.Management.Automation.InformationRecord]) { "STREAM: $($record.MessageData)" }
                elseif ($record -is [System.Management.Automation.ErrorRecord]) { "STREAM: $($record | Out-String -Width 400)" }
                else { "STREAM: $($record | Format-List * | Out-String -Width 400)" }
            }
            $Results[$Name] = $r
        }
    }.ToString()
    function Invoke-SignInChild([string] $Script, [hashtable] $Environment = @{}, [string] $IsolatedHome, [switch] $NoWait) {
        # ScriptBlock.ToString() is the body: the preamble's param() block heads the child's script.
        $full = $ChildPreamble + "`n" + $Script + "`n" + '[pscustomobject]$Results | ConvertTo-Json -Depth 5 -Compress'
        $child = Start-ChildPwsh -Script $full -Arguments $ModuleManifest, $EmulatorJson `
            -Environment (Get-EmulatorChildEnvironment $Emulator -Extra $Environment -IsolatedHome $IsolatedHome)
        if ($NoWait) { return $child }
        Wait-ChildPwsh $child -TimeoutSeconds 240
    }
    # Nothing the emulator issued, and no secret or password, may appear in any stream of a child.
    function Assert-NoSecretIn($Run) {
        $all = $Run.Stdout + $Run.Stderr
        $all | Should -Match 'STREAM: Connecting to Exchange Online' -Because 'the child printed its verbose stream, so the search below covers it'
        $tokens = @(Get-EmulatorIssuedToken $Emulator)
        $tokens.Count | Should -BeGreaterThan 0
        foreach ($token in $tokens) {
            $all.Contains($token) | Should -BeFalse -Because 'an access token must never be written to any stream'
            $all.Contains($token.Split('.')[2]) | Should -BeFalse -Because 'not even the signature part of a token'
        }
        $all | Should -Not -Match ([regex]::Escape($Emulator.ClientSecret))
        $all | Should -Not -Match ([regex]::Escape($Emulator.ClientCertificatePassword))
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
        $connection.ClientId | Should -Be $Emulator.ClientId -Because 'the appid claim of the token'
        $connection.TokenExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(50)) -Because 'the exp claim of the token'
        ($connection | Format-List * | Out-String -Width 400) | Should -Not -Match ([regex]::Escape($token))
        ($connection | ConvertTo-Json | Out-String) | Should -Not -Match ([regex]::Escape($token))
        @(Get-O365JournalContact).Count | Should -Be 0
    }

    It 'has one parameter set per way to sign in' {
        $sets = (Get-Command Connect-O365Journaling).ParameterSets
        @($sets.Name | Sort-Object) | Should -Be @('AccessToken', 'Certificate', 'CertificateFile', 'CertificateThumbprint', 'ClientSecret', 'DeviceCode', 'ManagedIdentity')
        ($sets | Where-Object Name -eq 'ManagedIdentity').Parameters.Name | Should -Not -Contain 'ClientId'
        ($sets | Where-Object Name -eq 'CertificateFile').Parameters.Name | Should -Contain 'CertificatePassword'
        (Get-Help Connect-O365Journaling).Syntax.SyntaxItem.Count | Should -Be 7
    }

    It 'refuses a sign-in host that is not https (MSAL signs in over https only)' {
        $err = { Connect-O365Journaling -TenantId $Emulator.TenantId -ClientId $Emulator.ClientId -ClientSecret (ConvertTo-SecureString 'x' -AsPlainText -Force) `
                -ExchangeEndpoint $Emulator.Endpoint -AuthorityHost $Emulator.Endpoint } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'O365InvalidEndpoint,*'
        $err.Exception.Message | Should -Match 'https'
        Get-O365JournalingConnection | Should -BeNullOrEmpty
    }

    It '-WhatIf does not connect' {
        Connect-O365Journaling -TenantId $Emulator.TenantId -ClientId $Emulator.ClientId -ClientSecret (ConvertTo-SecureString 'x' -AsPlainText -Force) `
            -ExchangeEndpoint $Emulator.Endpoint -AuthorityHost $Emulator.LoginEndpoint -WhatIf
        Get-O365JournalingConnection | Should -BeNullOrEmpty
    }

    It 'Disconnect-O365Journaling ends the session' {
        Connect-TestExchangeEmulator $Emulator
        Disconnect-O365Journaling
        Get-O365JournalingConnection | Should -BeNullOrEmpty
        { Get-O365JournalContact } | Should -Throw '*Connect-O365Journaling*'
    }
}

Describe 'Connect-O365Journaling app-only with MSAL (a client secret, a certificate)' {
    BeforeAll {
        $script:ChildHome = Join-Path ([IO.Path]::GetTempPath()) ('mj-home-' + [guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $ChildHome | Out-Null
        $script:Run = Invoke-SignInChild -IsolatedHome $ChildHome -Script {
            $secret = ConvertTo-SecureString $E.ClientSecret -AsPlainText -Force
            $password = ConvertTo-SecureString $E.ClientCertificatePassword -AsPlainText -Force
            Step Secret { Connect-O365Journaling @Emu -ClientId $E.ClientId -ClientSecret $secret }
            Step SecretGraph { Connect-O365Journaling @Emu -ClientId $E.ClientId -ClientSecret $secret -GraphEndpoint $E.Endpoint }
            Step WrongSecret { Connect-O365Journaling @Emu -ClientId $E.ClientId -ClientSecret (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force) }
            Step UnknownClient { Connect-O365Journaling @Emu -ClientId 00000000-1111-2222-3333-444444444444 -ClientSecret $secret }
            Step CertificateFile { Connect-O365Journaling @Emu -ClientId $E.ClientId -CertificatePath $E.ClientCertificatePath -CertificatePassword $password }
            Step WrongPassword { Connect-O365Journaling @Emu -ClientId $E.ClientId -CertificatePath $E.ClientCertificatePath -CertificatePassword (ConvertTo-SecureString 'Wr0ng-Pfx-Passw0rd' -AsPlainText -Force) }
            $certificate = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($E.ClientCertificatePath, $E.ClientCertificatePassword)
            Step CertificateObject { Connect-O365Journaling @Emu -ClientId $E.ClientId -Certificate $certificate -GraphEndpoint $E.Endpoint }
            $public = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile($E.ClientCertificatePublicPath)
            Step NoPrivateKey { Connect-O365Journaling @Emu -ClientId $E.ClientId -Certificate $public }
            Step ThumbprintMissing { Connect-O365Journaling @Emu -ClientId $E.ClientId -CertificateThumbprint $E.ClientCertificateThumbprint }
            # HOME is a temporary folder: this CurrentUser\My store belongs to the test only.
            $store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
            $store.Open('ReadWrite')
            $persisted = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($E.ClientCertificatePath, $E.ClientCertificatePassword, 'PersistKeySet, Exportable')
            $store.Add($persisted)
            $store.Close()
            Step Thumbprint { Connect-O365Journaling @Emu -ClientId $E.ClientId -CertificateThumbprint $E.ClientCertificateThumbprint }
        }.ToString()
        $script:R = $Run.Result
    }
    AfterAll { Remove-Item -LiteralPath $ChildHome -Recurse -Force -ErrorAction SilentlyContinue }

    It 'runs' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Stderr
        $R | Should -Not -BeNullOrEmpty -Because $Run.Stdout
    }

    It 'signs in with a client secret, shows the client id and MSAL''s token expiry, and a cmdlet runs' {
        $R.Secret.Connected | Should -BeTrue -Because $R.Secret.Message
        $R.Secret.SignInMethod | Should -Be 'ClientSecret'
        $R.Secret.ClientId | Should -Be $Emulator.ClientId
        $R.Secret.UserPrincipalName | Should -BeNullOrEmpty
        [DateTimeOffset]::FromUnixTimeSeconds($R.Secret.TokenExpiresOn) | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(50))
        $R.Secret.Contacts | Should -Be 0
        $R.Secret.Verbose | Should -Contain 'Exchange: Invoking Get-MailContact -ResultSize ''Unlimited'''
    }

    It 'the same MSAL sign-in gives Microsoft Graph tokens: Get-O365AcceptedDomain reads Graph, not Exchange' {
        $R.SecretGraph.Connected | Should -BeTrue -Because $R.SecretGraph.Message
        $R.SecretGraph.GraphAvailable | Should -BeTrue
        $R.SecretGraph.Domains | Should -Be @('contoso.com|Graph', 'contoso.onmicrosoft.com|Graph')
        $R.CertificateObject.Domains | Should -Be @('contoso.com|Graph', 'contoso.onmicrosoft.com|Graph')
        # MSAL asked the token endpoint for the cloud's Graph scope (the emulator gives that audience its own tokens).
        $audiences = @(Get-EmulatorIssuedToken $Emulator | ForEach-Object {
                $part = $_.Split('.')[1].Replace('-', '+').Replace('_', '/')
                ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($part.PadRight($part.Length + (4 - $part.Length % 4) % 4, '='))) | ConvertFrom-Json).aud
            })
        $audiences | Should -Contain 'https://graph.microsoft.com'
    }

    It 'a wrong client secret is an authentication error with the sign-in service''s text, and no connection' {
        $R.WrongSecret.Connected | Should -BeFalse
        $R.WrongSecret.ErrorId | Should -BeLike 'O365SignInFailed,*'
        $R.WrongSecret.Category | Should -Be 'AuthenticationError'
        $R.WrongSecret.Message | Should -Match 'AADSTS7000215'
        $R.WrongSecret.Message | Should -Not -Match 'not-the-secret'
    }

    It 'an unknown client id is an authentication error that says so' {
        $R.UnknownClient.ErrorId | Should -BeLike 'O365SignInFailed,*'
        $R.UnknownClient.Message | Should -Match 'AADSTS700016'
        $R.UnknownClient.Message | Should -Match '00000000-1111-2222-3333-444444444444'
    }

    It 'signs in with a .pfx file and its password (a client assertion the emulator verified)' {
        $R.CertificateFile.Connected | Should -BeTrue -Because $R.CertificateFile.Message
        $R.CertificateFile.SignInMethod | Should -Be 'Certificate'
        $R.CertificateFile.CertificateThumbprint | Should -Be $Emulator.ClientCertificateThumbprint
        $R.CertificateFile.Contacts | Should -Be 0
    }

    It 'a wrong .pfx password names the file, never the password' {
        $R.WrongPassword.ErrorId | Should -BeLike 'O365CertificateUnreadable,*'
        $R.WrongPassword.Category | Should -Be 'InvalidData'
        $R.WrongPassword.Message | Should -Match ([regex]::Escape($Emulator.ClientCertificatePath))
        $Run.Stdout | Should -Not -Match 'Wr0ng-Pfx-Passw0rd'
    }

    It 'signs in with an X509Certificate2 object' {
        $R.CertificateObject.Connected | Should -BeTrue -Because $R.CertificateObject.Message
        $R.CertificateObject.SignInMethod | Should -Be 'Certificate'
        $R.CertificateObject.Contacts | Should -Be 0
    }

    It 'a certificate without its private key is refused before any sign-in' {
        $R.NoPrivateKey.ErrorId | Should -BeLike 'O365CertificateWithoutPrivateKey,*'
        $R.NoPrivateKey.Category | Should -Be 'InvalidArgument'
        $R.NoPrivateKey.Message | Should -Match 'no private key'
    }

    It 'finds a certificate by thumbprint in CurrentUser\My, and says where it looked when it is not there' {
        $R.ThumbprintMissing.ErrorId | Should -BeLike 'O365CertificateNotFound,*'
        $R.ThumbprintMissing.Category | Should -Be 'ObjectNotFound'
        $R.ThumbprintMissing.Message | Should -Match 'CurrentUser\\My or LocalMachine\\My'
        $R.Thumbprint.Connected | Should -BeTrue -Because $R.Thumbprint.Message
        $R.Thumbprint.CertificateThumbprint | Should -Be $Emulator.ClientCertificateThumbprint
        $R.Thumbprint.Contacts | Should -Be 0
    }

    It 'the errors carry no third-party exception type' {
        foreach ($step in 'WrongSecret', 'WrongPassword', 'NoPrivateKey', 'ThumbprintMissing') {
            $R.$step.ExceptionType | Should -Be 'MimecastJournaling.ExchangeOnline.AccessTokenException'
        }
    }

    It 'never writes a token, the secret or the password to any stream (verbose included)' {
        @($R.Secret.Verbose).Count | Should -BeGreaterThan 1
        Assert-NoSecretIn $Run
    }
}

Describe 'Connect-O365Journaling -DeviceCode' {
    BeforeAll {
        $child = Invoke-SignInChild -NoWait -Script {
            Step Approved { Connect-O365Journaling @Emu -ClientId $E.ClientId -DeviceCode }
            Step Declined { Connect-O365Journaling @Emu -ClientId $E.ClientId -DeviceCode }
        }.ToString()
        # The admin on another device: approves the first code, declines the second.
        $script:FirstCode = Wait-EmulatorDeviceCode $Emulator
        Invoke-TestExchangeEmulator $Emulator "approve $FirstCode" | Should -Be 'ok'
        $script:SecondCode = Wait-EmulatorDeviceCode $Emulator
        Invoke-TestExchangeEmulator $Emulator "decline $SecondCode" | Should -Be 'ok'
        $script:Run = Wait-ChildPwsh $child -TimeoutSeconds 240
        $script:R = $Run.Result
    }

    It 'runs' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Stderr
        $R | Should -Not -BeNullOrEmpty -Because $Run.Stdout
    }

    It 'shows the code and where to enter it on the host, not in the pipeline' {
        $prompt = @($R.Approved.Information) -join "`n"
        $prompt | Should -Match ([regex]::Escape($FirstCode))
        $prompt | Should -Match ([regex]::Escape("$($Emulator.LoginEndpoint)devicelogin"))
    }

    It 'signs the user in once the code is approved: user, delegated method, expiry, and a cmdlet runs' {
        $R.Approved.Connected | Should -BeTrue -Because $R.Approved.Message
        $R.Approved.SignInMethod | Should -Be 'DeviceCode'
        $R.Approved.UserPrincipalName | Should -Be $Emulator.AdminUserPrincipalName
        $R.Approved.ClientId | Should -Be $Emulator.ClientId
        $R.Approved.TokenExpiresOn | Should -BeGreaterThan 0
        $R.Approved.Contacts | Should -Be 0
    }

    It 'a declined code is an authentication error and no connection' {
        @($R.Declined.Information) -join "`n" | Should -Match ([regex]::Escape($SecondCode))
        $R.Declined.Connected | Should -BeFalse
        $R.Declined.ErrorId | Should -BeLike 'O365DeviceCodeDeclined,*'
        $R.Declined.Category | Should -Be 'AuthenticationError'
    }

    It 'never writes a token to any stream' {
        Assert-NoSecretIn $Run
    }
}

Describe 'Connect-O365Journaling -ManagedIdentity' {
    BeforeAll {
        # App Service style: MSAL finds the endpoint and its secret header in the environment (of the child only).
        $script:Run = Invoke-SignInChild -Environment @{ IDENTITY_ENDPOINT = $Emulator.ManagedIdentityEndpoint; IDENTITY_HEADER = $Emulator.ManagedIdentityHeader } -Script {
            $mi = @{ TenantId = $E.TenantId; ExchangeEndpoint = $E.Endpoint }
            Step SystemAssigned { Connect-O365Journaling @mi -ManagedIdentity -GraphEndpoint $E.Endpoint }
            Step UserAssigned { Connect-O365Journaling @mi -ManagedIdentity -ManagedIdentityClientId $E.UserAssignedClientId }
            Step Unknown { Connect-O365Journaling @mi -ManagedIdentity -ManagedIdentityClientId 11111111-2222-3333-4444-555555555555 }
        }.ToString()
        $script:R = $Run.Result
    }

    It 'runs' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Stderr
        $R | Should -Not -BeNullOrEmpty -Because $Run.Stdout
    }

    It 'signs in as the system-assigned identity and a cmdlet runs' {
        $R.SystemAssigned.Connected | Should -BeTrue -Because $R.SystemAssigned.Message
        $R.SystemAssigned.SignInMethod | Should -Be 'ManagedIdentity'
        $R.SystemAssigned.ClientId | Should -BeNullOrEmpty
        $R.SystemAssigned.TokenExpiresOn | Should -BeGreaterThan 0
        $R.SystemAssigned.Contacts | Should -Be 0
        # Graph through the same identity (a token for the Graph resource).
        $R.SystemAssigned.GraphAvailable | Should -BeTrue
        $R.SystemAssigned.Domains | Should -Be @('contoso.com|Graph', 'contoso.onmicrosoft.com|Graph')
    }

    It 'signs in as a user-assigned identity by its client id' {
        $R.UserAssigned.Connected | Should -BeTrue -Because $R.UserAssigned.Message
        $R.UserAssigned.ClientId | Should -Be $Emulator.UserAssignedClientId
        $R.UserAssigned.Contacts | Should -Be 0
    }

    It 'an identity the host does not have is a clear error' {
        $R.Unknown.ErrorId | Should -BeLike 'O365ManagedIdentityUnavailable,*'
        $R.Unknown.Message | Should -Match 'ManagedIdentityClientId'
    }

    It 'never writes a token to any stream' {
        Assert-NoSecretIn $Run
    }
}

Describe 'O365JournalContact' {
    BeforeAll { Connect-TestExchangeEmulator $Emulator }
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
    BeforeAll { Connect-TestExchangeEmulator $Emulator }
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
