# Running it for real, in one go from the package (issue 13, "Done when"): a fresh pwsh with an
# empty module path installs MimecastJournaling from a local folder repository, imports it by name,
# sets up a store, the alert relay and the service unit (PEM certificate, metrics); the service host
# then runs as the unit's user (as systemd would run its ExecStart, see Start-UnitCommand), receives
# a report over STARTTLS, is given a renewed certificate file and keeps receiving with it, is
# scraped for metrics, and, with no traffic for the definition's 1-minute inactivity period,
# emails the Down alert to a local relay (aiosmtpd). Runs as root on Linux (the unit goes to
# /etc/systemd/system under a unique name; the service user is created by the cmdlet and removed).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    foreach ($tool in 'swaks', 'openssl', 'aiosmtpd', 'setpriv') {
        if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) {
            throw "$tool is missing: build.ps1 -Task Test installs the test packages (swaks, python3-aiosmtpd; openssl and setpriv come with the system)."
        }
    }
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('mj-walk-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $Work | Out-Null
    & chmod 755 $Work
    $script:Name = 'mj-walk-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
    $script:User = 'mj-walk-svc'
    $script:Repository = Join-Path $Work 'repo'
    $null = & (Join-Path $RepoRoot 'build/New-ModulePackage.ps1') -ModuleRoot $RepoRoot -OutputPath $Repository
    $script:Version = (Import-PowerShellDataFile $ModuleManifest).ModuleVersion

    # The relay that receives the alerts: aiosmtpd with STARTTLS, into a Maildir.
    $script:Relay = New-PemPair (Join-Path $Work 'relay') 'relay.contoso.test'
    $script:Maildir = Join-Path $Work 'maildir'
    $script:RelayPort = Get-FreeLoopbackPort
    $script:RelayProcess = Start-Process -FilePath aiosmtpd -PassThru -ArgumentList @('-n', '-l', "127.0.0.1:$RelayPort",
        '--tlscert', $Relay.Certificate, '--tlskey', $Relay.Key, '-c', 'aiosmtpd.handlers.Mailbox', $Maildir) -RedirectStandardError (Join-Path $Work 'relay.err')
    Wait-Until { Test-Listening $RelayPort } -Seconds 30 | Should -BeTrue -Because 'aiosmtpd should listen'
    function Get-RelayMessages {
        @(Get-ChildItem (Join-Path $Maildir 'new') -File -ErrorAction SilentlyContinue | ForEach-Object { Get-Content $_.FullName -Raw })
    }

    # certbot's layout: the live PEM pair the service reads, renewed in place later.
    $script:Live = New-PemPair (Join-Path $Work 'live') 'first.contoso.test'
    & chmod 755 (Join-Path $Work 'live')
    $script:Store = Join-Path $Work 'store/journaling.db'
    $script:SmtpPort = Get-FreeLoopbackPort
    $script:MetricsPort = Get-FreeLoopbackPort
    $script:IsolatedHome = Join-Path $Work 'home'
    New-Item -ItemType Directory -Path $IsolatedHome | Out-Null
    & chmod 755 $IsolatedHome

    $script = {
        param($Repository, $Version, $Store, $Name, $User, $SmtpPort, $MetricsPort, $RelayPort, $RelayThumbprint, $Certificate, $Key)
        $ErrorActionPreference = 'Stop'
        $ProgressPreference = 'SilentlyContinue'
        $before = @(Get-Module -ListAvailable -Name MimecastJournaling).Count
        Register-PSResourceRepository -Name MJWalk -Uri $Repository -Trusted
        Install-PSResource -Name MimecastJournaling -Repository MJWalk -Scope CurrentUser -Version $Version -Quiet
        Import-Module MimecastJournaling
        $module = Get-Module MimecastJournaling
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name journal.contoso.com, contoso.com | Out-Null
        Add-JournalInternalAddress -Address alice@contoso.com, bob@contoso.com | Out-Null
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -JournalNonInternalAddresses -InactivityPeriod (New-TimeSpan -Minutes 1) | Out-Null
        Set-JournalAlert -EmailTo journaling-team@contoso.com -EmailFrom journal-listener@contoso.com -SmtpServer 127.0.0.1 -SmtpPort $RelayPort `
            -SmtpCertificateThumbprint $RelayThumbprint -Confirm:$false | Out-Null
        $service = Install-JournalListenerService $Name -BindAddress 127.0.0.1 -Port $SmtpPort -User $User -CertificatePath $Certificate -KeyPath $Key `
            -MetricsPrefix "http://127.0.0.1:$MetricsPort/" -ServerName archive.contoso.test -WarningAction SilentlyContinue
        [ordered]@{
            Before     = $before
            ModulePath = $module.ModuleBase
            Path       = $service.Path
            User       = $service.User
            Store      = $service.Store
            Endpoints  = $service.Endpoints
        } | ConvertTo-Json -Compress
    }.ToString()
    $environment = @{
        HOME            = $IsolatedHome
        PSModulePath    = ''
        XDG_DATA_HOME   = ''
        XDG_CONFIG_HOME = ''
        XDG_CACHE_HOME  = ''
        NUGET_PACKAGES  = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
        DOTNET_CLI_HOME = if ($env:DOTNET_CLI_HOME) { $env:DOTNET_CLI_HOME } else { $HOME }
    }
    $script:Setup = Invoke-ChildPwsh -Script $script -Environment $environment -TimeoutSeconds 240 -Arguments $Repository, $Version, $Store, $Name, $User,
        "$SmtpPort", "$MetricsPort", "$RelayPort", $Relay.Thumbprint, $Live.Certificate, $Live.Key
    $script:Service = $Setup.Result
    $script:NotifyPath = Join-Path $Work 'notify.sock'
    $script:Notify = New-NotifySocket $NotifyPath
}

