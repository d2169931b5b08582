#Requires -Version 7.4
<#
.SYNOPSIS
    Builds en-US/MimecastJournaling.dll-Help.xml (MAML) from the readable help source and the
    cmdlets' real parameter metadata.
.DESCRIPTION
    The text (synopsis, description, parameter descriptions and defaults, inputs, outputs, notes,
    examples, links) lives in build/help/en-US: one <Cmdlet>.psd1 per cmdlet, and _Shared.psd1
    for parameters several cmdlets have (-Store, the definition settings, -WhatIf, -Confirm).
    Everything PowerShell can tell by itself (parameter type, mandatory, position, pipeline
    input, aliases, wildcards, parameter sets, output types) comes from Get-Command on the built
    module, so the help cannot drift from the code.

    The script refuses to write help that is incomplete: an exported cmdlet without a source
    file, a parameter without a description, a source parameter the cmdlet does not have, or
    fewer than two examples is an error.

    Run it after a build (build.ps1 -Task Help does both) and commit the resulting MAML; the
    Pester help tests regenerate it and fail when the committed file is out of date.
.PARAMETER SourcePath
    Folder of the help source files. Default: build/help/en-US.
.PARAMETER OutputPath
    The MAML file to write. Default: en-US/MimecastJournaling.dll-Help.xml in the module root.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Build; dotnet pwsh -NoProfile -File ./build/New-MamlHelp.ps1
