# Fault tests of the journal listener, against the built module: a kill -9 under load loses no
# report that got 250 and archives none twice; garbage, bare LF, a 1 MB line and a cut DATA leave
# it serving; connection limits answer 421; a locked store answers 4xx. Traffic goes to 127.0.0.1
# only; every child process is killed in a finally block; every wait is bounded.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Reports = Join-Path $RepoRoot 'tests/Fixtures/Reports'
    if (-not (Get-Command swaks -ErrorAction SilentlyContinue)) {
        throw 'swaks is missing: build.ps1 -Task Test installs it (apt-get install swaks libnet-ssleay-perl).'
    }
    $script:Ascii = [Text.Encoding]::ASCII

    # A synthetic journal report (from the bifurcated fixture) whose original message has the
    # Message-ID <$Id@contoso.com>; returns its path.
    function New-FaultReport([string] $Folder, [string] $Id) {
        $template = Get-Content -LiteralPath (Join-Path $Reports 'synthetic-bifurcated-fork1.eml') -Raw
        $path = Join-Path $Folder "$Id.eml"
        $text = $template -replace 'synthetic-fork-r1@journal\.report\.generator', "$Id-report@journal.report.generator" -replace 'synthetic-fork-0001@contoso\.com', "$Id@contoso.com"
        Set-Content -LiteralPath $path -Value $text -NoNewline -Encoding ascii
        $path
    }

    function Send-Report([int] $Port, [string] $Path) { Send-SwaksReport -Port $Port -Path $Path }

    # A connection to the store through the module's own Microsoft.Data.Sqlite (in its private
    # load context), for what no cmdlet shows: the spool, and a lock held by "another process".
    function New-StoreConnection([string] $Store) {
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'MimecastJournaling'
        $assembly = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' }
        $connection = [Activator]::CreateInstance($assembly.GetType('Microsoft.Data.Sqlite.SqliteConnection'), "Data Source=$Store;Pooling=False")
        $connection.Open()
        $connection
    }

    function Invoke-StoreSql($Connection, [string] $Sql) {
        $command = $Connection.CreateCommand()
        try { $command.CommandText = $Sql; $command.ExecuteScalar() } finally { $command.Dispose() }
    }

    # The listener's spool is a file of its own beside the store: journaling.db -> journaling.spool.db.
    function Get-SpoolPath([string] $Store) {
        Join-Path (Split-Path $Store) ([IO.Path]::GetFileNameWithoutExtension($Store) + '.spool' + [IO.Path]::GetExtension($Store))
    }

    function Get-SpoolCount([string] $Store) {
        $connection = New-StoreConnection (Get-SpoolPath $Store)
        try { [int](Invoke-StoreSql $connection 'SELECT COUNT(*) FROM spool') } finally { $connection.Dispose() }
    }

    # Raw TCP: writes $Bytes after the greeting, then reads until the server closes the
    # connection (or 30 s pass). Returns the reply lines, greeting first, and whether it closed.
    function Invoke-RawSmtp([int] $Port, [byte[]] $Bytes) {
        $client = [System.Net.Sockets.TcpClient]::new()
        try {
            $client.Connect('127.0.0.1', $Port)
            $stream = $client.GetStream()
            $stream.ReadTimeout = 30000
            $stream.Write($Bytes, 0, $Bytes.Length)
            $received = [IO.MemoryStream]::new()
            $buffer = [byte[]]::new(65536)
            $closed = $false
            while ($true) {
                try { $n = $stream.Read($buffer, 0, $buffer.Length) } catch { break }
                if ($n -eq 0) { $closed = $true; break }
                $received.Write($buffer, 0, $n)
            }
            [pscustomobject]@{
                Lines  = @($Ascii.GetString($received.ToArray()) -split "`r`n" | Where-Object { $_ })
                Closed = $closed
            }
        } finally {
            $client.Dispose()
        }
    }

    # A connection that has read its first reply line (the greeting, or a refusal).
    function Open-SmtpConnection([int] $Port) {
        $client = [System.Net.Sockets.TcpClient]::new()
        $client.Connect('127.0.0.1', $Port)
        $stream = $client.GetStream()
        $stream.ReadTimeout = 30000
        $reader = [IO.StreamReader]::new($stream, $Ascii)
        [pscustomobject]@{ Client = $client; Reader = $reader; First = $reader.ReadLine() }
    }

    function New-FaultStore {
        $store = New-TestStore
        Register-JournalDomain -Store $store -Name journal.contoso.com, contoso.com | Out-Null
        Add-JournalInternalAddress -Store $store -Address alice@contoso.com, bob@contoso.com
        New-JournalDefinition -Store $store 'Plain' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false -JournalNonInternalAddresses | Out-Null
        $store
    }
}

