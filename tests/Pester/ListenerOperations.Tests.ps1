# Running the listener for real: certbot-style PEM files renewed while it runs, certificate
# expiry warnings, Prometheus metrics scraped over HTTP, one -Verbose line per SMTP transaction in
# a real pwsh with -Wait, and the Down alert email at a local SMTP relay (aiosmtpd) with no traffic.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Reports = Join-Path $RepoRoot 'tests/Fixtures/Reports'
    foreach ($tool in 'swaks', 'openssl', 'aiosmtpd') {
        if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) {
            throw "$tool is missing: build.ps1 -Task Test installs the test packages (swaks, python3-aiosmtpd; openssl comes with the system)."
        }
    }
}

Describe 'Start-JournalListener with PEM certificate files' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 | Out-Null
        $script:Live = Join-Path (Split-Path $Store) 'live'
        $script:First = New-PemPair $Live 'first.contoso.test'
        $script:Listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -CertificatePath $First.Certificate -KeyPath $First.Key
        $script:Port = Get-PortOf $Listener
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'serves the PEM certificate and archives a report sent over STARTTLS' {
        $Listener.CertificateThumbprint | Should -Be $First.Thumbprint
        $Listener.CertificateSource | Should -Match 'fullchain\.pem and .*privkey\.pem'
        Get-ServedSubject $Port | Should -Match 'first\.contoso\.test'
        $replies = Send-SwaksReport -Port $Port -Path (Join-Path $Reports 'synthetic-bifurcated-fork1.eml') -Options '--tls'
        $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
    }

    It 'serves a renewed pair to the next session without a restart' {
        $next = New-PemPair (Join-Path (Split-Path $Store) 'next') 'renewed.contoso.test'
        Copy-Item $next.Key $First.Key -Force
        Copy-Item $next.Certificate $First.Certificate -Force
        Start-Sleep -Milliseconds 1300
        Get-ServedSubject $Port | Should -Match 'renewed\.contoso\.test'
        $replies = Send-SwaksReport -Port $Port -Path (Join-Path $Reports 'synthetic-bifurcated-fork2.eml') -Options '--tls'
        $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
        (Get-JournalListener -Id $Listener.Id).CertificateThumbprint | Should -Be $next.Thumbprint
    }

    It 'refuses a PEM certificate without -KeyPath and says to give it' {
        { Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -CertificatePath $First.Certificate -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateKeyRequired*'
    }

    It 'warns on Start- and Get-JournalListener when the certificate ends within 14 days' {
        $soon = New-PemPair (Join-Path (Split-Path $Store) 'soon') 'soon.contoso.test' -Days 10
        $listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -CertificatePath $soon.Certificate -KeyPath $soon.Key -WarningVariable startWarnings -WarningAction SilentlyContinue
        $startWarnings | Should -Match 'within 14 days'
        Get-JournalListener -Id $listener.Id -WarningVariable getWarnings -WarningAction SilentlyContinue | Out-Null
        $getWarnings | Should -Match 'expires on'
        (Get-JournalListener -Id $listener.Id -WarningAction SilentlyContinue).CertificateStatus | Should -Be 'Expiring'
        Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5
    }
}

Describe 'Start-JournalListener -MetricsPrefix' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false | Out-Null
        $script:Prefix = "http://127.0.0.1:$(Get-FreeLoopbackPort)/"
        $script:Listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate (New-TestCertificate) -MetricsPrefix $Prefix
        $script:Port = Get-PortOf $Listener
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'serves Prometheus metrics that count the reports sent, and /health and /ready' {
        (Send-SwaksReport -Port $Port -Path (Join-Path $Reports 'synthetic-bifurcated-fork1.eml')) | Where-Object { $_ -match '^250 ' } | Should -Not -BeNullOrEmpty
        (Send-SwaksReport -Port $Port -Path (Join-Path $Reports 'synthetic-bifurcated-fork2.eml')) | Where-Object { $_ -match '^250 ' } | Should -Not -BeNullOrEmpty
        Wait-Until { (Invoke-WebRequest "${Prefix}metrics").Content -match 'journal_reports_archived_total\{definition="EXO",outcome="Merged"\} 1' } |
            Should -BeTrue -Because 'the second fork merges into the first'
        $text = (Invoke-WebRequest "${Prefix}metrics").Content
        $text | Should -Match '(?m)^journal_reports_accepted_total\{definition="EXO"\} 2$'
        $text | Should -Match '(?m)^journal_smtp_transactions_total\{definition="EXO",code="250",outcome="Accepted"\} 2$'
        $text | Should -Match '(?m)^journal_spool_commit_seconds_count 2$'
        $text | Should -Match '# TYPE journal_queue_length gauge'
        $health = Invoke-WebRequest "${Prefix}health"
        $health.StatusCode | Should -Be 200
        ($health.Content | ConvertFrom-Json).status | Should -Be 'listening'
        (Invoke-WebRequest "${Prefix}ready").StatusCode | Should -Be 200
        # prometheus-net runs in the module's private load context, never in the session's.
        $prometheus = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Prometheus.NetStandard' }
        $prometheus | Should -Not -BeNullOrEmpty
        @($prometheus | ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }) | Should -Be @('MimecastJournaling')
    }

    It 'refuses a prefix without its final slash with InvalidMetricsPrefix, and leaves the port free' {
        $port = Get-FreeLoopbackPort
        { Start-JournalListener -BindAddress 127.0.0.1 -Port $port -MetricsPrefix 'http://127.0.0.1:9425' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidMetricsPrefix*'
        Test-Listening $port | Should -BeFalse
    }
}

