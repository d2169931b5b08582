BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'The built module' {
    It 'exports exactly the cmdlets the manifest lists' {
        $manifest = Import-PowerShellDataFile $ModuleManifest
        $exported = (Get-Module MimecastJournaling).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'still exports every cmdlet after Import-Module -Force and after Remove-Module + Import-Module' {
        $manifest = Import-PowerShellDataFile $ModuleManifest
        Import-Module $ModuleManifest -Force
        (Get-Module MimecastJournaling).ExportedCmdlets.Keys | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        Remove-Module MimecastJournaling
        Import-Module $ModuleManifest
        (Get-Module MimecastJournaling).ExportedCmdlets.Keys | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        $store = New-TestStore
        try {
            (Register-JournalDomain -Name reimport.test -Store $store).Name | Should -Be 'reimport.test'
        } finally {
            Remove-TestStore $store
        }
    }

    It 'loads its third-party assemblies into its own load context, not the default one' {
        $env:MIMECASTJOURNALING_STORE = New-TestStore
        try {
            Get-JournalDefinition | Out-Null   # forces SQLite to load
            $contexts = [System.Runtime.Loader.AssemblyLoadContext]::All
            $default = $contexts | Where-Object Name -eq 'Default'
            $private = $contexts | Where-Object Name -eq 'MimecastJournaling'
            $private | Should -Not -BeNullOrEmpty
            ($private.Assemblies.GetName().Name) | Should -Contain 'Microsoft.Data.Sqlite'
            ($private.Assemblies.GetName().Name) | Should -Contain 'MimecastJournaling.Engine'
            ($default.Assemblies.GetName().Name) | Should -Not -Contain 'Microsoft.Data.Sqlite'
            ($default.Assemblies.GetName().Name) | Should -Not -Contain 'MimecastJournaling.Engine'
        } finally {
            Remove-TestStore $env:MIMECASTJOURNALING_STORE
            Remove-Item Env:MIMECASTJOURNALING_STORE
        }
    }
}
