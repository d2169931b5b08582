# eDiscovery export as a reviewer receives it, on both backends: .eml files, an mbox file and a
# zip, each checked by code of its own (Python's email, mailbox and zipfile modules; Get-FileHash;
# an mboxrd unquoting written here), against a manifest that must match the archive; Bcc
# recipients only when asked for. And Ctrl+C (a real SIGINT at a terminal) on Import- and
# Export-JournalMessage: the prompt comes back at once, an import keeps whole batches only, an
# export leaves nothing that looks complete and is logged as interrupted.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Postgres.ps1')
    $script:Reports = Join-Path $RepoRoot 'tests/Fixtures/Reports'
    if (-not (Get-Command python3 -ErrorAction SilentlyContinue)) {
        throw 'python3 is missing: install it (apt-get install python3); the export tests read the files with its email, mailbox and zipfile modules.'
    }
    $script:Postgres = Start-TestPostgres

    # Reads an export with Python alone (nothing of this module): every .eml's Message-ID and
    # SHA-256, every mbox message's Message-ID, every zip entry's name, Message-ID and SHA-256.
    $script:Reader = Join-Path $TestDrive 'read-export.py'
    Set-Content -LiteralPath $Reader -Encoding utf8 -Value @'
import email, email.policy, hashlib, json, mailbox, sys, zipfile
kind, path = sys.argv[1], sys.argv[2]
def mid(data):
    return email.message_from_bytes(data, policy=email.policy.default)['Message-ID']
out = []
if kind == 'eml':
    for f in sys.argv[2:]:
        data = open(f, 'rb').read()
        out.append({'Name': f.rsplit('/', 1)[-1], 'MessageId': mid(data), 'Sha256': hashlib.sha256(data).hexdigest()})
elif kind == 'mbox':
    for m in mailbox.mbox(path):
        out.append({'MessageId': m['Message-ID'], 'From': m.get_from()})
else:
    with zipfile.ZipFile(path) as z:
        if z.testzip() is not None:
            raise SystemExit('corrupt zip entry')
        for info in z.infolist():
            data = z.read(info)
            out.append({'Name': info.filename, 'MessageId': mid(data), 'Sha256': hashlib.sha256(data).hexdigest()})
print(json.dumps(out))
'@
    function Read-ExportWithPython([string] $Kind, [string[]] $Path) {
        $json = & python3 $Reader $Kind @Path
        if ($LASTEXITCODE -ne 0) { throw "python3 could not read the export: $json" }
        @($json | ConvertFrom-Json)
    }

    function Get-FileSha256([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant() }

    # mboxrd, read here: messages start at "From " lines; ">From " (after more '>') loses one '>'.
    function Split-Mboxrd([string] $Path) {
        $messages = [Collections.Generic.List[string]]::new()
        $current = $null
        foreach ($line in ([IO.File]::ReadAllText($Path, [Text.Encoding]::Latin1) -split "(?<=\n)")) {
            if ($line -eq '') { continue }
            if ($line.StartsWith('From ')) {
                if ($null -ne $current) { $messages.Add($current.ToString()) }
                $current = [Text.StringBuilder]::new()
            } elseif ($line -match '^>+From ') {
                [void]$current.Append($line.Substring(1))
            } else {
                [void]$current.Append($line)
            }
        }
        if ($null -ne $current) { $messages.Add($current.ToString()) }
        # Each message is closed by one empty line.
        @($messages | ForEach-Object { $_ -replace '\r?\n$', '' })
    }
}
AfterAll {
    Stop-TestPostgres $Postgres -Remove
}

