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
# On a re-import (Import-Module -Force, or Remove-Module then Import-Module) PowerShell finds the
# assembly's module already known and does not add its cmdlets to this module again, so the
# module would export nothing (PowerShell/PowerShell#20710). Importing the returned module info
# adds them to this scope every time.
$binary = Import-Module -Assembly $assembly -PassThru
Import-Module -ModuleInfo $binary
