# Benchmark: SMTP ingest of the journal listener against Postfix and smtp-sink, all on 127.0.0.1.
# Every session comes from that one address, so the listeners run with -MaxConnectionsPerSource
# 1000 (the default 20 would answer some of the -Sessions 421 4.7.0, as it should for a real sender).
#
# The load is Postfix's smtp-source: -Count messages of about -Size bytes over -Sessions parallel
# sessions, each session keeping its connection (-d). The same load goes to three servers:
#   smtp-sink   the no-storage ceiling (answers 250 and throws the message away);
#   Postfix     a private instance (its own config, queue and data directories, listening on a free
#               loopback port) delivering locally into a Maildir;
#   Listener    Start-JournalListener -Wait in a child `dotnet pwsh`, with a definition that archives
#               everything from 127.0.0.1 (smtp-source's messages archive as plain EML), three ways
#               (-Backends): on SQLite; on PostgreSQL; and two listeners (two child pwsh, nodes
#               node-1 and node-2) on one PostgreSQL database, each taking half of the sessions and
#               messages (one smtp-source per listener, started together). PostgreSQL is a throwaway
#               cluster made here as in the tests (tests/Pester/Postgres.ps1: initdb/pg_ctl on a free
#               loopback port, default durability settings: fsync and synchronous_commit on).
# Accepted/s is every message accepted (smtp-source's Count plus the probe's, below) divided by
# smtp-source's wall time. Archived/s is end to end: until the
# definition's ReceivedCount covers every message sent and its queue is empty (listener), or until
# every message is in Maildir/new (Postfix). smtp-source has no per-message latency, so while it runs
# one extra session from this script (a .NET TcpClient) sends 20 KB messages one after another and
# times each from writing the final "." to reading the reply: P50Ms/P99Ms are under the same load.
# PeakRssMB is VmHWM of the listener's pwsh process (the child writes $PID to a file).
# Each server first gets -WarmupCount messages of the same load, unmeasured, and is measured once it
# has caught up with them (delivered, or archived).
# Targets: listener accepted/s on SQLite >= 2x Postfix and >= 0.4x smtp-sink; one listener on
# PostgreSQL >= Postfix (issue 9); listener peak RSS < 300 MB (the largest of the listeners).
# Then -LargeSessions reports of -LargeSize bytes at once into a fresh listener: its peak RSS must
# stay under 300 MB, far from the LargeSessions x LargeSize it would cost held whole in memory.
#
# -ColdStart measures only the start of a fresh listener (item 8 of issue 13, ReadyToRun): for
# Start-JournalListener (child pwsh) and for the service host (dotnet MimecastJournaling.Host.dll),
# each in a fresh store, smtp-source's load of -Count messages right after the port opens (cold),
# then the same load again (warm). One row per server and phase, with accepted/s.
#
# Installs postfix with apt when smtp-source is missing (root only; debconf preseeded to
# "No configuration", and a system Postfix the install started is stopped again). Every process
# and the private Postfix instance started here are stopped in `finally`, also on failure.
[CmdletBinding()]
param(
    [int] $Count = 10000,
    [int] $Sessions = 20,
    [int] $Size = 20000,
    [int] $TimeoutSeconds = 900,
    [int] $WarmupCount = 10000,
    [int] $LargeSessions = 20,           # 0 leaves the large-report phase out
    [int] $LargeSize = 25MB,
    [ValidateSet('SQLite', 'PostgreSQL', 'PostgreSQL x2')]
    [string[]] $Backends = @('SQLite', 'PostgreSQL', 'PostgreSQL x2'),
    [switch] $ColdStart
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$manifest = Join-Path $repoRoot 'MimecastJournaling.psd1'
$recipient = 'journal@journal.contoso.com'
$sender = 'sender@fabrikam.test'

function Install-Postfix {
    if ((Get-Command smtp-source -ErrorAction SilentlyContinue) -and (Get-Command smtp-sink -ErrorAction SilentlyContinue)) { return }
    if (-not $IsLinux) { throw 'Postfix cannot be installed: this benchmark needs Linux (smtp-source, smtp-sink, postfix).' }
    if ((& id -u) -ne '0') { throw 'Postfix cannot be installed: smtp-source is missing and this is not root (apt-get install postfix).' }
    if (-not (Get-Command apt-get -ErrorAction SilentlyContinue)) { throw 'Postfix cannot be installed: smtp-source is missing and there is no apt-get.' }
    Write-Host 'Installing postfix (apt-get, debconf: No configuration)...'
    'postfix postfix/main_mailer_type select No configuration' | & debconf-set-selections
    if ($LASTEXITCODE -ne 0) { throw "Postfix cannot be installed: debconf-set-selections failed ($LASTEXITCODE)." }
    $env:DEBIAN_FRONTEND = 'noninteractive'
    # A fresh machine may have no package lists yet: update them first, as build.ps1 does.
    $log = & apt-get update -qq 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Postfix cannot be installed: apt-get update failed ($LASTEXITCODE): $(($log | Select-Object -Last 5) -join ' | ')" }
    $log = & apt-get install -y -q postfix 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Postfix cannot be installed: apt-get failed ($LASTEXITCODE): $(($log | Select-Object -Last 5) -join ' | ')" }
    # The package may start the system instance (port 25); this benchmark leaves none running.
    & postfix status *> $null
    if ($LASTEXITCODE -eq 0) { & postfix stop *> $null }
    if (-not (Get-Command smtp-source -ErrorAction SilentlyContinue)) { throw 'Postfix cannot be installed: smtp-source is still missing after apt-get.' }
}

function Get-FreePort {
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start()
    try { ([System.Net.IPEndPoint]$probe.LocalEndpoint).Port } finally { $probe.Stop() }
}

function Test-Port([int] $Port) {
    $client = [System.Net.Sockets.TcpClient]::new()
    try { $client.ConnectAsync('127.0.0.1', $Port).Wait(500) -and $client.Connected } catch { $false } finally { $client.Dispose() }
}

function Wait-For([scriptblock] $Condition, [int] $Seconds, [string] $What) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting for $What." }
        Start-Sleep -Milliseconds 100
    }
}

