# Every exported cmdlet has real help: PowerShell finds it, it has a synopsis, a description, a
# description for every parameter the cmdlet really has (and none it lacks), and two examples
# with code. Adding a cmdlet or a parameter without help makes these tests fail.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $commonNames = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $cmdlets = @((Get-Module MimecastJournaling).ExportedCmdlets.Keys | Sort-Object | ForEach-Object { @{ Name = $_ } })
    $parameters = @(foreach ($c in $cmdlets) {
            $command = Get-Command $c.Name -Module MimecastJournaling
            foreach ($p in $command.Parameters.Keys | Where-Object { $_ -notin $commonNames } | Sort-Object) {
                @{ Command = $c.Name; Parameter = $p }
            }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:CommonNames = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

    function Get-HelpText($Node) {
        # MAML text arrives as objects with a Text property (paragraphs), or as plain strings.
        (@($Node) | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Text } }) -join "`n"
    }
}

Describe 'Help of the module' {
    It 'exports cmdlets, so the help tests below have something to check' {
        (Get-Module MimecastJournaling).ExportedCmdlets.Count | Should -BeGreaterThan 0
    }

    It 'finds about_MimecastJournaling' {
        $topic = Get-Help about_MimecastJournaling | Out-String
        $topic | Should -Match 'TOPIC\s+about_MimecastJournaling'
        $topic | Should -Match 'AwaitingInitialRun'
        $topic | Should -Match 'MIMECASTJOURNALING_STORE'
    }

    It 'reads the MAML from the module''s en-US folder' {
        Join-Path $RepoRoot 'en-US/MimecastJournaling.dll-Help.xml' | Should -Exist
        (Get-Command New-JournalDefinition).HelpFile | Should -Be 'MimecastJournaling.dll-Help.xml'
    }

    It 'has committed MAML that matches its source and the cmdlets (build/New-MamlHelp.ps1)' {
        $generated = Join-Path $TestDrive 'MimecastJournaling.dll-Help.xml'
        & (Join-Path $RepoRoot 'build/New-MamlHelp.ps1') -OutputPath $generated
        $committed = Get-Content -Raw (Join-Path $RepoRoot 'en-US/MimecastJournaling.dll-Help.xml')
        $because = 'the committed help must be regenerated after a change of the cmdlets or of build/help (build.ps1 -Task Help)'
        (Get-Content -Raw $generated) -replace "`r" | Should -BeExactly ($committed -replace "`r") -Because $because
    }
}

Describe 'Help of <Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name -Module MimecastJournaling
        $help = Get-Help $Name -Full
    }

    It 'has a synopsis that is not the generated syntax line' {
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -BeLike "$Name *"
        $synopsis | Should -Not -Be $Name
    }

    It 'has a description' {
        $description = Get-HelpText $help.description
        $description.Trim() | Should -Not -BeNullOrEmpty
        $description | Should -Not -Match 'cannot find the Help files'
    }

    It 'lists no parameter that the cmdlet does not have' {
        $documented = @($help.parameters.parameter | ForEach-Object name)
        $documented | Where-Object { $_ -notin $command.Parameters.Keys } | Should -BeNullOrEmpty
    }

    It 'has at least two examples, each with code and a remark' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            "$($example.code)".Trim() | Should -Not -BeNullOrEmpty
            (Get-HelpText $example.remarks).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'documents its output types' {
        $documented = @($help.returnValues.returnValue | ForEach-Object { $_.type.name })
        foreach ($type in $command.OutputType) { $documented | Should -Contain $type.Name }
    }
}

Describe 'Help of <Command> -<Parameter>' -ForEach $parameters {
    It 'has a description' {
        $help = Get-Help $Command -Parameter $Parameter -ErrorAction SilentlyContinue
        $help | Should -Not -BeNullOrEmpty -Because "-$Parameter needs help text in build/help/en-US/$Command.psd1 (or _Shared.psd1)"
        (Get-HelpText $help.description).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'states the real type, mandatory flag and position' {
        $help = Get-Help $Command -Parameter $Parameter -ErrorAction SilentlyContinue
        $metadata = (Get-Command $Command -Module MimecastJournaling).Parameters[$Parameter]
        $attribute = $metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        $help.type.name | Should -Be $metadata.ParameterType.FullName
        $help.required | Should -Be $attribute.Mandatory.ToString().ToLowerInvariant()
        $help.position | Should -Be $(if ($attribute.Position -ge 0) { "$($attribute.Position)" } else { 'named' })
    }
}