Describe 'Start-JournalListener -Wait -Verbose' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false | Out-Null
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'writes one verbose line per SMTP transaction and a JSON log line to -LogPath' {
        $port = Get-FreeLoopbackPort
        $pidFile = Join-Path (Split-Path $Store) 'listener.pid'
        $log = Join-Path (Split-Path $Store) 'logs/listener.json'
        $child = Start-ChildPwsh -Arguments $ModuleManifest, $Store, $port, $pidFile, $log -Script {
            param($Manifest, $Store, $Port, $PidFile, $Log)
            Import-Module $Manifest
            Set-Content -LiteralPath $PidFile -Value $PID
            Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port $Port -LogPath $Log -Wait -Verbose 4>&1 | ForEach-Object { "$_" }
        }.ToString()
        try {
            Wait-Until { (Test-Path $pidFile) -and (Test-Listening $port) } -Seconds 60 | Should -BeTrue
            (Send-SwaksReport -Port $port -Path (Join-Path $Reports 'synthetic-bifurcated-fork1.eml')) | Where-Object { $_ -match '^250 ' } | Should -Not -BeNullOrEmpty
            & swaks --server 127.0.0.1 --port $port --from ndr@contoso.com --to nobody@journal.contoso.com --timeout 30 2>&1 | Out-Null
            Start-Sleep -Seconds 2
            & kill -TERM ([int](Get-Content $pidFile))
            $result = Wait-ChildPwsh -Child $child -TimeoutSeconds 90
        } finally {
            if (-not $child.Process.HasExited) { $child.Process.Kill($true) }
        }
        $lines = @($result.Stdout -split "`r?`n" | Where-Object { $_ -match ' SMTP 127\.0\.0\.1 ' })
        $lines.Count | Should -Be 2 -Because $result.Stdout
        $lines[0] | Should -Match 'SMTP 127\.0\.0\.1 EXO 250 <synthetic-fork-r1@journal\.report\.generator> \d+ bytes \d+ ms'
        $lines[1] | Should -Match 'SMTP 127\.0\.0\.1 nobody@journal\.contoso\.com 550 .*\(UnknownRecipient\)'
        $files = @(Get-ChildItem (Split-Path $log) -Filter 'listener*.json')
        $files.Count | Should -Be 1
        $entries = @(Get-Content $files[0].FullName | ForEach-Object { $_ | ConvertFrom-Json } | Where-Object { $_.Properties.ClientAddress })
        $accepted = $entries | Where-Object { $_.Properties.ReplyCode -eq '250' }
        $accepted.Properties.Definition | Should -Be 'EXO'
        $accepted.Properties.MessageId | Should -Be 'synthetic-fork-r1@journal.report.generator'
    }
}

