# Dependency isolation (the issue's requirement): another module in the session already loaded an
# OLDER DnsClient (1.6.1) than the one we ship (1.8.0). Both must keep working side by side, and
# no third-party type may leak into the cmdlets' public surface.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Store = New-TestStore
    $env:MIMECASTJOURNALING_STORE = $Store
    $script:Domain = Register-JournalDomain -Name isolation.contoso.test
    $script:Dns = Start-TestDnsServer -TxtRecord @{ 'isolation.contoso.test' = $Domain.VerificationCode }
}

AfterAll {
    Stop-TestDnsServer $Dns
    Remove-TestStore $Store
    Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
}

Describe 'An older DnsClient already in the session' {
    BeforeAll {
        $env:MIMECASTJOURNALING_OLD_DNSCLIENT | Should -Not -BeNullOrEmpty -Because 'build.ps1 -Task Test sets it to DnsClient 1.6.1 from NuGet'
        Test-Path -LiteralPath $env:MIMECASTJOURNALING_OLD_DNSCLIENT | Should -BeTrue
        $script:Run = Invoke-ChildPwsh -Arguments $ModuleManifest, $env:MIMECASTJOURNALING_OLD_DNSCLIENT, $Store, "$($Dns.Port)", $Domain.Name -Script {
            param($Manifest, $OldDnsClient, $Store, [int] $Port, $Domain)
            $ErrorActionPreference = 'Stop'
            $out = [ordered]@{}
            function Get-TxtWithOldClient {
                # What another module does with ITS DnsClient: a LookupClient query of the TXT record.
                $client = [DnsClient.LookupClient]::new([System.Net.IPAddress]::Loopback, $Port)
                $response = $client.Query($Domain, [DnsClient.QueryType]::TXT)
                @($response.Answers | Where-Object { $_ -is [DnsClient.Protocol.TxtRecord] } | ForEach-Object { $_.Text -join '' })
            }
            Add-Type -Path $OldDnsClient
            $out.OldBefore = Get-TxtWithOldClient
            $out.OldTypeVersionBefore = [DnsClient.LookupClient].Assembly.GetName().Version.ToString()

            Import-Module $Manifest
            $registered = Register-JournalDomain -Name $Domain -Store $Store
            $tested = Test-JournalDomain -Name $Domain -DnsServer "127.0.0.1:$Port" -Store $Store
            $out.Code = $registered.VerificationCode
            $out.Verified = $tested.Verified

            $out.OldAfter = Get-TxtWithOldClient
            $out.OldTypeVersionAfter = [DnsClient.LookupClient].Assembly.GetName().Version.ToString()
            $out.Loaded = @([System.Runtime.Loader.AssemblyLoadContext]::All | ForEach-Object {
                    $context = $_
                    $context.Assemblies | Where-Object { $_.GetName().Name -eq 'DnsClient' } | ForEach-Object {
                        [pscustomobject]@{ Context = $context.Name; Version = $_.GetName().Version.ToString(3) }
                    }
                })
            [pscustomobject]$out | ConvertTo-Json -Depth 4 -Compress
        }.ToString()
        $script:R = $Run.Result
    }

    It 'runs without error' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Stderr
        $Run.Stderr | Should -BeNullOrEmpty
        $R | Should -Not -BeNullOrEmpty -Because $Run.Stdout
    }

    It 'lets the session use DnsClient 1.6.1 before the module is imported' {
        $R.OldTypeVersionBefore | Should -BeLike '1.6.1*'
        @($R.OldBefore) | Should -Contain $Domain.VerificationCode
    }

    It 'verifies the domain with the module (its own DnsClient) against dnsmasq' {
        $R.Code | Should -Be $Domain.VerificationCode
        $R.Verified | Should -BeTrue
        (Get-JournalDomain -Name $Domain.Name).Verified | Should -BeTrue   # the child wrote the shared store
    }

    It 'lets the session keep using DnsClient 1.6.1 after the module was used' {
        $R.OldTypeVersionAfter | Should -BeLike '1.6.1*'
        @($R.OldAfter) | Should -Contain $Domain.VerificationCode
    }

    It 'has 1.6.1 in the Default load context and 1.8.0 in the MimecastJournaling context' {
        $loaded = @($R.Loaded)
        $loaded.Count | Should -Be 2
        ($loaded | Where-Object Context -eq 'Default').Version | Should -Be '1.6.1'
        ($loaded | Where-Object Context -eq 'MimecastJournaling').Version | Should -Be '1.8.0'
    }
}