function Start-Native([string] $FilePath, [string[]] $Arguments, [string] $WorkingDirectory = $repoRoot, [hashtable] $Environment = @{}) {
    $info = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($a in $Arguments) { $info.ArgumentList.Add($a) }
    # The store goes through the environment, so a connection string's password is not on a command line.
    foreach ($k in $Environment.Keys) { $info.Environment[$k] = $Environment[$k] }
    $info.WorkingDirectory = $WorkingDirectory
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($info)
    [pscustomobject]@{ Process = $process; Pids = [System.Collections.Generic.List[int]]::new(); Stdout = $process.StandardOutput.ReadToEndAsync(); Stderr = $process.StandardError.ReadToEndAsync() }
}

# The process and every descendant (`dotnet pwsh` runs pwsh as a child of the dotnet muxer).
function Get-ProcessTree([int] $ProcessId) {
    $ProcessId
    foreach ($child in @(& ps -o pid= --ppid $ProcessId 2>$null)) { if ($child.Trim()) { Get-ProcessTree ([int]$child.Trim()) } }
}

# SIGTERM to the process, its descendants and $Started.Pids, then SIGKILL to whatever is left after 30 s.
function Stop-Native($Started) {
    if (-not $Started) { return }
    $ids = @(@(if (-not $Started.Process.HasExited) { Get-ProcessTree $Started.Process.Id }) + @($Started.Pids) | Select-Object -Unique)
    $alive = { @($ids | Where-Object { Test-Path "/proc/$_" }) }
    foreach ($id in (& $alive)) { & kill -TERM $id 2>$null }
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (@(& $alive).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    foreach ($id in (& $alive)) { & kill -KILL $id 2>$null }
    if (-not $Started.Process.HasExited) { $Started.Process.Kill($true) }
    $Started.Process.WaitForExit()
}

# One SMTP session on a .NET TcpClient that sends messages of about $Size bytes one after another
# while $Until returns false, and times each from the final "." to the reply line.
function Measure-DotToReply([int] $Port, [scriptblock] $Until, [string] $Tag) {
    $client = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $Port)
    $client.NoDelay = $true
    $stream = $client.GetStream()
    $reader = [System.IO.StreamReader]::new($stream, [System.Text.Encoding]::ASCII)
    $ascii = [System.Text.Encoding]::ASCII
    $readReply = {
        do { $line = $reader.ReadLine(); if ($null -eq $line) { throw 'The server closed the probe session.' } } while ($line.Length -gt 3 -and $line[3] -eq '-')
        $line
    }
    $command = { param($text, $expect)
        $bytes = $ascii.GetBytes("$text`r`n"); $stream.Write($bytes, 0, $bytes.Length)
        $reply = & $readReply
        if (-not $reply.StartsWith($expect)) { throw "Probe: '$text' got '$reply'." }
    }
    $line = ('x' * 76) + "`r`n"
    $body = [System.Text.StringBuilder]::new()
    while ($body.Length -lt $Size) { [void]$body.Append($line) }
    $bodyText = $body.ToString()
    $samples = [System.Collections.Generic.List[double]]::new()
    $watch = [System.Diagnostics.Stopwatch]::new()
    $dot = $ascii.GetBytes(".`r`n")
    try {
        $null = & $readReply
        & $command 'EHLO probe.fabrikam.test' '250'
        $n = 0
        while (-not (& $Until)) {
            $n++
            & $command "MAIL FROM:<$sender>" '250'
            & $command "RCPT TO:<$recipient>" '250'
            & $command 'DATA' '354'
            $headers = "From: <$sender>`r`nTo: <$recipient>`r`nSubject: probe $n`r`nDate: $([DateTimeOffset]::Now.ToString('r'))`r`nMessage-ID: <probe-$Tag-$n-$([guid]::NewGuid().ToString('n'))@fabrikam.test>`r`n`r`n"
            $bytes = $ascii.GetBytes($headers + $bodyText)
            $stream.Write($bytes, 0, $bytes.Length)
            $watch.Restart()
            $stream.Write($dot, 0, $dot.Length)
            $reply = & $readReply
            $watch.Stop()
            if (-not $reply.StartsWith('250')) { throw "Probe: the final dot got '$reply'." }
            $samples.Add($watch.Elapsed.TotalMilliseconds)
        }
        try { & $command 'QUIT' '221' } catch { }
    } finally {
        $client.Dispose()
    }
    , $samples.ToArray()
}

