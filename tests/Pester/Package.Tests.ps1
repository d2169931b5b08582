BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Add-Type -AssemblyName System.IO.Compression.FileSystem

    # The package of the built module, written once for this file (about 15 s) into a temporary folder
    # that then serves as the local PSResourceGet repository. build.ps1 -Task Package writes the same.
    $script:Repository = Join-Path ([IO.Path]::GetTempPath()) ('mj-repo-' + [guid]::NewGuid().ToString('n'))
    $script:Package = & (Join-Path $RepoRoot 'build/New-ModulePackage.ps1') -ModuleRoot $RepoRoot -OutputPath $script:Repository
    $script:Version = (Import-PowerShellDataFile $ModuleManifest).ModuleVersion
    $script:Entries = [IO.Compression.ZipFile]::OpenRead($script:Package.FullName).Entries | ForEach-Object FullName
}

AfterAll {
    Remove-Item -LiteralPath $script:Repository -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'build.ps1 -Task Package' {
    It 'writes MimecastJournaling.{ModuleVersion of the manifest}.nupkg' {
        $script:Package.Name | Should -Be "MimecastJournaling.$($script:Version).nupkg"
        Write-Host "Package: $($script:Package.Name), $([math]::Round($script:Package.Length / 1MB, 1)) MB"
    }

    It 'carries the manifest, loader script, format views, help and the cmdlet, engine and host assemblies' {
        foreach ($entry in 'MimecastJournaling.psd1', 'MimecastJournaling.psm1', 'MimecastJournaling.Format.ps1xml',
            'en-US/MimecastJournaling.dll-Help.xml', 'en-US/about_MimecastJournaling.help.txt',
            'bin/MimecastJournaling.dll', 'bin/MimecastJournaling.Loader.dll', 'bin/MimecastJournaling.Engine.dll',
            'bin/MimecastJournaling.ExchangeOnline.dll', 'bin/MimecastJournaling.Host.dll',
            'bin/MimecastJournaling.Host.runtimeconfig.json', 'bin/MimecastJournaling.Host.deps.json') {
            $script:Entries | Should -Contain $entry
        }
        $script:Entries | Where-Object { $_ -like '*.pdb' } | Should -BeNullOrEmpty
    }

    It 'carries native SQLite for <_>' -ForEach @(
        'linux-x64/native/libe_sqlite3.so', 'linux-arm64/native/libe_sqlite3.so',
        'linux-musl-x64/native/libe_sqlite3.so', 'linux-musl-arm64/native/libe_sqlite3.so',
        'osx-x64/native/libe_sqlite3.dylib', 'osx-arm64/native/libe_sqlite3.dylib',
        'win-x64/native/e_sqlite3.dll', 'win-arm64/native/e_sqlite3.dll') {
        $script:Entries | Should -Contain "bin/runtimes/$_"
    }

    It 'leaves out the runtimes PowerShell does not run on (browser-wasm, mips64, maccatalyst)' {
        $script:Entries | Where-Object { $_ -match '^bin/runtimes/(browser-wasm|linux-mips64|maccatalyst-)' } | Should -BeNullOrEmpty
    }
}

Describe 'Install-PSResource from a local folder repository, in a fresh pwsh' {
    It 'installs MimecastJournaling into an empty module path, imports it by name and runs a cmdlet' {
        $isolatedHome = Join-Path ([IO.Path]::GetTempPath()) ('mj-home-' + [guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $isolatedHome | Out-Null
        try {
            $script = {
                param($Repository, $Version)
                $ErrorActionPreference = 'Stop'
                $ProgressPreference = 'SilentlyContinue'
                $before = @(Get-Module -ListAvailable -Name MimecastJournaling).Count
                Register-PSResourceRepository -Name MJLocal -Uri $Repository -Trusted
                $watch = [Diagnostics.Stopwatch]::StartNew()
                Install-PSResource -Name MimecastJournaling -Repository MJLocal -Scope CurrentUser -Version $Version -Quiet
                $installSeconds = $watch.Elapsed.TotalSeconds
                $watch.Restart()
                Import-Module MimecastJournaling
                $importSeconds = $watch.Elapsed.TotalSeconds
                $module = Get-Module MimecastJournaling
                $env:MIMECASTJOURNALING_STORE = Join-Path $HOME 'store/journaling.db'
                $domain = Register-JournalDomain -Name journal.contoso.com
                [ordered]@{
                    Before      = $before
                    ModulePath  = $module.ModuleBase
                    Version     = "$($module.Version)"
                    Cmdlets     = $module.ExportedCmdlets.Count
                    Domain      = $domain.Name
                    Listed      = @(Get-JournalDomain).Name
                    HostPresent = Test-Path (Join-Path $module.ModuleBase 'bin/MimecastJournaling.Host.dll')
                    HelpFound   = [bool](Get-Help Get-JournalDomain).Examples
                    Install     = [math]::Round($installSeconds, 1)
                    Import      = [math]::Round($importSeconds, 1)
                } | ConvertTo-Json -Compress
            }.ToString()
            $environment = @{
                HOME            = $isolatedHome
                PSModulePath    = ''
                XDG_DATA_HOME   = ''
                XDG_CONFIG_HOME = ''
                XDG_CACHE_HOME  = ''
                NUGET_PACKAGES  = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
                DOTNET_CLI_HOME = if ($env:DOTNET_CLI_HOME) { $env:DOTNET_CLI_HOME } else { $HOME }
            }
            $run = Invoke-ChildPwsh -Script $script -Arguments $script:Repository, $script:Version -Environment $environment -TimeoutSeconds 180
            $run.ExitCode | Should -Be 0 -Because $run.Stderr
            $result = $run.Result
            Write-Host "Install-PSResource took $($result.Install) s, Import-Module $($result.Import) s"
            $result.Before | Should -Be 0
            $result.ModulePath | Should -BeLike "$isolatedHome/*MimecastJournaling*$($script:Version)"
            $result.Version | Should -Be $script:Version
            $result.Cmdlets | Should -Be (Import-PowerShellDataFile $ModuleManifest).CmdletsToExport.Count
            $result.Domain | Should -Be 'journal.contoso.com'
            $result.Listed | Should -Be @('journal.contoso.com')
            $result.HostPresent | Should -BeTrue
            $result.HelpFound | Should -BeTrue
        } finally {
            Remove-Item -LiteralPath $isolatedHome -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