Describe 'A listener killed with SIGKILL under load' {
    BeforeAll {
        $script:Store = New-FaultStore
        $script:Folder = Join-Path (Split-Path $Store) 'reports'
        New-Item -ItemType Directory -Path $Folder | Out-Null
        $script:N = 240
        $script:Ids = @(1..$N | ForEach-Object { 'fault-{0:d4}' -f $_ })
        foreach ($id in $Ids) { New-FaultReport $Folder $id | Out-Null }
        $script:blockArchive = "CREATE TRIGGER fault_block_archive BEFORE INSERT ON reports BEGIN SELECT RAISE(ABORT, 'fault test: archive blocked'); END"
    }
    AfterAll {
        Stop-JournalListener -TimeoutSeconds 5 -ErrorAction SilentlyContinue
        Remove-TestStore $Store
    }

    It 'archives every report that got 250 exactly once after a restart, and nothing twice' {
        # The child is the dotnet pwsh wrapper; the listener runs in the pwsh process whose $PID
        # it writes. It listens on a port the system picks and writes its endpoint once bound.
        $pidFile = Join-Path (Split-Path $Store) 'listener.pid'
        $endpointFile = Join-Path (Split-Path $Store) 'listener.endpoint'
        $child = Start-ChildPwsh -Arguments $ModuleManifest, $Store, $pidFile, $endpointFile -Script {
            param($Manifest, $Store, $PidFile, $EndpointFile)
            Import-Module $Manifest
            Set-Content -LiteralPath $PidFile -Value $PID
            Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port 0 -Wait |
                ForEach-Object { Set-Content -LiteralPath $EndpointFile -Value $_.Endpoints[0] }
        }.ToString()
        # Four senders, each a bash loop of swaks over its share of the reports, each writing the
        # ids that got '250 2.0.0 Queued' to its own file.
        $senderScript = @'
port=$1; out=$2; shift 2
for f in "$@"; do
  reply=$(swaks --server 127.0.0.1 --port "$port" --from ndr@contoso.com --to journal@journal.contoso.com --data "$f" --timeout 30 2>&1)
  if grep -Eq '^ *<[-~*]+ +250 2\.0\.0 Queued' <<<"$reply"; then basename "$f" .eml >> "$out"; fi
done
'@
        $senders = @()
        $acceptedFiles = @(0..3 | ForEach-Object { Join-Path (Split-Path $Store) "accepted-$_.txt" })
        try {
            Wait-Until { (Test-Path $pidFile) -and (Test-Path $endpointFile) -and (Get-Content $endpointFile) } -Seconds 90 |
                Should -BeTrue -Because 'the child listener should be listening'
            $port = [int]((Get-Content $endpointFile) -split ':')[-1]
            Test-Listening $port | Should -BeTrue
            $listenerPid = [int](Get-Content $pidFile)
            foreach ($s in 0..3) {
                $info = [System.Diagnostics.ProcessStartInfo]::new('bash')
                foreach ($a in @('-c', $senderScript, 'sender', $port, $acceptedFiles[$s])) { $info.ArgumentList.Add([string]$a) }
                for ($i = $s; $i -lt $N; $i += 4) { $info.ArgumentList.Add((Join-Path $Folder "$($Ids[$i]).eml")) }
                $info.UseShellExecute = $false
                $info.RedirectStandardOutput = $true
                $info.RedirectStandardError = $true
                $p = [System.Diagnostics.Process]::Start($info)
                $null = $p.StandardOutput.ReadToEndAsync(); $null = $p.StandardError.ReadToEndAsync()
                $senders += $p
            }
            $countAccepted = { @($acceptedFiles | Where-Object { Test-Path $_ } | ForEach-Object { Get-Content $_ }).Count }
            Wait-Until { (& $countAccepted) -ge 20 } -Seconds 120 | Should -BeTrue -Because 'the senders should get 20 reports accepted'
            # The archiver keeps up with four senders, so a kill would find the spool empty. From
            # here on every archive transaction fails (a trigger on the reports table) while the
            # spool still takes reports: they get 250 and wait in the spool when the kill comes.
            $block = New-StoreConnection $Store
            try { Invoke-StoreSql $block $blockArchive | Out-Null } finally { $block.Dispose() }
            $acceptedAtBlock = & $countAccepted
            Wait-Until { (& $countAccepted) -ge $acceptedAtBlock + 30 } -Seconds 120 | Should -BeTrue -Because 'the senders should get 30 more reports accepted'

            & kill -KILL $listenerPid
            $null = Wait-ChildPwsh -Child $child -TimeoutSeconds 60
            foreach ($p in $senders) {
                $p.WaitForExit(180000) | Should -BeTrue -Because 'a sender loop ends once the listener is gone'
            }
        } finally {
            foreach ($p in $senders) { if (-not $p.HasExited) { $p.Kill($true) } }
            if (-not $child.Process.HasExited) { $child.Process.Kill($true) }
        }

        $accepted = @($acceptedFiles | Where-Object { Test-Path $_ } | ForEach-Object { Get-Content $_ })
        $spooledAtKill = Get-SpoolCount $Store
        $connection = New-StoreConnection $Store
        try {
            $archivedAtKill = [int](Invoke-StoreSql $connection 'SELECT COUNT(*) FROM items')
            Invoke-StoreSql $connection 'DROP TRIGGER fault_block_archive' | Out-Null
        } finally {
            $connection.Dispose()
        }

        # Restart on the same store, in this process, and let it drain the spool.
        $listener = Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port 0
        try {
            Wait-Until { (Get-SpoolCount $Store) -eq 0 } -Seconds 120 | Should -BeTrue -Because 'the restarted listener should drain the spool'
        } finally {
            Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5
        }

        $items = @(Get-JournalMessage -Store $Store -Definition 'Plain')
        Write-Host ("    kill -9: N={0} accepted-before-kill={1} (at block {2}) archived-at-kill={3} spooled-at-kill={4} archived-items={5} archived-without-250={6}" -f
            $N, $accepted.Count, $acceptedAtBlock, $archivedAtKill, $spooledAtKill, $items.Count,
            @($items | Where-Object { ($_.MessageId -replace '@contoso\.com$') -notin $accepted }).Count)

        $accepted.Count | Should -BeGreaterOrEqual 50
        $spooledAtKill | Should -BeGreaterOrEqual 20 -Because 'at least 26 reports got 250 after the archive was blocked'
        # Each spooled entry became one item after the restart; nothing already archived came again.
        $items.Count | Should -Be ($archivedAtKill + $spooledAtKill)
        @($accepted | Sort-Object -Unique).Count | Should -Be $accepted.Count -Because 'each report was sent once'
        # Nothing exists twice, and every item is one of ours with exactly one SMTP report.
        @($items | Group-Object MessageId | Where-Object Count -gt 1) | Should -BeNullOrEmpty
        foreach ($item in $items) {
            ($item.MessageId -replace '@contoso\.com$') | Should -BeIn $Ids
            @($item.Reports).Count | Should -Be 1 -Because "$($item.MessageId) was sent once"
            $item.Reports[0].Source | Should -Be 'smtp:127.0.0.1'
            $item.Reports[0].Outcome | Should -Be 'Archived'
        }
        # Every 250 is archived, exactly once.
        foreach ($id in $accepted) {
            $found = @(Get-JournalMessage -Store $Store -MessageId "$id@contoso.com")
            $found.Count | Should -Be 1 -Because "$id got 250"
            @($found[0].Reports).Count | Should -Be 1
        }
        $items.Count | Should -BeGreaterOrEqual $accepted.Count
        $items.Count | Should -BeLessOrEqual $N
    }
}

