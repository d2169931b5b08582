# The configuration store: where it is, who may read it, that no secret is in it, and that two
# processes (a listener host and an admin's session, two runbooks) can write it at the same time.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Password = 'Sw0rdf1sh-Store-Secret'
}

Describe 'Store location' {
    BeforeEach {
        $script:EnvStore = New-TestStore
        $script:ParamStore = New-TestStore
        $env:MIMECASTJOURNALING_STORE = $EnvStore
    }
    AfterEach {
        Remove-TestStore $EnvStore
        Remove-TestStore $ParamStore
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'uses $env:MIMECASTJOURNALING_STORE when no -Store is given' {
        Test-Path $EnvStore | Should -BeFalse
        Register-JournalDomain -Name env.test | Out-Null
        Test-Path $EnvStore | Should -BeTrue
        (Get-JournalDomain -Store $EnvStore).Name | Should -Be 'env.test'
    }

    It 'uses -Store over the environment variable, and keeps the stores apart' {
        Register-JournalDomain -Name param.test -Store $ParamStore | Out-Null
        Register-JournalDomain -Name env.test | Out-Null
        (Get-JournalDomain -Store $ParamStore).Name | Should -Be 'param.test'
        (Get-JournalDomain).Name | Should -Be 'env.test'
        Remove-Item Env:MIMECASTJOURNALING_STORE
        (Get-JournalDomain -Store $ParamStore).Name | Should -Be 'param.test'
    }

    It 'resolves a relative -Store against the current PowerShell location' {
        Push-Location (Split-Path $ParamStore)
        try {
            Register-JournalDomain -Name relative.test -Store ./journaling.db | Out-Null
        } finally {
            Pop-Location
        }
        (Get-JournalDomain -Store $ParamStore).Name | Should -Be 'relative.test'
    }
}

Describe 'Store protection' {
    BeforeAll {
        $script:Store = New-TestStore
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name journal.contoso.test | Out-Null
        New-JournalDefinition 'Protected' journal@journal.contoso.test -SmtpCredential (New-TestCredential -Password $Password) | Out-Null
        Set-JournalDefinition 'Protected' -DeliveryWaitAttempts 2
    }
    AfterAll {
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'creates the store files with mode 0600 (owner read/write only)' {
        $files = @(Get-TestStoreFile $Store)
        $files.Name | Should -Contain 'journaling.db'
        foreach ($f in $files) {
            (Get-Item -LiteralPath $f.FullName).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') -Because "$($f.Name) holds configuration"
        }
    }

    It 'never holds the SMTP password (UTF-8 or UTF-16), only a pbkdf2-sha256 hash' {
        $bytes = [System.Collections.Generic.List[byte]]::new()
        foreach ($f in Get-TestStoreFile $Store) {
            # Read while the store is open, as another user of the machine would.
            $stream = [System.IO.File]::Open($f.FullName, 'Open', 'Read', 'ReadWrite')
            try {
                $buffer = [byte[]]::new($stream.Length)
                $read = 0
                while ($read -lt $buffer.Length) { $read += $stream.Read($buffer, $read, $buffer.Length - $read) }
                $bytes.AddRange($buffer)
            } finally {
                $stream.Dispose()
            }
        }
        $all = $bytes.ToArray()
        # Latin-1 maps each byte to one char, so IndexOf on the string is a byte search.
        $latin1 = [System.Text.Encoding]::Latin1
        $haystack = $latin1.GetString($all)
        $haystack.IndexOf($latin1.GetString([System.Text.Encoding]::UTF8.GetBytes($Password)), [StringComparison]::Ordinal) | Should -Be -1
        $haystack.IndexOf($latin1.GetString([System.Text.Encoding]::Unicode.GetBytes($Password)), [StringComparison]::Ordinal) | Should -Be -1
        $haystack.IndexOf($latin1.GetString([System.Text.Encoding]::BigEndianUnicode.GetBytes($Password)), [StringComparison]::Ordinal) | Should -Be -1
        $haystack | Should -Match 'pbkdf2-sha256\$\d+\$'
        # The search itself works: the definition's name is found in the same bytes.
        $haystack.IndexOf('journal@journal.contoso.test', [StringComparison]::Ordinal) | Should -BeGreaterThan -1
    }
}

Describe 'Two processes writing the same store at once' {
    BeforeAll {
        $script:Store = New-TestStore
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name contoso.test | Out-Null
        $script:Folder = Split-Path $Store
    }
    AfterAll {
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'keeps all 400 addresses when a child pwsh adds 200 while this process adds 200 others, with no error on either side' {
        # Handshake, so the interleaving does not depend on scheduling: this side writes 100, the
        # child then writes 100 (strictly between this side's first and last write), and then both
        # write their last 100 at the same time.
        $ready = Join-Path $Folder 'child.ready'
        $parentHalf = Join-Path $Folder 'parent.half'
        $childHalf = Join-Path $Folder 'child.half'
        $child = Start-ChildPwsh -Arguments $ModuleManifest, $Store, $ready, $parentHalf, $childHalf -Script {
            param($Manifest, $Store, $Ready, $ParentHalf, $ChildHalf)
            $ErrorActionPreference = 'Continue'
            Import-Module $Manifest
            $errors = @()
            Get-JournalDomain -Store $Store -ErrorVariable +errors | Out-Null   # opens the store
            Set-Content -LiteralPath $Ready -Value $PID
            $deadline = [DateTime]::UtcNow.AddMinutes(3)
            while (-not (Test-Path -LiteralPath $ParentHalf) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 10 }
            for ($i = 0; $i -lt 200; $i++) {
                if ($i -eq 100) { Set-Content -LiteralPath $ChildHalf -Value 'half' }
                Add-JournalInternalAddress -Address ("child{0:d3}@contoso.test" -f $i) -DisplayName "Child $i" -Store $Store -ErrorVariable +errors -ErrorAction SilentlyContinue
            }
            [pscustomobject]@{ Errors = @($errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" }); Done = $true } | ConvertTo-Json -Compress
        }.ToString()

        $deadline = [DateTime]::UtcNow.AddMinutes(3)
        while (-not (Test-Path $ready) -and -not $child.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        Test-Path $ready | Should -BeTrue -Because "the child should have started: $($child.Process.HasExited)"
        $errors = @()
        $childRunningDuringParentWrites = 0
        for ($i = 0; $i -lt 200; $i++) {
            if ($i -eq 100) {
                Set-Content -LiteralPath $parentHalf -Value 'half'
                while (-not (Test-Path $childHalf) -and -not $child.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 10 }
            }
            if (-not $child.Process.HasExited) { $childRunningDuringParentWrites++ }
            Add-JournalInternalAddress -Address ("parent{0:d3}@contoso.test" -f $i) -DisplayName "Parent $i" -ErrorVariable +errors -ErrorAction SilentlyContinue
        }
        $result = Wait-ChildPwsh -Child $child

        $result.ExitCode | Should -Be 0 -Because $result.Stderr
        $result.Stderr | Should -BeNullOrEmpty
        $result.Result.Done | Should -BeTrue -Because $result.Stdout
        @($result.Result.Errors) | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
        # The two sides really overlapped (the child was still running while this side wrote).
        $childRunningDuringParentWrites | Should -BeGreaterThan 0

        $addresses = @(Get-JournalInternalAddress -Domain contoso.test | ForEach-Object EmailAddress)
        $addresses.Count | Should -Be 400
        $expected = @(0..199 | ForEach-Object { 'child{0:d3}@contoso.test' -f $_; 'parent{0:d3}@contoso.test' -f $_ }) | Sort-Object
        ($addresses | Sort-Object) | Should -Be $expected
        $created = @(Get-JournalEvent | Where-Object { $_.ObjectType -eq 'InternalAddress' -and $_.Action -eq 'Created' } | Sort-Object Id)
        $created.Count | Should -Be 400
        # The writes interleaved in the store: the child's first 100 landed between this side's first and last.
        $parentIds = @($created | Where-Object ObjectName -like 'parent*' | ForEach-Object Id)
        $childBetween = @($created | Where-Object { $_.ObjectName -like 'child*' -and $_.Id -gt $parentIds[0] -and $_.Id -lt $parentIds[-1] })
        $childBetween.Count | Should -BeGreaterOrEqual 100
    }
}