Describe 'An older Microsoft.Identity.Client (MSAL) already in the session' {
    # As when ExchangeOnlineManagement, Az or Microsoft.Graph signed in first: MSAL 4.61.3 in the
    # Default load context. The module signs in with its own MSAL (4.83) in its private context,
    # and the session's MSAL keeps working before and after.
    BeforeAll {
        foreach ($variable in 'MIMECASTJOURNALING_OLD_MSAL', 'MIMECASTJOURNALING_OLD_MSAL_ABSTRACTIONS') {
            $path = [Environment]::GetEnvironmentVariable($variable)
            $path | Should -Not -BeNullOrEmpty -Because "build.ps1 -Task Test sets $variable from NuGet (tests/Tools/TestTools.csproj)"
            Test-Path -LiteralPath $path | Should -BeTrue
        }
        $script:Emulator = Start-TestExchangeEmulator
        $emulatorJson = $Emulator | Select-Object * -ExcludeProperty Process | ConvertTo-Json -Compress
        $script:Run = Invoke-ChildPwsh -Environment (Get-EmulatorChildEnvironment $Emulator) `
            -Arguments $ModuleManifest, $env:MIMECASTJOURNALING_OLD_MSAL, $env:MIMECASTJOURNALING_OLD_MSAL_ABSTRACTIONS, $emulatorJson -Script {
            param($Manifest, $OldMsal, $OldAbstractions, $EmulatorJson)
            $ErrorActionPreference = 'Stop'
            $E = $EmulatorJson | ConvertFrom-Json
            $out = [ordered]@{}
            Add-Type -Path $OldAbstractions
            Add-Type -Path $OldMsal
            # The other module's MSAL: a public client (as for an interactive sign-in), and a
            # confidential client that really signs in at the emulator.
            $public = [Microsoft.Identity.Client.PublicClientApplicationBuilder]::Create($E.ClientId).
                WithAuthority("https://login.microsoftonline.com/$($E.TenantId)").Build()
            $out.OldPublicClientAccounts = @($public.GetAccountsAsync().GetAwaiter().GetResult()).Count
            $old = [Microsoft.Identity.Client.ConfidentialClientApplicationBuilder]::Create($E.ClientId).
                WithClientSecret($E.ClientSecret).WithAuthority("$("$($E.LoginEndpoint)".TrimEnd("/"))/$($E.TenantId)", $false).
                WithInstanceDiscovery($false).Build()
            $scopes = [string[]]@('https://outlook.office365.com/.default')
            $out.OldTokenBefore = $old.AcquireTokenForClient($scopes).ExecuteAsync().GetAwaiter().GetResult().AccessToken.Length -gt 0
            $out.OldVersionBefore = [Microsoft.Identity.Client.PublicClientApplication].Assembly.GetName().Version.ToString()

            Import-Module $Manifest
            $common = @{ TenantId = $E.TenantId; ExchangeEndpoint = $E.Endpoint; AuthorityHost = $E.LoginEndpoint }
            Connect-O365Journaling @common -ClientId $E.ClientId -ClientSecret (ConvertTo-SecureString $E.ClientSecret -AsPlainText -Force)
            $out.SecretMethod = "$((Get-O365JournalingConnection).SignInMethod)"
            $out.SecretContacts = @(Get-O365JournalContact).Count
            $out.Created = (New-O365JournalContact journal@journal.contoso.test -Name 'Isolation').Action.ToString()
            Connect-O365Journaling @common -ClientId $E.ClientId -CertificatePath $E.ClientCertificatePath `
                -CertificatePassword (ConvertTo-SecureString $E.ClientCertificatePassword -AsPlainText -Force)
            $out.CertificateMethod = "$((Get-O365JournalingConnection).SignInMethod)"
            $out.CertificateContacts = @(Get-O365JournalContact).Name
            Remove-O365JournalContact 'Isolation' -Confirm:$false
            Disconnect-O365Journaling

            $refreshed = $old.AcquireTokenForClient($scopes).WithForceRefresh($true).ExecuteAsync().GetAwaiter().GetResult()
            $out.OldTokenAfter = $refreshed.AccessToken.Length -gt 0
            $out.OldTokenAfterSource = "$($refreshed.AuthenticationResultMetadata.TokenSource)"
            $out.OldVersionAfter = [Microsoft.Identity.Client.PublicClientApplication].Assembly.GetName().Version.ToString()
            $out.Loaded = @([System.Runtime.Loader.AssemblyLoadContext]::All | ForEach-Object {
                    $context = $_
                    $context.Assemblies | Where-Object { $_.GetName().Name -eq 'Microsoft.Identity.Client' } | ForEach-Object {
                        [pscustomobject]@{ Context = $context.Name; Version = $_.GetName().Version.ToString(3) }
                    }
                })
            [pscustomobject]$out | ConvertTo-Json -Depth 4 -Compress
        }.ToString()
        $script:R = $Run.Result
    }
    AfterAll { Stop-TestExchangeEmulator $Emulator }

    It 'runs without error' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Stderr
        $Run.Stderr | Should -BeNullOrEmpty
        $R | Should -Not -BeNullOrEmpty -Because $Run.Stdout
    }

    It 'lets the session use MSAL 4.61.3 before the module is imported' {
        $R.OldVersionBefore | Should -BeLike '4.61.3*'
        $R.OldPublicClientAccounts | Should -Be 0
        $R.OldTokenBefore | Should -BeTrue
    }

    It 'signs in with a client secret and with a certificate, and runs the contact cmdlets' {
        $R.SecretMethod | Should -Be 'ClientSecret'
        $R.SecretContacts | Should -Be 0
        $R.Created | Should -Be 'Created'
        $R.CertificateMethod | Should -Be 'Certificate'
        $R.CertificateContacts | Should -Be 'Isolation'
    }

    It 'lets the session keep using MSAL 4.61.3 afterwards (a fresh token from the emulator)' {
        $R.OldVersionAfter | Should -BeLike '4.61.3*'
        $R.OldTokenAfter | Should -BeTrue
        $R.OldTokenAfterSource | Should -Be 'IdentityProvider'
    }

    It 'has 4.61.3 in the Default load context and the module''s MSAL in the MimecastJournaling context' {
        $loaded = @($R.Loaded)
        $loaded.Count | Should -Be 2
        ($loaded | Where-Object Context -eq 'Default').Version | Should -Be '4.61.3'
        $private = ($loaded | Where-Object Context -eq 'MimecastJournaling').Version
        $private | Should -Be ([System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $RepoRoot 'bin/Microsoft.Identity.Client.dll')).Version.ToString(3))
        $private | Should -Not -Be '4.61.3'
    }
}

