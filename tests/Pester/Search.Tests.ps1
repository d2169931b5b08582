# Search-JournalMessage, Get-JournalIndexStatus and Update-JournalIndex against both backends: a
# SQLite file and a PostgreSQL store the test makes itself (Postgres.ps1). Reports arrive over SMTP
# (the listener indexes them beside the archive) and by Import-JournalMessage (which indexes what it
# archived; with -SkipIndex, Update-JournalIndex or a listener does); the searches cover a Bcc recipient, a phrase, NOT, dates and an attachment name.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Postgres.ps1')
    $script:Reports = Join-Path $RepoRoot 'tests/Fixtures/Reports'
    $script:Postgres = Start-TestPostgres

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
        'JVBERi0xLjQKJcfsj6IKMSAwIG9iago='
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
}
