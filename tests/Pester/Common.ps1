# Dot-sourced by every Pester file: imports the BUILT module from the repository root and gives
# each file its own temporary store, so tests never touch a user's real data.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModuleManifest = Join-Path $script:RepoRoot 'MimecastJournaling.psd1'

function New-TestStore {
    $directory = Join-Path ([IO.Path]::GetTempPath()) ("mj-pester-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $directory | Out-Null
    Join-Path $directory 'journaling.db'
}

function Remove-TestStore([string] $Path) {
    if ($Path) { Remove-Item (Split-Path $Path) -Recurse -Force -ErrorAction SilentlyContinue }
}

Import-Module $script:ModuleManifest -Force