Describe 'The public surface of the cmdlets' {
    BeforeAll {
        # Framework and PowerShell assemblies come from the runtime folder or $PSHOME; ours are
        # MimecastJournaling*. Anything else (DnsClient, SQLite, ...) is third-party.
        $script:Allowed = {
            param([type] $Type)
            $assembly = $Type.Assembly
            $assembly.GetName().Name -like 'MimecastJournaling*' -or
            $assembly.Location.StartsWith([System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()) -or
            $assembly.Location.StartsWith($PSHOME)
        }
        function Get-TypeParts([type] $Type) {
            $Type
            if ($Type.HasElementType) { Get-TypeParts $Type.GetElementType() }
            if ($Type.IsGenericType) { foreach ($t in $Type.GetGenericArguments()) { Get-TypeParts $t } }
        }
        $script:Commands = Get-Command -Module MimecastJournaling
        $script:ThirdParty = Join-Path $RepoRoot 'bin/DnsClient.dll'
    }

    It 'has no parameter type from a third-party assembly' {
        $Commands.Count | Should -BeGreaterThan 0
        $leaks = foreach ($command in $Commands) {
            foreach ($parameter in $command.Parameters.Values) {
                foreach ($t in Get-TypeParts $parameter.ParameterType) {
                    if (-not (& $Allowed $t)) { "$($command.Name) -$($parameter.Name): $($t.FullName) from $($t.Assembly.Location)" }
                }
            }
        }
        $leaks | Should -BeNullOrEmpty
    }

    It 'has no [OutputType] from a third-party assembly' {
        $leaks = foreach ($command in $Commands) {
            foreach ($output in $command.OutputType) {
                $output.Type | Should -Not -BeNullOrEmpty -Because "$($command.Name)'s [OutputType] must resolve to a type"
                foreach ($t in Get-TypeParts $output.Type) {
                    if (-not (& $Allowed $t)) { "$($command.Name) [OutputType]: $($t.FullName) from $($t.Assembly.Location)" }
                }
            }
        }
        $leaks | Should -BeNullOrEmpty
    }

    It 'would notice a third-party type (the check itself works)' {
        Test-Path $ThirdParty | Should -BeTrue
        $private = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'MimecastJournaling'
        $sqlite = $private.Assemblies | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' }
        $sqlite | Should -Not -BeNullOrEmpty
        & $Allowed $sqlite.GetType('Microsoft.Data.Sqlite.SqliteConnection') | Should -BeFalse
        & $Allowed ([string]) | Should -BeTrue
        & $Allowed ([System.Management.Automation.PSCredential]) | Should -BeTrue
    }
}
