# Install-/Get-/Uninstall-JournalListenerService and the service host (MimecastJournaling.Host).
# Runs as root on Linux (the test machine): the unit goes to /etc/systemd/system under a unique
# name, the service user is created by the cmdlet and deleted afterwards. systemd is not PID 1
# here, so the unit is verified with systemd-analyze and its ExecStart is run the way systemd
# would run it: as the unit's user (setpriv), with NOTIFY_SOCKET on a unix datagram socket this
# test listens on, and CREDENTIALS_DIRECTORY holding the certificate password (LoadCredential=).
# (The Windows service path, sc.exe, cannot run here.)
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    $script:Name = 'mj-pester-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
    $script:User = 'mj-pester-svc'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('mj-service-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path (Join-Path $Work 'store') -Force | Out-Null
    & chmod 755 $Work
    $script:Store = Join-Path $Work 'store/journaling.db'
    Register-JournalDomain -Name journal.contoso.com, contoso.com -Store $Store | Out-Null
    New-JournalDefinition 'Service' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -JournalNonInternalAddresses -Store $Store | Out-Null
    $script:Password = 'Pfx-Pass!' + [guid]::NewGuid().ToString('n').Substring(0, 8)
    $script:Certificate = New-TestCertificate
    $script:CertificatePath = Join-Path $Work 'archive.pfx'
    [IO.File]::WriteAllBytes($CertificatePath, $Certificate.Export('Pfx', $Password))
    & chmod 600 $CertificatePath
    $script:Port = Get-FreeLoopbackPort
}

