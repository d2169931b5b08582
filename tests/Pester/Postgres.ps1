# Dot-sourced (after Common.ps1) by the Pester files that run against PostgreSQL: a real server made
# by the test itself, as in the xunit fixture (tests/MimecastJournaling.Engine.Tests/TestSupport/PostgresServer.cs):
# initdb and pg_ctl from /usr/lib/postgresql/*/bin in a temporary folder, on 127.0.0.1 and a free
# port, a SCRAM password for its superuser; as root it runs as the unprivileged system user
# mjpgtest (created when missing). Stop-TestPostgres stops it and removes the folder.

$script:PostgresOsUser = 'mjpgtest'
$script:PostgresSuperUser = 'mjadmin'

function Invoke-AsPostgresUser([string] $Program, [string[]] $Arguments) {
    if ((id -u) -eq '0') {
        $output = & runuser -u $script:PostgresOsUser -- $Program @Arguments 2>&1
    } else {
        $output = & $Program @Arguments 2>&1
    }
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') failed ($LASTEXITCODE): $($output -join "`n")" }
}

function Start-TestPostgres {
    $bin = Get-ChildItem /usr/lib/postgresql/*/bin/initdb -ErrorAction SilentlyContinue | Sort-Object FullName -Descending | Select-Object -First 1
    if (-not $bin) { throw 'PostgreSQL (initdb, pg_ctl) was not found under /usr/lib/postgresql/*/bin: apt-get install -y postgresql-15.' }
    $bin = Split-Path $bin.FullName
    $folder = Join-Path ([IO.Path]::GetTempPath()) ('mj-pg-pester-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $folder | Out-Null
    $password = 'pg-' + [guid]::NewGuid().ToString('n')
    Set-Content -LiteralPath (Join-Path $folder 'pwfile') -Value $password
    if ((id -u) -eq '0') {
        & id -u $script:PostgresOsUser *> $null
        if ($LASTEXITCODE -ne 0) { & useradd --system --no-create-home --shell /usr/sbin/nologin $script:PostgresOsUser }
        & chown -R $script:PostgresOsUser $folder
    }
    $data = Join-Path $folder 'data'
    Invoke-AsPostgresUser (Join-Path $bin 'initdb') @('-D', $data, '-U', $script:PostgresSuperUser, '--pwfile', (Join-Path $folder 'pwfile'),
        '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync')
    [IO.File]::Delete((Join-Path $folder 'pwfile'))
    $server = [pscustomobject]@{ Bin = $bin; Folder = $folder; Data = $data; Port = (Get-FreeLoopbackPort); Password = $password; User = $script:PostgresSuperUser }
    Start-TestPostgresAgain $server
    $server
}

# Starts a stopped server again (same data and port).
function Start-TestPostgresAgain($Server) {
    Invoke-AsPostgresUser (Join-Path $Server.Bin 'pg_ctl') @('-D', $Server.Data, '-l', (Join-Path $Server.Folder 'server.log'), '-w', '-t', '60',
        '-o', "-p $($Server.Port) -k $($Server.Folder) -c listen_addresses=127.0.0.1 -c max_connections=200", 'start')
}

# Stops the server at once (an outage); -Remove also deletes its folder.
function Stop-TestPostgres($Server, [switch] $Remove) {
    if (-not $Server) { return }
    try { Invoke-AsPostgresUser (Join-Path $Server.Bin 'pg_ctl') @('-D', $Server.Data, '-m', 'immediate', '-w', 'stop') } catch { }
    if ($Remove) { & rm -rf -- $Server.Folder }
}

# Runs SQL as the superuser through psql (in the server's bin folder).
function Invoke-TestPostgresSql($Server, [string] $Sql, [string] $Database = 'postgres') {
    $env:PGPASSWORD = $Server.Password
    try {
        $output = & (Join-Path $Server.Bin 'psql') -h 127.0.0.1 -p $Server.Port -U $Server.User -d $Database -v ON_ERROR_STOP=1 -tAq -c $Sql 2>&1
        if ($LASTEXITCODE -ne 0) { throw "psql failed: $output" }
        $output
    } finally {
        Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue
    }
}

# A fresh store for a test that runs on both backends (-ForEach @{ Backend = 'SQLite' }, @{ Backend =
# 'PostgreSQL' }): a temporary SQLite file, or a new database on the test cluster; Remove-BackendTestStore ends it.
function New-BackendTestStore([string] $Backend, $Server) {
    if ($Backend -eq 'SQLite') { return New-TestStore }
    Get-TestPostgresStore $Server (New-TestPostgresDatabase $Server) -Uri
}

function Remove-BackendTestStore([string] $Backend, [string] $Store) {
    if ($Backend -eq 'SQLite') { Remove-TestStore $Store }
}

# A new empty database; returns its name.
function New-TestPostgresDatabase($Server) {
    $name = 't_' + [guid]::NewGuid().ToString('n')
    Invoke-TestPostgresSql $Server "CREATE DATABASE $name" | Out-Null
    $name
}

# The connection string of a database, in the keyword form (-Uri: the postgresql:// form), with the superuser's password unless -NoPassword.
function Get-TestPostgresStore($Server, [string] $Database, [switch] $Uri, [switch] $NoPassword, [string] $User, [string] $Password) {
    $user = if ($User) { $User } else { $Server.User }
    $secret = if ($Password) { $Password } else { $Server.Password }
    if ($Uri) {
        $auth = if ($NoPassword) { $user } else { "${user}:$([uri]::EscapeDataString($secret))" }
        return "postgresql://$auth@127.0.0.1:$($Server.Port)/$($Database)?sslmode=disable"
    }
    $text = "Host=127.0.0.1;Port=$($Server.Port);Database=$Database;Username=$user"
    if (-not $NoPassword) { $text += ";Password=$secret" }
    $text
}
