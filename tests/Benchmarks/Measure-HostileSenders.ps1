# Benchmark: what one hostile sender inside the allowed ranges costs the journal listener (issue 15),
# all on 127.0.0.1. Each scenario runs against a fresh `Start-JournalListener -Wait` in a child
# `dotnet pwsh` (its own store), so the child's VmHWM (peak RSS) is that scenario's alone:
#   LargeReport      one report of -LargeReportSize bytes (150 MB): seconds to 250, to archived, peak RSS.
#   ManyRecipients   one envelope journal report listing -Recipients (100,000) recipients: to archived, peak RSS.
#   LongLines        -LongLineSessions (8) connections each sending -LongLineSize (32 MB) without CRLF:
#                    the replies they got, and peak RSS (the listener discards an over-long line as it arrives).
#   ConcurrentLarge  -ConcurrentSessions (20) reports of -ConcurrentSize (25 MB) at once: to archived, peak RSS.
# Targets (issue 15): LargeReport, ManyRecipients and LongLines under 400 MB peak RSS each;
# ConcurrentLarge under 300 MB. The peak is read once the reports are archived and indexed (the
# listener's search indexer reads every original too; IndexedSeconds). -Scenario runs some only.
# -Backends SQLite, PostgreSQL (default SQLite) runs each scenario on each: a SQLite file, or a new
# database on a throwaway PostgreSQL cluster made here as in the tests (tests/Pester/Postgres.ps1:
# initdb/pg_ctl on a free port, removed at the end), one database per scenario. The PostgreSQL
# server's own memory is not counted: only the listener's.
# The script prints one object per backend and scenario with Target and Met.
# The client side is a .NET TcpClient in this process; nothing is measured in it.
[CmdletBinding()]
param(
    [long] $LargeReportSize = 150MB,
    [int] $Recipients = 100000,
    [int] $LongLineSessions = 8,
    [long] $LongLineSize = 32MB,
    [int] $ConcurrentSessions = 20,
    [long] $ConcurrentSize = 25MB,
    [int] $TimeoutSeconds = 900,
    [ValidateSet('LargeReport', 'ManyRecipients', 'LongLines', 'ConcurrentLarge')]
    [string[]] $Scenario = @('LargeReport', 'ManyRecipients', 'LongLines', 'ConcurrentLarge'),
    [ValidateSet('SQLite', 'PostgreSQL')]
    [string[]] $Backends = @('SQLite')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$manifest = Join-Path $repoRoot 'MimecastJournaling.psd1'
$work = Join-Path ([IO.Path]::GetTempPath()) "hostile-bench-$PID"
New-Item -ItemType Directory -Path $work | Out-Null
Import-Module $manifest

$listenerScript = Join-Path $work 'listener.ps1'
@'
param($Manifest, $Port, $PidFile)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$Store = $env:MIMECASTJOURNALING_STORE
Register-JournalDomain -Name journal.contoso.com | Out-Null
New-JournalDefinition 'Bench' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted $false -JournalNonInternalAddresses | Out-Null
Set-Content -LiteralPath $PidFile -Value $PID
Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port $Port -Wait -WarningAction SilentlyContinue | Out-Null
'@ | Set-Content -LiteralPath $listenerScript

function Get-FreePort {
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start()
    try { ([System.Net.IPEndPoint]$probe.LocalEndpoint).Port } finally { $probe.Stop() }
}

function Get-StatusKb([int] $ProcessId, [string] $Field) {
    [long]((Get-Content -LiteralPath "/proc/$ProcessId/status" | Where-Object { $_ -match "^${Field}:" }) -replace '\D', '')
}

# The test-made PostgreSQL of the Pester suite (started only when a PostgreSQL row is measured).
function Get-FreeLoopbackPort { Get-FreePort }
. (Join-Path $repoRoot 'tests/Pester/Postgres.ps1')
$script:postgres = $null

# A fresh store for one scenario: a SQLite file, or a new database on the throwaway cluster.
function New-BenchStore([string] $Name, [string] $Backend) {
    if ($Backend -eq 'SQLite') {
        $store = Join-Path $work "$Name/journaling.db"
        New-Item -ItemType Directory -Path (Split-Path $store) | Out-Null
        return $store
    }
    if (-not $script:postgres) { $script:postgres = Start-TestPostgres }
    Get-TestPostgresStore $script:postgres (New-TestPostgresDatabase $script:postgres)
}

# A fresh listener in a child pwsh; returns its process, pid, port and store.
function Start-BenchListener([string] $Name, [string] $Backend) {
    $store = New-BenchStore "$Name-$($Backend.ToLowerInvariant())" $Backend
    $pidFile = Join-Path $work "$Name-$Backend.pid"
    $port = Get-FreePort
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @('pwsh', '-NoProfile', '-NonInteractive', '-File', $listenerScript, $manifest, "$port", $pidFile)) { $info.ArgumentList.Add($a) }
    # The store by the environment, not the command line: a PostgreSQL one holds a password.
    $info.Environment['MIMECASTJOURNALING_STORE'] = $store
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $null = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    while (-not ((Test-Path $pidFile) -and (Test-Listening $port))) {
        if ($process.HasExited) { throw "The listener exited: $($stderr.GetAwaiter().GetResult())" }
        if ([DateTime]::UtcNow -gt $deadline) { throw 'The listener did not start listening within 120 s.' }
        Start-Sleep -Milliseconds 200
    }
    $listenerPid = [int](Get-Content -LiteralPath $pidFile)
    [pscustomobject]@{ Process = $process; Pid = $listenerPid; Port = $port; Store = $store; BaseRssMB = [math]::Round((Get-StatusKb $listenerPid 'VmRSS') / 1024, 1) }
}

