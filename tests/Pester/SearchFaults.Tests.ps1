# The search index after a kill -9 of the listener, on both backends: a listener in a child pwsh
# archives reports while its index writes fail (a trigger on search_index), is killed with SIGKILL,
# and a new listener on the same store indexes every item it left pending, each exactly once.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Postgres.ps1')
    $script:Postgres = Start-TestPostgres

    # A journal report whose original carries one word no other report has (catchup<N>).
    function New-CatchUpReport([string] $Folder, [int] $N) {
        New-TestJournalReport -Folder $Folder -Name "catchup-$N" -MessageId "catchup-$N@contoso.com" -Subject "Catch-up $N" -Body "The word of this one is catchup$N."
    }

    # Makes every index write fail, or lets them through again, by a trigger on search_index.
    function Set-IndexBlocked([string] $Backend, [string] $Store, [bool] $Blocked) {
        if ($Backend -eq 'PostgreSQL') {
            $database = ([uri]$Store).AbsolutePath.TrimStart('/')
            $sql = if ($Blocked) {
                "CREATE FUNCTION fault_block_index() RETURNS trigger LANGUAGE plpgsql AS `$`$ BEGIN RAISE EXCEPTION 'fault test: index blocked'; END `$`$; " +
                'CREATE TRIGGER fault_block_index BEFORE INSERT ON search_index FOR EACH ROW EXECUTE FUNCTION fault_block_index();'
            } else {
                'DROP TRIGGER fault_block_index ON search_index; DROP FUNCTION fault_block_index();'
            }
            Invoke-TestPostgresSql $Postgres $sql -Database $database | Out-Null
            return
        }
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'MimecastJournaling'
        $assembly = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' }
        $connection = [Activator]::CreateInstance($assembly.GetType('Microsoft.Data.Sqlite.SqliteConnection'), "Data Source=$Store;Pooling=False")
        try {
            $connection.Open()
            $command = $connection.CreateCommand()
            $command.CommandText = if ($Blocked) {
                "CREATE TRIGGER fault_block_index BEFORE INSERT ON search_index BEGIN SELECT RAISE(ABORT, 'fault test: index blocked'); END"
            } else { 'DROP TRIGGER fault_block_index' }
            [void]$command.ExecuteNonQuery()
            $command.Dispose()
        } finally { $connection.Dispose() }
    }
}
AfterAll {
    Stop-TestPostgres $Postgres -Remove
}

Describe 'The search index after a kill -9 of the listener on a <Backend> store' -ForEach @(@{ Backend = 'SQLite' }, @{ Backend = 'PostgreSQL' }) {
    BeforeAll {
        $script:Store = New-BackendTestStore $Backend $Postgres
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name journal.contoso.com, contoso.com | Out-Null
        Add-JournalInternalAddress -Address alice@contoso.com, bob@contoso.com | Out-Null
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted:$false | Out-Null
        $script:Folder = Join-Path $TestDrive "catchup-$Backend"
        New-Item -ItemType Directory -Path $Folder | Out-Null
    }
    AfterAll {
        Stop-JournalListener -TimeoutSeconds 5 -ErrorAction SilentlyContinue
        Remove-BackendTestStore $Backend $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'indexes what the killed listener archived but had not indexed, each item once, and loses no index entry it had written' {
        $pidFile = Join-Path $Folder 'listener.pid'
        $endpointFile = Join-Path $Folder 'listener.endpoint'
        $child = Start-ChildPwsh -Arguments $ModuleManifest, $Store, $pidFile, $endpointFile -Script {
            param($Manifest, $Store, $PidFile, $EndpointFile)
            Import-Module $Manifest
            Set-Content -LiteralPath $PidFile -Value $PID
            Start-JournalListener -Store $Store -BindAddress 127.0.0.1 -Port 0 -Wait -WarningAction SilentlyContinue |
                ForEach-Object { Set-Content -LiteralPath $EndpointFile -Value $_.Endpoints[0] }
        }.ToString()
        $blocked = $false
        try {
            Wait-Until { (Test-Path $pidFile) -and (Test-Path $endpointFile) -and (Get-Content $endpointFile) } -Seconds 90 |
                Should -BeTrue -Because 'the child listener should be listening'
            $port = [int]((Get-Content $endpointFile) -split ':')[-1]
            $listenerPid = [int](Get-Content $pidFile)

            # Three reports archived and indexed by the child listener.
            foreach ($n in 1..3) {
                Send-SwaksReport -Port $port -Path (New-CatchUpReport $Folder $n) | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
            }
            Wait-Until { $s = Get-JournalIndexStatus; $s.Items -eq 3 -and $s.Pending -eq 0 } -Seconds 60 | Should -BeTrue

            # Four more archived while every index write fails: they wait as pending when the kill comes.
            Set-IndexBlocked $Backend $Store $true
            $blocked = $true
            foreach ($n in 4..7) {
                Send-SwaksReport -Port $port -Path (New-CatchUpReport $Folder $n) | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
            }
            Wait-Until { (Get-JournalIndexStatus).Items -eq 7 } -Seconds 60 | Should -BeTrue -Because 'the listener archives while its index writes fail'
            Start-Sleep -Seconds 2   # the index loop tries (and fails) at least once more

            & kill -KILL $listenerPid
            $null = Wait-ChildPwsh -Child $child -TimeoutSeconds 60
        } finally {
            if (-not $child.Process.HasExited) { $child.Process.Kill($true) }
        }

        $atKill = Get-JournalIndexStatus
        Write-Host ("    kill -9 ($Backend): items={0} indexed={1} pending={2} failed={3}" -f $atKill.Items, $atKill.Indexed, $atKill.Pending, $atKill.Failed)
        ($atKill.Items, $atKill.Indexed, $atKill.Pending, $atKill.Failed) | Should -Be @(7, 3, 4, 0)
        (Search-JournalMessage 'catchup5' -WarningAction SilentlyContinue) | Should -BeNullOrEmpty -Because 'an item the killed listener did not index is not found by its words'
        if ($blocked) { Set-IndexBlocked $Backend $Store $false }

        # A new listener on the same store catches up on its own.
        $listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -WarningAction SilentlyContinue
        try {
            Wait-Until { (Get-JournalIndexStatus).Pending -eq 0 } -Seconds 60 | Should -BeTrue -Because 'the new listener indexes what the killed one left'
        } finally {
            Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5
        }
        $after = Get-JournalIndexStatus
        ($after.Items, $after.Indexed, $after.Pending, $after.Failed) | Should -Be @(7, 7, 0, 0)
        foreach ($n in 1..7) {
            @(Search-JournalMessage "catchup$n").MessageId | Should -Be @("catchup-$n@contoso.com") -Because "item $n is indexed exactly once"
        }
        @(Search-JournalMessage 'from:alice@contoso.com').Count | Should -Be 7
    }
}
