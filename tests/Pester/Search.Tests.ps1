# Search-JournalMessage, Get-JournalIndexStatus and Update-JournalIndex against both backends: a
# SQLite file and a PostgreSQL store the test makes itself (Postgres.ps1). Reports arrive over SMTP
# (the listener indexes them beside the archive) and by Import-JournalMessage (which indexes what it
# archived; with -SkipIndex, Update-JournalIndex or a listener does); the searches cover a Bcc recipient, a phrase, NOT, dates and an attachment name.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Postgres.ps1')
    $script:Reports = Join-Path $RepoRoot 'tests/Fixtures/Reports'
    $script:Postgres = Start-TestPostgres

    # A one-page PDF written here byte by byte (Helvetica, one line of text), so the test does not
    # read a PDF with the library that wrote it.
    function New-TestPdf([string] $Text) {
        $content = "BT /F1 12 Tf 72 720 Td ($Text) Tj ET"
        $objects = @(
            '<< /Type /Catalog /Pages 2 0 R >>'
            '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'
            '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'
            "<< /Length $($content.Length) >>`nstream`n$content`nendstream"
            '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'
        )
        $pdf = [Text.StringBuilder]::new("%PDF-1.4`n")
        $offsets = foreach ($i in 0..($objects.Count - 1)) {
            $pdf.Length
            [void]$pdf.Append("$($i + 1) 0 obj`n$($objects[$i])`nendobj`n")
        }
        $xref = $pdf.Length
        [void]$pdf.Append("xref`n0 $($objects.Count + 1)`n0000000000 65535 f `n")
        foreach ($offset in $offsets) { [void]$pdf.Append(("{0:D10} 00000 n `n" -f $offset)) }
        [void]$pdf.Append("trailer`n<< /Size $($objects.Count + 1) /Root 1 0 R >>`nstartxref`n$xref`n%%EOF`n")
        [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes($pdf.ToString()), 'InsertLineBreaks')
    }

    # A synthetic Exchange journal report whose original has a text body and a PDF attachment (sent 2025-06-10).
    $script:AttachmentReport = Join-Path ([IO.Path]::GetTempPath()) ("synthetic-attachment-report-" + [guid]::NewGuid().ToString('n') + '.eml')
    $lines = @(
        'Content-Type: multipart/mixed; boundary="_report_"'
        'Subject: Board pack'
        'To: bob@contoso.com'
        'From: Dave Example <dave@contoso.com>'
        'MIME-Version: 1.0'
        'Message-ID: <synthetic-report-board@journal.report.generator>'
        'Date: Tue, 10 Jun 2025 10:00:01 +0000'
        'X-MS-Journal-Report:'
        ''
        '--_report_'
        'Content-Type: text/plain; charset="us-ascii"'
        ''
        'Sender: dave@contoso.com'
        'Subject: Board pack'
        'Message-Id: <synthetic-board-0001@contoso.com>'
        'To: bob@contoso.com'
        ''
        '--_report_'
        'Content-Type: message/rfc822'
        ''
        'From: Dave Example <dave@contoso.com>'
        'To: bob@contoso.com'
        'Subject: Board pack'
        'Date: Tue, 10 Jun 2025 10:00:00 +0000'
        'Message-ID: <synthetic-board-0001@contoso.com>'
        'MIME-Version: 1.0'
        'Content-Type: multipart/mixed; boundary="_original_"'
        ''
        '--_original_'
        'Content-Type: text/html; charset="us-ascii"'
        ''
        '<html><body><p>The <b>quarterly results</b> for the board.</p></body></html>'
        '--_original_'
        'Content-Type: application/pdf; name="q3-board-pack.pdf"'
        'Content-Disposition: attachment; filename="q3-board-pack.pdf"'
        'Content-Transfer-Encoding: base64'
        ''
        (New-TestPdf 'Appendix with narwhal figures') -split "`r?`n"
        '--_original_--'
        ''
        '--_report_--'
    )
    [IO.File]::WriteAllText($AttachmentReport, ($lines -join "`r`n") + "`r`n")
}
AfterAll {
    Stop-TestPostgres $Postgres -Remove
    Remove-Item -LiteralPath $AttachmentReport -ErrorAction SilentlyContinue
}