AfterAll {
    Stop-UnitCommands
    if ($Notify) { $Notify.Dispose() }
    if (Test-Path "/etc/systemd/system/$Name.service") { Uninstall-JournalListenerService $Name -Confirm:$false -ErrorAction SilentlyContinue }
    & userdel $User 2>$null
    if ($RelayProcess -and -not $RelayProcess.HasExited) { $RelayProcess.Kill() }
    Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'From the package to a watched service, in one go' {
    It 'installs from the package in a fresh pwsh, imports by name and installs the service unit' {
        $Setup.ExitCode | Should -Be 0 -Because $Setup.Stderr
        $Service.Before | Should -Be 0
        $Service.ModulePath | Should -BeLike "$IsolatedHome/*MimecastJournaling*$Version"
        $Service.Path | Should -Be "/etc/systemd/system/$Name.service"
        $Service.Store | Should -Be $Store
        $Service.Endpoints | Should -Be @("127.0.0.1:$SmtpPort")
        $unit = Get-Content -LiteralPath $Service.Path -Raw
        $unit | Should -Match ([regex]::Escape("$($Service.ModulePath)/bin/MimecastJournaling.Host.dll"))
        $unit | Should -Match '--key '
        $unit | Should -Match ([regex]::Escape("--metrics-prefix http://127.0.0.1:$MetricsPort/"))
        $output = & systemd-analyze verify $Service.Path 2>&1 | ForEach-Object { "$_" }
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
    }

    It 'starts the host as the unit user, which reports READY=1 and receives a report over STARTTLS' {
        $script:HostRun = Start-UnitCommand ([pscustomobject]@{ Path = $Service.Path; User = $Service.User }) $NotifyPath (Join-Path $Work 'no-credentials')
        $ready = Receive-Notify $Notify 90
        $ready | Should -Be 'READY=1' -Because "the host said: $(if ($HostRun.Process.HasExited) { $HostRun.Stderr.Result + $HostRun.Stdout.Result })"
        Get-ServedSubject $SmtpPort | Should -Match 'first\.contoso\.test'
        $replies = Send-SwaksReport -Port $SmtpPort -Path (Join-Path $RepoRoot 'tests/Fixtures/Reports/synthetic-bifurcated-fork1.eml') -Options '--tls'
        $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
        Wait-Until { (Get-JournalDefinition 'EXO' -Store $Store).ArchivedCount -eq 1 } 60 | Should -BeTrue
    }

    It 'serves a renewed certificate file to the next session without a restart, and keeps receiving' {
        $next = New-PemPair (Join-Path $Work 'next') 'renewed.contoso.test'
        # In place, as a deploy hook does: the live files keep the owner and mode that give the service's group read access.
        [IO.File]::WriteAllBytes($Live.Key, [IO.File]::ReadAllBytes($next.Key))
        [IO.File]::WriteAllBytes($Live.Certificate, [IO.File]::ReadAllBytes($next.Certificate))
        Start-Sleep -Milliseconds 1300
        Get-ServedSubject $SmtpPort | Should -Match 'renewed\.contoso\.test'
        $replies = Send-SwaksReport -Port $SmtpPort -Path (Join-Path $RepoRoot 'tests/Fixtures/Reports/synthetic-bifurcated-fork2.eml') -Options '--tls'
        $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
        Wait-Until { (Get-JournalDefinition 'EXO' -Store $Store).ReceivedCount -eq 2 -and (Get-JournalDefinition 'EXO' -Store $Store).QueueLength -eq 0 } 60 | Should -BeTrue
        $HostRun.Process.HasExited | Should -BeFalse
    }

    It 'serves Prometheus metrics that count both reports, and /health and /ready' {
        $metrics = (Invoke-WebRequest "http://127.0.0.1:$MetricsPort/metrics" -TimeoutSec 10).Content
        $received = [regex]::Matches($metrics, '(?m)^journal_reports_received_total\{[^}]*\} (\d+)') | ForEach-Object { [int]$_.Groups[1].Value }
        ($received | Measure-Object -Sum).Sum | Should -Be 2 -Because $metrics
        $metrics | Should -Match 'journal_certificate_expiry_timestamp_seconds\{[^}]*renewed'
        (Invoke-WebRequest "http://127.0.0.1:$MetricsPort/health" -TimeoutSec 10).StatusCode | Should -Be 200
        (Invoke-WebRequest "http://127.0.0.1:$MetricsPort/ready" -TimeoutSec 10).StatusCode | Should -Be 200
    }

    It 'emails the Down alert to the relay when the inactivity period passes with no traffic' {
        Wait-Until { @(Get-RelayMessages | Where-Object { $_ -match 'DefinitionDown EXO' }).Count -gt 0 } -Seconds 180 |
            Should -BeTrue -Because "the service's own watch should mark EXO Down after 1 minute and alert (host log: $($HostRun.Process.HasExited))"
        $down = Get-RelayMessages | Where-Object { $_ -match 'DefinitionDown EXO' } | Select-Object -First 1
        $down | Should -Match 'To: journaling-team@contoso\.com'
        $down | Should -Match 'No journal report since'
        (Get-JournalDefinition 'EXO' -Store $Store).Status | Should -Be 'Down'
    }

    It 'stops cleanly on SIGTERM, with one log record per SMTP transaction in its output, and is removed with its unit' {
        & kill -TERM $HostRun.Process.Id
        Receive-Notify $Notify 30 | Should -Be 'STOPPING=1'
        $HostRun.Process.WaitForExit(90000) | Should -BeTrue
        $HostRun.Process.ExitCode | Should -Be 0 -Because $HostRun.Stderr.Result
        $log = $HostRun.Stdout.Result + $HostRun.Stderr.Result
        $log | Should -Match 'Stopped: 2 received, 2 accepted'
        $log | Should -Match 'renewed\.contoso\.test'
        $log | Should -Match 'Alert sent'
        Uninstall-JournalListenerService $Name -Confirm:$false
        "/etc/systemd/system/$Name.service" | Should -Not -Exist
        $Store | Should -Exist
    }
}
