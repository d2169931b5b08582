# Benchmark: how long `Import-Module ./MimecastJournaling.psd1` takes in a fresh pwsh.
# Each sample is a new process (nothing cached in memory); the first run warms the disk cache and
# is discarded. Reports median, p90 and max in milliseconds. Target: median under 500 ms.
param([int] $Samples = 15)

$ErrorActionPreference = 'Stop'
$manifest = Join-Path $PSScriptRoot '../../MimecastJournaling.psd1'
$probe = "`$t = Measure-Command { Import-Module '$manifest' }; [int]`$t.TotalMilliseconds"
$times = foreach ($i in 0..$Samples) {
    $ms = [int](& dotnet pwsh -NoProfile -NonInteractive -Command $probe)
    if ($LASTEXITCODE -ne 0) { throw "Import failed in sample $i." }
    if ($i -gt 0) { $ms }
}
$sorted = @($times | Sort-Object)
$median = $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)]
$p90 = $sorted[[int][math]::Ceiling(0.9 * $sorted.Count) - 1]
[pscustomobject]@{
    Benchmark = 'Import-Module (fresh pwsh)'
    Samples   = $sorted.Count
    MedianMs  = $median
    P90Ms     = $p90
    MaxMs     = $sorted[-1]
    TargetMs  = 500
    Met       = $median -lt 500
}
