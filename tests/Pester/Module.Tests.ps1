BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'The built module' {
    It 'exports exactly the cmdlets the manifest lists' {
        $manifest = Import-PowerShellDataFile $ModuleManifest
        $exported = (Get-Module MimecastJournaling).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'keeps its cmdlets when it is imported again with -Force' {
        Import-Module $ModuleManifest -Force
        Import-Module $ModuleManifest -Force
        (Get-Module MimecastJournaling).ExportedCmdlets.Count | Should -Be (Import-PowerShellDataFile $ModuleManifest).CmdletsToExport.Count
        Get-Command Get-JournalDefinition -Module MimecastJournaling | Should -Not -BeNullOrEmpty
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