function Test-Listening([int] $Port) {
    $client = [System.Net.Sockets.TcpClient]::new()
    try { $client.ConnectAsync('127.0.0.1', $Port).Wait(500) -and $client.Connected } catch { $false } finally { $client.Dispose() }
}

function Stop-BenchListener($Listener) {
    if (-not $Listener.Process.HasExited) {
        & kill -TERM $Listener.Pid 2>$null
        if (-not $Listener.Process.WaitForExit(30000)) { $Listener.Process.Kill($true) }
    }
}

# The SMTP clients, compiled here: concurrent sessions need real threads, not PowerShell runspaces.
Add-Type -TypeDefinition @'
using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

public static class HostileBenchClient
{
    static string Reply(StreamReader reader)
    {
        string line;
        do { line = reader.ReadLine(); } while (line != null && line.Length >= 4 && line[3] == '-');
        return line;
    }

    static void Write(Stream stream, string text) { var b = Encoding.ASCII.GetBytes(text); stream.Write(b, 0, b.Length); }

    /// <summary>One transaction; the body comes from writeBody. Returns the reply to the final dot.</summary>
    public static string Send(int port, Action<Stream> writeBody)
    {
        using var client = new TcpClient("127.0.0.1", port);
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        Reply(reader);
        Write(stream, "EHLO bench.example\r\n"); Reply(reader);
        Write(stream, "MAIL FROM:<postmaster@contoso.com>\r\n"); Reply(reader);
        Write(stream, "RCPT TO:<journal@journal.contoso.com>\r\n"); Reply(reader);
        Write(stream, "DATA\r\n"); Reply(reader);
        writeBody(stream);
        Write(stream, "\r\n.\r\n");
        var final = Reply(reader);
        Write(stream, "QUIT\r\n");
        return final;
    }

    public static void LargeBody(Stream stream, long size, string tag)
    {
        Write(stream, $"From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: {tag}\r\nMessage-ID: <{tag}@contoso.com>\r\n\r\n");
        var line = Encoding.ASCII.GetBytes(new string('Q', 76) + "\r\n");
        var chunk = new byte[line.Length * 13000];
        for (var i = 0; i < 13000; i++) Buffer.BlockCopy(line, 0, chunk, i * line.Length, line.Length);
        for (long written = 0; written < size; written += chunk.Length) stream.Write(chunk, 0, chunk.Length);
    }

    public static string SendLarge(int port, long size, string tag) => Send(port, s => LargeBody(s, size, tag));

    public static string SendBytes(int port, byte[] body) => Send(port, s => s.Write(body, 0, body.Length));

    public static string[] SendLargeConcurrently(int port, int sessions, long size) =>
        Task.WhenAll(Enumerable.Range(1, sessions).Select(n => Task.Run(() => SendLarge(port, size, "bench-concurrent-" + n)))).GetAwaiter().GetResult();

    /// <summary>Sessions that each send size bytes after EHLO without a line end; returns what each was answered.</summary>
    public static string[] LongLines(int port, int sessions, long size) =>
        Task.WhenAll(Enumerable.Range(1, sessions).Select(n => Task.Run(() =>
        {
            using var client = new TcpClient("127.0.0.1", port);
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            Reply(reader);
            var chunk = Encoding.ASCII.GetBytes(new string('A', 1024 * 1024));
            try { for (long sent = 0; sent < size; sent += chunk.Length) stream.Write(chunk, 0, chunk.Length); }
            catch (IOException) { }
            try { return Reply(reader) ?? "closed"; } catch (IOException) { return "closed"; }
        }))).GetAwaiter().GetResult();
}
'@

function Wait-Archived([string] $Store, [int] $Count) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $definition = Get-JournalDefinition 'Bench' -Store $Store
        if ($definition.ReceivedCount -ge $Count -and $definition.QueueLength -eq 0) { return $definition }
        if ([DateTime]::UtcNow -gt $deadline) { throw "Not archived within $TimeoutSeconds s." }
        Start-Sleep -Milliseconds 500
    }
}

function Wait-Indexed([string] $Store) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ((Get-JournalIndexStatus -Store $Store -WarningAction SilentlyContinue).Pending -gt 0) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Not indexed within $TimeoutSeconds s." }
        Start-Sleep -Milliseconds 500
    }
}

