# Dot-sourced by every Pester file: imports the BUILT module from the repository root and gives
# each file its own temporary store, so tests never touch a user's real data. Also holds the
# shared helpers: credentials, a real DNS server (dnsmasq) on 127.0.0.1, and child pwsh processes.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModuleManifest = Join-Path $script:RepoRoot 'MimecastJournaling.psd1'
$script:DnsmasqPath = '/usr/sbin/dnsmasq'

function New-TestStore {
    $directory = Join-Path ([IO.Path]::GetTempPath()) ("mj-pester-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $directory | Out-Null
    Join-Path $directory 'journaling.db'
}

function Remove-TestStore([string] $Path) {
    if ($Path) { Remove-Item (Split-Path $Path) -Recurse -Force -ErrorAction SilentlyContinue }
}

# A PSCredential as Get-Credential would return it; the password is what the tests look for
# (and must never find) in output, events and store bytes.
function New-TestCredential([string] $UserName = 'exchange', [string] $Password = 'Tr0ub4dor&3-Journal') {
    [pscredential]::new($UserName, (ConvertTo-SecureString $Password -AsPlainText -Force))
}

# Every file under the store's folder (the database and SQLite's -wal/-shm companions).
function Get-TestStoreFile([string] $Path) {
    Get-ChildItem -LiteralPath (Split-Path $Path) -File | Where-Object Name -like ((Split-Path $Path -Leaf) + '*')
}

function Get-FreeLoopbackPort {
    # A port free for both UDP and TCP on 127.0.0.1 (DNS uses both).
    for ($i = 0; $i -lt 20; $i++) {
        $udp = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
        $port = ([System.Net.IPEndPoint]$udp.Client.LocalEndPoint).Port
        try {
            $tcp = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, $port)
            $tcp.Start(); $tcp.Stop()
            return $port
        } catch {
            continue
        } finally {
            $udp.Dispose()
        }
    }
    throw 'Found no free loopback port for UDP and TCP.'
}

<#
  Starts dnsmasq on 127.0.0.1 with the given TXT records (name -> value) and answers NXDOMAIN
  for names under -NxDomain. Returns @{ Process; Port; Server = '127.0.0.1:PORT'; Log }.
  A missing dnsmasq is an error (the test fails), never a reason to skip.
#>
function Start-TestDnsServer {
    param([hashtable] $TxtRecord = @{}, [string[]] $NxDomain = @())
    if (-not (Test-Path -LiteralPath $script:DnsmasqPath)) {
        throw "$script:DnsmasqPath is missing: install the package dnsmasq-base (build.ps1 -Task Test does it with apt)."
    }
    for ($attempt = 1; $attempt -le 5; $attempt++) {
        $port = Get-FreeLoopbackPort
        $log = Join-Path ([IO.Path]::GetTempPath()) ("mj-dnsmasq-" + [guid]::NewGuid().ToString('n') + '.log')
        $arguments = @('--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces',
            '--listen-address=127.0.0.1', "--port=$port", '--pid-file=')
        if ($IsLinux -and ((& id -u) -eq '0')) { $arguments += '--user=root' }
        foreach ($name in $TxtRecord.Keys) { $arguments += "--txt-record=$name,$($TxtRecord[$name])" }
        foreach ($name in $NxDomain) { $arguments += "--local=/$name/" }
        $arguments += "--log-facility=$log"
        $info = [System.Diagnostics.ProcessStartInfo]::new($script:DnsmasqPath)
        foreach ($a in $arguments) { $info.ArgumentList.Add($a) }
        $info.UseShellExecute = $false
        $info.RedirectStandardError = $true
        $info.RedirectStandardOutput = $true
        $process = [System.Diagnostics.Process]::Start($info)
        $stderr = $process.StandardError.ReadToEndAsync()
        $null = $process.StandardOutput.ReadToEndAsync()
        # dnsmasq logs 'started' once its sockets are bound; it exits at once when the port is taken.
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while (-not $process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            if ((Test-Path $log) -and (Get-Content -LiteralPath $log -Raw) -match 'started, version') {
                return [pscustomobject]@{ Process = $process; Port = $port; Server = "127.0.0.1:$port"; Log = $log }
            }
            Start-Sleep -Milliseconds 50
        }
        if (-not $process.HasExited) { $process.Kill(); $process.WaitForExit() }
        $process.WaitForExit()
        $text = $stderr.GetAwaiter().GetResult() + $(if (Test-Path $log) { Get-Content -LiteralPath $log -Raw })
        Remove-Item -LiteralPath $log -Force -ErrorAction SilentlyContinue
        if ($text -notmatch 'in use') { throw "dnsmasq did not start on 127.0.0.1:${port}: $text" }
    }
    throw 'dnsmasq found no free port in 5 attempts.'
}