Describe 'Garbage and abuse keep the listener serving' {
    BeforeAll {
        $script:Store = New-FaultStore
        $script:Folder = Join-Path (Split-Path $Store) 'reports'
        New-Item -ItemType Directory -Path $Folder | Out-Null
        $script:Listener = Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port 0 -ServerName archive.contoso.test
        $script:Port = Get-PortOf $Listener

        # After each abuse: a normal report still gets 250 and is archived once.
        function Assert-StillServing([string] $Id) {
            Wait-Until { (Get-JournalListener -Id $Listener.Id).ConnectionsOpen -eq 0 } | Should -BeTrue -Because 'the abusive session should have ended'
            $replies = Send-Report $Port (New-FaultReport $Folder $Id)
            $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -HaveCount 1
            Wait-Until { Get-JournalMessage -Store $Store -MessageId "$Id@contoso.com" } | Should -BeTrue
            @((Get-JournalMessage -Store $Store -MessageId "$Id@contoso.com").Reports).Count | Should -Be 1
        }
    }
    AfterAll {
        Stop-JournalListener -TimeoutSeconds 5 -ErrorAction SilentlyContinue
        Remove-TestStore $Store
    }

    It 'answers a line of random bytes (over 512 octets) with 500 5.5.2 and QUIT with 221' {
        $random = [byte[]]::new(4096)
        [Random]::new(20261126).NextBytes($random)
        $line = [byte[]]@($random | Where-Object { $_ -ne 10 -and $_ -ne 13 })   # one line: no CR or LF inside
        $result = Invoke-RawSmtp $Port ($line + $Ascii.GetBytes("`r`nQUIT`r`n"))
        $result.Lines[0] | Should -Be '220 archive.contoso.test ESMTP ready'
        $result.Lines[1] | Should -Match '^500 5\.5\.2 Line too long'
        $result.Lines[2] | Should -Match '^221 '
        $result.Lines | Should -HaveCount 3
        $result.Closed | Should -BeTrue
        Assert-StillServing 'garbage-random'
    }

    It 'answers four unrecognised commands 502 and the fifth 421, then closes the session' {
        $result = Invoke-RawSmtp $Port ($Ascii.GetBytes(("FOO`r`n" * 7) + "QUIT`r`n"))
        $result.Lines[0] | Should -Match '^220 '
        $replies = @($result.Lines)[1..(@($result.Lines).Count - 1)]   # after the greeting
        $replies | Should -HaveCount 5
        $replies[0..3] | ForEach-Object { $_ | Should -Match '^502 ' }
        $replies[4] | Should -Match '^421 4\.7\.0 .*too many bad commands'
        # The session ends after the fifth, with the listener's text: no library retry count.
        $replies | ForEach-Object { $_ | Should -Not -Match 'retry' }
        $result.Closed | Should -BeTrue
        Assert-StillServing 'garbage-five'
    }

    It 'treats bare LF as no line end: three LF-terminated NOOPs are one unrecognised line' {
        $result = Invoke-RawSmtp $Port ($Ascii.GetBytes("NOOP`nNOOP`nNOOP`n`r`nQUIT`r`n"))
        $result.Lines[0] | Should -Match '^220 '
        $result.Lines[1] | Should -Match '^502 '
        $result.Lines[2] | Should -Match '^221 '
        $result.Lines | Should -HaveCount 3
        Assert-StillServing 'garbage-bare-lf'
    }

    It 'answers a 1 MB command line without a newline 500 5.5.2 once it passes 512 octets, discards the rest, and serves on' {
        $result = Invoke-RawSmtp $Port ($Ascii.GetBytes(('X' * 1MB) + "`r`nQUIT`r`n"))
        $result.Lines[0] | Should -Match '^220 '
        $result.Lines[1] | Should -Match '^500 5\.5\.2 Line too long'
        $result.Lines[2] | Should -Match '^221 '
        $result.Lines | Should -HaveCount 3
        Assert-StillServing 'garbage-long-line'
    }

    It 'stores nothing from a session cut in the middle of DATA' {
        # The earlier tests' probes leave the spool once archived; start from an empty spool.
        Wait-Until { (Get-SpoolCount $Store) -eq 0 } | Should -BeTrue
        $before = Get-JournalListener -Id $Listener.Id
        $connection = Open-SmtpConnection $Port
        try {
            $connection.First | Should -Match '^220 '
            $stream = $connection.Client.GetStream()
            $send = { param([string] $Text) $b = $Ascii.GetBytes($Text); $stream.Write($b, 0, $b.Length) }
            & $send "HELO sender.contoso.com`r`n"; $connection.Reader.ReadLine() | Should -Match '^250 '
            & $send "MAIL FROM:<ndr@contoso.com>`r`n"; $connection.Reader.ReadLine() | Should -Match '^250 '
            & $send "RCPT TO:<journal@journal.contoso.com>`r`n"; $connection.Reader.ReadLine() | Should -Match '^250 '
            & $send "DATA`r`n"; $connection.Reader.ReadLine() | Should -Match '^354 '
            $half = (Get-Content -LiteralPath (New-FaultReport $Folder 'cut-mid-data') -Raw)
            & $send $half.Substring(0, [int]($half.Length / 2))
            $stream.Flush()
        } finally {
            $connection.Client.Client.Close()   # abrupt: no end of data, no QUIT
            $connection.Client.Dispose()
        }
        Wait-Until { (Get-JournalListener -Id $Listener.Id).ConnectionsOpen -eq 0 } | Should -BeTrue
        $after = Get-JournalListener -Id $Listener.Id
        $after.Received | Should -Be $before.Received -Because 'an unfinished DATA is not a received message'
        $after.Accepted | Should -Be $before.Accepted
        Get-SpoolCount $Store | Should -Be 0
        Assert-StillServing 'garbage-after-cut'
        Get-JournalMessage -Store $Store -MessageId 'cut-mid-data@contoso.com' | Should -BeNullOrEmpty
    }
}