function Get-Percentile([double[]] $Values, [double] $P) {
    if (-not $Values -or $Values.Count -eq 0) { return $null }
    $sorted = [double[]]($Values | Sort-Object)
    [math]::Round($sorted[[math]::Max(0, [int][math]::Ceiling($P * $sorted.Count) - 1)], 2)
}

# Runs smtp-source against the ports while the probe session (to the first port) measures latency;
# with several ports, one smtp-source per port, each with an equal share of the sessions and
# messages, started together. Returns the figures.
function Start-Source([int[]] $Ports, [int] $Messages) {
    $share = [math]::Floor($Messages / $Ports.Count)
    for ($i = 0; $i -lt $Ports.Count; $i++) {
        $m = if ($i -eq $Ports.Count - 1) { $Messages - $share * ($Ports.Count - 1) } else { $share }
        $s = [math]::Max(1, [math]::Floor($Sessions / $Ports.Count))
        $source = Start-Native 'smtp-source' @('-d', '-s', "$s", '-m', "$m", '-l', "$Size", '-f', $sender, '-t', $recipient, "127.0.0.1:$($Ports[$i])")
        $script:started.Add($source)
        $source
    }
}

function Wait-Source($Sources, [string] $What) {
    foreach ($source in $Sources) {
        $source.Process.WaitForExit()
        if ($source.Process.ExitCode -ne 0) { throw "smtp-source ($What) failed (exit code $($source.Process.ExitCode)): $($source.Stderr.GetAwaiter().GetResult().Trim())" }
    }
}

function Invoke-Load([int[]] $Ports, [scriptblock] $Settled = { $true }) {
    # Warm-up: the same load, not measured, so every server is measured in its steady state (the
    # listener's JIT compiles about 14,000 methods in its first thousands of messages; a service
    # runs for days). Then wait until the server has caught up (delivered or archived the warm-up).
    if ($WarmupCount -gt 0) {
        Wait-Source @(Start-Source $Ports $WarmupCount) 'warm-up'
        Wait-For $Settled $TimeoutSeconds 'the server to catch up with the warm-up'
    }
    $startTicks = [DateTime]::UtcNow.Ticks
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $sources = @(Start-Source $Ports $Count)
    $latency = Measure-DotToReply -Port $Ports[0] -Tag $Ports[0] -Until { @($sources | Where-Object { -not $_.Process.HasExited }).Count -eq 0 }
    foreach ($source in $sources) { $source.Process.WaitForExit() }
    $seconds = $watch.Elapsed.TotalSeconds
    Wait-Source $sources 'load'
    [pscustomobject]@{ Watch = $watch; Seconds = $seconds; Latency = $latency; StartTicks = $startTicks }
}

