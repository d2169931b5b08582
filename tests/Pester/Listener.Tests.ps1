# The journal listener as an admin runs it: real TLS with a certificate made here, swaks as the
# sending MTA, reports archived end to end, clear errors for a busy port or a bad certificate,
# and -Wait stopped by SIGTERM as a service manager would.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Reports = Join-Path $RepoRoot 'tests/Fixtures/Reports'
    if (-not (Get-Command swaks -ErrorAction SilentlyContinue)) {
        throw 'swaks is missing: build.ps1 -Task Test installs it (apt-get install swaks libnet-ssleay-perl).'
    }

    # Sends a fixture report (by file name) with swaks; returns the server's reply lines.
    function Send-Report([int] $Port, [string] $Fixture, [string[]] $Options = @()) {
        Send-SwaksReport -Port $Port -Path (Join-Path $Reports $Fixture) -Options $Options
    }
}

Describe 'Start-JournalListener' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 | Out-Null
        $script:Certificate = New-TestCertificate
        $script:Listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate $Certificate -ServerName archive.contoso.test
        $script:Port = Get-PortOf $Listener
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'returns a running listener with its real endpoint and certificate' {
        $Listener.IsRunning | Should -BeTrue
        $Port | Should -BeGreaterThan 0
        $Listener.Endpoints | Should -Be @("127.0.0.1:$Port")
        $Listener.CertificateThumbprint | Should -Be $Certificate.Thumbprint
        $Listener.Store | Should -Be $Store
    }

    It 'archives a report sent over STARTTLS, after answering 250 only once it is queued durably' {
        $replies = Send-Report $Port 'synthetic-bifurcated-fork1.eml' '--tls'
        $replies[0] | Should -Match '^220 archive\.contoso\.test ESMTP'
        $replies[0] | Should -Not -Match '\d+\.\d+\.\d+'   # no library version in the greeting
        $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
        Wait-Until { Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com' } | Should -BeTrue
        $item = Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com'
        $item.Recipients.Address | Should -Be @('bob@contoso.com')
        $item.Reports[0].Source | Should -Be 'smtp:127.0.0.1'
        $definition = Get-JournalDefinition 'EXO'
        $definition.Status | Should -Be 'OK'
        $definition.LastReceived | Should -Not -BeNullOrEmpty
        (Get-JournalEvent -Definition 'EXO' | Where-Object Property -eq 'Status').NewValue | Should -Contain 'OK'
    }

    It 'refuses a report without TLS with 530 5.7.0 and counts the refusal' {
        $replies = Send-Report $Port 'synthetic-bifurcated-fork2.eml'
        $replies | Where-Object { $_ -match '^530 5\.7\.0' } | Should -Not -BeNullOrEmpty
        $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -BeNullOrEmpty
        (Get-JournalListener -Id $Listener.Id).Refused['TlsRequired'] | Should -BeGreaterThan 0
    }

    It 'shows its counters in Get-JournalListener' {
        $now = Get-JournalListener -Id $Listener.Id
        $now.Received | Should -BeGreaterOrEqual 1
        $now.Accepted | Should -BeGreaterOrEqual 1
        ($now | Format-Table | Out-String -Width 150) | Should -Match 'TlsRequired'
    }

    It 'fails with ListenerBindFailed when the port is in use' {
        { Start-JournalListener -BindAddress 127.0.0.1 -Port $Port -Certificate $Certificate -ErrorAction Stop } |
            Should -Throw -ErrorId 'ListenerBindFailed*'
    }

    It 'refuses a certificate without its private key with CertificateHasNoPrivateKey' {
        { Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate (New-TestCertificate -WithoutPrivateKey) -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateHasNoPrivateKey*'
    }

    It 'loads a PFX file with its password, and names the file but not the password when the password is wrong' {
        $pfx = Join-Path (Split-Path $Store) 'server.pfx'
        $password = ConvertTo-SecureString 'Pfx-Passw0rd' -AsPlainText -Force
        [IO.File]::WriteAllBytes($pfx, (New-TestCertificate).Export('Pfx', 'Pfx-Passw0rd'))
        $second = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -CertificatePath $pfx -CertificatePassword $password
        $second.CertificateSubject | Should -Be 'CN=archive.contoso.test'
        Stop-JournalListener -Id $second.Id -TimeoutSeconds 5

        $wrong = ConvertTo-SecureString 'not-the-password' -AsPlainText -Force
        $err = { Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -CertificatePath $pfx -CertificatePassword $wrong -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateUnreadable*' -PassThru
        $err.Exception.Message | Should -Match ([regex]::Escape($pfx))
        $err.Exception.Message | Should -Not -Match 'not-the-password'
    }

    It 'changes nothing with -WhatIf' {
        $before = @(Get-JournalListener).Count
        Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate $Certificate -WhatIf | Should -BeNullOrEmpty
        @(Get-JournalListener).Count | Should -Be $before
    }

    It 'loads SmtpServer into the module''s private load context' {
        $private = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'MimecastJournaling'
        $private.Assemblies.GetName().Name | Should -Contain 'SmtpServer'
        ([System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies.GetName().Name) | Should -Not -Contain 'SmtpServer'
    }
}

Describe 'Stop-JournalListener' {
    BeforeAll {
        $script:Store = New-TestStore
        $env:MIMECASTJOURNALING_STORE = $Store
    }
    AfterAll {
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'stops a listener, frees its port, and says so for an unknown Id' {
        $listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -WarningAction SilentlyContinue
        $port = Get-PortOf $listener
        $stopped = Get-JournalListener -Id $listener.Id | Stop-JournalListener -TimeoutSeconds 5 -PassThru
        $stopped.IsRunning | Should -BeFalse
        Get-JournalListener -Id $listener.Id | Should -BeNullOrEmpty
        # The port is free again: a new listener can take it.
        $again = Start-JournalListener -BindAddress 127.0.0.1 -Port $port -WarningAction SilentlyContinue
        Get-PortOf $again | Should -Be $port
        Stop-JournalListener -Id $again.Id -TimeoutSeconds 5
        Stop-JournalListener -Id 9999 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'JournalListenerNotFound*'
    }
}

Describe 'Start-JournalListener -Wait' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        New-JournalDefinition 'Plain' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false | Out-Null
    }
    AfterAll {
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'runs in the foreground until SIGTERM, then stops cleanly with every accepted report archived' {
        $port = Get-FreeLoopbackPort
        $pidFile = Join-Path (Split-Path $Store) 'listener.pid'
        $child = Start-ChildPwsh -Arguments $ModuleManifest, $Store, $port, $pidFile -Script {
            param($Manifest, $Store, $Port, $PidFile)
            Import-Module $Manifest
            Set-Content -LiteralPath $PidFile -Value $PID
            Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port $Port -Wait | Out-Null
            'stopped cleanly'
        }.ToString()
        try {
            Wait-Until { (Test-Path $pidFile) -and (Test-Listening $port) } -Seconds 60 |
                Should -BeTrue -Because 'the listener should be listening'
            $replies = Send-Report $port 'synthetic-bifurcated-fork1.eml'
            $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
            & kill -TERM ([int](Get-Content $pidFile))
            $result = Wait-ChildPwsh -Child $child -TimeoutSeconds 90
        } finally {
            if (-not $child.Process.HasExited) { $child.Process.Kill($true) }
        }
        $result.ExitCode | Should -Be 0 -Because $result.Stderr
        $result.Stdout | Should -Match 'stopped cleanly'
        (Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com').Reports.Count | Should -Be 1
    }
}

Describe 'Send-JournalTestMessage' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com, dave@contoso.com
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 | Out-Null
        New-JournalDefinition 'OnPrem' onprem@journal.contoso.com -SourceIpRange 127.0.0.1 -SmtpCredential (New-TestCredential) | Out-Null
        $script:Certificate = New-TestCertificate
        $script:Listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate $Certificate
        $script:Send = @{ SmtpServer = '127.0.0.1'; Port = (Get-PortOf $Listener); UseTls = $true; CertificateThumbprint = $Certificate.Thumbprint }
        function Wait-Archived([string] $MessageId) {
            Wait-Until { Get-JournalMessage -MessageId $MessageId } | Should -BeTrue -Because "$MessageId should be archived"
            Get-JournalMessage -MessageId $MessageId
        }
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'sends an envelope report whose Bcc recipient and group expansion reach the archive' {
        $result = Send-JournalTestMessage 'EXO' @Send -From alice@contoso.com -To bob@contoso.com -Cc partner@fabrikam.com -Bcc dave@contoso.com -BccExpandedFrom team@contoso.com
        $result.Accepted | Should -BeTrue
        $result.StatusCode | Should -Be 250
        $result.TlsProtocol | Should -BeIn 'Tls12', 'Tls13'
        $item = Wait-Archived $result.MessageId
        @($item.Recipients | ForEach-Object { "$($_.Type) $($_.Address) $($_.ExpandedFrom)".TrimEnd() }) |
            Should -Be @('To bob@contoso.com', 'Cc partner@fabrikam.com', 'Bcc dave@contoso.com team@contoso.com')
        (Get-JournalOutcome | Where-Object ItemId -eq $item.Id).Format | Should -Be 'Envelope'
    }

    It 'sends a plain EML copy that steps down to its header recipients' {
        $result = Send-JournalTestMessage 'EXO' @Send -Format StandardEml -From alice@contoso.com -To bob@contoso.com
        $item = Wait-Archived $result.MessageId
        $item.Recipients.Address | Should -Be @('bob@contoso.com')
        $outcome = Get-JournalOutcome | Where-Object ItemId -eq $item.Id
        $outcome.Format | Should -Be 'Standard'
        $outcome.Defects | Should -Match 'stepped down'
    }

    It 'authenticates with -Credential, and a wrong password comes back as 535 with a warning' {
        (Send-JournalTestMessage 'OnPrem' @Send -Credential (New-TestCredential)).Accepted | Should -BeTrue
        $wrong = Send-JournalTestMessage 'OnPrem' @Send -Credential (New-TestCredential -Password 'wrong-password') -WarningVariable warned 3>$null
        $wrong.Accepted | Should -BeFalse
        $wrong.StatusCode | Should -Be 535
        $warned | Should -Not -BeNullOrEmpty
    }

    It 'reports a refusal: without TLS an Encrypted definition answers 530' {
        $plain = Send-JournalTestMessage 'EXO' -SmtpServer 127.0.0.1 -Port $Send.Port -WarningAction SilentlyContinue
        $plain.Accepted | Should -BeFalse
        $plain.StatusCode | Should -Be 530
    }

    It 'refuses a server certificate that is not the pinned one (TestMessageSendFailed)' {
        $other = New-TestCertificate
        { Send-JournalTestMessage 'EXO' -SmtpServer 127.0.0.1 -Port $Send.Port -UseTls -CertificateThumbprint $other.Thumbprint -ErrorAction Stop } |
            Should -Throw -ErrorId 'TestMessageSendFailed*'
    }

    It 'validates the certificate chain when nothing is pinned, so a self-signed certificate is refused' {
        { Send-JournalTestMessage 'EXO' -SmtpServer 127.0.0.1 -Port $Send.Port -UseTls -ErrorAction Stop } |
            Should -Throw -ErrorId 'TestMessageSendFailed*'
    }

    It 'sends nothing with -WhatIf' {
        $before = @(Get-JournalOutcome).Count
        Send-JournalTestMessage 'EXO' @Send -WhatIf | Should -BeNullOrEmpty
        Start-Sleep -Milliseconds 500
        @(Get-JournalOutcome).Count | Should -Be $before
    }
}

Describe 'Test-JournalConnector' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 | Out-Null
        New-JournalDefinition 'OnPrem' onprem@journal.contoso.com -SourceIpRange 127.0.0.1 -SmtpCredential (New-TestCredential) | Out-Null
        $script:Certificate = New-TestCertificate
        $script:Listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate $Certificate
        $script:Port = Get-PortOf $Listener
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'passes every check against a working listener with a pinned test certificate, and the probe is archived' {
        $result = Test-JournalConnector 'EXO' -SmtpServer 127.0.0.1 -Port $Port -CertificateThumbprint $Certificate.Thumbprint -TimeoutSeconds 30
        $result.Passed | Should -BeTrue -Because ($result.Checks -join "`n")
        $result.Checks.Name | Should -Be @('Connection', 'StartTls', 'CertificateExpiry', 'CertificateTrust', 'ProbeAccepted', 'Archived')
        Get-JournalMessage -MessageId $result.MessageId | Should -Not -BeNullOrEmpty
    }

    It 'fails the chain and name checks of a self-signed certificate when nothing is pinned, and names them' {
        $result = Test-JournalConnector 'EXO' -SmtpServer 127.0.0.1 -Port $Port -TimeoutSeconds 30
        $result.Passed | Should -BeFalse
        ($result.Checks | Where-Object Name -eq 'CertificateChain').Passed | Should -BeFalse
        ($result.Checks | Where-Object Name -eq 'CertificateName').Passed | Should -BeFalse
        ($result.Checks | Where-Object Name -eq 'StartTls').Passed | Should -BeTrue
    }

    It 'checks SMTP AUTH, and never sends the password over an untrusted certificate' {
        $good = Test-JournalConnector 'OnPrem' -SmtpServer 127.0.0.1 -Port $Port -CertificateThumbprint $Certificate.Thumbprint -Credential (New-TestCredential) -TimeoutSeconds 30
        $good.Passed | Should -BeTrue -Because ($good.Checks -join "`n")
        ($good.Checks | Where-Object Name -eq 'Authentication').Passed | Should -BeTrue

        $bad = Test-JournalConnector 'OnPrem' -SmtpServer 127.0.0.1 -Port $Port -CertificateThumbprint $Certificate.Thumbprint -Credential (New-TestCredential -Password 'wrong') -TimeoutSeconds 5
        $bad.Passed | Should -BeFalse
        ($bad.Checks | Where-Object Name -eq 'Authentication').Passed | Should -BeFalse

        $untrusted = Test-JournalConnector 'OnPrem' -SmtpServer 127.0.0.1 -Port $Port -Credential (New-TestCredential) -TimeoutSeconds 5
        ($untrusted.Checks | Where-Object Name -eq 'Authentication').Detail | Should -Match 'not attempted'
    }

    It 'fails the connection check when nothing listens' {
        $result = Test-JournalConnector 'EXO' -SmtpServer 127.0.0.1 -Port (Get-FreeLoopbackPort) -TimeoutSeconds 5
        $result.Passed | Should -BeFalse
        $result.Checks.Name | Should -Be @('Connection')
        $result.Checks[0].Passed | Should -BeFalse
    }
}

Describe 'Get-JournalQueue and a restart after a crash' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        $script:Definition = New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1
        New-JournalDefinition 'Other' other@journal.contoso.com | Out-Null
        # Two reports a listener answered 250 before it died.
        foreach ($fixture in 'synthetic-bifurcated-fork1.eml', 'synthetic-bifurcated-fork2.eml') {
            Add-TestSpoolEntry -Store $Store -Definition $Definition -Data ([IO.File]::ReadAllBytes((Join-Path $Reports $fixture)))
        }
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'lists the waiting reports with the journaled sender and the journal address, and counts them as QueueLength' {
        $queue = @(Get-JournalQueue)
        $queue.Count | Should -Be 2
        $queue[0].State | Should -Be 'Waiting'
        $queue[0].Sender | Should -Be 'alice@contoso.com'
        $queue[0].Recipient | Should -Be 'journal@journal.contoso.com'
        $queue[0].Subject | Should -Be 'Forked'
        @(Get-JournalQueue -Definition 'Other').Count | Should -Be 0
        (Get-JournalDefinition 'EXO').QueueLength | Should -Be 2
    }

    It 'archives the queue once when a listener starts again, and counts the outcomes per definition' {
        Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -WarningAction SilentlyContinue | Out-Null
        Wait-Until { @(Get-JournalQueue).Count -eq 0 } | Should -BeTrue
        $item = Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com'
        @($item).Count | Should -Be 1
        $item.Reports.Count | Should -Be 2
        $definition = Get-JournalDefinition 'EXO'
        $definition.QueueLength | Should -Be 0
        $definition.ArchivedCount | Should -Be 1
        $definition.MergedCount | Should -Be 1
        $definition.ReceivedCount | Should -Be 2
        $definition.Status | Should -Be 'OK'
    }

    It 'marks a definition Down when nothing arrived within its InactivityPeriod, in the event log too' {
        Set-JournalDefinition 'EXO' -InactivityPeriod 1
        # The last report arrived just now; after a minute of silence the definition is Down.
        Wait-Until { (Get-JournalDefinition 'EXO').Status -eq 'Down' } -Seconds 90 | Should -BeTrue
        (Get-JournalDefinition 'EXO').StatusReason | Should -Match 'No journal report since'
        # Reading does not write; the running listener records the change and its event on its next idle round.
        $downEvent = { Get-JournalEvent -Definition 'EXO' | Where-Object { $_.Property -eq 'Status' -and $_.NewValue -eq 'Down' } }
        Wait-Until { & $downEvent } -Seconds 90 | Should -BeTrue
        $event = @(& $downEvent)
        $event[0].OldValue | Should -Be 'OK'
    }
}

Describe 'Installation-wide source ranges' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        # No SourceIpRange of its own: only the installation's ranges can let a sender in.
        New-JournalDefinition 'EXO' journal@journal.contoso.com -Encrypted $false | Out-Null
        $script:Listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -WarningAction SilentlyContinue
        $script:Port = Get-PortOf $Listener
        $script:Endpoints = Join-Path $RepoRoot 'tests/Fixtures/Endpoints/synthetic-endpoints-worldwide.json'
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'refuses a sender outside every range at connect' {
        @(Send-Report $Port 'synthetic-bifurcated-fork1.eml')[0] | Should -Match '^554 5\.7\.1'
    }

    It 'accepts the Exchange Online ranges of the endpoints list once they are turned on, without a restart' {
        { Set-JournalListenerSetting -UseExchangeOnlineRanges $true -ErrorAction Stop } | Should -Throw -ErrorId 'ExchangeOnlineRangesMissing*'
        $settings = Update-JournalExchangeOnlineRange -Path $Endpoints
        $settings.ExchangeOnlineRange | Should -Be @('40.92.0.0/15', '40.107.0.0/16', '127.0.0.0/29', '2a01:111:f400::/48')
        # Loaded but not in use yet.
        @(Send-Report $Port 'synthetic-bifurcated-fork1.eml')[0] | Should -Match '^554 5\.7\.1'
        Set-JournalListenerSetting -UseExchangeOnlineRanges $true
        Send-Report $Port 'synthetic-bifurcated-fork1.eml' | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
    }

    It 'accepts the authorized ranges for every definition, and records each change in the event log' {
        Set-JournalListenerSetting -UseExchangeOnlineRanges $false -AuthorizedIpRange 127.0.0.1
        Send-Report $Port 'synthetic-bifurcated-fork2.eml' | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
        Set-JournalListenerSetting -AuthorizedIpRange @()
        @(Send-Report $Port 'synthetic-bifurcated-fork2.eml')[0] | Should -Match '^554 5\.7\.1'
        $changes = Get-JournalEvent | Where-Object ObjectType -eq 'ListenerSetting'
        $changes.Property | Should -Contain 'ExchangeOnlineRange'
        $changes.Property | Should -Contain 'UseExchangeOnlineRanges'
        ($changes | Where-Object Property -eq 'AuthorizedIpRange' | Select-Object -First 1).OldValue | Should -Be '127.0.0.1/32'
        { Set-JournalListenerSetting -AuthorizedIpRange 10.0.0.1/33 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSourceIpRange*'
        { Update-JournalExchangeOnlineRange -Path $Store -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidEndpointList*'
    }
}
