#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates the MimecastJournaling module.
.DESCRIPTION
    Build  publishes the binaries into ./bin so that Import-Module ./MimecastJournaling.psd1 works.
    Test   builds, installs the system tools the tests need (apt, as root), runs the xunit tests of
           the engine and of the Exchange Online client (against its loopback emulator) and the
           Pester tests against the built module in a fresh pwsh, prints each runner's summary and
           a total, and exits non-zero on any failure or skipped test.
           -PesterPath runs only the given Pester files; -SkipXunit leaves the xunit projects out.
    Demo   builds, then uses the module in a temporary store and shows the result.
    Bench  builds, then runs the benchmarks in tests/Benchmarks and prints their figures (hostile
           senders' memory against the listener, on SQLite and on PostgreSQL; the SMTP
           ingest one installs postfix with apt when missing, and is skipped with a warning if it cannot).
           -Benchmark picks some (e.g. Search); -Items sets the search archive's size (default
           1,000,000) and -BuildMinutes stops its build early and measures what was built;
           -SearchArchive measures the queries again on an archive it built and kept.
    Help   builds, then regenerates en-US/MimecastJournaling.dll-Help.xml from build/help/en-US
           and the cmdlets' parameters (build/New-MamlHelp.ps1). Commit the result.
    Package builds, then writes out/MimecastJournaling.<ModuleVersion>.nupkg (build/New-ModulePackage.ps1):
           the module, help, format views, the service host and native SQLite for Windows, Linux
           and macOS; install it with Install-PSResource from a folder repository (README).
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Bench -Benchmark Search -Items 20000
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Help', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Test only: run these Pester files (or folders) instead of all of tests/Pester.
    [string[]] $PesterPath,

    # Test only: leave out the xunit projects (with -PesterPath, to try one Pester file quickly).
    [switch] $SkipXunit,

    # Build: also compile the ingest path ReadyToRun for linux-x64 (Package always does; takes minutes).
    [switch] $ReadyToRun,

    # Bench only: which benchmarks to run (default all of them).
    [ValidateSet('All', 'Import', 'BenchmarkDotNet', 'Storage', 'Search', 'HostileSenders', 'SmtpIngest')]
    [string[]] $Benchmark = 'All',

    # Bench only: the size of the search benchmark's archive (default 1,000,000 mail-like items;
    # that takes hours on a small machine), and after how many minutes of building per backend it
    # stops and measures what it has (0: build the whole size).
    [ValidateRange(1, 100000000)]
    [int] $Items = 1000000,
    [ValidateRange(0, 100000)]
    [int] $BuildMinutes = 0,

    # Bench only: measure the search queries again on an archive the search benchmark built before
    # and kept (a SQLite file, or 'postgresql' for the database MIMECASTJOURNALING_BENCH_POSTGRES
    # names), without building it again.
    [string] $SearchArchive
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$bin = Join-Path $root 'bin'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Native {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $Arguments, [switch] $Literal)
    if ($Literal) {
        # PowerShell expands wildcards in a native command's arguments on Unix (a BenchmarkDotNet
        # filter '*' became the list of files here), so these arguments go to the process as they are.
        $info = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
        foreach ($argument in $Arguments) { $info.ArgumentList.Add($argument) }
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $process.WaitForExit()
        $exitCode = $process.ExitCode
    } else {
        & $FilePath @Arguments
        $exitCode = $LASTEXITCODE
    }
    if ($exitCode -ne 0) { throw "'$FilePath $($Arguments -join ' ')' failed with exit code $exitCode." }
}

function Invoke-Build {
    Write-Host '==> Build' -ForegroundColor Cyan
    if (Test-Path $bin) { Remove-Item $bin -Recurse -Force }
    # The service host first: where it and the module share a package, the module's copy (the same
    # assembly version, perhaps a newer file) is the one that stays in bin.
    foreach ($project in 'src/MimecastJournaling.Host/MimecastJournaling.Host.csproj', 'src/MimecastJournaling/MimecastJournaling.csproj', 'src/MimecastJournaling.Loader/MimecastJournaling.Loader.csproj') {
        Invoke-Native dotnet @('publish', (Join-Path $root $project), '-c', $Configuration, '-o', $bin, '--nologo', '-v', 'quiet')
    }
    if ($ReadyToRun) { Invoke-ReadyToRun }
    Write-Host "Built into $bin"
}

