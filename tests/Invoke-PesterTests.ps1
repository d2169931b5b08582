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
# The first error of a failed test or block on one line, so the end of a long log says why.
function Get-FailureReason($Item) {
    $first = @($Item.ErrorRecord) | Select-Object -First 1
    if (-not $first) { return '' }
    $text = ("$($first.Exception.Message)" -replace '\s+', ' ').Trim()
    if ($text.Length -gt 600) { $text = $text.Substring(0, 600) + '...' }
    " -- $text"
}
@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
    # Named again at the end of build.ps1's summary, so the last lines of a CI log say what failed.
    FailedTests = @($result.Failed | ForEach-Object { "$($_.ExpandedPath)$(Get-FailureReason $_)" }) +
        @($result.FailedBlocks | ForEach-Object { "$($_.ExpandedPath) (block)$(Get-FailureReason $_)" }) +
        @($result.FailedContainers | ForEach-Object { "$($_.Item) (file)$(Get-FailureReason $_)" })
} | ConvertTo-Json | Set-Content -LiteralPath $ResultFile