Describe 'Export-JournalMessage on a <Backend> store' -ForEach @(@{ Backend = 'SQLite' }, @{ Backend = 'PostgreSQL' }) {
    BeforeAll {
        $script:Store = New-BackendTestStore $Backend $Postgres
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name journal.contoso.com, contoso.com | Out-Null
        Add-JournalInternalAddress -Address alice@contoso.com, bob@contoso.com, dave@contoso.com | Out-Null
        New-JournalDefinition 'Contoso' journal@journal.contoso.com | Out-Null
        # A plain message (stepped down: recipients from its headers) whose body has lines mbox must quote.
        $script:Quoting = Join-Path $TestDrive "quoting-$Backend.eml"
        [IO.File]::WriteAllText($Quoting, "From: alice@contoso.com`r`nTo: bob@contoso.com`r`nMessage-ID: <synthetic-mbox-quoting-0001@contoso.com>`r`n" +
            "Subject: From lines`r`nDate: Mon, 01 Jun 2026 10:00:00 +0000`r`n`r`nFrom the desk of alice`r`n>From a quote`r`nFromage`r`n")
        Import-JournalMessage -Definition Contoso -LiteralPath @(
            (Join-Path $Reports 'synthetic-bifurcated-fork1.eml'), (Join-Path $Reports 'synthetic-bifurcated-fork2.eml'),
            (Join-Path $Reports 'synthetic-hybrid-onprem-duplicate.eml'), (Join-Path $Reports 'synthetic-bcc-expanded-forwarded.eml'), $Quoting) | Out-Null
        $script:Items = @(Get-JournalMessage)
        $script:BccItem = Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com'
        function New-ExportFolder([string] $Name) { (New-Item -ItemType Directory (Join-Path $TestDrive "$Backend-$Name")).FullName }
    }
    AfterAll {
        Remove-BackendTestStore $Backend $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'archived three items, one of them with a Bcc recipient' {
        $Items | Should -HaveCount 3
        $BccItem.Recipients | Where-Object Type -eq 'Bcc' | ForEach-Object Address | Should -Be 'dave@contoso.com'
    }

    It 'Eml: every file parses, has its Message-ID, and hashes to the manifest and to the archive' {
        $folder = New-ExportFolder 'eml'
        $result = $Items | Export-JournalMessage -Path $folder -Manifest
        $result.Verified | Should -BeTrue
        $result.Items | Should -Be 3
        $files = @(Get-ChildItem -LiteralPath $folder -Filter '*.eml')
        $files | Should -HaveCount 3
        Get-ChildItem -LiteralPath $folder -Filter '*.partial' | Should -BeNullOrEmpty
        $parsed = Read-ExportWithPython eml $files.FullName
        $rows = @(Import-Csv -LiteralPath (Join-Path $folder 'manifest.csv'))
        $json = Get-Content -LiteralPath (Join-Path $folder 'manifest.json') -Raw | ConvertFrom-Json
        $rows | Should -HaveCount 3
        @($json.Items) | Should -HaveCount 3
        foreach ($item in $Items) {
            $file = $parsed | Where-Object Name -eq "$($item.Id).eml"
            $file.MessageId | Should -Be "<$($item.MessageId)>"
            $file.Sha256 | Should -Be $item.ContentHash -Because 'the export is the archived original, unchanged'
            $row = $rows | Where-Object ItemId -eq $item.Id
            $row.Sha256 | Should -Be $file.Sha256
            $row.Size | Should -Be (Get-Item -LiteralPath (Join-Path $folder "$($item.Id).eml")).Length
            $row.MessageId | Should -Be $item.MessageId
            $row.Sender | Should -Be $item.Sender
            ($json.Items | Where-Object ItemId -eq $item.Id).Sha256 | Should -Be $file.Sha256
        }
        ($rows | Where-Object ItemId -eq $BccItem.Id).Recipients | Should -Be 'To:bob@contoso.com; To:partner@fabrikam.com'
    }

    It 'Mbox: Python counts every message, the From lines are quoted mboxrd style, and unquoting gives the archived bytes' {
        $folder = New-ExportFolder 'mbox'
        $mbox = Join-Path $folder 'case.mbox'
        $result = $Items | Export-JournalMessage -Path $mbox -Format Mbox -Manifest
        $result.Messages | Should -Be 3
        $messages = Read-ExportWithPython mbox $mbox
        $messages | Should -HaveCount 3
        $messages.MessageId | Sort-Object | Should -Be ($Items | ForEach-Object { "<$($_.MessageId)>" } | Sort-Object)
        $lines = [IO.File]::ReadAllText($mbox) -split "`n"
        $lines | Should -Contain ">From the desk of alice`r"
        $lines | Should -Contain ">>From a quote`r"
        $lines | Should -Contain "Fromage`r"
        $mine = Split-Mboxrd $mbox
        $mine | Should -HaveCount 3
        for ($i = 0; $i -lt 3; $i++) {
            $bytes = [Text.Encoding]::Latin1.GetBytes($mine[$i])
            [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)).ToLowerInvariant() | Should -Be $result.Entries[$i].Sha256
        }
        $json = Get-Content -LiteralPath "$mbox.manifest.json" -Raw | ConvertFrom-Json
        $json.Files[0].Sha256 | Should -Be (Get-FileSha256 $mbox)
        $json.Files[0].Size | Should -Be (Get-Item -LiteralPath $mbox).Length
        @($json.Items.Entry) | Should -Be @('1', '2', '3')
    }

    It 'Zip: Python opens it, every entry parses and hashes to the manifest, and the zip to the JSON files list' {
        $folder = New-ExportFolder 'zip'
        $zip = Join-Path $folder 'case 4711.zip'
        $Items | Export-JournalMessage -Path $zip -Format Zip -Manifest | Out-Null
        $entries = Read-ExportWithPython zip $zip
        $entries | Should -HaveCount 3
        $rows = @(Import-Csv -LiteralPath "$zip.manifest.csv")
        foreach ($entry in $entries) {
            $row = $rows | Where-Object Entry -eq $entry.Name
            $row.Sha256 | Should -Be $entry.Sha256
            "<$($row.MessageId)>" | Should -Be $entry.MessageId
            $row.File | Should -Be 'case 4711.zip'
        }
        $json = Get-Content -LiteralPath "$zip.manifest.json" -Raw | ConvertFrom-Json
        $json.Files[0].Sha256 | Should -Be (Get-FileSha256 $zip)
        @(Get-ChildItem -LiteralPath $folder).Name | Sort-Object | Should -Be @('case 4711.zip', 'case 4711.zip.manifest.csv', 'case 4711.zip.manifest.json')
    }

    It 'keeps Bcc recipients out of the manifest unless -IncludeBcc, and refuses -IncludeEnvelope without it' {
        $plain = New-ExportFolder 'nobcc'
        $BccItem | Export-JournalMessage -Path $plain -Manifest | Out-Null
        Get-Content -LiteralPath (Join-Path $plain 'manifest.csv') -Raw | Should -Not -Match 'dave@'
        Get-Content -LiteralPath (Join-Path $plain 'manifest.json') -Raw | Should -Not -Match 'dave@'
        [IO.File]::ReadAllText((Join-Path $plain "$($BccItem.Id).eml")) | Should -Not -Match 'dave@'

        $bcc = New-ExportFolder 'bcc'
        $BccItem | Export-JournalMessage -Path $bcc -Manifest -IncludeBcc | Out-Null
        $row = Import-Csv -LiteralPath (Join-Path $bcc 'manifest.csv')
        $row.Recipients | Should -Match 'Bcc:dave@contoso\.com'
        $row.Mailboxes | Should -Match 'dave@contoso\.com'

        $refused = New-ExportFolder 'refused'
        { $BccItem | Export-JournalMessage -Path $refused -IncludeEnvelope -ErrorAction Stop } | Should -Throw -ErrorId 'ExportEnvelopeRevealsBcc*'
        Get-ChildItem -LiteralPath $refused | Should -BeNullOrEmpty
    }

    It 'writes each export to the event log: who, the target and the count' {
        $folder = New-ExportFolder 'event'
        $result = $Items | Export-JournalMessage -Path (Join-Path $folder 'logged.zip') -Format Zip
        $event = Get-JournalEvent | Where-Object { $_.ObjectType -eq 'Export' -and $_.ObjectId -eq $result.Path }
        $event | Should -HaveCount 1
        $event.Action | Should -Be 'Exported'
        $event.User | Should -Be ([Environment]::UserName)
        $event.Property | Should -Be 'Zip'
        $event.NewValue | Should -Be '3 item(s), 3 message(s), verified, Bcc left out'
    }

    It 'stops before writing anything when the mbox file exists, and overwrites it with -Force' {
        $folder = New-ExportFolder 'exists'
        $mbox = Join-Path $folder 'a.mbox'
        Set-Content -LiteralPath $mbox -Value 'keep me' -NoNewline
        { $Items | Export-JournalMessage -Path $mbox -Format Mbox -ErrorAction Stop } | Should -Throw -ErrorId 'ExportFileExists*'
        Get-Content -LiteralPath $mbox -Raw | Should -Be 'keep me'
        ($Items | Export-JournalMessage -Path $mbox -Format Mbox -Force).Messages | Should -Be 3
        @(Read-ExportWithPython mbox $mbox) | Should -HaveCount 3
    }
}

