# The main cmdlets against both backends: a SQLite file and a PostgreSQL store given as a
# connection string (a server the test makes itself; see Postgres.ps1). Each run gets a store of
# its own; the Describe block runs once per backend.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Postgres.ps1')
    $script:Reports = Join-Path $RepoRoot 'tests/Fixtures/Reports'
    $script:Postgres = Start-TestPostgres
}
AfterAll {
    Stop-TestPostgres $Postgres -Remove
}

Describe 'Cmdlets on a <Backend> store' -ForEach @(@{ Backend = 'SQLite' }, @{ Backend = 'PostgreSQL' }) {
    BeforeAll {
        if ($Backend -eq 'SQLite') {
            $script:Store = New-TestStore
            $script:Secret = $null
        } else {
            $database = New-TestPostgresDatabase $Postgres
            $script:Store = Get-TestPostgresStore $Postgres $database -Uri
            $script:Secret = $Postgres.Password
            $script:Database = $database
        }
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name journal.contoso.com, contoso.com | Out-Null
        Add-JournalInternalAddress -Address alice@contoso.com, bob@contoso.com, dave@contoso.com | Out-Null
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted:$false | Out-Null
    }
    AfterAll {
        Stop-JournalListener -TimeoutSeconds 5 -ErrorAction SilentlyContinue
        if ($Backend -eq 'SQLite') { Remove-TestStore $Store }
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'keeps definitions, domains, addresses and events' {
        Set-JournalDefinition 'EXO' -DeliveryWaitAttempts 5 | Out-Null
        (Get-JournalDefinition 'EXO').DeliveryWaitAttempts | Should -Be 5
        (Get-JournalDomain).Name | Should -Be @('contoso.com', 'journal.contoso.com')
        (Get-JournalInternalAddress -Domain contoso.com).Count | Should -Be 3
        (Get-JournalEvent -Definition 'EXO' | Where-Object Property -eq 'DeliveryWaitAttempts').NewValue | Should -Be '5'
        { New-JournalDefinition 'exo' other@journal.contoso.com -ErrorAction Stop } | Should -Throw -ErrorId 'JournalDefinitionExists*'
    }

    It 'imports, merges, lists and exports reports' {
        Import-JournalMessage -LiteralPath (Join-Path $Reports 'synthetic-bifurcated-fork1.eml'), (Join-Path $Reports 'synthetic-bifurcated-fork2.eml') -Definition EXO | Out-Null
        $item = Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com'
        @($item).Count | Should -Be 1
        $item.Reports.Count | Should -Be 2
        (Get-JournalOutcome).Outcome | Sort-Object | Should -Be @('Archived', 'Merged')
        (Get-JournalMessage -Recipient 'bob@*').Id | Should -Be $item.Id
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive "export-$Backend")
        Export-JournalMessage -Id $item.Id -Destination $folder -IncludeEnvelope -IncludeBcc | Out-Null
        $report = Get-ChildItem $folder -Filter "$($item.Id)-report*.eml" | Sort-Object Name | Select-Object -First 1
        [IO.File]::ReadAllBytes($report.FullName) | Should -Be ([IO.File]::ReadAllBytes((Join-Path $Reports 'synthetic-bifurcated-fork1.eml')))
        (Get-JournalDefinition 'EXO').MergedCount | Should -Be 1
    }

    It 'receives a report over SMTP into the store with Start-JournalListener, and shows the node and a password-free location' {
        $listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -NodeName "node-$Backend" -WarningAction SilentlyContinue
        $replies = Send-SwaksReport -Port (Get-PortOf $listener) -Path (Join-Path $Reports 'synthetic-hybrid-onprem-duplicate.eml')
        $replies | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
        Wait-Until { (Get-JournalOutcome -First 1).Node -eq "node-$Backend" } | Should -BeTrue
        $shown = Get-JournalListener -Id $listener.Id
        $shown.Node | Should -Be "node-$Backend"
        if ($Secret) {
            $shown.Store | Should -Not -Match ([regex]::Escape($Secret))
            $shown.Store | Should -Match '^postgresql://mjadmin@127\.0\.0\.1:\d+/'
            ($shown | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($Secret))
        } else {
            $shown.Store | Should -Be $Store
        }
        Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5
        @(Get-JournalQueue).Count | Should -Be 0
    }
}