Describe 'Connection limits' {
    BeforeAll {
        $script:Store = New-FaultStore
        $script:Folder = Join-Path (Split-Path $Store) 'reports'
        New-Item -ItemType Directory -Path $Folder | Out-Null
    }
    AfterAll {
        Stop-JournalListener -TimeoutSeconds 5 -ErrorAction SilentlyContinue
        Remove-TestStore $Store
    }

    It 'greets 200 connections held open at once with -MaxConnections 250' {
        $listener = Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port 0 -MaxConnections 250 -MaxConnectionsPerSource 250
        $port = Get-PortOf $listener
        $connections = [Collections.Generic.List[object]]::new()
        try {
            for ($i = 0; $i -lt 200; $i++) { $connections.Add((Open-SmtpConnection $port)) }
            @($connections | Where-Object { $_.First -match '^220 ' }) | Should -HaveCount 200
            (Get-JournalListener -Id $listener.Id).ConnectionsOpen | Should -Be 200
        } finally {
            foreach ($c in $connections) { $c.Client.Dispose() }
        }
        Wait-Until { (Get-JournalListener -Id $listener.Id).ConnectionsOpen -eq 0 } | Should -BeTrue
        (Get-JournalListener -Id $listener.Id).Refused.Keys | Should -Not -Contain 'TooManyConnections'
        Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5
    }

    It 'answers the 21st connection from one address 421 4.7.0 by default (-MaxConnectionsPerSource 20)' {
        $listener = Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port 0 -ServerName archive.contoso.test
        $port = Get-PortOf $listener
        $connections = [Collections.Generic.List[object]]::new()
        try {
            for ($i = 0; $i -lt 20; $i++) { $connections.Add((Open-SmtpConnection $port)) }
            @($connections | Where-Object { $_.First -match '^220 ' }) | Should -HaveCount 20
            $extra = Open-SmtpConnection $port
            $connections.Add($extra)
            $extra.First | Should -Be '421 4.7.0 archive.contoso.test too many connections from your address, try again later'
            (Get-JournalListener -Id $listener.Id).Refused['TooManyConnectionsFromSource'] | Should -Be 1
        } finally {
            foreach ($c in $connections) { $c.Client.Dispose() }
            Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5
        }
    }

    It 'answers the 51st connection 421 4.7.0 with -MaxConnections 50, and serves again once they close' {
        $listener = Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port 0 -MaxConnections 50 -MaxConnectionsPerSource 50 -ServerName archive.contoso.test
        $port = Get-PortOf $listener
        $connections = [Collections.Generic.List[object]]::new()
        try {
            for ($i = 0; $i -lt 50; $i++) { $connections.Add((Open-SmtpConnection $port)) }
            @($connections | Where-Object { $_.First -match '^220 ' }) | Should -HaveCount 50
            $extra = Open-SmtpConnection $port
            $connections.Add($extra)
            $extra.First | Should -Be '421 4.7.0 archive.contoso.test too many connections, try again later'
            $extra.Reader.ReadLine() | Should -BeNullOrEmpty -Because 'the refused connection is closed'
            (Get-JournalListener -Id $listener.Id).Refused['TooManyConnections'] | Should -Be 1
            (Get-JournalListener -Id $listener.Id).ConnectionsOpen | Should -Be 50
        } finally {
            foreach ($c in $connections) { $c.Client.Dispose() }
        }
        Wait-Until { (Get-JournalListener -Id $listener.Id).ConnectionsOpen -eq 0 } | Should -BeTrue
        try {
            $replies = Send-Report $port (New-FaultReport $Folder 'after-limit')
            $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -HaveCount 1
            Wait-Until { Get-JournalMessage -Store $Store -MessageId 'after-limit@contoso.com' } | Should -BeTrue
        } finally {
            Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5
        }
    }
}

