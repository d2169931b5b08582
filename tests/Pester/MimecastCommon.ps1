<#
  The loopback Mimecast API 2.0 emulator (tests/Emulators/MimecastEmulator.Host) as a child process
  on 127.0.0.1, a free port. build.ps1 -Task Test builds it and sets
  $env:MIMECASTJOURNALING_MIMECAST_EMULATOR; when run alone, this builds it. Returns
  @{ Process; BaseUri; ClientId; ClientSecret }. Drive it with Invoke-TestMimecastEmulator (see its
  Program.cs: state, requests, clear-requests, throttle, fail-in-body, set-status, change, publish-txt, ...).
#>
function Start-TestMimecastEmulator {
    $dll = $env:MIMECASTJOURNALING_MIMECAST_EMULATOR
    if (-not $dll -or -not (Test-Path -LiteralPath $dll)) {
        $project = Join-Path $script:RepoRoot 'tests/Emulators/MimecastEmulator.Host'
        $output = & dotnet build $project -c Release --nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Building the Mimecast emulator failed:`n$($output -join "`n")" }
        $dll = Join-Path $project 'bin/Release/net10.0/MimecastEmulator.Host.dll'
        $env:MIMECASTJOURNALING_MIMECAST_EMULATOR = $dll
    }
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $info.ArgumentList.Add($dll)
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $null = $process.StandardError.ReadToEndAsync()
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(60000) -or -not $line.Result) {
        if (-not $process.HasExited) { $process.Kill() }
        throw 'The Mimecast emulator did not start within 60 s.'
    }
    $started = $line.Result | ConvertFrom-Json
    [pscustomobject]@{
        Process      = $process
        BaseUri      = [uri]"http://127.0.0.1:$($started.Port)"
        ClientId     = $started.ClientId
        ClientSecret = $started.ClientSecret
    }
}

function Invoke-TestMimecastEmulator($Emulator, [string] $Command) {
    $Emulator.Process.StandardInput.WriteLine($Command)
    $Emulator.Process.StandardInput.Flush()
    $answer = $Emulator.Process.StandardOutput.ReadLine()
    if ($answer -like 'error*') { throw "Mimecast emulator: '$Command' answered $answer" }
    $answer
}

function Stop-TestMimecastEmulator($Emulator) {
    if (-not $Emulator) { return }
    if (-not $Emulator.Process.HasExited) {
        try { $null = Invoke-TestMimecastEmulator $Emulator 'quit' } catch { }
        if (-not $Emulator.Process.WaitForExit(10000)) { $Emulator.Process.Kill() }
    }
    $Emulator.Process.WaitForExit()
}

# Connect-MimecastJournaling to the emulator (plain http is accepted for loopback addresses only).
function Connect-TestMimecastEmulator($Emulator) {
    Connect-MimecastJournaling -ClientId $Emulator.ClientId -ClientSecret (ConvertTo-SecureString $Emulator.ClientSecret -AsPlainText -Force) -BaseUri $Emulator.BaseUri
}

# The requests the emulator saw since the last clear-requests, other than reads and token requests.
function Get-MimecastChanges($Emulator) {
    @((Invoke-TestMimecastEmulator $Emulator 'requests' | ConvertFrom-Json) | Where-Object { $_.Method -ne 'GET' -and $_.PathAndQuery -ne '/oauth/token' })
}
