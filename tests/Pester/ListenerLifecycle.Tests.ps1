# A listener's life as an admin at a terminal sees it: Ctrl+C on -Wait (a real SIGINT to an
# interactive pwsh on a real terminal, tmux's pty), Remove-Module, a port held by a listener of
# this session, and running listeners seen from another session through the store.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Reports = Join-Path $RepoRoot 'tests/Fixtures/Reports'
    if (-not (Get-Command swaks -ErrorAction SilentlyContinue)) {
        throw 'swaks is missing: build.ps1 -Task Test installs it with apt.'
    }

    . (Join-Path $PSScriptRoot 'Terminal.ps1')
}

Describe 'Start-JournalListener -Wait and Ctrl+C' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        New-JournalDefinition 'Plain' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false | Out-Null
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'stops the listener on Ctrl+C (SIGINT on a terminal), frees the port, and a new start on it works' {
        $folder = Split-Path $Store
        $pidFile = Join-Path $folder 'ctrlc.pid'
        $resultFile = Join-Path $folder 'ctrlc.result'
        $port = Get-FreeLoopbackPort
        $terminal = Start-TerminalPwsh
        try {
            Send-TerminalLine $terminal ("Import-Module '$ModuleManifest'; Set-Content -LiteralPath '$pidFile' -Value `$PID; " +
                "Start-JournalListener -Store '$Store' -BindAddress 127.0.0.1 -Port $port -Wait")
            Wait-Until { (Test-Path $pidFile) -and (Test-Listening $port) } -Seconds 90 |
                Should -BeTrue -Because "the listener should be listening. Screen:`n$(Get-TerminalScreen $terminal)"
            $replies = Send-SwaksReport -Port $port -Path (Join-Path $Reports 'synthetic-bifurcated-fork1.eml')
            $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
            Wait-Until { Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com' } -Seconds 60 | Should -BeTrue

            & kill -INT ([int](Read-TerminalFile $pidFile))

            # The session lives on (the prompt is back), and the port is closed.
            Wait-Until { -not (Test-Listening $port) } -Seconds 45 |
                Should -BeTrue -Because "Ctrl+C should stop the listener. Screen:`n$(Get-TerminalScreen $terminal)"
            Get-Process -Id ([int](Read-TerminalFile $pidFile)) -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty

            # In the same session, a new start on the same port works and nothing is listed as still running.
            Send-TerminalLine $terminal ("try { `$l = Start-JournalListener -Store '$Store' -BindAddress 127.0.0.1 -Port $port -ErrorAction Stop; " +
                "Set-Content -LiteralPath '$resultFile' -Value ('restarted ' + @(Get-JournalListener | Where-Object Id -ne `$l.Id | Where-Object IsRunning).Count) } " +
                "catch { Set-Content -LiteralPath '$resultFile' -Value ('failed ' + `$_) }")
            Wait-Until { Read-TerminalFile $resultFile } -Seconds 60 | Should -BeTrue -Because (Get-TerminalScreen $terminal)
            Read-TerminalFile $resultFile | Should -Be 'restarted 0'
            Test-Listening $port | Should -BeTrue
        } finally {
            Stop-TerminalPwsh $terminal
        }
    }
}