function Stop-TestDnsServer($Server) {
    if (-not $Server) { return }
    if (-not $Server.Process.HasExited) { $Server.Process.Kill(); $Server.Process.WaitForExit() }
    Remove-Item -LiteralPath $Server.Log -Force -ErrorAction SilentlyContinue
}

<#
  Runs a script in a NEW process, `dotnet pwsh -NoProfile -NonInteractive` (as an admin's second
  session or a runbook would), with -Arguments passed as its parameters. Returns a process
  handle object; Wait-ChildPwsh collects its output. The script's last output should be one JSON
  document (ConvertTo-Json -Compress), which Wait-ChildPwsh parses into .Result.
#>
function Start-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Script, [string[]] $Arguments = @(), [hashtable] $Environment = @{})
    $file = Join-Path ([IO.Path]::GetTempPath()) ("mj-child-" + [guid]::NewGuid().ToString('n') + '.ps1')
    Set-Content -LiteralPath $file -Value $Script -Encoding utf8
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @('pwsh', '-NoProfile', '-NonInteractive', '-File', $file) + $Arguments) { $info.ArgumentList.Add($a) }
    $info.WorkingDirectory = $script:RepoRoot   # where the dotnet tool manifest is
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    foreach ($name in $Environment.Keys) { $info.Environment[$name] = [string]$Environment[$name] }
    $process = [System.Diagnostics.Process]::Start($info)
    [pscustomobject]@{
        Process = $process
        File    = $file
        Stdout  = $process.StandardOutput.ReadToEndAsync()
        Stderr  = $process.StandardError.ReadToEndAsync()
    }
}

function Wait-ChildPwsh {
    param([Parameter(Mandatory)] $Child, [int] $TimeoutSeconds = 300)
    if (-not $Child.Process.WaitForExit($TimeoutSeconds * 1000)) {
        $Child.Process.Kill($true)
        throw "The child pwsh did not finish within $TimeoutSeconds s."
    }
    $Child.Process.WaitForExit()
    $stdout = $Child.Stdout.GetAwaiter().GetResult()
    $stderr = $Child.Stderr.GetAwaiter().GetResult()
    Remove-Item -LiteralPath $Child.File -Force -ErrorAction SilentlyContinue
    $json = ($stdout -split "`r?`n" | Where-Object { $_ -match '^\s*[\{\[]' } | Select-Object -Last 1)
    [pscustomobject]@{
        ExitCode = $Child.Process.ExitCode
        Stdout   = $stdout
        Stderr   = $stderr
        Result   = if ($json) { $json | ConvertFrom-Json } else { $null }
    }
}

function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Script, [string[]] $Arguments = @(), [hashtable] $Environment = @{}, [int] $TimeoutSeconds = 300)
    Wait-ChildPwsh -Child (Start-ChildPwsh -Script $Script -Arguments $Arguments -Environment $Environment) -TimeoutSeconds $TimeoutSeconds
}