Describe 'Search on a <Backend> store' -ForEach @(@{ Backend = 'SQLite' }, @{ Backend = 'PostgreSQL' }) {
    BeforeAll {
        $script:Store = New-BackendTestStore $Backend $Postgres
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name journal.contoso.com, contoso.com | Out-Null
        Add-JournalInternalAddress -Address alice@contoso.com, bob@contoso.com, dave@contoso.com, erin@contoso.com | Out-Null
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted:$false | Out-Null
    }
    AfterAll {
        Stop-JournalListener -TimeoutSeconds 5 -ErrorAction SilentlyContinue
        Remove-BackendTestStore $Backend $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'indexes reports received over SMTP beside the archive and finds a Bcc recipient' {
        $listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -WarningAction SilentlyContinue
        foreach ($file in (Join-Path $Reports 'synthetic-bcc-expanded-forwarded.eml'), $AttachmentReport) {
            Send-SwaksReport -Port (Get-PortOf $listener) -Path $file | Where-Object { $_ -match '^250 2\.0\.0 Queued' } | Should -Not -BeNullOrEmpty
        }
        Wait-Until { $s = Get-JournalIndexStatus; $s.Items -eq 2 -and $s.Pending -eq 0 } | Should -BeTrue
        Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5

        $status = Get-JournalIndexStatus
        $status.Indexed | Should -Be 2
        $status.Failed | Should -Be 0
        $status.Lag | Should -BeNullOrEmpty
        (Search-JournalMessage 'bcc:erin@contoso.com').MessageId | Should -Be 'synthetic-orig-0001@contoso.com'
        (Search-JournalMessage 'participants:erin@contoso.com').MessageId | Should -Be 'synthetic-orig-0001@contoso.com'
        Search-JournalMessage 'to:erin@contoso.com' | Should -BeNullOrEmpty
        # The same objects as Get-JournalMessage: the Bcc recipient is on the item.
        $found = Search-JournalMessage 'bcc:erin@contoso.com'
        $found.GetType().FullName | Should -Be 'MimecastJournaling.Engine.Archive.JournalMessage'
        ($found.Recipients | Where-Object Address -eq 'erin@contoso.com').Type | Should -Be 'Bcc'
        (Search-JournalMessage 'attachmentnames:"board pack"').MessageId | Should -Be 'synthetic-board-0001@contoso.com'
        # The words inside the PDF attachment (its text, not its name).
        (Search-JournalMessage 'narwhal').MessageId | Should -Be 'synthetic-board-0001@contoso.com'
        (Search-JournalMessage '"narwhal figures"').MessageId | Should -Be 'synthetic-board-0001@contoso.com'
    }

    It 'warns about items not indexed yet, and Update-JournalIndex catches up' {
        Import-JournalMessage -LiteralPath (Join-Path $Reports 'synthetic-hybrid-onprem-duplicate.eml') -Definition EXO -SkipIndex | Out-Null
        $status = Get-JournalIndexStatus
        $status.Pending | Should -Be 1
        $status.OldestPending | Should -Not -BeNullOrEmpty
        $status.Lag | Should -BeOfType [timespan]
        $warnings = @()
        Search-JournalMessage 'forked' -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$warnings" | Should -Match '1 archive item\(s\) are not indexed yet'
        $status = Update-JournalIndex
        ($status.Items, $status.Indexed, $status.Pending) | Should -Be @(3, 3, 0)
        (Search-JournalMessage 'forked').MessageId | Should -Be 'synthetic-fork-0001@contoso.com'
    }

    It 'finds a phrase, words with NOT, dates and attachments, newest first' {
        (Search-JournalMessage '"quarterly results"').MessageId | Should -Be 'synthetic-board-0001@contoso.com'
        # Both were sent at 09:15:00; of one date, the item archived later comes first.
        (Search-JournalMessage 'numbers attached').MessageId | Should -Be @('synthetic-fork-0001@contoso.com', 'synthetic-orig-0001@contoso.com')
        (Search-JournalMessage 'numbers attached NOT subject:forked').MessageId | Should -Be 'synthetic-orig-0001@contoso.com'
        (Search-JournalMessage 'sent>=2025-06-01').MessageId | Should -Be 'synthetic-board-0001@contoso.com'
        (Search-JournalMessage 'sent<=2025-03-03').Count | Should -Be 2
        (Search-JournalMessage 'hasattachment:true').MessageId | Should -Be 'synthetic-board-0001@contoso.com'
        (Search-JournalMessage 'from:contoso.com').MessageId | Should -Be @('synthetic-board-0001@contoso.com', 'synthetic-fork-0001@contoso.com', 'synthetic-orig-0001@contoso.com')
        $secondPage = @{ First = 1; Skip = 1 }   # paging: the second of the three, newest first
        (Search-JournalMessage 'from:contoso.com' @secondPage).MessageId | Should -Be 'synthetic-fork-0001@contoso.com'
        (Search-JournalMessage 'from:contoso.com' -Mailbox 'erin@*').MessageId | Should -Be 'synthetic-orig-0001@contoso.com'
        (Search-JournalMessage 'from:contoso.com' -Definition EXO).Count | Should -Be 3
    }

    It 'points at the position of a query it cannot read' {
        $failure = $null
        try { Search-JournalMessage 'from:alice AND (subject:x' -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'SearchJournalMessageQueryInvalid*'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $lines = $failure.Exception.Message -split "`r?`n"
        $lines[0] | Should -Match 'position 16'
        $lines[2] | Should -Be ('  ' + (' ' * 15) + '^')
        { Search-JournalMessage 'colour:red' -ErrorAction Stop } | Should -Throw -ErrorId 'SearchJournalMessageQueryInvalid*'
    }

    It 'writes every search to the event log with who, the query and the count' {
        Search-JournalMessage 'participants:erin@contoso.com' -Mailbox 'erin@contoso.com' | Out-Null
        $event = Get-JournalEvent | Where-Object ObjectType -eq 'Search' | Select-Object -First 1
        $event.ObjectName | Should -Be 'participants:erin@contoso.com'
        $event.Property | Should -Be 'Results (Mailbox=erin@contoso.com)'
        $event.NewValue | Should -Be '1'
        $event.User | Should -Not -BeNullOrEmpty
    }

    It 'rebuilds the index with -Rebuild and finds the same items' {
        $status = Update-JournalIndex -Rebuild
        ($status.Indexed, $status.Pending, $status.Failed) | Should -Be @(3, 0, 0)
        (Search-JournalMessage 'bcc:erin@contoso.com').MessageId | Should -Be 'synthetic-orig-0001@contoso.com'
        Update-JournalIndex -Rebuild -WhatIf | Should -BeNullOrEmpty
        (Get-JournalIndexStatus | Format-List | Out-String) | Should -Match 'Lag\s*:\s*none'
    }

    It 'a listener that starts indexes what was archived while none ran' {
        Import-JournalMessage -LiteralPath (Join-Path $Reports 'synthetic-standard-eml.eml') -Definition EXO -SkipIndex | Out-Null
        (Get-JournalIndexStatus).Pending | Should -Be 1
        $listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -WarningAction SilentlyContinue
        Wait-Until { (Get-JournalIndexStatus).Pending -eq 0 } | Should -BeTrue
        Stop-JournalListener -Id $listener.Id -TimeoutSeconds 5
        (Search-JournalMessage 'subject:"plain eml"').MessageId | Should -Be 'synthetic-std-0001@contoso.com'
    }

    It 'Import-JournalMessage leaves what it archived indexed, without a listener or Update-JournalIndex' {
        $before = Get-JournalIndexStatus
        $summary = Import-JournalMessage -LiteralPath (Join-Path $Reports 'synthetic-decrypted-two-rfc822.eml'), (Join-Path $Reports 'synthetic-exchange2003.eml') -Definition EXO
        $summary.Archived | Should -Be 2
        $status = Get-JournalIndexStatus
        ($status.Items, $status.Indexed, $status.Pending) | Should -Be @(($before.Items + 2), ($before.Indexed + 2), 0)
        $status.Lag | Should -BeNullOrEmpty
        $warnings = @()
        $found = Search-JournalMessage 'subject:"confidential plan"' -WarningVariable warnings
        $found.Subject | Should -Be 'Confidential plan'
        $warnings | Should -BeNullOrEmpty
        (Search-JournalMessage 'subject:legacy').Subject | Should -Be 'Legacy journaling'
    }
    It 'answers the issue''s question: participants, a phrase and an attachment, exported as a zip with a manifest that matches the archive' {
        # Two near misses beside the board pack: Dave with the phrase but no attachment, and Dave
        # with an attachment but not the phrase.
        $folder = Join-Path $TestDrive "done-when-$Backend"
        New-Item -ItemType Directory -Path $folder | Out-Null
        $nearMisses = @(
            New-TestJournalReport -Folder $folder -Name 'near-miss-1' -MessageId 'near-miss-1@contoso.com' -From 'dave@contoso.com' `
                -Date 'Wed, 11 Jun 2025 10:00:00 +0000' -Body 'The quarterly results are on the intranet.'
            New-TestJournalReport -Folder $folder -Name 'near-miss-2' -MessageId 'near-miss-2@contoso.com' -From 'dave@contoso.com' `
                -Date 'Wed, 11 Jun 2025 10:00:00 +0000' -Body 'Figures for the half year.' `
                -Parts @(, @('Content-Type: text/csv; name="figures.csv"', 'Content-Disposition: attachment; filename="figures.csv"', '', 'a,b', '1,2'))
        )
        (Import-JournalMessage -LiteralPath $nearMisses -Definition EXO).Archived | Should -Be 2
        (Search-JournalMessage 'participants:dave@contoso.com "quarterly results"').Count | Should -Be 2
        (Search-JournalMessage 'participants:dave@contoso.com hasattachment:true').Count | Should -Be 2

        $zip = Join-Path $folder 'matter.zip'
        $result = Search-JournalMessage 'participants:dave@contoso.com "quarterly results" hasattachment:true' |
            Export-JournalMessage -Path $zip -Format Zip -Manifest
        $item = Get-JournalMessage -MessageId 'synthetic-board-0001@contoso.com'
        ($result.Items, $result.Verified) | Should -Be @(1, $true)
        # The zip, read with .NET's own zip reader: one entry, the archived original byte for byte.
        $archive = [IO.Compression.ZipFile]::OpenRead($zip)
        try {
            $archive.Entries.Count | Should -Be 1
            $stream = $archive.Entries[0].Open()
            try {
                $entryHash = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($stream)).ToLowerInvariant()
            } finally { $stream.Dispose() }
            $entryName = $archive.Entries[0].FullName
        } finally { $archive.Dispose() }
        $entryHash | Should -Be $item.ContentHash -Because 'the exported file is the original as archived'
        $rows = @(Import-Csv -LiteralPath "$zip.manifest.csv")
        $rows | Should -HaveCount 1
        $rows[0].ItemId | Should -Be $item.Id
        $rows[0].MessageId | Should -Be 'synthetic-board-0001@contoso.com'
        $rows[0].Entry | Should -Be $entryName
        $rows[0].Sha256 | Should -Be $entryHash
        $json = Get-Content -LiteralPath "$zip.manifest.json" -Raw | ConvertFrom-Json
        @($json.Items).Count | Should -Be 1
        $json.Items[0].Sha256 | Should -Be $entryHash
        $json.Files[0].Sha256 | Should -Be (Get-FileHash -LiteralPath $zip -Algorithm SHA256).Hash.ToLowerInvariant()
    }
}