function New-Result([string] $Server, $Load, $ArchivedSeconds, $PeakRssMB) {
    [pscustomobject]@{
        Server         = $Server
        Messages       = $Count
        ProbeMessages  = $Load.Latency.Count
        Sessions       = $Sessions
        SizeBytes      = $Size
        AcceptSeconds  = [math]::Round($Load.Seconds, 2)
        AcceptedPerSec = [math]::Round(($Count + $Load.Latency.Count) / $Load.Seconds, 1)
        ArchivedPerSec = if ($ArchivedSeconds) { [math]::Round(($Count + $Load.Latency.Count) / $ArchivedSeconds, 1) } else { $null }
        P50Ms          = Get-Percentile $Load.Latency 0.50
        P99Ms          = Get-Percentile $Load.Latency 0.99
        PeakRssMB      = $PeakRssMB
    }
}


# -ColdStart: the first -Count messages into a freshly started listener, then the next -Count.
function Measure-ColdStart {
    $hostAssembly = Join-Path $repoRoot 'bin/MimecastJournaling.Host.dll'
    Import-Module $manifest
    $rows = [System.Collections.Generic.List[object]]::new()
    foreach ($server in 'Start-JournalListener', 'MimecastJournaling.Host') {
        $store = Join-Path $work "$server/journaling.db"
        New-Item -ItemType Directory -Path (Split-Path $store) | Out-Null
        Register-JournalDomain -Name journal.contoso.com -Store $store | Out-Null
        New-JournalDefinition 'Bench' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false -JournalNonInternalAddresses -Store $store | Out-Null
        $port = Get-FreePort
        $listener = if ($server -eq 'MimecastJournaling.Host') {
            Start-Native 'dotnet' @($hostAssembly, '--store', $store, '--bind', '127.0.0.1', '--port', "$port", '--max-connections-per-source', '1000')
        } else {
            $script = Join-Path $work 'cold-listener.ps1'
            "Import-Module '$manifest'; Start-JournalListener -Store '$store' -BindAddress 127.0.0.1 -Port $port -MaxConnectionsPerSource 1000 -Wait -WarningAction SilentlyContinue | Out-Null" | Set-Content -LiteralPath $script
            Start-Native 'dotnet' @('pwsh', '-NoProfile', '-NonInteractive', '-File', $script)
        }
        $script:started.Add($listener)
        Wait-For { $listener.Process.HasExited -or (Test-Port $port) } 120 "$server to listen"
        if ($listener.Process.HasExited) { throw "$server exited: $($listener.Stderr.GetAwaiter().GetResult().Trim())" }
        foreach ($phase in 'cold', 'warm') {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $source = Start-Native 'smtp-source' @('-d', '-s', "$Sessions", '-m', "$Count", '-l', "$Size", '-f', $sender, '-t', $recipient, "127.0.0.1:$port")
            $script:started.Add($source)
            $source.Process.WaitForExit()
            $seconds = $watch.Elapsed.TotalSeconds
            if ($source.Process.ExitCode -ne 0) { throw "smtp-source failed against ${server}: $($source.Stderr.GetAwaiter().GetResult().Trim())" }
            $rows.Add([pscustomobject]@{ Server = $server; Phase = $phase; Messages = $Count; Sessions = $Sessions; SizeBytes = $Size
                AcceptSeconds = [math]::Round($seconds, 2); AcceptedPerSec = [math]::Round($Count / $seconds, 1); JitMethods = $null; JitMs = $null })
        }
        Stop-Native $listener
        # The host logs how much it JIT-compiled in its whole run (start, cold and warm load).
        if ($server -eq 'MimecastJournaling.Host' -and $listener.Stdout.GetAwaiter().GetResult() -match '\((\d+) methods JIT-compiled, (\d+) ms in the JIT\)') {
            foreach ($row in $rows | Where-Object Server -eq $server) {
                $row.JitMethods = [int]$Matches[1]
                $row.JitMs = [int]$Matches[2]
            }
        }
    }
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    $rows
}