# ReadyToRun: a freshly started listener otherwise JIT-compiles its ingest path (SMTP, MIME, SQLite)
# for its first thousands of messages. A runtime only uses ReadyToRun code made by the crossgen2 of
# its own major version (an image from .NET 8's crossgen2 is refused by .NET 10, silently), so the
# assemblies stay net8.0 IL and crossgen2 of the installed runtime's major version (10 here: what
# PowerShell 7.6 and dotnet run) compiles them for linux-x64 against that runtime. Other runtimes
# (.NET 8/9 under PowerShell 7.4/7.5) and other platforms refuse the native code and JIT-compile the
# IL the images still carry, as before. BouncyCastle stays IL (12 MB as ReadyToRun, off the ingest path).
$readyToRunAssemblies = @(
    'MimecastJournaling.Engine', 'MimecastJournaling.Host', 'SmtpServer', 'MimeKit', 'MailKit', 'DnsClient',
    'Microsoft.Data.Sqlite', 'SQLitePCLRaw.core', 'SQLitePCLRaw.provider.e_sqlite3', 'SQLitePCLRaw.batteries_v2',
    'Microsoft.Extensions.Hosting', 'Microsoft.Extensions.DependencyInjection', 'Microsoft.Extensions.Configuration', 'Microsoft.Extensions.Logging.Console')
function Invoke-ReadyToRun {
    if (-not $IsLinux -or [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -ne 'X64') {
        Write-Warning 'ReadyToRun is compiled on linux-x64 only; the assemblies stay IL.'
        return
    }
    $runtimeLine = @(& dotnet --list-runtimes | Where-Object { $_ -match '^Microsoft\.NETCore\.App (\d+)\.(\d+)\.(\d+) \[(.+)\]$' }) | Select-Object -Last 1
    if (-not ($runtimeLine -match '^Microsoft\.NETCore\.App ((\d+)\.\d+\.\d+) \[(.+)\]$')) { throw "No Microsoft.NETCore.App runtime found by 'dotnet --list-runtimes'." }
    $version = $Matches[1]; $major = $Matches[2]; $framework = Join-Path $Matches[3] $version
    Write-Host "==> ReadyToRun for linux-x64 and .NET $version (crossgen2 $major)" -ForegroundColor Cyan
    Invoke-Native dotnet @('restore', (Join-Path $root 'build/ReadyToRun/ReadyToRun.csproj'), "-p:TargetFramework=net$major.0", '--nologo', '-v', 'quiet')
    $packs = Join-Path (Get-NuGetPackagesFolder) 'microsoft.netcore.app.crossgen2.linux-x64'
    $crossgen = Get-ChildItem -LiteralPath $packs -Directory -ErrorAction SilentlyContinue | Where-Object Name -like "$major.*" |
        Sort-Object { [version]($_.Name -replace '-.*$', '') } | Select-Object -Last 1 | ForEach-Object { Join-Path $_.FullName 'tools/crossgen2' }
    if (-not $crossgen -or -not (Test-Path -LiteralPath $crossgen)) { throw "crossgen2 $major.x for linux-x64 is not in $packs after the restore of build/ReadyToRun." }
    $work = Join-Path ([IO.Path]::GetTempPath()) "mj-r2r-$PID"
    $il = New-Item -ItemType Directory -Path (Join-Path $work 'il') -Force
    try {
        Copy-Item -Path (Join-Path $bin '*.dll') -Destination $il
        foreach ($name in $readyToRunAssemblies) {
            # -Literal: the reference patterns go to crossgen2 as they are (PowerShell would expand them on Unix).
            Invoke-Native -Literal $crossgen @((Join-Path $il "$name.dll"), '-o', (Join-Path $bin "$name.dll"), '-r', (Join-Path $framework '*.dll'),
                '-r', (Join-Path $il '*.dll'), '--targetos:linux', '--targetarch:x64', '-O')
        }
        Write-Host "ReadyToRun: $($readyToRunAssemblies.Count) assemblies in bin compiled for linux-x64, .NET $major"
    } finally {
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }
}

# System packages the tests use; installed with apt when missing (CI runs as root on Debian).
# swaks needs libnet-ssleay-perl for STARTTLS (only a Recommends, which is not installed here);
# tmux gives a child pwsh a real terminal, so a test's SIGINT arrives as a Ctrl+C; capsh runs a
# child without CAP_NET_BIND_SERVICE, as a non-root admin; aiosmtpd is the local SMTP relay that
# receives the alert email in ListenerOperations.Tests.ps1; the aws CLI makes, lists and damages
# the WORM scenario's buckets from outside the module (Worm.Tests.ps1).
$testPackages = [ordered]@{ dnsmasq = 'dnsmasq-base'; swaks = @('swaks', 'libnet-ssleay-perl'); tmux = 'tmux'; capsh = 'libcap2-bin'; aiosmtpd = 'python3-aiosmtpd'; aws = 'awscli' }

function Install-TestPrerequisites {
    $missing = @($testPackages.Keys | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) })
    if ($missing.Count -eq 0) { return }
    $packages = @($missing | ForEach-Object { $testPackages[$_] })
    $isRoot = $IsLinux -and ((& id -u) -eq '0')
    if (-not ($isRoot -and (Get-Command apt-get -ErrorAction SilentlyContinue))) {
        throw "The tests need these programs: $($missing -join ', '). Install the packages $($packages -join ', ') (apt-get install $($packages -join ' ')) and run again."
    }
    Write-Host "==> Installing test prerequisites: $($packages -join ', ')" -ForegroundColor Cyan
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Native apt-get @('update', '-qq')
    Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends') + $packages)
    $still = @($missing | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) })
    if ($still.Count -gt 0) { throw "Installed $($packages -join ', ') but still cannot find: $($still -join ', ')." }
}