function New-Figure([string] $Backend, [string] $Scenario, $Listener, [double] $AcceptSeconds, [double] $ArchivedSeconds, [string] $Replies, [double] $TargetMB, [double] $IndexedSeconds = 0) {
    $peak = [math]::Round((Get-StatusKb $Listener.Pid 'VmHWM') / 1024, 1)
    [pscustomobject]@{
        Backend         = $Backend
        Scenario        = $Scenario
        AcceptSeconds   = [math]::Round($AcceptSeconds, 1)
        ArchivedSeconds = [math]::Round($ArchivedSeconds, 1)
        IndexedSeconds  = [math]::Round($IndexedSeconds, 1)
        Replies         = $Replies
        BaseRssMB       = $Listener.BaseRssMB
        PeakRssMB       = $peak
        TargetMB        = $TargetMB
        Met             = $peak -lt $TargetMB
    }
}

$figures = [System.Collections.Generic.List[object]]::new()
try {
    foreach ($backend in $Backends) {
        # One 150 MB report.
        if ($Scenario -contains 'LargeReport') {
            $listener = Start-BenchListener 'large' $backend
            try {
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $reply = [HostileBenchClient]::SendLarge($listener.Port, $LargeReportSize, 'bench-large')
                $accepted = $watch.Elapsed.TotalSeconds
                if ($reply -like '250*') { $null = Wait-Archived $listener.Store 1 }
                $archived = $watch.Elapsed.TotalSeconds
                Wait-Indexed $listener.Store
                $figures.Add((New-Figure $backend 'LargeReport' $listener $accepted $archived $reply 400 $watch.Elapsed.TotalSeconds))
            } finally { Stop-BenchListener $listener }
        }

        # One envelope journal report listing 100,000 recipients.
        if ($Scenario -contains 'ManyRecipients') {
            $listener = Start-BenchListener 'recipients' $backend
            try {
                $envelope = [Text.StringBuilder]::new("Sender: alice@contoso.com`r`nSubject: many`r`nMessage-Id: <bench-many@contoso.com>`r`n")
                for ($i = 0; $i -lt $Recipients; $i++) { $null = $envelope.Append("To: user$i@contoso.com`r`n") }
                $report = "From: Microsoft Exchange <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>`r`nTo: journal@journal.contoso.com`r`n" +
                    "Subject: many`r`nMessage-ID: <bench-many-report@journal.report.generator>`r`nX-MS-Journal-Report:`r`nMIME-Version: 1.0`r`n" +
                    "Content-Type: multipart/mixed; boundary=`"b`"`r`n`r`n--b`r`nContent-Type: text/plain; charset=us-ascii`r`n`r`n" + $envelope.ToString() +
                    "`r`n--b`r`nContent-Type: message/rfc822`r`n`r`nFrom: alice@contoso.com`r`nTo: bob@contoso.com`r`nSubject: many`r`nMessage-ID: <bench-many@contoso.com>`r`n`r`nhello`r`n--b--"
                $bytes = [Text.Encoding]::ASCII.GetBytes($report)
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $reply = [HostileBenchClient]::SendBytes($listener.Port, $bytes)
                $accepted = $watch.Elapsed.TotalSeconds
                if ($reply -like '250*') { $null = Wait-Archived $listener.Store 1 }
                $archived = $watch.Elapsed.TotalSeconds
                Wait-Indexed $listener.Store
                $figures.Add((New-Figure $backend 'ManyRecipients' $listener $accepted $archived $reply 400 $watch.Elapsed.TotalSeconds))
            } finally { Stop-BenchListener $listener }
        }

        # 8 connections, each 32 MB without a line end.
        if ($Scenario -contains 'LongLines') {
            $listener = Start-BenchListener 'longlines' $backend
            try {
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $replies = [HostileBenchClient]::LongLines($listener.Port, $LongLineSessions, $LongLineSize) | Group-Object | ForEach-Object { "$($_.Count) x $($_.Name)" }
                $figures.Add((New-Figure $backend 'LongLines' $listener $watch.Elapsed.TotalSeconds 0 ($replies -join '; ') 400))
            } finally { Stop-BenchListener $listener }
        }

        # 20 reports of 25 MB at once.
        if ($Scenario -contains 'ConcurrentLarge') {
            $listener = Start-BenchListener 'concurrent' $backend
            try {
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $replies = [HostileBenchClient]::SendLargeConcurrently($listener.Port, $ConcurrentSessions, $ConcurrentSize)
                $accepted = $watch.Elapsed.TotalSeconds
                $null = Wait-Archived $listener.Store $ConcurrentSessions
                $archived = $watch.Elapsed.TotalSeconds
                Wait-Indexed $listener.Store
                $summary = $replies | ForEach-Object { ($_ -split ' ')[0] } | Group-Object | ForEach-Object { "$($_.Count) x $($_.Name)" }
                $figures.Add((New-Figure $backend 'ConcurrentLarge' $listener $accepted $archived ($summary -join '; ') 300 $watch.Elapsed.TotalSeconds))
            } finally { Stop-BenchListener $listener }
        }
    }
} finally {
    if ($script:postgres) { Stop-TestPostgres $script:postgres -Remove }
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
$figures