# Start-JournalListener -Wait in $Listeners child pwsh processes on one store (nodes node-1...),
# the same load split over them, archived end to end; returns one result row.
function Measure-Listener([string] $Label, [string] $Store, [int] $Listeners) {
    $environment = @{ MIMECASTJOURNALING_STORE = $Store }
    Register-JournalDomain -Name journal.contoso.com -Store $Store | Out-Null
    New-JournalDefinition 'Bench' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false -JournalNonInternalAddresses -Store $Store | Out-Null
    $tag = [guid]::NewGuid().ToString('n').Substring(0, 8)
    $ports = [System.Collections.Generic.List[int]]::new()
    $pids = [System.Collections.Generic.List[int]]::new()
    $children = [System.Collections.Generic.List[object]]::new()
    foreach ($n in 1..$Listeners) {
        $port = Get-FreePort
        $pidFile = Join-Path $work "listener-$tag-$n.pid"
        $listener = Start-Native 'dotnet' @('pwsh', '-NoProfile', '-NonInteractive', '-File', $listenerScript, $manifest, "$port", $pidFile, "node-$n") -Environment $environment
        $script:started.Add($listener)
        $children.Add($listener)
        Wait-For { $listener.Process.HasExited -or ((Test-Path $pidFile) -and (Test-Port $port)) } 120 "listener $n to listen"
        if ($listener.Process.HasExited) { throw "The listener exited: $($listener.Stderr.GetAwaiter().GetResult().Trim())" }
        $listenerPid = [int](Get-Content -LiteralPath $pidFile)
        $listener.Pids.Add($listenerPid)
        $pids.Add($listenerPid)
        $ports.Add($port)
    }
    Write-Host "${Label}: pid $($pids -join ', ') on port $($ports -join ', ')..."
    # The end-to-end watcher: a second child pwsh polling the definition, started before the load
    # so that its start-up is not counted; it prints the UTC ticks when everything is archived.
    $targetFile = Join-Path $work "target-$tag"
    $watcher = Start-Native 'dotnet' @('pwsh', '-NoProfile', '-NonInteractive', '-File', $watcherScript, $manifest, $targetFile, "$TimeoutSeconds") -Environment $environment
    $script:started.Add($watcher)
    Start-Sleep -Seconds 3   # let the watcher import the module before the load starts
    $load = Invoke-Load $ports.ToArray() {
        $d = Get-JournalDefinition 'Bench' -Store $Store
        $d.ReceivedCount -ge $WarmupCount -and $d.QueueLength -eq 0
    }
    Set-Content -LiteralPath $targetFile -Value ($WarmupCount + $Count + $load.Latency.Count)
    if (-not $watcher.Process.WaitForExit($TimeoutSeconds * 1000)) { throw "$Label did not archive everything within $TimeoutSeconds s." }
    $report = $watcher.Stdout.GetAwaiter().GetResult()
    if ($watcher.Process.ExitCode -ne 0 -or $report -notmatch 'DONE (\d+) (.*)') {
        throw "The end-to-end watcher failed (exit code $($watcher.Process.ExitCode)): $report $($watcher.Stderr.GetAwaiter().GetResult())"
    }
    $archived = ([long]$Matches[1] - $load.StartTicks) / [TimeSpan]::TicksPerSecond
    Write-Host "$Label store: $($Matches[2])"
    $peak = 0
    foreach ($listenerPid in $pids) {
        $hwmKb = [long]((Get-Content -LiteralPath "/proc/$listenerPid/status" | Where-Object { $_ -match '^VmHWM:' }) -replace '\D', '')
        $peak = [math]::Max($peak, [math]::Round($hwmKb / 1024, 1))
    }
    foreach ($child in $children) { Stop-Native $child }
    New-Result $Label $load $archived $peak
}

# The test-made PostgreSQL of the Pester suite (started only when a PostgreSQL row is measured).
function Get-FreeLoopbackPort { Get-FreePort }
. (Join-Path $repoRoot 'tests/Pester/Postgres.ps1')
$script:postgres = $null

