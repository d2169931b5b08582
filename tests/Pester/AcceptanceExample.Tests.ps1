# examples/Journaling.Acceptance.Tests.ps1, the acceptance suite users copy, run as a user would
# (Invoke-Pester with New-PesterContainer -Data, in a fresh pwsh) against the Exchange Online
# emulator and a real listener on 127.0.0.1: it passes when journaling works, and fails, naming
# what is wrong, when the journal rule is disabled and the listener is down.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Emulator = Start-TestExchangeEmulator
    $script:Store = Use-ContosoStore
    New-JournalDefinition 'Acceptance' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -JournalNonInternalAddresses | Out-Null
    Connect-TestExchangeEmulator $Emulator
    Get-JournalDefinition 'Acceptance' | Enable-O365Journaling -SmartHost archive.contoso.com -NdrRecipient ndr@archive.example | Out-Null
    $script:Certificate = New-TestCertificate
    $script:Listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate $Certificate -ServerName archive.contoso.test
    $script:Port = Get-PortOf $Listener

    # The example in a fresh pwsh, with Pester and the module, as a user's CI job would run it.
    function Invoke-AcceptanceSuite {
        $script = {
            param($Pester, $Manifest, $Example, $Store, $Port, $Thumbprint, $TenantId, $Token, $Endpoint)
            $ErrorActionPreference = 'Stop'
            Import-Module $Pester
            Import-Module $Manifest
            $connection = @{ TenantId = $TenantId; AccessToken = (ConvertTo-SecureString $Token -AsPlainText -Force); ExchangeEndpoint = [uri]$Endpoint }
            $container = New-PesterContainer -Path $Example -Data @{
                Definition = 'Acceptance'; SmartHost = @('archive.contoso.com'); Store = $Store; SmtpServer = '127.0.0.1'; Port = [int]$Port
                CertificateThumbprint = $Thumbprint; Connection = $connection; NdrRecipient = 'ndr@archive.example'; ProbeTimeoutSeconds = 30
            }
            $result = Invoke-Pester -Container $container -PassThru -Output Normal
            [ordered]@{
                Total  = $result.TotalCount
                Passed = @($result.Passed | ForEach-Object { $_.ExpandedPath })
                Failed = @($result.Failed | ForEach-Object { $_.ExpandedPath })
                Errors = @($result.Failed | ForEach-Object { "$($_.ErrorRecord)" })
            } | ConvertTo-Json -Compress
        }.ToString()
        $run = Invoke-ChildPwsh -Script $script -TimeoutSeconds 240 -Arguments @(
            $env:MIMECASTJOURNALING_PESTER, $ModuleManifest, (Join-Path $RepoRoot 'examples/Journaling.Acceptance.Tests.ps1'), $Store, "$Port",
            $Certificate.Thumbprint, $Emulator.TenantId, (Invoke-TestExchangeEmulator $Emulator 'token'), "$($Emulator.Endpoint)")
        $run.Result | Should -Not -BeNullOrEmpty -Because "the child wrote: $($run.Stdout) $($run.Stderr)"
        $run.Result
    }
}
AfterAll {
    Disconnect-O365Journaling
    Stop-TestExchangeEmulator $Emulator
    Remove-ContosoStore $Store
}

Describe 'examples/Journaling.Acceptance.Tests.ps1' {
    It 'passes every test when Exchange Online, the definition and the listener are in order, and the probe is archived' {
        $result = Invoke-AcceptanceSuite
        $result.Failed | Should -BeNullOrEmpty -Because ($result.Errors -join "`n")
        $result.Total | Should -Be 6
        @($result.Passed).Count | Should -Be 6
        (Get-JournalDefinition 'Acceptance').Status | Should -Be 'OK'
        @(Get-JournalMessage -Definition 'Acceptance' | Where-Object Subject -eq 'MimecastJournaling connector probe').Count | Should -BeGreaterOrEqual 1
    }

    It 'fails the Exchange Online and probe tests, saying why, when the journal rule is disabled and the listener is stopped' {
        $answer = Invoke-TestExchangeEmulator $Emulator ('exec Disable-JournalRule ' + (@{ Identity = 'Journal - Acceptance' } | ConvertTo-Json -Compress))
        $answer | Should -BeLike 'ok *'
        Stop-JournalListener -TimeoutSeconds 5
        $result = Invoke-AcceptanceSuite
        @($result.Failed | Where-Object { $_ -like '*Exchange Online journals to*' }).Count | Should -Be 1
        @($result.Failed | Where-Object { $_ -like '*probe report*accepted over TLS*' }).Count | Should -Be 1
        ($result.Errors -join "`n") | Should -Match 'JournalRuleEnabled'
        ($result.Errors -join "`n") | Should -Match 'FAIL Connection'
        @($result.Passed | Where-Object { $_ -like '*is enabled*' }).Count | Should -Be 1
    }
}