Describe 'Set-JournalAlert and the Down alert' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false -InactivityPeriod (New-TimeSpan -Minutes 1) | Out-Null
        # The local relay: aiosmtpd with STARTTLS (openssl certificate) and a Maildir for what it receives.
        $script:Relay = New-PemPair (Join-Path (Split-Path $Store) 'relay') 'relay.contoso.test'
        $script:Maildir = Join-Path (Split-Path $Store) 'maildir'
        $script:RelayPort = Get-FreeLoopbackPort
        $script:RelayProcess = Start-Process -FilePath aiosmtpd -PassThru -ArgumentList @('-n', '-l', "127.0.0.1:$RelayPort",
            '--tlscert', $Relay.Certificate, '--tlskey', $Relay.Key, '-c', 'aiosmtpd.handlers.Mailbox', $Maildir) -RedirectStandardError (Join-Path (Split-Path $Store) 'relay.err')
        Wait-Until { Test-Listening $RelayPort } -Seconds 30 | Should -BeTrue -Because 'aiosmtpd should listen'
        function Get-RelayMessages {
            @(Get-ChildItem (Join-Path $Maildir 'new') -File -ErrorAction SilentlyContinue | ForEach-Object { Get-Content $_.FullName -Raw })
        }
    }
    AfterAll {
        Remove-ContosoStore $Store
        if ($RelayProcess -and -not $RelayProcess.HasExited) { $RelayProcess.Kill() }
    }

    It 'stores the settings, shows no secret, and records the change in the event log' {
        Set-JournalAlert -EmailTo journaling-team@contoso.com -EmailFrom journal-listener@contoso.com -SmtpServer 127.0.0.1 -SmtpPort $RelayPort `
            -SmtpCertificateThumbprint $Relay.Thumbprint -SmtpCredential (New-TestCredential -UserName alerts -Password 'Relay-Passw0rd') -Confirm:$false
        $alert = Get-JournalAlert
        $alert.EmailTo | Should -Be @('journaling-team@contoso.com')
        $alert.HasSmtpPassword | Should -BeTrue
        ($alert | Format-List | Out-String) | Should -Match 'alerts \(password set\)'
        ($alert | Format-List | Out-String) + ($alert | ConvertTo-Json) | Should -Not -Match 'Relay-Passw0rd'
        (Get-JournalEvent | Where-Object ObjectType -eq 'Alert' | Where-Object Property -eq 'SmtpPassword').NewValue | Should -Match '^\(hidden'
    }

    It 'refuses a relay login without TLS with AlertCredentialNeedsTls' {
        { Set-JournalAlert -SmtpSecurity None -ErrorAction Stop -Confirm:$false } | Should -Throw -ErrorId 'AlertCredentialNeedsTls*'
    }

    It 'sends a test alert to the relay with Send-JournalAlert -Test' {
        # aiosmtpd offers no AUTH, so the test alert goes without the login.
        Set-JournalAlert -RemoveSmtpCredential -Confirm:$false
        $delivery = Send-JournalAlert -Test -Confirm:$false
        $delivery.Channel | Should -Be 'Email'
        $delivery.Succeeded | Should -BeTrue -Because $delivery.Error
        Wait-Until { (Get-RelayMessages) -match 'Subject: \[MimecastJournaling\] Test alert' } | Should -BeTrue
    }

    It 'says AlertNotConfigured when no channel is set' {
        $other = New-TestStore
        { Send-JournalAlert -Test -Store $other -ErrorAction Stop -Confirm:$false } | Should -Throw -ErrorId 'AlertNotConfigured*'
        Remove-TestStore $other
    }

    It 'emails the Down alert when the inactivity period passes with no traffic at all' {
        $listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate (New-TestCertificate)
        (Send-SwaksReport -Port (Get-PortOf $listener) -Path (Join-Path $Reports 'synthetic-bifurcated-fork1.eml')) | Where-Object { $_ -match '^250 ' } | Should -Not -BeNullOrEmpty
        Wait-Until { (Get-JournalDefinition 'EXO').Status -eq 'OK' } | Should -BeTrue
        $before = @(Get-RelayMessages).Count
        # No report, no read of the status: the listener's own watch marks Down after 1 minute and alerts.
        Wait-Until { @(Get-RelayMessages | Where-Object { $_ -match 'DefinitionDown EXO' }).Count -gt 0 } -Seconds 150 |
            Should -BeTrue -Because 'the Down alert should arrive within the inactivity period plus a watch round'
        $down = Get-RelayMessages | Where-Object { $_ -match 'DefinitionDown EXO' } | Select-Object -First 1
        $down | Should -Match 'To: journaling-team@contoso\.com'
        $down | Should -Match 'No journal report since'
        $event = Get-JournalEvent -Definition 'EXO' | Where-Object NewValue -eq 'Down'
        $event.User | Should -Be 'MimecastJournaling inactivity check'   # stamped by the inactivity check, not by a reader
        @(Get-RelayMessages).Count | Should -BeGreaterThan $before
        Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5
    }
}