<#
  The loopback Exchange Online emulator (tests/Emulators) as a child process on 127.0.0.1, free
  ports. build.ps1 -Task Test builds it and sets $env:MIMECASTJOURNALING_EXO_EMULATOR; when run
  alone, this builds it. Returns @{ Process; Endpoint; LoginEndpoint (https, for -AuthorityHost);
  TenantId; InitialDomain; ClientId; ClientSecret; the app's certificate (ClientCertificatePath, a
  .pfx, with ClientCertificatePassword and ClientCertificateThumbprint; ClientCertificatePublicPath,
  the public part only); CertificateAuthorityPath (the PEM of the CA behind the https sign-in host);
  ManagedIdentityEndpoint and ManagedIdentityHeader (IDENTITY_ENDPOINT / IDENTITY_HEADER);
  UserAssignedClientId; SystemAssignedClientId; AdminUserPrincipalName }. Drive it with
  Invoke-TestExchangeEmulator (see its Program.cs: token, graph-token, deny/allow <Cmdlet>,
  issued-tokens, device-codes, approve/decline <code>, graph-seed <n>, exec, state, ...).
#>
# An emulator host (tests/Emulators/<Project>) as a child process: built when $env:<Variable> does not
# name its dll yet; returns the process and the JSON line it prints when it is listening.
function Start-TestEmulatorHost([string] $Variable, [string] $Project, [string] $Label) {
    $dll = [Environment]::GetEnvironmentVariable($Variable)
    if (-not $dll -or -not (Test-Path -LiteralPath $dll)) {
        $projectPath = Join-Path $script:RepoRoot "tests/Emulators/$Project"
        $output = & dotnet build $projectPath -c Release --nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Building the $Label emulator failed:`n$($output -join "`n")" }
        $dll = Join-Path $projectPath "bin/Release/net10.0/$Project.dll"
        [Environment]::SetEnvironmentVariable($Variable, $dll)
    }
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $info.ArgumentList.Add($dll)
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $null = $process.StandardError.ReadToEndAsync()
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(60000) -or -not $line.Result) {
        if (-not $process.HasExited) { $process.Kill() }
        throw "The $Label emulator did not start within 60 s."
    }
    [pscustomobject]@{ Process = $process; Started = ($line.Result | ConvertFrom-Json) }
}

function Start-TestExchangeEmulator {
    $emulatorHost = Start-TestEmulatorHost MIMECASTJOURNALING_EXO_EMULATOR ExchangeOnlineEmulator.Host 'Exchange Online'
    $process = $emulatorHost.Process
    $started = $emulatorHost.Started
    [pscustomobject]@{
        Process                     = $process
        Endpoint                    = [uri]"http://127.0.0.1:$($started.FrontDoorPort)"
        LoginEndpoint               = [uri]"https://127.0.0.1:$($started.LoginPort)"
        TenantId                    = $started.TenantId
        InitialDomain               = $started.InitialDomain
        ClientId                    = $started.ClientId
        ClientSecret                = $started.ClientSecret
        CertificateAuthorityPath    = $started.CertificateAuthorityPath
        ClientCertificatePath       = $started.ClientCertificatePath
        ClientCertificatePublicPath = $started.ClientCertificatePublicPath
        ClientCertificatePassword   = $started.ClientCertificatePassword
        ClientCertificateThumbprint = $started.ClientCertificateThumbprint
        ManagedIdentityEndpoint     = $started.ManagedIdentityEndpoint
        ManagedIdentityHeader       = $started.ManagedIdentityHeader
        SystemAssignedClientId      = $started.SystemAssignedClientId
        UserAssignedClientId        = $started.UserAssignedClientId
        AdminUserPrincipalName      = $started.AdminUserPrincipalName
    }
}