AfterAll {
    Stop-UnitCommands
    if (Test-Path "/etc/systemd/system/$Name.service") { Uninstall-JournalListenerService $Name -Confirm:$false -ErrorAction SilentlyContinue }
    & userdel $User 2>$null
    Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Install-JournalListenerService -WhatIf' {
    It 'shows the hardened unit and changes nothing' {
        $script = {
            param($Manifest, $Name, $Store, $Port, $Certificate)
            Import-Module $Manifest
            Install-JournalListenerService $Name -Store $Store -Port $Port -CertificatePath $Certificate `
                -CertificatePassword (ConvertTo-SecureString 'never-shown' -AsPlainText -Force) -WhatIf
            # The last JSON line is what Wait-ChildPwsh parses (the unit's [Unit] lines come before it).
            @{ Done = $true } | ConvertTo-Json -Compress
        }.ToString()
        $run = Invoke-ChildPwsh -Script $script -Arguments $ModuleManifest, $Name, $Store, "$Port", $CertificatePath
        $run.ExitCode | Should -Be 0 -Because $run.Stderr
        $run.Result.Done | Should -BeTrue
        $run.Stdout | Should -Match 'What if:'
        foreach ($line in 'Type=notify', 'User=mimecastjournaling', 'AmbientCapabilities=CAP_NET_BIND_SERVICE', 'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
            'NoNewPrivileges=yes', 'ProtectSystem=strict', "ReadWritePaths=$(Split-Path $Store)", "LoadCredential=certificate-password:/etc/mimecastjournaling/$Name.certificate-password") {
            $run.Stdout | Should -Match ([regex]::Escape($line))
        }
        $run.Stdout | Should -Not -Match 'never-shown'
        "/etc/systemd/system/$Name.service" | Should -Not -Exist
        "/etc/mimecastjournaling/$Name.certificate-password" | Should -Not -Exist
    }

    It 'refuses a store that does not exist, saying how to create it' {
        $missing = Join-Path $Work 'nothing/journaling.db'
        { Install-JournalListenerService $Name -Store $missing -Port $Port -ErrorAction Stop } |
            Should -Throw -ErrorId 'StoreNotFound,MimecastJournaling.Commands.InstallJournalListenerServiceCommand'
    }

    It 'with a PostgreSQL store, shows a unit that reads the connection string from a credential, never from its command line' {
        $secret = 'pg-never-shown-' + [guid]::NewGuid().ToString('n').Substring(0, 6)
        $script = {
            param($Manifest, $Name, $Location, $Port)
            Import-Module $Manifest
            Install-JournalListenerService $Name -Store $Location -Port $Port -WhatIf
            @{ Done = $true } | ConvertTo-Json -Compress
        }.ToString()
        $run = Invoke-ChildPwsh -Script $script -Arguments $ModuleManifest, $Name, "Host=127.0.0.1;Port=1;Database=journal;Username=mj;Password=$secret", "$Port"
        $run.ExitCode | Should -Be 0 -Because $run.Stderr
        $run.Result.Done | Should -BeTrue
        $run.Stdout | Should -Match ([regex]::Escape("LoadCredential=store:/etc/mimecastjournaling/$Name.store"))
        $run.Stdout | Should -Match '--store-credential store'
        $run.Stdout | Should -Not -Match 'ReadWritePaths='
        ($run.Stdout + $run.Stderr) | Should -Not -Match $secret
        "/etc/systemd/system/$Name.service" | Should -Not -Exist
        "/etc/mimecastjournaling/$Name.store" | Should -Not -Exist
    }
}

Describe 'A journal listener service, installed, run and removed' {
    BeforeAll {
        $script:Service = Install-JournalListenerService $Name -Store $Store -BindAddress 127.0.0.1 -Port $Port -User $User `
            -CertificatePath $CertificatePath -CertificatePassword (ConvertTo-SecureString $Password -AsPlainText -Force) `
            -ServerName archive.contoso.test -WarningVariable script:InstallWarnings -WarningAction SilentlyContinue
        $script:UnitText = Get-Content -LiteralPath $Service.Path -Raw
    }

    It 'writes and enables the unit, and says that systemd is not running here' {
        $Service.Path | Should -Be "/etc/systemd/system/$Name.service"
        $Service.Enabled | Should -Be 'enabled'
        "/etc/systemd/system/multi-user.target.wants/$Name.service" | Should -Exist
        ($InstallWarnings -join ' ') | Should -Match 'systemd is not running'
        $Service.User | Should -Be $User
        $Service.Store | Should -Be $Store
        $Service.Endpoints | Should -Be @("127.0.0.1:$Port")
        $Service.CertificatePath | Should -Be $CertificatePath
    }

    It 'passes systemd-analyze verify' {
        $output = & systemd-analyze verify $Service.Path 2>&1 | ForEach-Object { "$_" }
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $output | Where-Object { $_ -match [regex]::Escape("$Name.service") } | Should -BeNullOrEmpty
    }

    It 'creates the service user, gives it the store folder, and keeps the password out of the unit' {
        & id -u $User | Should -Not -BeNullOrEmpty
        (& stat -c '%U %a' (Split-Path $Store)) | Should -Be "$User 700"
        (& stat -c '%U' $Store) | Should -Be $User
        (& stat -c '%a' "/etc/mimecastjournaling/$Name.certificate-password") | Should -Be '600'
        Get-Content -LiteralPath "/etc/mimecastjournaling/$Name.certificate-password" -Raw | Should -Be $Password
        $UnitText | Should -Not -Match ([regex]::Escape($Password))
        $Service.CommandLine | Should -Not -Match ([regex]::Escape($Password))
        (& stat -c '%G %a' $CertificatePath) | Should -Be "$(& id -gn $User) 640"
    }

    It 'is listed by Get-JournalListenerService, by name and by wildcard' {
        (Get-JournalListenerService $Name).Path | Should -Be $Service.Path
        @(Get-JournalListenerService 'mj-pester-*').Name | Should -Contain $Name
        { Get-JournalListenerService 'mj-no-such-service' -ErrorAction Stop } |
            Should -Throw -ErrorId 'JournalListenerServiceNotFound,MimecastJournaling.Commands.GetJournalListenerServiceCommand'
    }

    It 'runs as the unit user: READY=1 once listening, a report over STARTTLS, STOPPING=1 and a clean exit on SIGTERM, nothing lost' {
        $credentials = Join-Path $Work 'credentials'
        New-Item -ItemType Directory -Path $credentials | Out-Null
        Copy-Item "/etc/mimecastjournaling/$Name.certificate-password" (Join-Path $credentials 'certificate-password')
        & chown -R "${User}:" $credentials
        $notifyPath = Join-Path $Work 'notify.sock'
        $notify = New-NotifySocket $notifyPath
        try {
            $hostRun = Start-UnitCommand $Service $notifyPath $credentials
            $ready = Receive-Notify $notify 90
            $ready | Should -Be 'READY=1' -Because "the host said: $(if ($hostRun.Process.HasExited) { $hostRun.Stderr.Result + $hostRun.Stdout.Result })"
            Test-Listening $Port | Should -BeTrue

            $sent = Send-JournalTestMessage 'Service' -Store $Store -SmtpServer 127.0.0.1 -Port $Port -UseTls -CertificateThumbprint $Certificate.Thumbprint `
                -From alice@contoso.com -To partner@fabrikam.com -Subject 'Sent to the service'
            $sent.Accepted | Should -BeTrue
            $sent.TlsProtocol | Should -Not -BeNullOrEmpty

            & kill -TERM $hostRun.Process.Id
            Receive-Notify $notify 30 | Should -Be 'STOPPING=1'
            $hostRun.Process.WaitForExit(90000) | Should -BeTrue
            $hostRun.Process.ExitCode | Should -Be 0 -Because $hostRun.Stderr.Result
            $hostRun.Stdout.Result | Should -Match 'Stopped: 1 received, 1 accepted'

            # The 250 meant durable: the report is archived, or still in the spool for the next start.
            $archived = @(Get-JournalMessage -MessageId $sent.MessageId.Trim('<', '>') -Store $Store -ErrorAction SilentlyContinue).Count
            $queued = @(Get-JournalQueue -Store $Store).Count
            ($archived + $queued) | Should -Be 1

            # A restart archives whatever the stop left in the spool, exactly once.
            $again = Start-UnitCommand $Service $notifyPath $credentials
            Receive-Notify $notify 90 | Should -Be 'READY=1'
            Wait-Until { @(Get-JournalQueue -Store $Store).Count -eq 0 -and @(Get-JournalOutcome -Store $Store).Count -ge 1 } 60 | Should -BeTrue
            & kill -TERM $again.Process.Id
            $again.Process.WaitForExit(90000) | Should -BeTrue
            $again.Process.ExitCode | Should -Be 0 -Because $again.Stderr.Result
            @(Get-JournalOutcome -Store $Store).Count | Should -Be 1
            $message = Get-JournalMessage -MessageId $sent.MessageId.Trim('<', '>') -Store $Store
            $message.Subject | Should -Be 'Sent to the service'
        } finally {
            $notify.Dispose()
        }
    }

    It 'the host refuses bad arguments with exit code 2 and says what it accepts' {
        $output = & dotnet (Join-Path $RepoRoot 'bin/MimecastJournaling.Host.dll') --store $Store --prot 25 2>&1 | ForEach-Object { "$_" }
        $LASTEXITCODE | Should -Be 2
        ($output -join ' ') | Should -Match "'--prot' is not an option.*--port"
    }

    It 'is removed by Uninstall-JournalListenerService, which keeps the store' {
        Uninstall-JournalListenerService $Name -Confirm:$false
        "/etc/systemd/system/$Name.service" | Should -Not -Exist
        "/etc/systemd/system/multi-user.target.wants/$Name.service" | Should -Not -Exist
        "/etc/mimecastjournaling/$Name.certificate-password" | Should -Not -Exist
        @(Get-JournalListenerService 'mj-pester-*' | Where-Object Name -eq $Name) | Should -BeNullOrEmpty
        $Store | Should -Exist
    }
}