function Get-NuGetPackagesFolder {
    $line = (& dotnet nuget locals global-packages --list) -join "`n"
    if ($line -notmatch 'global-packages:\s*(.+)') { throw "Cannot find the NuGet global packages folder ('dotnet nuget locals' said: $line)." }
    $Matches[1].Trim()
}

function Invoke-Test {
    Invoke-Build
    Install-TestPrerequisites
    Write-Host '==> Restoring test tools (Pester, DnsClient 1.6.1, MSAL 4.61.3) from NuGet' -ForegroundColor Cyan
    Invoke-Native dotnet @('restore', (Join-Path $root 'tests/Tools/TestTools.csproj'), '--nologo', '-v', 'quiet')
    $packages = Get-NuGetPackagesFolder
    $env:MIMECASTJOURNALING_PESTER = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    $env:MIMECASTJOURNALING_OLD_DNSCLIENT = Join-Path $packages 'dnsclient/1.6.1/lib/netstandard2.1/DnsClient.dll'
    $env:MIMECASTJOURNALING_OLD_MSAL = Join-Path $packages 'microsoft.identity.client/4.61.3/lib/net6.0/Microsoft.Identity.Client.dll'
    $env:MIMECASTJOURNALING_OLD_MSAL_ABSTRACTIONS = Join-Path $packages 'microsoft.identitymodel.abstractions/6.35.0/lib/net6.0/Microsoft.IdentityModel.Abstractions.dll'
    # The Exchange Online emulator, as a child process for the Pester tests (127.0.0.1 only).
    Write-Host '==> Building the Exchange Online emulator host' -ForegroundColor Cyan
    $emulatorProject = Join-Path $root 'tests/Emulators/ExchangeOnlineEmulator.Host'
    Invoke-Native dotnet @('build', $emulatorProject, '-c', $Configuration, '--nologo', '-v', 'quiet')
    $env:MIMECASTJOURNALING_EXO_EMULATOR = Join-Path $emulatorProject "bin/$Configuration/net10.0/ExchangeOnlineEmulator.Host.dll"
    # The Mimecast API 2.0 emulator, the same way (tests/Pester/Mimecast*.Tests.ps1).
    Write-Host '==> Building the Mimecast emulator host' -ForegroundColor Cyan
    $mimecastEmulatorProject = Join-Path $root 'tests/Emulators/MimecastEmulator.Host'
    Invoke-Native dotnet @('build', $mimecastEmulatorProject, '-c', $Configuration, '--nologo', '-v', 'quiet')
    $env:MIMECASTJOURNALING_MIMECAST_EMULATOR = Join-Path $mimecastEmulatorProject "bin/$Configuration/net10.0/MimecastEmulator.Host.dll"

    $results = [ordered]@{}
    # The names of failed tests, repeated at the end so the last lines of a long log say what failed.
    $failedTests = [System.Collections.Generic.List[string]]::new()

    # One dotnet test run per xunit project, each with its own summary line; the total sums them.
    $xunitProjects = [ordered]@{
        'xunit engine'          = 'tests/MimecastJournaling.Engine.Tests'
        'xunit Exchange Online' = 'tests/MimecastJournaling.ExchangeOnline.Tests'
        'xunit Mimecast'        = 'tests/MimecastJournaling.Mimecast.Tests'
    }
    if ($SkipXunit) { $xunitProjects.Clear() }
    foreach ($name in $xunitProjects.Keys) {
        Write-Host "==> ${name}: $($xunitProjects[$name])" -ForegroundColor Cyan
        $output = & dotnet test (Join-Path $root $xunitProjects[$name]) -c $Configuration --nologo 2>&1 | ForEach-Object { "$_" }
        $exitCode = $LASTEXITCODE
        $output | Write-Host
        $summary = $output | Select-String -Pattern 'Failed:\s*(\d+),\s*Passed:\s*(\d+),\s*Skipped:\s*(\d+)' | Select-Object -Last 1
        if (-not $summary) {
            $results[$name] = @{ Passed = 0; Failed = 1; Skipped = 0 }
            Write-Host "${name}: no summary line (build or run failure)" -ForegroundColor Red
        } else {
            $g = $summary.Matches[0].Groups
            $results[$name] = @{ Failed = [int]$g[1].Value; Passed = [int]$g[2].Value; Skipped = [int]$g[3].Value }
        }
        if ($exitCode -ne 0 -and $results[$name].Failed -eq 0) { $results[$name].Failed = 1 }
        foreach ($line in $output | Select-String -Pattern '^\s*Failed\s+(\S.*?)\s+\[[^\]]*\]\s*$') {
            $failedTests.Add("${name}: $($line.Matches[0].Groups[1].Value)")
        }
    }

    Write-Host '==> Pester: module tests in a fresh pwsh' -ForegroundColor Cyan
    $resultFile = Join-Path ([IO.Path]::GetTempPath()) "mj-pester-$PID.json"
    $pesterArguments = @('-ResultFile', $resultFile)
    # One comma-separated argument: pwsh -File binds it to the runner's [string[]] -Path.
    if ($PesterPath) { $pesterArguments += @('-Path', (($PesterPath | ForEach-Object { (Resolve-Path $_).Path }) -join ',')) }
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/Invoke-PesterTests.ps1') @pesterArguments
    if (Test-Path $resultFile) {
        $p = Get-Content $resultFile -Raw | ConvertFrom-Json
        $results['Pester'] = @{ Passed = $p.Passed; Failed = $p.Failed; Skipped = $p.Skipped }
        foreach ($test in @($p.FailedTests)) { if ($test) { $failedTests.Add("Pester: $test") } }
        Remove-Item $resultFile
    } else {
        $results['Pester'] = @{ Passed = 0; Failed = 1; Skipped = 0 }
        Write-Host 'Pester: the runner ended without results' -ForegroundColor Red
    }

    $passed = 0; $failed = 0; $skipped = 0
    foreach ($name in $results.Keys) {
        $r = $results[$name]
        Write-Host ("{0}: {1} passed, {2} failed, {3} skipped" -f $name, $r.Passed, $r.Failed, $r.Skipped)
        $passed += $r.Passed; $failed += $r.Failed; $skipped += $r.Skipped
    }
    foreach ($test in $failedTests) { Write-Host "Failed: $test" -ForegroundColor Red }
    # A skipped test is not a passing one: count it against the run.
    Write-Host ("Total: {0} passed, {1} failed" -f $passed, ($failed + $skipped))
    if ($failed -gt 0 -or $skipped -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    $store = Join-Path ([IO.Path]::GetTempPath()) "mimecastjournaling-demo-$PID/journaling.db"
    Write-Host "==> Demo in a temporary store: $store" -ForegroundColor Cyan
    $script = {
        param($ModulePath, $Store, $Fixtures)
        $ErrorActionPreference = 'Stop'
        $env:MIMECASTJOURNALING_STORE = $Store
        Import-Module $ModulePath
        function Show($InputObject) { $InputObject | Out-String -Width 200 | Write-Host }

        Write-Host "`n# 1. Register the journal sub-domain and the internal mail domain" -ForegroundColor Yellow
        Show (Register-JournalDomain -Name journal.contoso.com, contoso.com | Format-Table -AutoSize)
        Write-Host '# 2. Journal definitions. Exchange Online: TLS and its outbound ranges (127.0.0.1 only for this demo;' -ForegroundColor Yellow
        Write-Host '#    its connectors cannot use SMTP AUTH). On-premises: SMTP AUTH too, the password kept only as a salted hash.' -ForegroundColor Yellow
        New-JournalDefinition -Description 'Exchange Online journaling' -ServiceEmailAddress journal@journal.contoso.com `
            -SourceIpRange 40.92.0.0/15, 2a01:111:f400::/48, 127.0.0.1 | Out-Null
        $credential = [pscredential]::new('exchange', (ConvertTo-SecureString 'Demo-Passw0rd!' -AsPlainText -Force))
        New-JournalDefinition -Description 'On-premises journaling' -ServiceEmailAddress onprem@journal.contoso.com `
            -SourceIpRange 192.0.2.10/32 -SmtpCredential $credential -InitialProcessDelay 5 | Out-Null
        Show (Get-JournalDefinition | Format-Table -AutoSize)
        Write-Host '# 3. The internal directory, from CSV' -ForegroundColor Yellow
        @('Address,DisplayName', 'alice@contoso.com,Alice', 'bob@contoso.com,Bob', 'dave@contoso.com,Dave') | ConvertFrom-Csv | Add-JournalInternalAddress
        Show (Get-JournalInternalAddress | Format-Table -AutoSize)

        Write-Host '# 4. Start the listener on 127.0.0.1 with a certificate generated for the demo' -ForegroundColor Yellow
        $rsa = [Security.Cryptography.RSA]::Create(2048)
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=archive.contoso.com', $rsa, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $selfSigned = $request.CreateSelfSigned([DateTimeOffset]::Now.AddMinutes(-5), [DateTimeOffset]::Now.AddDays(90))   # a renewal period, so the demo shows no expiry warning
        $certificate = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12($selfSigned.Export('Pfx'), $null)
        $listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate $certificate -ServerName archive.contoso.com
        $port = [int](($listener.Endpoints[0] -split ':')[-1])
        Show ($listener | Format-Table)
        try {
            Write-Host '# 5. Send over SMTP with STARTTLS: an envelope journal report with a Bcc recipient expanded from a group,' -ForegroundColor Yellow
            Write-Host '#    and a plain EML copy (no envelope: it steps down to its header recipients)' -ForegroundColor Yellow
            $send = @{ Definition = 'Exchange Online journaling'; SmtpServer = '127.0.0.1'; Port = $port; UseTls = $true; CertificateThumbprint = $certificate.Thumbprint }
            $envelope = Send-JournalTestMessage @send -From alice@contoso.com -To bob@contoso.com -Cc partner@fabrikam.com `
                -Bcc dave@contoso.com -BccExpandedFrom team@contoso.com -Subject 'Q3 numbers (envelope report)'
            $plain = Send-JournalTestMessage @send -Format StandardEml -From alice@contoso.com -To bob@contoso.com -Subject 'Lunch? (plain EML)'
            Show ($envelope, $plain | Format-Table Accepted, StatusCode, Response, TlsProtocol, MessageId)
            # The processor archives from the durable spool right after the 250; wait for both outcomes.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (@(Get-JournalOutcome).Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }

            Write-Host '# 6. The archive: each message once, with every recipient (Bcc and the group expansion included)' -ForegroundColor Yellow
            Show (Get-JournalMessage | Format-Table)
            foreach ($message in Get-JournalMessage) {
                Write-Host "   $($message.Subject):"
                Show ($message.Recipients | Format-Table)
            }
            Write-Host '# 7. Every report has an outcome (the plain EML records that it stepped down)' -ForegroundColor Yellow
            Show (Get-JournalOutcome | Format-Table)
            Show (Get-JournalOutcome | Where-Object Format -eq Standard | Format-List ReportId, Format, Outcome, Defects)
            Write-Host '# 8. The definition is OK now, with the time of the last report; the listener counted what it refused' -ForegroundColor Yellow
            Show (Get-JournalDefinition | Format-Table -AutoSize)
            Show (Get-JournalListener | Format-Table)
            Write-Host '# 9. The event log: every change, including the status change' -ForegroundColor Yellow
            Show (Get-JournalEvent | Format-Table -AutoSize)

            Write-Host '# 10. Backfill from files: three reports of one message (two forks and a hybrid on-premises copy) merge' -ForegroundColor Yellow
            $reports = 'synthetic-bifurcated-fork1.eml', 'synthetic-bifurcated-fork2.eml', 'synthetic-hybrid-onprem-duplicate.eml' |
                ForEach-Object { Join-Path $Fixtures $_ }
            Show (Import-JournalMessage -LiteralPath $reports -Definition 'Exchange Online journaling' | Format-List)
            $item = Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com'
            Show ($item | Format-Table)
            Show ($item.Recipients | Format-Table)
        } finally {
            Stop-JournalListener -TimeoutSeconds 5
        }
    }
    try {
        & dotnet pwsh -NoProfile -NonInteractive -Command $script -args (Join-Path $root 'MimecastJournaling.psd1'), $store, (Join-Path $root 'tests/Fixtures/Reports')
        if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
    } finally {
        Remove-Item (Split-Path $store) -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Invoke-Bench {
    Invoke-Build
    $all = $Benchmark -contains 'All'
    $project = Join-Path $root 'tests/Benchmarks/MimecastJournaling.Benchmarks'
    if ($all -or $Benchmark -contains 'Import') {
        Write-Host '==> Benchmark: module import time' -ForegroundColor Cyan
        & (Join-Path $root 'tests/Benchmarks/Measure-ImportTime.ps1') | Format-List | Out-String -Width 200 | Write-Host
    }
    if ($all -or $Benchmark -contains 'BenchmarkDotNet') {
        # BenchmarkDotNet: parse throughput against plain MimeKit, archive write throughput.
        # Pass a filter through $env:MIMECASTJOURNALING_BENCH_FILTER (e.g. '*Parse*') to run a subset.
        $filter = if ($env:MIMECASTJOURNALING_BENCH_FILTER) { $env:MIMECASTJOURNALING_BENCH_FILTER } else { '*' }
        Write-Host "==> BenchmarkDotNet ($filter)" -ForegroundColor Cyan
        Invoke-Native -Literal dotnet @('run', '-c', 'Release', '--project', $project, '--',
            '--filter', $filter, '--artifacts', (Join-Path $root 'BenchmarkDotNet.Artifacts'))
    }
    if ($all -or $Benchmark -contains 'Storage') {
        # Archive storage (each message stored once): bytes stored against each message compressed once,
        # on a mail-like corpus (MIMECASTJOURNALING_STORAGE_REPORTS reports, default 10,000). A missed
        # target is printed as a warning and Bench carries on.
        $storageReports = if ($env:MIMECASTJOURNALING_STORAGE_REPORTS) { $env:MIMECASTJOURNALING_STORAGE_REPORTS } else { '10000' }
        Write-Host "==> Benchmark: archive storage ($storageReports mail-like journal reports)" -ForegroundColor Cyan
        try {
            Invoke-Native -Literal dotnet @('run', '-c', 'Release', '--project', $project, '--', 'storage', '--reports', $storageReports)
        } catch {
            Write-Warning "Archive storage benchmark: $($_.Exception.Message)"
        }
    }
    if ($all -or $Benchmark -contains 'Search') {
        # Search (issue 11 item 4): an archive of -Items mail-like items on SQLite and on PostgreSQL
        # (a cluster the benchmark makes and removes itself, as the tests do; or the empty database
        # MIMECASTJOURNALING_BENCH_POSTGRES names), indexed as it grows; ingest with the indexer beside
        # it against without at 20,000 items; index size against the archive; p50/p95 of first-page
        # queries, cold-ish and warm, with the query plans.
        $minutes = if ($BuildMinutes -gt 0) { " (building at most $BuildMinutes min per backend)" } else { '' }
        Write-Host "==> Benchmark: search ($Items mail-like items$minutes)" -ForegroundColor Cyan
        try {
            $arguments = if ($SearchArchive) { @('--reuse', $SearchArchive) } else { @('--items', "$Items", '--compare', '20000', '--minutes', "$BuildMinutes") }
            Invoke-Native -Literal dotnet (@('run', '-c', 'Release', '--project', $project, '--', 'search') + $arguments + @('--explain'))
        } catch {
            Write-Warning "Search benchmark: $($_.Exception.Message)"
        }
    }
    # Hostile senders (issue 15): a 150 MB report, 100,000 recipients, 8 x 32 MB command lines and
    # 20 x 25 MB at once, each into a fresh listener, on SQLite and on PostgreSQL; peak RSS against the targets.
    if ($all -or $Benchmark -contains 'HostileSenders') {
        Write-Host '==> Benchmark: hostile senders (peak RSS of the listener)' -ForegroundColor Cyan
        & (Join-Path $root 'tests/Benchmarks/Measure-HostileSenders.ps1') -Backends SQLite | Format-List | Out-String -Width 200 | Write-Host
        # The same on PostgreSQL (a throwaway cluster the script makes and removes, as the tests do);
        # when that cannot be had, the reason is printed and Bench carries on.
        try {
            & (Join-Path $root 'tests/Benchmarks/Measure-HostileSenders.ps1') -Backends PostgreSQL | Format-List | Out-String -Width 200 | Write-Host
        } catch {
            Write-Warning "Hostile senders benchmark (PostgreSQL) not run: $($_.Exception.Message)"
        }
    }
    # SMTP ingest: the listener against a private Postfix and smtp-sink under smtp-source's load
    # (10,000 messages of 20 KB over 20 sessions). It needs postfix (installed with apt as root);
    # when that cannot be had, or the run fails, the reason is printed and Bench carries on.
    if ($all -or $Benchmark -contains 'SmtpIngest') {
        Write-Host '==> Benchmark: SMTP ingest (smtp-source -> smtp-sink, Postfix, Start-JournalListener)' -ForegroundColor Cyan
        try {
            $null = & (Join-Path $root 'tests/Benchmarks/Measure-SmtpIngest.ps1')
        } catch {
            Write-Warning "SMTP ingest benchmark not run: $($_.Exception.Message)"
        }
    }
}

function Invoke-Help {
    Invoke-Build
    Write-Host '==> Help: regenerating the MAML in a fresh pwsh' -ForegroundColor Cyan
    # A fresh process, so the generator reads the cmdlets just built.
    Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'build/New-MamlHelp.ps1'))
    Write-Host "Wrote $(Join-Path $root 'en-US/MimecastJournaling.dll-Help.xml')"
}

function Invoke-Package {
    $script:ReadyToRun = $true
    Invoke-Build
    Write-Host '==> Package' -ForegroundColor Cyan
    $package = & (Join-Path $root 'build/New-ModulePackage.ps1') -ModuleRoot $root -OutputPath (Join-Path $root 'out')
    Write-Host ("Wrote {0} ({1:N1} MB)" -f $package.FullName, ($package.Length / 1MB))
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Help' { Invoke-Help }
    'Package' { Invoke-Package }
}