Describe 'A store that cannot be written' {
    BeforeAll {
        $script:Store = New-FaultStore
        $script:Folder = Join-Path (Split-Path $Store) 'reports'
        New-Item -ItemType Directory -Path $Folder | Out-Null
        $script:Listener = Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port 0
        $script:Port = Get-PortOf $Listener
    }
    AfterAll {
        Stop-JournalListener -TimeoutSeconds 5 -ErrorAction SilentlyContinue
        Remove-TestStore $Store
    }

    It 'answers 451 4.3.0 while another connection holds the spool''s write lock, and 250 once it is released' {
        $report = New-FaultReport $Folder 'locked-store'
        $lock = New-StoreConnection (Get-SpoolPath $Store)
        try {
            Invoke-StoreSql $lock 'BEGIN IMMEDIATE' | Out-Null
            $replies = Send-Report $Port $report
        } finally {
            Invoke-StoreSql $lock 'ROLLBACK' | Out-Null
            $lock.Dispose()
        }
        $last = $replies | Where-Object { $_ -notmatch '^221 ' } | Select-Object -Last 1
        $last | Should -Match '^451 4\.3\.0 '
        $replies | Where-Object { $_ -match '^(250 2\.0\.0|5\d\d) ' } | Should -BeNullOrEmpty
        (Get-JournalListener -Id $Listener.Id).Refused['StoreUnavailable'] | Should -Be 1
        (Get-JournalListener -Id $Listener.Id).Accepted | Should -Be 0
        Get-SpoolCount $Store | Should -Be 0
        Get-JournalMessage -Store $Store -MessageId 'locked-store@contoso.com' | Should -BeNullOrEmpty

        # The sender retries, as Exchange does after a 4xx: now it is stored and archived once.
        $retry = Send-Report $Port $report
        $retry | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -HaveCount 1
        Wait-Until { Get-JournalMessage -Store $Store -MessageId 'locked-store@contoso.com' } | Should -BeTrue
        @((Get-JournalMessage -Store $Store -MessageId 'locked-store@contoso.com').Reports).Count | Should -Be 1
    }

    It 'answers 250 while the archive''s store is locked (the report waits in the spool), and archives it once the lock is released' {
        $report = New-FaultReport $Folder 'locked-archive'
        $acceptedBefore = (Get-JournalListener -Id $Listener.Id).Accepted
        $lock = New-StoreConnection $Store
        try {
            Invoke-StoreSql $lock 'BEGIN IMMEDIATE' | Out-Null
            $replies = Send-Report $Port $report
            $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -HaveCount 1
            Start-Sleep -Seconds 2
            Get-SpoolCount $Store | Should -Be 1 -Because 'the archive cannot write while the lock is held'
        } finally {
            Invoke-StoreSql $lock 'ROLLBACK' | Out-Null
            $lock.Dispose()
        }
        (Get-JournalListener -Id $Listener.Id).Accepted | Should -Be ($acceptedBefore + 1)
        Wait-Until { Get-JournalMessage -Store $Store -MessageId 'locked-archive@contoso.com' } | Should -BeTrue
        Wait-Until { (Get-SpoolCount $Store) -eq 0 } | Should -BeTrue
        @((Get-JournalMessage -Store $Store -MessageId 'locked-archive@contoso.com').Reports).Count | Should -Be 1
    }
}