Describe 'A journal listener service over a PostgreSQL store, installed, run and removed' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Postgres.ps1')
        $script:Postgres = Start-TestPostgres
        $script:PgStore = Get-TestPostgresStore $Postgres (New-TestPostgresDatabase $Postgres)
        Register-JournalDomain -Name journal.contoso.com, contoso.com -Store $PgStore | Out-Null
        New-JournalDefinition 'Service' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false -JournalNonInternalAddresses -Store $PgStore | Out-Null
        $script:PgName = $Name + '-pg'
        $script:PgPort = Get-FreeLoopbackPort
        $script:PgService = Install-JournalListenerService $PgName -Store $PgStore -BindAddress 127.0.0.1 -Port $PgPort -User $User `
            -WarningAction SilentlyContinue
        $script:PgUnitText = Get-Content -LiteralPath $PgService.Path -Raw
    }
    AfterAll {
        if (Test-Path "/etc/systemd/system/$PgName.service") { Uninstall-JournalListenerService $PgName -Confirm:$false -ErrorAction SilentlyContinue }
        Stop-TestPostgres $Postgres -Remove
    }

    It 'keeps the connection string in a root-only credential file, out of the unit and out of Get-JournalListenerService' {
        (& stat -c '%U %a' "/etc/mimecastjournaling/$PgName.store") | Should -Be 'root 600'
        Get-Content -LiteralPath "/etc/mimecastjournaling/$PgName.store" -Raw | Should -Be $PgStore
        $PgUnitText | Should -Not -Match ([regex]::Escape($Postgres.Password))
        $PgUnitText | Should -Match ([regex]::Escape("LoadCredential=store:/etc/mimecastjournaling/$PgName.store"))
        $listed = Get-JournalListenerService $PgName
        ($listed | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($Postgres.Password))
        $listed.Store | Should -Match "127\.0\.0\.1"
        $listed.Endpoints | Should -Be @("127.0.0.1:$PgPort")
    }

    It 'passes systemd-analyze verify' {
        $output = & systemd-analyze verify $PgService.Path 2>&1 | ForEach-Object { "$_" }
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $output | Where-Object { $_ -match [regex]::Escape("$PgName.service") } | Should -BeNullOrEmpty
    }

    It 'runs as the unit user with the store from its credential: READY=1, a report archived in PostgreSQL, a clean exit on SIGTERM' {
        $credentials = Join-Path $Work 'pg-credentials'
        New-Item -ItemType Directory -Path $credentials | Out-Null
        Copy-Item "/etc/mimecastjournaling/$PgName.store" (Join-Path $credentials 'store')
        & chown -R "${User}:" $credentials
        $notifyPath = Join-Path $Work 'pg-notify.sock'
        $notify = New-NotifySocket $notifyPath
        try {
            $hostRun = Start-UnitCommand $PgService $notifyPath $credentials
            $ready = Receive-Notify $notify 90
            $ready | Should -Be 'READY=1' -Because "the host said: $(if ($hostRun.Process.HasExited) { $hostRun.Stderr.Result + $hostRun.Stdout.Result })"
            $sent = Send-JournalTestMessage 'Service' -Store $PgStore -SmtpServer 127.0.0.1 -Port $PgPort -From alice@contoso.com -To partner@fabrikam.com -Subject 'Sent to the PostgreSQL service'
            $sent.Accepted | Should -BeTrue
            Wait-Until { @(Get-JournalMessage -MessageId $sent.MessageId.Trim('<', '>') -Store $PgStore -ErrorAction SilentlyContinue).Count -eq 1 } 60 | Should -BeTrue
            & kill -TERM $hostRun.Process.Id
            $hostRun.Process.WaitForExit(90000) | Should -BeTrue
            $hostRun.Process.ExitCode | Should -Be 0 -Because $hostRun.Stderr.Result
            ($hostRun.Stdout.Result + $hostRun.Stderr.Result) | Should -Not -Match ([regex]::Escape($Postgres.Password))
            (Get-JournalMessage -MessageId $sent.MessageId.Trim('<', '>') -Store $PgStore).Subject | Should -Be 'Sent to the PostgreSQL service'
        } finally {
            $notify.Dispose()
        }
    }

    It 'is removed by Uninstall-JournalListenerService with its credential file' {
        Uninstall-JournalListenerService $PgName -Confirm:$false
        "/etc/systemd/system/$PgName.service" | Should -Not -Exist
        "/etc/mimecastjournaling/$PgName.store" | Should -Not -Exist
    }
}
