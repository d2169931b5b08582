#Requires -Version 7.4
<#
.SYNOPSIS
    Writes MimecastJournaling.<version>.nupkg from a built module (build.ps1 -Task Build).
.DESCRIPTION
    Stages the module as Install-PSResource will lay it out (manifest, loader script, format views,
    help, CHANGELOG, and bin/ with the cmdlet, engine and host assemblies), then packs the staged
    folder with Compress-PSResource (Microsoft.PowerShell.PSResourceGet, bundled with PowerShell
    7.4+), which takes the version and the package metadata from MimecastJournaling.psd1.

    Native SQLite: bin/runtimes holds every runtime SQLitePCLRaw.lib.e_sqlite3 ships (22 of them,
    browser-wasm and mips64 included). The package keeps the ones PowerShell 7.4+ runs on: Windows,
    Linux (glibc and musl) and macOS, each x64 and arm64 (plus win-x86, 32-bit PowerShell on Windows);
    the module's loader and the host probe runtimes/<rid>/native for the running process's RID.
    Debug symbols (*.pdb) stay out.
.OUTPUTS
    System.IO.FileInfo: the .nupkg written.
#>
[CmdletBinding()]
[OutputType([System.IO.FileInfo])]
param(
    # The repository root holding MimecastJournaling.psd1 and the built bin/.
    [string] $ModuleRoot = (Split-Path $PSScriptRoot),

    # The folder the .nupkg is written to (created when missing).
    [string] $OutputPath = (Join-Path (Split-Path $PSScriptRoot) 'out')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'

$name = 'MimecastJournaling'
$manifestPath = Join-Path $ModuleRoot "$name.psd1"
$bin = Join-Path $ModuleRoot 'bin'
if (-not (Test-Path -LiteralPath (Join-Path $bin "$name.dll"))) {
    throw "The module is not built: $bin has no $name.dll. Run 'dotnet pwsh ./build.ps1 -Task Build' first."
}
$version = (Import-PowerShellDataFile -LiteralPath $manifestPath).ModuleVersion

# The native SQLite builds that ship. Keep this list in step with ModuleLoadContext's probing.
$runtimes = 'linux-x64', 'linux-arm64', 'linux-musl-x64', 'linux-musl-arm64', 'osx-x64', 'osx-arm64', 'win-x64', 'win-arm64', 'win-x86', 'win'
$staging = Join-Path ([IO.Path]::GetTempPath()) "mj-package-$PID-$([guid]::NewGuid().ToString('n'))"
$module = Join-Path $staging $name
try {
    New-Item -ItemType Directory -Path $module | Out-Null
    foreach ($file in "$name.psd1", "$name.psm1", "$name.Format.ps1xml", 'CHANGELOG.md', 'README.md') {
        Copy-Item -LiteralPath (Join-Path $ModuleRoot $file) -Destination $module
    }
    Copy-Item -LiteralPath (Join-Path $ModuleRoot 'en-US') -Destination $module -Recurse
    $stagedBin = New-Item -ItemType Directory -Path (Join-Path $module 'bin')
    Get-ChildItem -LiteralPath $bin -File | Where-Object Extension -ne '.pdb' | Copy-Item -Destination $stagedBin
    foreach ($rid in $runtimes) {
        $source = Join-Path $bin "runtimes/$rid"
        if (-not (Test-Path -LiteralPath $source)) { throw "bin/runtimes/$rid is missing: the package must carry it. Rebuild with build.ps1 -Task Build." }
        $target = Join-Path $stagedBin "runtimes/$rid"
        New-Item -ItemType Directory -Path (Split-Path $target) -Force | Out-Null
        Copy-Item -LiteralPath $source -Destination $target -Recurse
    }

    New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
    $package = Join-Path $OutputPath "$name.$version.nupkg"
    if (Test-Path -LiteralPath $package) { Remove-Item -LiteralPath $package }
    Import-Module (Join-Path $PSHOME 'Modules/Microsoft.PowerShell.PSResourceGet') -ErrorAction Stop
    Compress-PSResource -Path $module -DestinationPath $OutputPath
    if (-not (Test-Path -LiteralPath $package)) { throw "Compress-PSResource wrote no $package." }
    Get-Item -LiteralPath $package
} finally {
    Remove-Item -LiteralPath $staging -Recurse -Force -ErrorAction SilentlyContinue
}