$script:started = [System.Collections.Generic.List[object]]::new()
$work = Join-Path ([IO.Path]::GetTempPath()) ('mj-smtpbench-' + [guid]::NewGuid().ToString('n'))
if ($ColdStart) {
    try {
        Install-Postfix
        New-Item -ItemType Directory -Path $work | Out-Null
        Measure-ColdStart
    } finally {
        foreach ($s in $script:started) { try { Stop-Native $s } catch { Write-Warning "Could not stop process $($s.Process.Id): $_" } }
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }
    return
}
$postfixConfig = $null
$results = [System.Collections.Generic.List[object]]::new()
$largeResult = $null
try {
    Install-Postfix
    New-Item -ItemType Directory -Path $work | Out-Null
    & chmod 755 $work

    # The child scripts: a listener (store from MIMECASTJOURNALING_STORE, its definition made by this
    # script beforehand) and the end-to-end watcher.
    $listenerScript = Join-Path $work 'listener.ps1'
    @'
param($Manifest, $Port, $PidFile, $Node)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
Set-Content -LiteralPath $PidFile -Value $PID
Start-JournalListener -BindAddress 127.0.0.1 -Port $Port -NodeName $Node -MaxConnectionsPerSource 1000 -Wait -WarningAction SilentlyContinue | Out-Null
'@ | Set-Content -LiteralPath $listenerScript
    $watcherScript = Join-Path $work 'watcher.ps1'
    @'
param($Manifest, $TargetFile, $TimeoutSeconds)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$deadline = [DateTime]::UtcNow.AddSeconds([int]$TimeoutSeconds)
while (-not (Test-Path $TargetFile)) { Start-Sleep -Milliseconds 50; if ([DateTime]::UtcNow -gt $deadline) { exit 2 } }
$target = [long](Get-Content $TargetFile)
while ([DateTime]::UtcNow -lt $deadline) {
    $d = Get-JournalDefinition 'Bench'
    if ($d.ReceivedCount -ge $target -and $d.QueueLength -eq 0 -and @(Get-JournalQueue -First 1).Count -eq 0) {
        "DONE $([DateTime]::UtcNow.Ticks) archived=$($d.ArchivedCount) received=$($d.ReceivedCount) merged=$($d.MergedCount) duplicate=$($d.DuplicateCount) quarantined=$($d.QuarantinedCount) rejected=$($d.RejectedCount)"
        exit 0
    }
    Start-Sleep -Milliseconds 100
}
exit 3
'@ | Set-Content -LiteralPath $watcherScript

    # (b) smtp-sink: the ceiling without storage.
    $port = Get-FreePort
    $sink = Start-Native 'smtp-sink' @('-u', 'nobody', '-c', "127.0.0.1:$port", '256')
    $script:started.Add($sink)
    Wait-For { Test-Port $port } 30 'smtp-sink to listen'
    Write-Host "smtp-sink on port $port..."
    $load = Invoke-Load $port
    Stop-Native $sink
    $results.Add((New-Result 'smtp-sink (no storage)' $load $null $null))

    # (a) A private Postfix instance delivering into a Maildir.
    $port = Get-FreePort
    $pf = Join-Path $work 'postfix'
    $postfixConfig = Join-Path $pf 'conf'
    $maildir = Join-Path $pf 'Maildir'
    foreach ($d in 'conf', 'queue', 'data', 'Maildir') { New-Item -ItemType Directory -Path (Join-Path $pf $d) | Out-Null }
    & chown postfix (Join-Path $pf 'data')
    & chown nobody $maildir   # local(8) writes alias file/Maildir destinations as default_privs (nobody)
    @(
        'compatibility_level = 3.6'
        "queue_directory = $pf/queue"
        "data_directory = $pf/data"
        'mail_owner = postfix'
        'setgid_group = postdrop'
        'myhostname = bench.fabrikam.test'
        'myorigin = $myhostname'
        'mydestination = journal.contoso.com'
        'inet_interfaces = loopback-only'
        'inet_protocols = ipv4'
        'mynetworks = 127.0.0.0/8'
        "alias_maps = inline:{ journal=$maildir/ }"
        'alias_database ='
        'local_recipient_maps ='
        'biff = no'
        'smtputf8_enable = no'
        'syslog_name = postfix-mjbench'
        "maillog_file_prefixes = $pf"
        "maillog_file = $pf/maillog"
    ) | Set-Content -LiteralPath (Join-Path $postfixConfig 'main.cf')
    # The packaged services without chroot and without the pipe transports, smtpd on our port only.
    $services = Get-Content /etc/postfix/master.cf | Where-Object { $_ -match '^[a-z]' } | ForEach-Object {
        $f = -split $_
        if ($f.Count -ge 8 -and -not ($f[0] -eq 'smtp' -and $f[1] -eq 'inet') -and $f[7] -ne 'pipe') { $f[4] = 'n'; $f -join ' ' }
    }
    @("127.0.0.1:$port inet n - n - - smtpd") + $services | Set-Content -LiteralPath (Join-Path $postfixConfig 'master.cf')
    $out = & postfix -c $postfixConfig start 2>&1
    if ($LASTEXITCODE -ne 0) {
        $log = if (Test-Path "$pf/maillog") { (Get-Content "$pf/maillog" -Tail 5) -join ' | ' } else { $out -join ' | ' }
        throw "The private Postfix did not start: $log"
    }
    Wait-For { Test-Port $port } 30 'Postfix to listen'
    Write-Host "Postfix (Maildir) on port $port..."
    $newDir = Join-Path $maildir 'new'
    $load = Invoke-Load $port { (Test-Path $newDir) -and [IO.Directory]::GetFiles($newDir).Count -ge $WarmupCount }
    $target = $WarmupCount + $Count + $load.Latency.Count
    Wait-For { (Test-Path $newDir) -and [IO.Directory]::GetFiles($newDir).Count -ge $target } $TimeoutSeconds 'Postfix to deliver every message'
    $delivered = $load.Watch.Elapsed.TotalSeconds
    & postfix -c $postfixConfig stop *> $null
    $postfixConfig = $null
    $results.Add((New-Result 'Postfix (Maildir)' $load $delivered $null))

    # The journal listener in a child pwsh with -Wait: on SQLite, on PostgreSQL, twice on PostgreSQL.
    Import-Module $manifest
    foreach ($backend in $Backends) {
        $listenerCount = if ($backend -eq 'PostgreSQL x2') { 2 } else { 1 }
        if ($backend -eq 'SQLite') {
            $store = Join-Path $work 'listener/journaling.db'
            New-Item -ItemType Directory -Path (Split-Path $store) | Out-Null
        } else {
            if (-not $script:postgres) { $script:postgres = Start-TestPostgres }
            $store = Get-TestPostgresStore $script:postgres (New-TestPostgresDatabase $script:postgres)
        }
        $label = if ($listenerCount -gt 1) { "$listenerCount x Start-JournalListener ($($backend -replace ' x\d+$'))" } else { "Start-JournalListener ($backend)" }
        $results.Add((Measure-Listener -Label $label -Store $store -Listeners $listenerCount))
        $results[-1] | Format-List | Out-String -Width 200 | Write-Host   # kept even if a later phase fails
    }

    # -LargeSessions 0 leaves this phase out.
    if ($LargeSessions -gt 0) {
        # Large reports: -LargeSessions sessions at once, one report of -LargeSize bytes each, into a
        # fresh listener (its own store, so VmHWM is this load's alone). Held whole in memory they would
        # cost LargeSessions x LargeSize; the listener streams DATA past the library (1 MB in memory per
        # session, then a private file) and copies it into the spool in chunks.
        $port = Get-FreePort
        $largeStore = Join-Path $work 'large/journaling.db'
        New-Item -ItemType Directory -Path (Split-Path $largeStore) | Out-Null
        $largePidFile = Join-Path $work 'large.pid'
        Register-JournalDomain -Name journal.contoso.com -Store $largeStore | Out-Null
        New-JournalDefinition 'Bench' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false -JournalNonInternalAddresses -Store $largeStore | Out-Null
        $large = Start-Native 'dotnet' @('pwsh', '-NoProfile', '-NonInteractive', '-File', $listenerScript, $manifest, "$port", $largePidFile, 'node-large') -Environment @{ MIMECASTJOURNALING_STORE = $largeStore }
        $script:started.Add($large)
        Wait-For { $large.Process.HasExited -or ((Test-Path $largePidFile) -and (Test-Port $port)) } 120 'the listener for large reports to listen'
        if ($large.Process.HasExited) { throw "The listener exited: $($large.Stderr.GetAwaiter().GetResult().Trim())" }
        $largePid = [int](Get-Content -LiteralPath $largePidFile)
        $large.Pids.Add($largePid)
        Write-Host "Start-JournalListener (pid $largePid), $LargeSessions x $LargeSize bytes at once..."
        $largeTarget = Join-Path $work 'large-target'
        $largeWatcher = Start-Native 'dotnet' @('pwsh', '-NoProfile', '-NonInteractive', '-File', $watcherScript, $manifest, $largeTarget, "$TimeoutSeconds") -Environment @{ MIMECASTJOURNALING_STORE = $largeStore }
        $script:started.Add($largeWatcher)
        Start-Sleep -Seconds 3
        $rssBefore = [long]((Get-Content -LiteralPath "/proc/$largePid/status" | Where-Object { $_ -match '^VmRSS:' }) -replace '\D', '')
        $startTicks2 = [DateTime]::UtcNow.Ticks
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $source = Start-Native 'smtp-source' @('-d', '-s', "$LargeSessions", '-m', "$LargeSessions", '-l', "$LargeSize", '-f', $sender, '-t', $recipient, "127.0.0.1:$port")
        $script:started.Add($source)
        $source.Process.WaitForExit()
        $acceptSeconds = $watch.Elapsed.TotalSeconds
        if ($source.Process.ExitCode -ne 0) { throw "smtp-source (large) failed (exit code $($source.Process.ExitCode)): $($source.Stderr.GetAwaiter().GetResult().Trim())" }
        Set-Content -LiteralPath $largeTarget -Value $LargeSessions
        if (-not $largeWatcher.Process.WaitForExit($TimeoutSeconds * 1000)) { throw "The listener did not archive the large reports within $TimeoutSeconds s." }
        $largeReport = $largeWatcher.Stdout.GetAwaiter().GetResult()
        if ($largeWatcher.Process.ExitCode -ne 0 -or $largeReport -notmatch 'DONE (\d+) (.*)') { throw "The large-report watcher failed: $largeReport" }
        $largeDoneTicks = [long]$Matches[1]
        Write-Host "Large-report store: $($Matches[2])"
        $largeHwm = [long]((Get-Content -LiteralPath "/proc/$largePid/status" | Where-Object { $_ -match '^VmHWM:' }) -replace '\D', '')
        Stop-Native $large
        $largeResult = [pscustomobject]@{
            Server          = 'Start-JournalListener (large reports)'
            Reports         = $LargeSessions
            SizeBytes       = $LargeSize
            AcceptSeconds   = [math]::Round($acceptSeconds, 2)
            ArchivedSeconds = [math]::Round(($largeDoneTicks - $startTicks2) / [TimeSpan]::TicksPerSecond, 2)
            RssBeforeMB     = [math]::Round($rssBefore / 1024, 1)
            PeakRssMB       = [math]::Round($largeHwm / 1024, 1)
            HeldWholeMB     = [math]::Round($LargeSessions * $LargeSize / 1MB, 1)
        }
    }
} finally {
    if ($postfixConfig) { & postfix -c $postfixConfig stop *> $null; if ($LASTEXITCODE -ne 0) { & postfix -c $postfixConfig abort *> $null } }
    foreach ($s in $script:started) { try { Stop-Native $s } catch { Write-Warning "Could not stop process $($s.Process.Id): $_" } }
    if ($script:postgres) { Stop-TestPostgres $script:postgres -Remove }
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

$byName = @{}; foreach ($r in $results) { $byName[$r.Server] = $r }
$listenerResult = $byName['Start-JournalListener (SQLite)']
$postgresResult = $byName['Start-JournalListener (PostgreSQL)']
$postfixResult = $byName['Postfix (Maildir)']
$sinkResult = $byName['smtp-sink (no storage)']
$results | Format-Table -Property * -AutoSize | Out-String -Width 200 | Write-Host
$targets = @(
    if ($listenerResult) {
        [pscustomobject]@{ Target = 'Listener (SQLite) accepted/s >= 2x Postfix'; Ratio = [math]::Round($listenerResult.AcceptedPerSec / $postfixResult.AcceptedPerSec, 2); Met = $listenerResult.AcceptedPerSec -ge 2 * $postfixResult.AcceptedPerSec }
        [pscustomobject]@{ Target = 'Listener (SQLite) accepted/s >= 0.4x smtp-sink'; Ratio = [math]::Round($listenerResult.AcceptedPerSec / $sinkResult.AcceptedPerSec, 2); Met = $listenerResult.AcceptedPerSec -ge 0.4 * $sinkResult.AcceptedPerSec }
    }
    if ($postgresResult) {
        [pscustomobject]@{ Target = 'Listener (PostgreSQL) accepted/s >= Postfix'; Ratio = [math]::Round($postgresResult.AcceptedPerSec / $postfixResult.AcceptedPerSec, 2); Met = $postgresResult.AcceptedPerSec -ge $postfixResult.AcceptedPerSec }
    }
    foreach ($r in $results | Where-Object PeakRssMB) {
        [pscustomobject]@{ Target = "$($r.Server) peak RSS < 300 MB"; Ratio = [math]::Round($r.PeakRssMB / 300, 2); Met = $r.PeakRssMB -lt 300 }
    }
    if ($largeResult) {
        [pscustomobject]@{ Target = "$LargeSessions x $([math]::Round($LargeSize / 1MB)) MB at once: peak RSS < 300 MB (held whole: $($largeResult.HeldWholeMB) MB)"; Ratio = [math]::Round($largeResult.PeakRssMB / 300, 2); Met = $largeResult.PeakRssMB -lt 300 }
    }
)
if ($largeResult) { $largeResult | Format-List | Out-String -Width 200 | Write-Host }
$targets | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
$results
$largeResult
$targets