Describe 'Ctrl+C on Import-JournalMessage and Export-JournalMessage (a real SIGINT at a terminal)' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Terminal.ps1')
        $script:Store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com
        New-JournalDefinition 'Contoso' journal@journal.contoso.com | Out-Null
        $script:Folder = Split-Path $Store
        # Enough plain messages that neither an import nor an export is over before the signal.
        $script:Count = 6000
        $script:Files = Join-Path $Folder 'files'
        New-Item -ItemType Directory $Files | Out-Null
        foreach ($i in 1..$Count) {
            [IO.File]::WriteAllText((Join-Path $Files "m$i.eml"), "From: alice@contoso.com`r`nTo: bob@contoso.com`r`nMessage-ID: <synthetic-ctrlc-$i@contoso.com>`r`n" +
                "Subject: number $i`r`nDate: Mon, 01 Jun 2026 10:00:00 +0000`r`n`r`nbody $i`r`n")
        }
        $script:Terminal = Start-TerminalPwsh
        $script:PidFile = Join-Path $Folder 'terminal.pid'
        Send-TerminalLine $Terminal "Import-Module '$ModuleManifest'; `$env:MIMECASTJOURNALING_STORE = '$Store'; Set-Content -LiteralPath '$PidFile' -Value `$PID"
        Wait-Until { Read-TerminalFile $PidFile } -Seconds 60 | Should -BeTrue -Because (Get-TerminalScreen $Terminal)
        $script:TerminalPid = [int](Read-TerminalFile $PidFile)

        # The terminal shows an empty prompt on its last line (the command is over).
        function Test-PromptBack {
            $last = @((Get-TerminalScreen $Terminal) -split "`n" | Where-Object { $_.Trim() }) | Select-Object -Last 1
            $last -match '^PS .*> ?$'
        }

        # Sends SIGINT to the terminal's pwsh and returns the seconds until its prompt is back;
        # then a line typed there writes a file, so the session is shown to work on.
        function Stop-AndTime([string] $Marker) {
            Test-PromptBack | Should -BeFalse -Because "the command should still run. Screen:`n$(Get-TerminalScreen $Terminal)"
            $clock = [Diagnostics.Stopwatch]::StartNew()
            & kill -INT $TerminalPid
            Wait-Until { Test-PromptBack } -Seconds 60 | Should -BeTrue -Because "the prompt should come back. Screen:`n$(Get-TerminalScreen $Terminal)"
            $seconds = $clock.Elapsed.TotalSeconds
            Send-TerminalLine $Terminal "Set-Content -LiteralPath '$Marker' -Value back"
            Wait-Until { Read-TerminalFile $Marker } -Seconds 60 | Should -BeTrue -Because "the session should take commands. Screen:`n$(Get-TerminalScreen $Terminal)"
            $seconds
        }
    }
    AfterAll {
        Stop-TerminalPwsh $Terminal
        Remove-ContosoStore $Store
    }

    It 'stops an import at once; the batches stored are whole, and running it again archives the rest once' {
        $done = Join-Path $Folder 'import.done'
        Send-TerminalLine $Terminal "Import-JournalMessage -Path '$Files/*.eml' -Definition Contoso | Out-Null; Set-Content -LiteralPath '$done' -Value finished"
        Wait-Until { @(Get-JournalOutcome).Count -gt 0 } -Seconds 120 | Should -BeTrue -Because (Get-TerminalScreen $Terminal)

        $seconds = Stop-AndTime (Join-Path $Folder 'import.back')

        $seconds | Should -BeLessThan 10
        Read-TerminalFile $done | Should -BeNullOrEmpty -Because 'the rest of the line does not run after Ctrl+C'
        Get-Process -Id $TerminalPid -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because 'Ctrl+C stops the command, not the session'
        $stored = @(Get-JournalOutcome).Count
        $stored | Should -BeLessThan $Count -Because 'the import was stopped before it read every file'
        $stored % 100 | Should -Be 0 -Because 'files are stored in batches of 100, each whole or not at all'

        $again = Import-JournalMessage -Path "$Files/*.eml" -Definition Contoso
        $again.Archived | Should -Be ($Count - $stored)
        $again.Duplicate | Should -Be $stored
        @(Get-JournalMessage).Count | Should -Be $Count
    }

    It 'stops an export at once and leaves no file that looks complete, and the event log says it was interrupted' {
        $out = Join-Path $Folder 'export'
        New-Item -ItemType Directory $out | Out-Null
        $done = Join-Path $Folder 'export.done'
        Send-TerminalLine $Terminal "Get-JournalMessage | Export-JournalMessage -Path '$out' -Manifest | Out-Null; Set-Content -LiteralPath '$done' -Value finished"
        Wait-Until { @(Get-ChildItem -LiteralPath $out -Filter '*.partial').Count -gt 10 } -Seconds 120 | Should -BeTrue -Because (Get-TerminalScreen $Terminal)

        $seconds = Stop-AndTime (Join-Path $Folder 'export.back')

        $seconds | Should -BeLessThan 10
        Read-TerminalFile $done | Should -BeNullOrEmpty
        Get-ChildItem -LiteralPath $out | Should -BeNullOrEmpty -Because 'a stopped export removes its partial files and renames nothing'
        $event = Get-JournalEvent | Where-Object { $_.ObjectType -eq 'Export' -and $_.ObjectId -eq $out }
        $event | Should -HaveCount 1
        $event.Action | Should -Be 'ExportInterrupted'
        $event.NewValue | Should -Match '^Stopped after \d+ message\(s\); the partial files were removed$'
        [int]($event.NewValue -replace '^Stopped after (\d+).*', '$1') | Should -BeGreaterThan 10
    }
}