<#
  The environment of a child pwsh that signs in with MSAL at the emulator. MSAL accepts https
  authorities only, and the emulator's sign-in host has a certificate from a CA made for the run:
  .NET on Linux honours SSL_CERT_FILE (OpenSSL's variable) for its trusted roots, so the child
  trusts that CA, and nothing else, without any switch in the module. SSL_CERT_FILE is read when
  the process starts, which is why this needs a child process rather than the Pester session.
  -IsolatedHome also gives the child a temporary HOME (its own CurrentUser certificate stores)
  while the dotnet tool manifest keeps finding pwsh in the real NuGet packages folder.
#>
function Get-EmulatorChildEnvironment($Emulator, [hashtable] $Extra = @{}, [string] $IsolatedHome) {
    $environment = @{ SSL_CERT_FILE = $Emulator.CertificateAuthorityPath }
    if ($IsolatedHome) {
        $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
        $environment.HOME = $IsolatedHome
        $environment.NUGET_PACKAGES = $packages
        # dotnet finds restored local tools (pwsh) through its cache under DOTNET_CLI_HOME.
        $environment.DOTNET_CLI_HOME = if ($env:DOTNET_CLI_HOME) { $env:DOTNET_CLI_HOME } else { $HOME }
    }
    foreach ($name in $Extra.Keys) { $environment[$name] = $Extra[$name] }
    $environment
}

# Every access token the emulator issued (tests assert that none of them reached any output).
function Get-EmulatorIssuedToken($Emulator) {
    @(Invoke-TestExchangeEmulator $Emulator 'issued-tokens' | ConvertFrom-Json)
}

# Polls the emulator until a device code is pending and returns it (or throws after -Seconds).
function Wait-EmulatorDeviceCode($Emulator, [int] $Seconds = 60) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        $codes = "$(Invoke-TestExchangeEmulator $Emulator 'device-codes')".Trim()
        if ($codes) { return ($codes -split ' ')[0] }
        Start-Sleep -Milliseconds 100
    }
    throw "No device code was requested from the emulator within $Seconds s."
}

function Invoke-TestExchangeEmulator($Emulator, [string] $Command) {
    $Emulator.Process.StandardInput.WriteLine($Command)
    $Emulator.Process.StandardInput.Flush()
    $Emulator.Process.StandardOutput.ReadLine()
}

function Stop-TestExchangeEmulator($Emulator) {
    if (-not $Emulator) { return }
    if (-not $Emulator.Process.HasExited) {
        try { $null = Invoke-TestExchangeEmulator $Emulator 'quit' } catch { }
        if (-not $Emulator.Process.WaitForExit(10000)) { $Emulator.Process.Kill() }
    }
    $Emulator.Process.WaitForExit()
}

# Connect-O365Journaling to the emulator with a token it issued. -Graph adds a Graph-audience token
# it issued (-GraphAccessToken) and its /v1.0 endpoints (-GraphEndpoint), for the Graph cmdlets.
# (MSAL sign-ins need https and a process that trusts the emulator's CA: Get-EmulatorChildEnvironment.)
function Connect-TestExchangeEmulator($Emulator, [switch] $Graph) {
    $parameters = @{
        TenantId         = $Emulator.TenantId
        AccessToken      = ConvertTo-SecureString (Invoke-TestExchangeEmulator $Emulator 'token') -AsPlainText -Force
        ExchangeEndpoint = $Emulator.Endpoint
    }
    if ($Graph) {
        $parameters.GraphAccessToken = ConvertTo-SecureString (Invoke-TestExchangeEmulator $Emulator 'graph-token') -AsPlainText -Force
        $parameters.GraphEndpoint = $Emulator.Endpoint
    }
    Connect-O365Journaling @parameters
}

# A fresh store for the contoso.com organisation, made the session's default: the journal
# sub-domain and the mail domain registered, and the given mailboxes in the directory.
function Use-ContosoStore([string[]] $Address = @()) {
    $store = New-TestStore
    $env:MIMECASTJOURNALING_STORE = $store
    Register-JournalDomain -Name journal.contoso.com, contoso.com | Out-Null
    if ($Address) { Add-JournalInternalAddress -Address $Address }
    $store
}

# Stops this session's listeners, removes the store and clears the environment variable.
function Remove-ContosoStore([string] $Path) {
    Stop-JournalListener -TimeoutSeconds 5 -ErrorAction SilentlyContinue
    Remove-TestStore $Path
    Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
}

# ---- listener helpers (Listener and ListenerFaults tests) ----------------------------------

