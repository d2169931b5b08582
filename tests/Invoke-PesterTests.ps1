# Runs the Pester suite (tests/Pester) against the built module; started by build.ps1 -Task Test
# in a fresh pwsh. Pester comes from the NuGet package that build.ps1 restored.
param([Parameter(Mandatory)] [string] $ResultFile, [string[]] $Path)

$ErrorActionPreference = 'Stop'
Import-Module $env:MIMECASTJOURNALING_PESTER -Force
$configuration = New-PesterConfiguration
$configuration.Run.Path = if ($Path) { @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ }) } else { Join-Path $PSScriptRoot 'Pester' }
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration
@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
    # Named again at the end of build.ps1's summary, so the last lines of a CI log say what failed.
    FailedTests = @($result.Failed | ForEach-Object { $_.ExpandedPath }) + @($result.FailedBlocks | ForEach-Object { "$($_.ExpandedPath) (block)" }) + @($result.FailedContainers | ForEach-Object { "$($_.Item) (file)" })
} | ConvertTo-Json | Set-Content -LiteralPath $ResultFile