Describe 'PostgreSQL store locations' {
    BeforeAll {
        $script:Database = New-TestPostgresDatabase $Postgres
        New-JournalDefinition 'EXO' journal@journal.contoso.com -Store (Get-TestPostgresStore $Postgres $Database) | Out-Null
    }

    It 'loads Npgsql into the module''s private load context, never the default one' {
        $private = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'MimecastJournaling'
        ($private.Assemblies.GetName().Name) | Should -Contain 'Npgsql'
        ([System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies.GetName().Name) | Should -Not -Contain 'Npgsql'
    }

    It 'takes the password from PGPASSWORD when the connection string has none' {
        $env:PGPASSWORD = $Postgres.Password
        try {
            (Get-JournalDefinition -Store (Get-TestPostgresStore $Postgres $Database -NoPassword)).Description | Should -Be 'EXO'
            (Get-JournalDefinition -Store (Get-TestPostgresStore $Postgres $Database -NoPassword -Uri)).Description | Should -Be 'EXO'
        } finally {
            Remove-Item Env:PGPASSWORD
        }
    }

    It 'takes the password from a .pgpass file (PGPASSFILE)' {
        $pgpass = Join-Path $TestDrive 'pgpass'
        Set-Content -LiteralPath $pgpass -Value "127.0.0.1:$($Postgres.Port):${Database}:$($Postgres.User):$($Postgres.Password)"
        if (-not $IsWindows) { chmod 600 $pgpass }
        $env:PGPASSFILE = $pgpass
        try {
            (Get-JournalDefinition -Store (Get-TestPostgresStore $Postgres $Database -NoPassword)).Description | Should -Be 'EXO'
        } finally {
            Remove-Item Env:PGPASSFILE
        }
    }

    It 'names a wrong password as a sign-in failure without showing it' {
        $wrong = 'Not-The-Password-9313'
        $store = Get-TestPostgresStore $Postgres $Database -Password $wrong
        $failure = $null
        try { Get-JournalDefinition -Store $store -ErrorAction Stop } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'StoreAuthenticationFailed*'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        ($failure | Format-List * -Force | Out-String) + $failure.Exception.ToString() | Should -Not -Match $wrong
    }

    It 'refuses SslMode=Require against a server without TLS with a clear error (SslMode passes through to Npgsql)' {
        $failure = $null
        try { Get-JournalDefinition -Store ((Get-TestPostgresStore $Postgres $Database) + ';SSL Mode=Require') -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'StoreUnavailable*'
        $failure.Exception.Message | Should -Match 'SSL|TLS'
        $failure.Exception.Message | Should -Not -Match ([regex]::Escape($Postgres.Password))
    }

    It 'runs every Get- cmdlet with a role that may only SELECT' {
        Register-JournalDomain -Name contoso.com -Store (Get-TestPostgresStore $Postgres $Database) | Out-Null
        Add-JournalInternalAddress -Address bob@contoso.com -Store (Get-TestPostgresStore $Postgres $Database) | Out-Null
        # A merge window that is over by the time the Get- cmdlets run: reading must not be what closes it.
        Set-JournalDefinition EXO -InitialProcessDelay '00:00:01' -DeliveryWaitAttempts 1 -Store (Get-TestPostgresStore $Postgres $Database) | Out-Null
        Import-JournalMessage -LiteralPath (Join-Path $Reports 'synthetic-bifurcated-fork1.eml') -Definition EXO -Store (Get-TestPostgresStore $Postgres $Database) | Out-Null
        Start-Sleep -Seconds 2
        $role = 'ro_' + [guid]::NewGuid().ToString('n').Substring(0, 10)
        Invoke-TestPostgresSql $Postgres "CREATE ROLE $role LOGIN PASSWORD 'ro-secret'; GRANT CONNECT ON DATABASE $Database TO $role" | Out-Null
        Invoke-TestPostgresSql $Postgres "GRANT USAGE ON SCHEMA public TO $role; GRANT SELECT ON ALL TABLES IN SCHEMA public TO $role" -Database $Database | Out-Null
        $readOnly = Get-TestPostgresStore $Postgres $Database -User $role -Password 'ro-secret'
        $gets = Get-Command -Module MimecastJournaling -Verb Get | Where-Object { $_.Parameters.ContainsKey('Store') }
        $gets.Count | Should -BeGreaterThan 5
        foreach ($get in $gets) {
            $errors = $null
            & $get.Name -Store $readOnly -ErrorVariable errors -ErrorAction SilentlyContinue | Out-Null
            $errors | Where-Object { $_.FullyQualifiedErrorId -like 'StorePermissionDenied*' } | Should -BeNullOrEmpty -Because "$($get.Name) must not write"
        }
        (Get-JournalMessage -Store $readOnly).Count | Should -Be 1
        (Get-JournalMessage -Store $readOnly).State | Should -Be 'Archived'
        { Register-JournalDomain -Name fabrikam.com -Store $readOnly -ErrorAction Stop } | Should -Throw -ErrorId 'StorePermissionDenied*'
    }
}

Describe 'Copy-JournalStore' {
    BeforeAll {
        $script:Source = New-TestStore
        Register-JournalDomain -Store $Source -Name journal.contoso.com, contoso.com | Out-Null
        Add-JournalInternalAddress -Store $Source -Address alice@contoso.com, bob@contoso.com | Out-Null
        $script:Definition = New-JournalDefinition -Store $Source 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -SmtpCredential (New-TestCredential)
        Import-JournalMessage -Store $Source -LiteralPath (Join-Path $Reports 'synthetic-bifurcated-fork1.eml'), (Join-Path $Reports 'synthetic-bifurcated-fork2.eml'), (Join-Path $Reports 'synthetic-standard-eml.eml') -Definition EXO | Out-Null
        Add-TestSpoolEntry -Store $Source -Definition $Definition -Data ([IO.File]::ReadAllBytes((Join-Path $Reports 'synthetic-hybrid-onprem-duplicate.eml')))
        $script:TargetDatabase = New-TestPostgresDatabase $Postgres
        $script:Target = Get-TestPostgresStore $Postgres $TargetDatabase
    }
    AfterAll { Remove-TestStore $Source }

    It 'copies configuration, directory, events, archive and spool into an empty PostgreSQL store, with equal counts' {
        $counts = Copy-JournalStore -Store $Source -Destination $Target -BatchSize 2 -Confirm:$false
        ($counts.Table) | Should -Contain 'reports'
        ($counts.Table) | Should -Contain 'spool'
        $counts | Where-Object { -not $_.Matches } | Should -BeNullOrEmpty
        ($counts | Where-Object Table -eq 'reports').DestinationRows | Should -Be 3

        (Get-JournalDefinition -Store $Target).SmtpAuthentication | Should -BeTrue
        (Get-JournalInternalAddress -Store $Target).Count | Should -Be 2
        (Get-JournalEvent -Store $Target).Count | Should -Be (Get-JournalEvent -Store $Source).Count
        $copied = Get-JournalMessage -Store $Target -MessageId 'synthetic-fork-0001@contoso.com'
        $copied.Recipients.Address | Should -Be (Get-JournalMessage -Store $Source -MessageId 'synthetic-fork-0001@contoso.com').Recipients.Address
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'copied')
        Export-JournalMessage -Store $Target -Id $copied.Id -Destination $folder -IncludeEnvelope -IncludeBcc | Out-Null
        (Get-ChildItem $folder -Filter '*.eml').Count | Should -Be 2
        (Get-JournalQueue -Store $Target).Subject | Should -Be (Get-JournalQueue -Store $Source).Subject

        # The copied spool entry is archived once by a listener on the new store.
        $listener = Start-JournalListener -Store $Target -BindAddress 127.0.0.1 -Port 0 -WarningAction SilentlyContinue
        try {
            Wait-Until { @(Get-JournalQueue -Store $Target).Count -eq 0 } -Seconds 60 | Should -BeTrue
        } finally {
            Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5
        }
        @(Get-JournalOutcome -Store $Target).Count | Should -Be 4
    }

    It 'resumes a copy that stopped part way' {
        $database = New-TestPostgresDatabase $Postgres
        $target = Get-TestPostgresStore $Postgres $database
        Copy-JournalStore -Store $Source -Destination $target -Confirm:$false | Out-Null
        # As if it had stopped after the items: the later tables are missing, the copy marker is there.
        Invoke-TestPostgresSql $Postgres ("DELETE FROM spool; DELETE FROM reports; DELETE FROM item_mailboxes; " +
            "INSERT INTO settings (name, value, updated) VALUES ('StoreCopy.Source', to_json('$Source'::text)::text, now())") -Database $database | Out-Null
        $counts = Copy-JournalStore -Store $Source -Destination $target -Confirm:$false
        $counts | Where-Object { -not $_.Matches } | Should -BeNullOrEmpty
        @(Get-JournalOutcome -Store $target).Count | Should -Be 3
        @(Get-JournalMessage -Store $target).Count | Should -Be 2
    }

    It 'refuses a destination that is not empty' {
        { Copy-JournalStore -Store $Source -Destination $Target -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'StoreCopyDestinationNotEmpty*'
    }
}