Describe 'Remove-Module and a port held by a listener of this session' {
    BeforeAll {
        $script:Store = Use-ContosoStore
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'stops the session''s listeners when the module is removed' {
        $port = Get-FreeLoopbackPort
        $result = Invoke-ChildPwsh -Arguments $ModuleManifest, $Store, $port -Script {
            param($Manifest, $Store, $Port)
            function Test-Open([int] $Port) {
                $client = [System.Net.Sockets.TcpClient]::new()
                try { $client.Connect('127.0.0.1', $Port); $true } catch { $false } finally { $client.Dispose() }
            }
            Import-Module $Manifest
            $null = Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port $Port -WarningAction SilentlyContinue
            $before = Test-Open $Port
            Remove-Module MimecastJournaling
            $after = Test-Open $Port
            Import-Module $Manifest
            $again = Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port $Port -WarningAction SilentlyContinue
            @{ Before = $before; After = $after; Restarted = [bool]$again.IsRunning } | ConvertTo-Json -Compress
        }.ToString() -TimeoutSeconds 120
        $result.Result | Should -Not -BeNullOrEmpty -Because "$($result.Stdout)`n$($result.Stderr)"
        $result.Result.Before | Should -BeTrue
        $result.Result.After | Should -BeFalse -Because 'Remove-Module should stop the listener and free its port'
        $result.Result.Restarted | Should -BeTrue
    }

    It 'names the listener of this session that holds the port' {
        $first = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -WarningAction SilentlyContinue
        try {
            $port = Get-PortOf $first
            $err = { Start-JournalListener -BindAddress 127.0.0.1 -Port $port -WarningAction SilentlyContinue -ErrorAction Stop } |
                Should -Throw -ErrorId 'ListenerBindFailed*' -PassThru
            $err.Exception.Message | Should -Match "Stop-JournalListener -Id $($first.Id)\b"
            $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        } finally {
            Stop-JournalListener -Id $first.Id -TimeoutSeconds 5
        }
    }
}

Describe 'Get-JournalListener from another session' {
    BeforeAll {
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        New-JournalDefinition 'Plain' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false | Out-Null
    }
    AfterAll {
        Remove-ContosoStore $Store
    }

    It 'lists a listener another pwsh runs on the same store, with its counters, and marks it stale once it is killed' {
        $port = Get-FreeLoopbackPort
        $pidFile = Join-Path (Split-Path $Store) 'other.pid'
        $child = Start-ChildPwsh -Arguments $ModuleManifest, $Store, $port, $pidFile -Script {
            param($Manifest, $Store, $Port, $PidFile)
            Import-Module $Manifest
            Set-Content -LiteralPath $PidFile -Value $PID
            Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port $Port -HeartbeatSeconds 1 -Wait | Out-Null
        }.ToString()
        try {
            Wait-Until { (Test-Path $pidFile) -and (Test-Listening $port) } -Seconds 90 | Should -BeTrue
            $otherPid = [int](Get-Content $pidFile)
            # The record is written right after the port is bound.
            Wait-Until { @(Get-JournalListener -Store $Store).Count -gt 0 } -Seconds 10 | Should -BeTrue
            $seen = @(Get-JournalListener -Store $Store)
            $seen.Count | Should -Be 1
            $seen[0].InThisSession | Should -BeFalse
            $seen[0].IsRunning | Should -BeTrue
            $seen[0].IsStale | Should -BeFalse
            $seen[0].Node | Should -Be ([System.Net.Dns]::GetHostName())
            $seen[0].ProcessId | Should -Be $otherPid
            $seen[0].Endpoints | Should -Be @("127.0.0.1:$port")
            $seen[0].Started | Should -BeLessOrEqual ([DateTimeOffset]::Now)
            $seen[0].Id | Should -Be 0

            $replies = Send-SwaksReport -Port $port -Path (Join-Path $Reports 'synthetic-bifurcated-fork1.eml')
            $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
            Wait-Until { (Get-JournalListener -Store $Store).Accepted -eq 1 } -Seconds 30 | Should -BeTrue -Because 'the heartbeat carries the counters'
            (Get-JournalListener -Store $Store | Format-Table | Out-String -Width 200) | Should -Match "\($otherPid\)"

            & kill -KILL $otherPid
            Wait-Until { (Get-JournalListener -Store $Store).IsStale } -Seconds 30 | Should -BeTrue -Because 'no heartbeat for 3 intervals'
            $stale = Get-JournalListener -Store $Store
            $stale.IsRunning | Should -BeFalse
            ($stale | Format-Table | Out-String -Width 200) | Should -Match 'Stale'
            # Reading never removes what it reads.
            @(Get-JournalListener -Store $Store).Count | Should -Be 1
        } finally {
            if (-not $child.Process.HasExited) { $child.Process.Kill($true) }
        }
    }

    It 'lists this session''s listener once, not again from the store' {
        $mine = Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port 0
        try {
            $listed = @(Get-JournalListener -Store $Store | Where-Object ListenerId -eq $mine.ListenerId)
            $listed.Count | Should -Be 1
            $listed[0].InThisSession | Should -BeTrue
            $listed[0].Id | Should -Be $mine.Id
        } finally {
            Stop-JournalListener -Id $mine.Id -TimeoutSeconds 5
        }
    }
}
