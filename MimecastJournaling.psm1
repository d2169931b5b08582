# Loads the module's binaries into a private AssemblyLoadContext (see src/MimecastJournaling.Loader),
# so third-party assemblies never clash with ExchangeOnlineManagement, Microsoft.Graph or Az in the
# same session. Only the small loader assembly lives in the default context.
$bin = Join-Path $PSScriptRoot 'bin'
$loaderPath = Join-Path $bin 'MimecastJournaling.Loader.dll'
if (-not (Test-Path -LiteralPath $loaderPath)) {
    throw "MimecastJournaling is not built: $loaderPath is missing. Run 'dotnet pwsh ./build.ps1 -Task Build' in $PSScriptRoot."
}
if (-not ('MimecastJournaling.Loader.ModuleLoadContext' -as [type])) {
    Add-Type -LiteralPath $loaderPath
}
$assembly = [MimecastJournaling.Loader.ModuleLoadContext]::Initialize($bin, 'MimecastJournaling')
# Import-Module -Force on a loaded module would otherwise keep the previous binary module and export no cmdlets.
Get-Module -All | Where-Object { $_.ModuleType -eq 'Binary' -and $_.Path -eq $assembly.Location } | Remove-Module -Force
Import-Module -Assembly $assembly -Force