#>
[CmdletBinding()]
param(
    [string] $SourcePath = (Join-Path $PSScriptRoot 'help/en-US'),
    [string] $OutputPath = (Join-Path $PSScriptRoot '../en-US/MimecastJournaling.dll-Help.xml')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$moduleRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$module = Get-Module MimecastJournaling
if (-not $module) {
    $module = Import-Module (Join-Path $moduleRoot 'MimecastJournaling.psd1') -PassThru -Verbose:$false
}
$manifest = Import-PowerShellDataFile (Join-Path $moduleRoot 'MimecastJournaling.psd1')
$commonNames = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
# -WhatIf and -Confirm are optional common parameters, but help lists them like platyPS does.
$documentedCommon = @('WhatIf', 'Confirm')

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$shared = Import-PowerShellDataFile (Join-Path $SourcePath '_Shared.psd1')
$problems = [System.Collections.Generic.List[string]]::new()

function Get-Paragraphs([string] $Text) {
    # Blank lines separate paragraphs; the line breaks inside one are just wrapping.
    if ([string]::IsNullOrWhiteSpace($Text)) { return @() }
    @(($Text -replace "`r", '') -split "\n\s*\n" | ForEach-Object {
            (($_ -split "\n") | ForEach-Object { $_.Trim() }) -join ' '
        } | Where-Object { $_ })
}

function Get-TypeLabel([type] $Type) {
    if ($Type.IsArray) { return (Get-TypeLabel $Type.GetElementType()) + '[]' }
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    $Type.Name
}

function Get-PipelineText($Parameters) {
    $byValue = @($Parameters | Where-Object ValueFromPipeline).Count -gt 0
    $byName = @($Parameters | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
    $kinds = @(if ($byValue) { 'ByValue' }; if ($byName) { 'ByPropertyName' })
    if ($kinds.Count -eq 0) { 'False' } else { "True ($($kinds -join ', '))" }
}

function Write-Paragraphs([System.Xml.XmlWriter] $Writer, [string] $Text) {
    $paragraphs = @(Get-Paragraphs $Text)
    if ($paragraphs.Count -eq 0) { $paragraphs = @('') }
    foreach ($p in $paragraphs) { $Writer.WriteElementString('maml', 'para', $ns.maml, $p) }
}

function Write-Parameter([System.Xml.XmlWriter] $Writer, $Command, [string] $Name, $Text, $SetMetadata, [switch] $ForSyntax) {
    $metadata = $Command.Parameters[$Name]
    $type = $metadata.ParameterType
    $inSets = @($Command.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object Name -eq $Name)
    $forPosition = if ($SetMetadata) { @($SetMetadata) } else { $inSets }
    $required = if ($SetMetadata) { $SetMetadata.IsMandatory } else { @($inSets | Where-Object IsMandatory).Count -gt 0 }
    $positions = @($forPosition | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Select-Object -Unique)
    $position = if ($positions.Count -gt 0) { [string]$positions[0] } else { 'named' }
    $globbing = @($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
    $isSwitch = $metadata.SwitchParameter

    $Writer.WriteStartElement('command', 'parameter', $ns.command)
    $Writer.WriteAttributeString('required', $required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $type.IsArray.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', $globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineText $forPosition))
    $Writer.WriteAttributeString('position', $position)
    $Writer.WriteAttributeString('aliases', $(if ($metadata.Aliases.Count) { $metadata.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $ns.maml, $Name)
    $Writer.WriteStartElement('maml', 'description', $ns.maml)
    Write-Paragraphs $Writer $Text.Description
    $Writer.WriteEndElement()
    if ($type.IsEnum -and $ForSyntax) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($value in [enum]::GetNames($type)) {
            $Writer.WriteStartElement('command', 'parameterValue', $ns.command)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    } elseif (-not $isSwitch -or -not $ForSyntax) {
        $Writer.WriteStartElement('command', 'parameterValue', $ns.command)
        $Writer.WriteAttributeString('required', (-not $isSwitch).ToString().ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', $type.IsArray.ToString().ToLowerInvariant())
        $Writer.WriteString((Get-TypeLabel $type))
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $ns.dev)
    $Writer.WriteElementString('maml', 'name', $ns.maml, $type.FullName)
    $Writer.WriteElementString('maml', 'uri', $ns.maml, '')
    $Writer.WriteEndElement()
    $default = if ($Text.Contains('Default')) { $Text.Default } elseif ($isSwitch) { 'False' } else { 'None' }
    $Writer.WriteElementString('dev', 'defaultValue', $ns.dev, $default)
    $Writer.WriteEndElement()
}

$commands = @($manifest.CmdletsToExport | Sort-Object | ForEach-Object {
        $command = Get-Command $_ -Module MimecastJournaling -ErrorAction SilentlyContinue
        if (-not $command) { $problems.Add("$_ is in CmdletsToExport but the built module does not export it (build first).") }
        $command
    } | Where-Object { $_ })

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.NewLineChars = "`n"
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$buffer = [System.IO.MemoryStream]::new()
$w = [System.Xml.XmlWriter]::Create($buffer, $settings)
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
$w.WriteComment(' Generated by build/New-MamlHelp.ps1 from build/help/en-US/*.psd1 and the cmdlets'' metadata. Edit the source, not this file. ')

foreach ($command in $commands) {
    $name = $command.Name
    $sourceFile = Join-Path $SourcePath "$name.psd1"
    if (-not (Test-Path -LiteralPath $sourceFile)) {
        $problems.Add("${name}: no help source ($sourceFile).")
        continue
    }
    $source = Import-PowerShellDataFile $sourceFile
    foreach ($key in 'Synopsis', 'Description', 'Examples') {
        if (-not $source.Contains($key) -or -not $source[$key]) { $problems.Add("${name}: the help source has no $key.") }
    }
    if ($source.Contains('Examples') -and @($source.Examples).Count -lt 2) { $problems.Add("${name}: give at least two examples.") }

    # Parameter text: the cmdlet's own entry, key by key over the shared one.
    $names = @($command.Parameters.Keys | Where-Object { $_ -notin $commonNames -or $_ -in $documentedCommon })
    $own = if ($source.Contains('Parameters')) { $source.Parameters } else { @{} }
    foreach ($extra in $own.Keys | Where-Object { $_ -notin $names }) {
        $problems.Add("${name}: the help source describes -$extra, which the cmdlet does not have.")
    }
    $text = @{}
    foreach ($p in $names) {
        $merged = [ordered]@{}
        if ($shared.Parameters.Contains($p)) { foreach ($k in $shared.Parameters[$p].Keys) { $merged[$k] = $shared.Parameters[$p][$k] } }
        if ($own.Contains($p)) { foreach ($k in $own[$p].Keys) { $merged[$k] = $own[$p][$k] } }
        if (-not $merged.Contains('Description') -or [string]::IsNullOrWhiteSpace($merged.Description)) {
            $problems.Add("${name}: -$p has no description.")
            $merged.Description = ''
        }
        $text[$p] = $merged
    }
    # Documented order: positional parameters first, then the rest alphabetically, common ones last.
    $ordered = @($names | Sort-Object @{ Expression = { $command.Parameters[$_].Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] -and $_.Position -ge 0 }).Count -eq 0 } },
        @{ Expression = { ($command.Parameters[$_].Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] }) | Select-Object -First 1).Position } },
        @{ Expression = { $_ -in $documentedCommon } }, @{ Expression = { $_ } })

    $w.WriteStartElement('command', 'command', $ns.command)
    $w.WriteAttributeString('xmlns', 'maml', 'http://www.w3.org/2000/xmlns/', $ns.maml)
    $w.WriteAttributeString('xmlns', 'command', 'http://www.w3.org/2000/xmlns/', $ns.command)
    $w.WriteAttributeString('xmlns', 'dev', 'http://www.w3.org/2000/xmlns/', $ns.dev)

    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('command', 'name', $ns.command, $name)
    $w.WriteStartElement('maml', 'description', $ns.maml)
    Write-Paragraphs $w $source.Synopsis
    $w.WriteEndElement()
    $w.WriteElementString('command', 'verb', $ns.command, $command.Verb)
    $w.WriteElementString('command', 'noun', $ns.command, $command.Noun)
    $w.WriteEndElement()

    $w.WriteStartElement('maml', 'description', $ns.maml)
    Write-Paragraphs $w $source.Description
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $command.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('maml', 'name', $ns.maml, $name)
        foreach ($p in $ordered) {
            $inSet = $set.Parameters | Where-Object Name -eq $p
            if ($inSet) { Write-Parameter $w $command $p $text[$p] $inSet -ForSyntax }
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $ordered) { Write-Parameter $w $command $p $text[$p] $null }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'inputTypes', $ns.command)
    $inputs = if ($source.Contains('Inputs')) { @($source.Inputs) } else { @(@{ Type = 'None'; Description = 'This cmdlet takes no pipeline input.' }) }
    foreach ($i in $inputs) {
        $w.WriteStartElement('command', 'inputType', $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev)
        $w.WriteElementString('maml', 'name', $ns.maml, $i.Type)
        $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $ns.maml)
        Write-Paragraphs $w $i.Description
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    # Output types come from [OutputType]; the source only explains them.
    $w.WriteStartElement('command', 'returnValues', $ns.command)
    $outputTypes = @($command.OutputType | ForEach-Object Name)
    if ($outputTypes.Count -eq 0) { $outputTypes = @('None') }
    $outputText = if ($source.Contains('Outputs')) { $source.Outputs } else { @{} }
    foreach ($t in $outputTypes) {
        $description = if ($outputText.Contains($t)) { $outputText[$t] } elseif ($t -eq 'None') { 'This cmdlet writes no output.' } else { $null }
        if (-not $description) { $problems.Add("${name}: the help source does not describe the output type $t (Outputs = @{ '$t' = '...' }).") }
        $w.WriteStartElement('command', 'returnValue', $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev)
        $w.WriteElementString('maml', 'name', $ns.maml, $t)
        $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $ns.maml)
        Write-Paragraphs $w $description
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    foreach ($t in $outputText.Keys | Where-Object { $_ -notin $outputTypes }) {
        $problems.Add("${name}: the help source describes the output type $t, which the cmdlet's [OutputType] does not declare.")
    }
    $w.WriteEndElement()

    if ($source.Contains('Notes')) {
        $w.WriteStartElement('maml', 'alertSet', $ns.maml)
        $w.WriteStartElement('maml', 'alert', $ns.maml)
        Write-Paragraphs $w $source.Notes
        $w.WriteEndElement()
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $ns.command)
    $number = 0
    foreach ($example in @($source.Examples)) {
        $number++
        if ([string]::IsNullOrWhiteSpace($example.Code)) { $problems.Add("${name}: example $number has no code.") }
        $w.WriteStartElement('command', 'example', $ns.command)
        $w.WriteElementString('maml', 'title', $ns.maml, "--------- Example ${number}: $($example.Title) ---------")
        $w.WriteElementString('dev', 'code', $ns.dev, ($example.Code -replace "`r", '').Trim("`n"))
        $w.WriteStartElement('dev', 'remarks', $ns.dev)
        Write-Paragraphs $w $example.Remarks
        $w.WriteElementString('maml', 'para', $ns.maml, '')   # a blank line before the next example
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $ns.command)
    $links = @(if ($source.Contains('Links')) { $source.Links }) + 'about_MimecastJournaling'
    foreach ($link in $links) {
        $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $w.WriteElementString('maml', 'linkText', $ns.maml, $link)
        $w.WriteElementString('maml', 'uri', $ns.maml, '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement() # command:command
}

foreach ($orphan in Get-ChildItem $SourcePath -Filter '*-*.psd1' | Where-Object { $_.BaseName -notin @($commands | ForEach-Object Name) }) {
    $problems.Add("$($orphan.Name) describes a cmdlet the module does not export.")
}

$w.WriteEndElement()
$w.WriteEndDocument()
$w.Flush()
$w.Dispose()

if ($problems.Count -gt 0) {
    throw "The help is incomplete; nothing was written:`n  " + ($problems -join "`n  ")
}
$directory = Split-Path $OutputPath
if ($directory -and -not (Test-Path -LiteralPath $directory)) { New-Item -ItemType Directory -Path $directory | Out-Null }
$OutputPath = [System.IO.Path]::GetFullPath($OutputPath)
[System.IO.File]::WriteAllBytes($OutputPath, $buffer.ToArray() + [byte[]](10))
Write-Verbose "Wrote help for $($commands.Count) cmdlets to $OutputPath"