# A self-signed server certificate with its private key (a PFX round trip, as a real one is loaded).
function New-TestCertificate([switch] $WithoutPrivateKey) {
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new(
        'CN=archive.contoso.test', $rsa, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $self = $request.CreateSelfSigned([DateTimeOffset]::Now.AddDays(-1), [DateTimeOffset]::Now.AddDays(30))
    if ($WithoutPrivateKey) {
        return [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate($self.RawData)
    }
    [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12($self.Export('Pfx'), $null)
}

# Sends a file with swaks to journal@journal.contoso.com; returns the server's reply lines.
function Send-SwaksReport([int] $Port, [string] $Path, [string[]] $Options = @()) {
    $transcript = & swaks --server 127.0.0.1 --port $Port --from ndr@contoso.com --to journal@journal.contoso.com `
        --data $Path --timeout 60 @Options 2>&1
    @($transcript | ForEach-Object { "$_" } | Where-Object { $_ -match '^\s*<[-~*]+\s+\d{3}[ -]' } | ForEach-Object { $_ -replace '^\s*<[-~*]+\s+', '' })
}

# Writes an Exchange journal report (envelope part and the original as message/rfc822) for
# journal@journal.contoso.com to <Folder>/<Name>.eml and returns its path. The original is
# multipart/mixed with a text/plain body; -Parts adds MIME parts after it (each an array of lines).
function New-TestJournalReport {
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $MessageId,
        [string] $From = 'alice@contoso.com',
        [string] $To = 'bob@contoso.com',
        [string] $Subject = $Name,
        [string] $Date = 'Thu, 12 Jun 2025 10:00:00 +0000',
        [string] $Body = 'Hello.',
        [object[]] $Parts = @()
    )
    $lines = @(
        'Content-Type: multipart/mixed; boundary="_r_"', "Subject: $Subject", 'To: journal@journal.contoso.com',
        'From: Microsoft Exchange <postmaster@contoso.com>', 'MIME-Version: 1.0',
        "Message-ID: <report-$MessageId>", "Date: $Date", 'X-MS-Journal-Report:', '',
        '--_r_', 'Content-Type: text/plain; charset="us-ascii"', '',
        "Sender: $From", "Subject: $Subject", "Message-Id: <$MessageId>", "To: $To", '',
        '--_r_', 'Content-Type: message/rfc822', '',
        "From: $From", "To: $To", "Subject: $Subject", "Date: $Date", "Message-ID: <$MessageId>", 'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="_o_"', '',
        '--_o_', 'Content-Type: text/plain; charset="us-ascii"', '', $Body)
    foreach ($part in $Parts) { $lines += @('--_o_') + @($part) }
    $lines += @('--_o_--', '', '--_r_--')
    $path = Join-Path $Folder "$Name.eml"
    [IO.File]::WriteAllText($path, ($lines -join "`r`n") + "`r`n")
    $path
}

# A journal report from alice@contoso.com to $To, dated $DaysAgo days ago (so retention finds it
# expired without a test clock), named <Prefix>-NNN.eml; returns its Message-ID, recipient, age and path.
function New-DatedTestReport([string] $Folder, [string] $Prefix, [int] $Number, [string] $To, [int] $DaysAgo) {
    $date = [DateTimeOffset]::UtcNow.AddDays(-$DaysAgo).ToString('ddd, dd MMM yyyy HH:mm:ss +0000', [Globalization.CultureInfo]::InvariantCulture)
    $id = "$Prefix-$Number@contoso.com"
    $path = New-TestJournalReport -Folder $Folder -Name ("synthetic-$Prefix-{0:000}" -f $Number) -MessageId $id -To $To `
        -Subject "Message $Number" -Date $date -Body "Generated message $Number for the $Prefix scenario."
    [pscustomobject]@{ MessageId = $id; To = $To; DaysAgo = $DaysAgo; Path = $path }
}

# Polls until the condition holds or the time is up (bounded; returns whether it held).
function Wait-Until([scriptblock] $Condition, [int] $Seconds = 30) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (& $Condition) { return $true }
        Start-Sleep -Milliseconds 100
    }
    $false
}

function Get-PortOf($Listener) { [int](($Listener.Endpoints[0] -split ':')[-1]) }

function Test-Listening([int] $Port) {
    $client = [System.Net.Sockets.TcpClient]::new()
    try { $client.Connect('127.0.0.1', $Port); $true } catch { $false } finally { $client.Dispose() }
}

Import-Module $script:ModuleManifest -Force

<#
  Puts a report into the listener's spool as if a listener had answered 250 and then died before
  archiving it (the crash case). Uses the module's own spool class, reached by reflection because
  engine types live in the module's private load context.
#>
function Add-TestSpoolEntry {
    param([Parameter(Mandatory)] [string] $Store, [Parameter(Mandatory)] $Definition, [Parameter(Mandatory)] [byte[]] $Data, [string] $Source = 'smtp:192.0.2.10')
    $engine = ([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'MimecastJournaling').Assemblies |
        Where-Object { $_.GetName().Name -eq 'MimecastJournaling.Engine' }
    $entryType = $engine.GetType('MimecastJournaling.Engine.Listener.SpoolEntry', $true)
    # The backend's own spool (a file beside a SQLite store, the shared table of a PostgreSQL one).
    $backend = $engine.GetType('MimecastJournaling.Engine.Storage.JournalBackend', $true)::Open($Store)
    $spool = $backend.OpenSpool('pester-node', $null)
    $recipients = [string[]]@($Definition.ServiceEmailAddress)
    $entry = [Activator]::CreateInstance($entryType, [object[]]@(
            [DateTimeOffset]::UtcNow, $Source, $Definition.Id, $Definition.Description, 'ndr@contoso.com', $recipients, [ReadOnlyMemory[byte]]::new($Data)))
    $list = [Activator]::CreateInstance([System.Collections.Generic.List`1].MakeGenericType($entryType))
    $list.Add($entry)
    $spool.Append($list) | Out-Null
}

# A self-signed certificate and key as PEM files written by openssl (certbot's layout).
function New-PemPair([string] $Folder, [string] $Name, [int] $Days = 90) {
    New-Item -ItemType Directory -Force -Path $Folder | Out-Null
    $cert = Join-Path $Folder 'fullchain.pem'
    $key = Join-Path $Folder 'privkey.pem'
    & openssl req -x509 -newkey rsa:2048 -nodes -keyout $key -out $cert -days $Days -subj "/CN=$Name" -addext 'subjectAltName=IP:127.0.0.1' 2>$null
    if ($LASTEXITCODE -ne 0) { throw 'openssl could not make the test certificate.' }
    [pscustomobject]@{ Certificate = $cert; Key = $key; Thumbprint = ((& openssl x509 -in $cert -noout -fingerprint -sha1) -replace '^.*=', '' -replace ':', '') }
}

# The subject DN of the certificate the listener serves, as swaks (a real TLS client) reports it.
function Get-ServedSubject([int] $Port) {
    $transcript = & swaks --server 127.0.0.1 --port $Port --tls --quit-after STARTTLS --timeout 30 2>&1 | ForEach-Object { "$_" }
    ($transcript | Where-Object { $_ -match 'TLS peer (subject )?DN="?([^"]+)"?' } | Select-Object -First 1) -replace '^.*DN="?', '' -replace '"$', ''
}

# A unix datagram socket, as systemd's NOTIFY_SOCKET is; the service user may send to it.
function New-NotifySocket([string] $Path) {
    $socket = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::Unix, [System.Net.Sockets.SocketType]::Dgram, [System.Net.Sockets.ProtocolType]::Unspecified)
    $socket.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new($Path))
    & chmod 666 $Path
    $socket
}

# The next sd_notify datagram within -Seconds ($null when none came).
function Receive-Notify($Socket, [int] $Seconds) {
    $buffer = [byte[]]::new(4096)
    $Socket.ReceiveTimeout = $Seconds * 1000
    try { [Text.Encoding]::UTF8.GetString($buffer, 0, $Socket.Receive($buffer)) } catch [System.Net.Sockets.SocketException] { $null }
}

# Runs the unit's ExecStart as the unit's user, the way systemd would (minus systemd itself):
# NOTIFY_SOCKET for sd_notify and CREDENTIALS_DIRECTORY for LoadCredential=. Stop-UnitCommands kills what is left.
function Start-UnitCommand($Service, [string] $NotifyPath, [string] $Credentials) {
    $words = Get-Content -LiteralPath $Service.Path | Where-Object { $_ -like 'ExecStart=*' } | ForEach-Object { $_.Substring('ExecStart='.Length) }
    $uid = (& id -u $Service.User); $gid = (& id -g $Service.User)
    $info = [System.Diagnostics.ProcessStartInfo]::new('setpriv')
    foreach ($a in @("--reuid=$uid", "--regid=$gid", '--clear-groups', '--')) { $info.ArgumentList.Add($a) }
    # The test's paths have no spaces or quotes, so ExecStart's words are split at spaces.
    foreach ($word in ($words -split ' ' | Where-Object { $_ })) { $info.ArgumentList.Add($word) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.Environment['NOTIFY_SOCKET'] = $NotifyPath
    $info.Environment['CREDENTIALS_DIRECTORY'] = $Credentials
    $info.Environment['HOME'] = '/nonexistent'
    $info.Environment['DOTNET_CLI_TELEMETRY_OPTOUT'] = '1'
    $process = [System.Diagnostics.Process]::Start($info)
    $script:StartedUnitProcesses.Add($process)
    [pscustomobject]@{ Process = $process; Stdout = $process.StandardOutput.ReadToEndAsync(); Stderr = $process.StandardError.ReadToEndAsync() }
}

$script:StartedUnitProcesses = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()

function Stop-UnitCommands {
    foreach ($process in $script:StartedUnitProcesses) { if (-not $process.HasExited) { $process.Kill($true) } }
    $script:StartedUnitProcesses.Clear()
}

# moto_server (on the machine image: it enforces S3 Object Lock) on a free loopback port, with the
# AWS key pair it accepts set in the environment, where the module's AWS default chain finds it;
# Stop-TestMotoServer stops it and puts the environment back. The aws CLI (Invoke-TestAws) makes,
# lists and damages buckets from outside the module.
function Start-TestMotoServer {
    foreach ($program in 'moto_server', 'aws') {
        if (-not (Get-Command $program -CommandType Application -ErrorAction SilentlyContinue)) {
            throw "$program was not found on PATH. The WORM tests need moto_server and the aws CLI (pip install 'moto[server]'; apt-get install awscli)."
        }
    }
    $saved = @{ Id = $env:AWS_ACCESS_KEY_ID; Secret = $env:AWS_SECRET_ACCESS_KEY; Region = $env:AWS_DEFAULT_REGION }
    $env:AWS_ACCESS_KEY_ID = 'AKIAWORMPESTER000001'
    $env:AWS_SECRET_ACCESS_KEY = 'worm-pester-secret-never-printed'
    $env:AWS_DEFAULT_REGION = 'us-east-1'
    $port = Get-FreeLoopbackPort
    $log = Join-Path ([IO.Path]::GetTempPath()) "mj-moto-$port"
    $process = Start-Process -FilePath (Get-Command moto_server -CommandType Application)[0].Source -ArgumentList '-H', '127.0.0.1', '-p', $port `
        -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err" -PassThru
    if (-not (Wait-Until { Test-Listening $port } 30)) {
        Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
        throw "moto_server did not listen on 127.0.0.1:$port. Its output: $(Get-Content "$log.err" -Raw -ErrorAction SilentlyContinue)"
    }
    [pscustomobject]@{ Process = $process; Endpoint = "http://127.0.0.1:$port"; SavedEnvironment = $saved }
}

function Stop-TestMotoServer($Moto) {
    if (-not $Moto) { return }
    Stop-Process -Id $Moto.Process.Id -Force -ErrorAction SilentlyContinue
    $env:AWS_ACCESS_KEY_ID = $Moto.SavedEnvironment.Id
    $env:AWS_SECRET_ACCESS_KEY = $Moto.SavedEnvironment.Secret
    $env:AWS_DEFAULT_REGION = $Moto.SavedEnvironment.Region
}

function Invoke-TestAws($Moto, [string[]] $Arguments) {
    $out = & aws --endpoint-url $Moto.Endpoint --output json @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "aws $($Arguments -join ' ') failed: $out" }
    if ($out) { ($out -join "`n") | ConvertFrom-Json }
}
