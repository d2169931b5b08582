<#
  The loopback Mimecast API 2.0 emulator (tests/Emulators/MimecastEmulator.Host) as a child process
  on 127.0.0.1, a free port. build.ps1 -Task Test builds it and sets
  $env:MIMECASTJOURNALING_MIMECAST_EMULATOR; when run alone, this builds it. Returns
  @{ Process; BaseUri; ClientId; ClientSecret }. Drive it with Invoke-TestMimecastEmulator (see its
  Program.cs: state, requests, clear-requests, throttle, fail-in-body, set-status, change, publish-txt, ...).
#>
function Start-TestMimecastEmulator {
    $emulatorHost = Start-TestEmulatorHost MIMECASTJOURNALING_MIMECAST_EMULATOR MimecastEmulator.Host 'Mimecast'
    $process = $emulatorHost.Process
    $started = $emulatorHost.Started
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

# Both emulator hosts speak the same line protocol ('quit' ends them).
function Stop-TestMimecastEmulator($Emulator) { Stop-TestExchangeEmulator $Emulator }

# Connect-MimecastJournaling to the emulator (plain http is accepted for loopback addresses only).
function Connect-TestMimecastEmulator($Emulator) {
    Connect-MimecastJournaling -ClientId $Emulator.ClientId -ClientSecret (ConvertTo-SecureString $Emulator.ClientSecret -AsPlainText -Force) -BaseUri $Emulator.BaseUri
}

# The requests the emulator saw since the last clear-requests, other than reads and token requests.
function Get-MimecastChanges($Emulator) {
    @((Invoke-TestMimecastEmulator $Emulator 'requests' | ConvertFrom-Json) | Where-Object { $_.Method -ne 'GET' -and $_.PathAndQuery -ne '/oauth/token' })
}
