# The archive as an admin uses it: read a report to debug it, import reports under a definition,
# search the archive, export messages (with and without the envelope that reveals Bcc), and list
# what happened to every report. Each Describe has its own temporary store.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Reports = Join-Path $RepoRoot 'tests/Fixtures/Reports'

    function Get-Fixture([string] $Name) { Join-Path $Reports $Name }

    function Get-Sha256([byte[]] $Bytes) { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)) }

    # A store with the contoso.com organisation: its domains, a definition that keeps the default
    # rules, and alice, bob and dave in the internal directory.
    function Initialize-ArchiveStore {
        $store = Use-ContosoStore -Address alice@contoso.com, bob@contoso.com, dave@contoso.com
        New-JournalDefinition 'Contoso' journal@journal.contoso.com | Out-Null
        $store
    }

    # A file that is not a MIME message at all (the archive must quarantine it).
    function New-GarbageFile([string] $Path) {
        [IO.File]::WriteAllBytes($Path, [byte[]](0..255))
        $Path
    }

    function Get-RecipientText($Recipients) {
        @($Recipients | ForEach-Object { "$($_.Type) $($_.Address) $($_.ExpandedFrom) $($_.ForwardedFrom)".TrimEnd() })
    }
}

Describe 'Read-JournalReport' {
    BeforeAll {
        # Reading must not need or touch a store.
        $script:Store = Join-Path $TestDrive 'never/journaling.db'
        $env:MIMECASTJOURNALING_STORE = $Store
    }
    AfterAll {
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'reads the real Exchange 2019 report exactly' {
        $report = Read-JournalReport (Get-Fixture 'lkml-linux-block-exchange2019-onprem-recipient.eml')
        $report | Should -HaveCount 1
        "$($report.Format)" | Should -Be 'Envelope'
        $report.Sender | Should -Be 'ming.lei@redhat.com'
        $report.MessageId | Should -Be 'Z_3D0PZWolXUdXnK@fedora'
        $report.Recipients | Should -HaveCount 1
        $report.Recipients[0].Address | Should -Be 'yangpanfei@honor.com'
        "$($report.Recipients[0].Type)" | Should -Be 'Recipient'
        $report.ParseFailed | Should -BeFalse
        $report.Defects | Should -BeNullOrEmpty
        $report.Size | Should -Be (Get-Item (Get-Fixture 'lkml-linux-block-exchange2019-onprem-recipient.eml')).Length
    }

    It 'shows Bcc recipients, expanded groups and forwards of the envelope' {
        $report = Read-JournalReport (Get-Fixture 'synthetic-bcc-expanded-forwarded.eml')
        $report.Sender | Should -Be 'alice@contoso.com'
        $report.MessageId | Should -Be 'synthetic-orig-0001@contoso.com'
        $report.Subject | Should -Be 'Quarterly numbers'
        Get-RecipientText $report.Recipients | Should -Be @(
            'To bob@contoso.com'
            'To dl-member1@contoso.com sales@contoso.com'
            'Cc carol@fabrikam.com'
            'Cc fwd-target@contoso.com  dave@contoso.com'
            'Bcc erin@contoso.com'
            'Bcc dl-member2@contoso.com finance@contoso.com'
            'Recipient frank@contoso.com  grace@contoso.com'
        )
        $report.EnvelopeText | Should -Match '(?m)^Bcc: erin@contoso\.com'
    }

    It 'reads the files Get-ChildItem pipes, in order' {
        $reports = @(Get-ChildItem -LiteralPath $Reports -Filter 'synthetic-bifurcated-fork*.eml' | Sort-Object Name | Read-JournalReport)
        $reports | Should -HaveCount 2
        $reports.MessageId | Should -Be @('synthetic-fork-0001@contoso.com', 'synthetic-fork-0001@contoso.com')
        $reports[0].Recipients.Address | Should -Be 'bob@contoso.com'
        $reports[1].Recipients.Address | Should -Be 'partner@fabrikam.com'
    }

    It 'expands wildcards in -Path and reads a folder given as -Path' {
        @(Read-JournalReport (Join-Path $Reports 'synthetic-exchange2003*.eml')).Format | ForEach-Object { "$_" } | Should -Be @('Envelope2003', 'Envelope2003')
        $folder = Join-Path $TestDrive 'folder'
        New-Item -ItemType Directory $folder | Out-Null
        Copy-Item (Get-Fixture 'synthetic-bifurcated-fork1.eml'), (Get-Fixture 'synthetic-standard-eml.eml') $folder
        @(Read-JournalReport $folder).MessageId | Should -Be @('synthetic-fork-0001@contoso.com', 'synthetic-std-0001@contoso.com')
    }

    It 'takes -LiteralPath as written, brackets included' {
        $file = Join-Path $TestDrive 'report[1].eml'
        Copy-Item -LiteralPath (Get-Fixture 'synthetic-on-behalf-of.eml') -Destination $file
        $report = Read-JournalReport -LiteralPath $file
        $report.MessageId | Should -Be 'synthetic-obo-0001@contoso.com'
        $report.Sender | Should -Be 'assistant@contoso.com'
    }

    It 'writes ReportPathNotFound for a missing file and still reads the others' {
        $missing = Join-Path $TestDrive 'missing.eml'
        $reports = @(Read-JournalReport (Get-Fixture 'synthetic-bifurcated-fork1.eml'), $missing, (Get-Fixture 'synthetic-on-behalf-of.eml') `
                -ErrorVariable readErrors -ErrorAction SilentlyContinue)
        $reports.MessageId | Should -Be @('synthetic-fork-0001@contoso.com', 'synthetic-obo-0001@contoso.com')
        $readErrors | Should -HaveCount 1
        $readErrors[0].FullyQualifiedErrorId | Should -BeLike 'ReportPathNotFound,*'
        "$($readErrors[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
    }

    It 'writes ReportPathNotFound for a missing -LiteralPath too' {
        $reports = @(Read-JournalReport -LiteralPath (Join-Path $TestDrive 'gone[1].eml'), (Get-Fixture 'synthetic-standard-eml.eml') `
                -ErrorVariable readErrors -ErrorAction SilentlyContinue)
        $reports.MessageId | Should -Be @('synthetic-std-0001@contoso.com')
        $readErrors | Should -HaveCount 1
        $readErrors[0].FullyQualifiedErrorId | Should -BeLike 'ReportPathNotFound,*'
    }

    It 'marks input that is not MIME as ParseFailed instead of failing' {
        $report = Read-JournalReport (New-GarbageFile (Join-Path $TestDrive 'garbage.eml'))
        $report.ParseFailed | Should -BeTrue
        $report.Defects[0] | Should -BeLike 'The input could not be parsed as a MIME message*'
    }

    It 'archives nothing and creates no store' {
        Read-JournalReport (Get-Fixture 'synthetic-bifurcated-fork1.eml') | Out-Null
        Split-Path $Store | Should -Not -Exist
    }
}

Describe 'Import-JournalMessage' {
    BeforeAll {
        $script:Store = Initialize-ArchiveStore
        $script:Garbage = New-GarbageFile (Join-Path $TestDrive 'garbage.eml')
        $script:Fork1Copy = Join-Path $TestDrive 'fork1-again.eml'
        Copy-Item (Get-Fixture 'synthetic-bifurcated-fork1.eml') $Fork1Copy
        $script:Files = @(
            Get-Fixture 'synthetic-bifurcated-fork1.eml'            # Archived: a new item for alice and bob
            Get-Fixture 'synthetic-bifurcated-fork2.eml'            # Merged: the other fork of the same message
            Get-Fixture 'synthetic-hybrid-onprem-duplicate.eml'     # Merged: the on-premises report of it
            $Fork1Copy                                              # Duplicate: the very same bytes as the first
            Get-Fixture 'lkml-linux-block-exchange2019-onprem-recipient.eml' # Rejected: no registered domain at all
            Get-Fixture 'synthetic-on-behalf-of.eml'                # Rejected: assistant@contoso.com is not in the directory
            $Garbage                                                # Quarantined: not MIME
            Get-Fixture 'synthetic-standard-eml.eml'                # Archived: plain EML, stepped down
        )
        $script:Output = @(Import-JournalMessage -Path $Files -Definition 'Contoso' -PassThru)
        $script:Outcomes = @($Output | Where-Object { $_.GetType().FullName -eq 'MimecastJournaling.Engine.Archive.JournalOutcome' })
        $script:Summary = @($Output | Where-Object { $_.GetType().FullName -eq 'MimecastJournaling.Commands.JournalImportSummary' })
    }
    AfterAll {
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'writes one summary, last, with the count of each outcome' {
        $Summary | Should -HaveCount 1
        $Output[-1].GetType().FullName | Should -Be 'MimecastJournaling.Commands.JournalImportSummary'
        $s = $Summary[0]
        $s.Files | Should -Be 8
        $s.Archived | Should -Be 2
        $s.Merged | Should -Be 2
        $s.Duplicate | Should -Be 1
        $s.Quarantined | Should -Be 1
        $s.Rejected | Should -Be 2
        $s.Unreadable | Should -Be 0
    }

    It 'with -PassThru writes each report''s outcome in the order of the files' {
        $Outcomes.Outcome | ForEach-Object { "$_" } | Should -Be @('Archived', 'Merged', 'Merged', 'Duplicate', 'Rejected', 'Rejected', 'Quarantined', 'Archived')
        $Outcomes.Source | Should -Be @($Files | ForEach-Object { 'file:' + $_ })
        $Outcomes | ForEach-Object { $_.Definition } | Sort-Object -Unique | Should -Be 'Contoso'
    }

    It 'puts the two forks, the hybrid duplicate and the repeated report into one item' {
        $itemId = $Outcomes[0].ItemId
        $itemId | Should -Not -BeNullOrEmpty
        $Outcomes[0..3].ItemId | Should -Be @($itemId, $itemId, $itemId, $itemId)
        $Outcomes[7].ItemId | Should -Not -Be $itemId
        $Outcomes[4..6] | ForEach-Object { $_.ItemId | Should -BeNullOrEmpty }
    }

    It 'names the rule that rejected a report' {
        $Outcomes[4].Rule | Should -Be 'JournalNonInternalAddresses'
        $Outcomes[5].Rule | Should -Be 'JournalUnknownInternalAddresses'
        $Outcomes[5].Reason | Should -Match 'assistant@contoso\.com'
    }

    It 'records that plain EML stepped down to its header recipients' {
        "$($Outcomes[7].Format)" | Should -Be 'Standard'
        $Outcomes[7].Defects | Should -Contain 'Not an envelope journal report: the recipients come from the message''s To, Cc and Bcc headers (stepped down to standard EML).'
        (Get-JournalMessage -Id $Outcomes[7].ItemId).Recipients.Address |
            Should -Be @('bob@contoso.com', 'carol@contoso.com', 'dave@contoso.com', 'erin@fabrikam.com', 'frank@contoso.com')
    }

    It 'makes one item of the three reports, with the union of their recipients' {
        $items = @(Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com')
        $items | Should -HaveCount 1
        $item = $items[0]
        $item.Reports | Should -HaveCount 4
        $item.Reports.Source | Should -Be @($Files[0..3] | ForEach-Object { 'file:' + $_ })
        $item.Reports.Outcome | ForEach-Object { "$_" } | Should -Be @('Archived', 'Merged', 'Merged', 'Duplicate')
        Get-RecipientText $item.Recipients | Should -Be @('To bob@contoso.com', 'To partner@fabrikam.com', 'Bcc dave@contoso.com team@contoso.com')
        $item.Mailboxes | Should -Be @('alice@contoso.com', 'bob@contoso.com', 'dave@contoso.com')
        $item.Sender | Should -Be 'alice@contoso.com'
        "$($item.State)" | Should -Be 'Archived'
    }

    It 'imports the files Get-ChildItem pipes (bound to -LiteralPath)' {
        $folder = Join-Path $TestDrive 'piped'
        New-Item -ItemType Directory $folder | Out-Null
        Copy-Item (Get-Fixture 'synthetic-bcc-expanded-forwarded.eml') $folder
        $summary = Get-ChildItem -LiteralPath $folder | Import-JournalMessage -Definition 'Contoso'
        $summary.Files | Should -Be 1
        $summary.Archived | Should -Be 1
        @(Get-JournalMessage -Subject 'Quarterly numbers') | Should -HaveCount 1
    }

    It 'imports nothing with -WhatIf' {
        $before = @(Get-JournalOutcome).Count
        $output = Import-JournalMessage (Get-Fixture 'synthetic-exchange2003.eml') -Definition 'Contoso' -WhatIf
        $output | Should -BeNullOrEmpty
        @(Get-JournalOutcome).Count | Should -Be $before
        Get-JournalMessage -MessageId 'synthetic-2003-0001@contoso.com' | Should -BeNullOrEmpty
    }

    It 'stops with JournalDefinitionNotFound for an unknown definition, before reading anything' {
        $before = @(Get-JournalOutcome).Count
        $caught = $null
        try {
            Import-JournalMessage (Get-Fixture 'synthetic-exchange2003.eml') -Definition 'No such definition' -ErrorAction SilentlyContinue
        } catch {
            $caught = $_
        }
        $caught | Should -Not -BeNullOrEmpty -Because 'an unknown definition is a terminating error, whatever -ErrorAction says'
        $caught.FullyQualifiedErrorId | Should -BeLike 'JournalDefinitionNotFound*'
        @(Get-JournalOutcome).Count | Should -Be $before
    }

    It 'writes ReportPathNotFound for a missing file, imports the others and does not count it' {
        $summary = Import-JournalMessage (Join-Path $TestDrive 'missing.eml'), (Get-Fixture 'synthetic-exchange2003.eml') -Definition 'Contoso' `
            -ErrorVariable importErrors -ErrorAction SilentlyContinue
        $importErrors | Should -HaveCount 1
        $importErrors[0].FullyQualifiedErrorId | Should -BeLike 'ReportPathNotFound,*'
        $summary.Files | Should -Be 1
        $summary.Archived | Should -Be 1
    }
}

Describe 'Get-JournalMessage' {
    BeforeAll {
        $script:Store = Initialize-ArchiveStore
        New-JournalDefinition 'Other' other@journal.contoso.com -JournalNonInternalAddresses | Out-Null
        $outcomes = @(Import-JournalMessage -Definition 'Contoso' -PassThru -Path @(
                Get-Fixture 'synthetic-bcc-expanded-forwarded.eml'
                Get-Fixture 'synthetic-bifurcated-fork1.eml'
                Get-Fixture 'synthetic-bifurcated-fork2.eml'
                Get-Fixture 'synthetic-hybrid-onprem-duplicate.eml'
                Get-Fixture 'synthetic-exchange2003.eml'
                Get-Fixture 'synthetic-standard-eml.eml'
            ) | Where-Object { $_.GetType().FullName -eq 'MimecastJournaling.Engine.Archive.JournalOutcome' })
        $lkml = Import-JournalMessage (Get-Fixture 'lkml-linux-block-exchange2019-onprem-recipient.eml') -Definition 'Other' -PassThru |
            Where-Object { $_.GetType().FullName -eq 'MimecastJournaling.Engine.Archive.JournalOutcome' }
        $script:Id = @{
            Bcc      = $outcomes[0].ItemId
            Fork     = $outcomes[1].ItemId
            Legacy   = $outcomes[4].ItemId
            Standard = $outcomes[5].ItemId
            Lkml     = $lkml.ItemId
        }
        $script:ForkOutcomes = $outcomes[1..3]
    }
    AfterAll {
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'lists every item, oldest first, without filters' {
        (Get-JournalMessage).Id | Should -Be @($Id.Bcc, $Id.Fork, $Id.Legacy, $Id.Standard, $Id.Lkml)
        "$((Get-JournalOutcome -First 1).Outcome)" | Should -Be 'Archived' -Because 'the lkml report was archived without owner under Other'
        (Get-JournalMessage -Id $Id.Lkml).Mailboxes | Should -BeNullOrEmpty
    }

    It 'filters by -MessageId <Filter>' -ForEach @(
        @{ Filter = 'synthetic-fork-0001@contoso.com'; Expected = 'Fork' }
        @{ Filter = '<synthetic-fork-0001@contoso.com>'; Expected = 'Fork' }
        @{ Filter = 'SYNTHETIC-FORK-0001@CONTOSO.COM'; Expected = 'Fork' }
        @{ Filter = 'synthetic-2003-*'; Expected = 'Legacy' }
        @{ Filter = '*@fedora'; Expected = 'Lkml' }
        @{ Filter = 'synthetic-????-0001@contoso.com'; Expected = 'Fork', 'Legacy', 'Orig' }
    ) {
        $expectedIds = @($Expected | ForEach-Object { if ($_ -eq 'Orig') { $Id.Bcc } else { $Id[$_] } } | Sort-Object)
        @(Get-JournalMessage -MessageId $Filter).Id | Should -Be $expectedIds
    }

    It 'does not match part of a Message-ID without a wildcard' {
        Get-JournalMessage -MessageId 'synthetic-fork' | Should -BeNullOrEmpty
    }

    It 'filters by -Mailbox (the mailbox, not the group or forward it came through)' {
        @(Get-JournalMessage -Mailbox dave@contoso.com).Id | Should -Be @($Id.Fork, $Id.Standard)
        @(Get-JournalMessage -Mailbox 'BOB@*').Id | Should -Be @($Id.Bcc, $Id.Fork, $Id.Legacy, $Id.Standard)
        Get-JournalMessage -Mailbox team@contoso.com | Should -BeNullOrEmpty
    }

    It 'filters by -Sender' {
        @(Get-JournalMessage -Sender 'ming.lei@*').Id | Should -Be @($Id.Lkml)
        @(Get-JournalMessage -Sender 'alice@contoso.com').Id | Should -Be @($Id.Bcc, $Id.Fork, $Id.Legacy, $Id.Standard)
    }

    It 'filters by -Recipient, Bcc and expanded members included' {
        @(Get-JournalMessage -Recipient erin@contoso.com).Id | Should -Be @($Id.Bcc, $Id.Legacy)
        @(Get-JournalMessage -Recipient dave@contoso.com).Id | Should -Be @($Id.Fork, $Id.Standard)
        @(Get-JournalMessage -Recipient '*@fabrikam.com').Id | Should -Be @($Id.Bcc, $Id.Fork, $Id.Legacy, $Id.Standard)
        @(Get-JournalMessage -Recipient 'dl-member?@contoso.com').Id | Should -Be @($Id.Bcc)
        Get-JournalMessage -Recipient sales@contoso.com | Should -BeNullOrEmpty -Because 'a group address is not itself a recipient'
    }

    It 'filters by -Subject with wildcards' {
        @(Get-JournalMessage -Subject 'Legacy*').Id | Should -Be @($Id.Legacy)
        @(Get-JournalMessage -Subject '*NUMBERS*').Id | Should -Be @($Id.Bcc)
        @(Get-JournalMessage -Subject 'Forked').Id | Should -Be @($Id.Fork)
    }

    It 'filters by -After and -Before on the message date' {
        $cut = [datetime]::new(2010, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
        @(Get-JournalMessage -Before $cut).Id | Should -Be @($Id.Legacy)
        @(Get-JournalMessage -After $cut).Id | Should -Be @($Id.Bcc, $Id.Fork, $Id.Standard, $Id.Lkml)
        # The 2003 report's original is dated 2008-03-04 10:00 -08:00, i.e. 18:00 UTC.
        $legacy = [datetime]::new(2008, 3, 4, 18, 0, 0, [DateTimeKind]::Utc)
        @(Get-JournalMessage -After $legacy.AddMinutes(-1) -Before $legacy.AddMinutes(1)).Id | Should -Be @($Id.Legacy)
        Get-JournalMessage -After $legacy.AddMinutes(1) -Before $cut | Should -BeNullOrEmpty
    }

    It 'filters by -Definition' {
        @(Get-JournalMessage -Definition 'Other').Id | Should -Be @($Id.Lkml)
        @(Get-JournalMessage -Definition 'contoso').Id | Should -Be @($Id.Bcc, $Id.Fork, $Id.Legacy, $Id.Standard)
    }

    It 'writes JournalDefinitionNotFound for an unknown -Definition' {
        $items = Get-JournalMessage -Definition 'Nope' -ErrorVariable e -ErrorAction SilentlyContinue
        $items | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'JournalDefinitionNotFound*'
    }

    It 'combines filters' {
        @(Get-JournalMessage -Sender alice@contoso.com -Recipient '*@fabrikam.com' -Mailbox dave@contoso.com).Id | Should -Be @($Id.Fork, $Id.Standard)
        @(Get-JournalMessage -Sender alice@contoso.com -Subject 'Stepped*' -Definition 'Contoso').Id | Should -Be @($Id.Standard)
    }

    It 'pages with -First and the paging offset parameter' {
        # Splatted, so the project's check for skipped tests does not mistake the paging offset for one.
        $page2 = @{ Skip = 1; First = 2 }; $from5 = @{ Skip = 4 }; $past = @{ Skip = 5 }
        @(Get-JournalMessage -First 2).Id | Should -Be @($Id.Bcc, $Id.Fork)
        @(Get-JournalMessage @page2).Id | Should -Be @($Id.Fork, $Id.Legacy)
        @(Get-JournalMessage @from5).Id | Should -Be @($Id.Lkml)
        Get-JournalMessage @past | Should -BeNullOrEmpty
    }

    It 'gets items by -Id, and writes JournalMessageNotFound for an unknown one while returning the others' {
        $items = @(Get-JournalMessage -Id $Id.Legacy, 987654, $Id.Bcc -ErrorVariable e -ErrorAction SilentlyContinue)
        $items.Id | Should -Be @($Id.Legacy, $Id.Bcc)
        $items[0].MessageId | Should -Be 'synthetic-2003-0001@contoso.com'
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'JournalMessageNotFound*'
        $e[0].TargetObject | Should -Be 987654
    }

    It 'gets the item of each outcome piped from Get-JournalOutcome (ItemId, not the report number)' {
        $items = @($ForkOutcomes | Get-JournalMessage)
        $items.Id | Should -Be @($Id.Fork, $Id.Fork, $Id.Fork)
        $items[0].MessageId | Should -Be 'synthetic-fork-0001@contoso.com'
    }
}

Describe 'Export-JournalMessage' {
    BeforeAll {
        $script:Store = Initialize-ArchiveStore
        $script:Imported = @(
            Get-Fixture 'synthetic-bifurcated-fork1.eml'
            Get-Fixture 'synthetic-bifurcated-fork2.eml'
            Get-Fixture 'synthetic-hybrid-onprem-duplicate.eml'
        )
        Import-JournalMessage -Path ($Imported + (Get-Fixture 'synthetic-bcc-expanded-forwarded.eml')) -Definition 'Contoso' | Out-Null
        $script:Item = Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com'
        $script:Other = Get-JournalMessage -MessageId 'synthetic-orig-0001@contoso.com'
        $script:Original = (Read-JournalReport $Imported[0]).OriginalMessage.ToArray()
        function New-ExportFolder([string] $Name) {
            $folder = Join-Path $TestDrive $Name
            New-Item -ItemType Directory $folder | Out-Null
            $folder
        }
    }
    AfterAll {
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'holds the two forks and the hybrid duplicate as one item with three reports and the union of recipients' {
        @(Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com') | Should -HaveCount 1
        $Item.Reports | Should -HaveCount 3
        $Item.Reports.Outcome | ForEach-Object { "$_" } | Should -Be @('Archived', 'Merged', 'Merged')
        Get-RecipientText $Item.Recipients | Should -Be @('To bob@contoso.com', 'To partner@fabrikam.com', 'Bcc dave@contoso.com team@contoso.com')
    }

    It 'writes the original byte-identical to the message embedded in the report, named after the item id (.eml)' {
        $folder = New-ExportFolder 'original'
        $result = Export-JournalMessage -Id $Item.Id -Destination $folder
        $result.Verified | Should -BeTrue
        $files = @($result.Files)
        $files | Should -HaveCount 1
        $files[0].Sha256 | Should -Be $Item.ContentHash
        $files[0].Name | Should -Be "$($Item.Id).eml"
        $bytes = [IO.File]::ReadAllBytes($files[0].FullName)
        $bytes.Length | Should -Be $Original.Length
        Get-Sha256 $bytes | Should -Be (Get-Sha256 $Original)
        @(Get-ChildItem $folder).Name | Should -Be @("$($Item.Id).eml")
    }

    It 'leaves out the envelope, so the Bcc recipient is not revealed' {
        $folder = New-ExportFolder 'private'
        $file = (Export-JournalMessage $Item.Id $folder).Files[0]
        $text = [IO.File]::ReadAllText($file.FullName)
        $text | Should -Not -Match 'dave@contoso\.com'
        $text | Should -Not -Match 'X-MS-Journal-Report'
        $Item.Recipients.Address | Should -Contain 'dave@contoso.com' -Because 'the archive knows the Bcc recipient from the envelope'
    }

    It 'with -IncludeEnvelope writes every contributing report byte-identical to the imported file' {
        $folder = New-ExportFolder 'envelope'
        $files = @((Export-JournalMessage -Id $Item.Id -Destination $folder -IncludeEnvelope -IncludeBcc).Files)
        $files | Should -HaveCount 3
        $files.Name | Should -Be @($Item.Reports | ForEach-Object { "$($Item.Id)-report$($_.ReportId).eml" })
        for ($i = 0; $i -lt 3; $i++) {
            $Item.Reports[$i].Source | Should -Be ('file:' + $Imported[$i])
            Get-Sha256 ([IO.File]::ReadAllBytes($files[$i].FullName)) | Should -Be (Get-Sha256 ([IO.File]::ReadAllBytes($Imported[$i])))
        }
        Test-Path (Join-Path $folder "$($Item.Id).eml") | Should -BeFalse -Because '-IncludeEnvelope writes the reports instead of the original'
        [IO.File]::ReadAllText($files[2].FullName) | Should -Match 'Bcc: dave@contoso\.com, Expanded: team@contoso\.com'
    }

    It 'exports the items piped from Get-JournalMessage' {
        $folder = New-ExportFolder 'piped'
        $files = @((Get-JournalMessage -Sender alice@contoso.com | Export-JournalMessage -Destination $folder).Files)
        $files.Name | Sort-Object | Should -Be (@("$($Item.Id).eml", "$($Other.Id).eml") | Sort-Object)
    }

    It 'does not overwrite an existing file: ExportFileExists, the other files are still written' {
        $folder = New-ExportFolder 'exists'
        $existing = Join-Path $folder "$($Item.Id).eml"
        Set-Content -LiteralPath $existing -Value 'keep me' -NoNewline
        $files = @((Export-JournalMessage -Id $Item.Id, $Other.Id -Destination $folder -ErrorVariable e -ErrorAction SilentlyContinue).Files)
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ExportFileExists*'
        Get-Content -LiteralPath $existing -Raw | Should -Be 'keep me'
        $files.Name | Should -Be @("$($Other.Id).eml")
    }

    It 'overwrites an existing file with -Force' {
        $folder = New-ExportFolder 'force'
        $existing = Join-Path $folder "$($Item.Id).eml"
        Set-Content -LiteralPath $existing -Value 'old' -NoNewline
        $file = (Export-JournalMessage -Id $Item.Id -Destination $folder -Force -ErrorVariable e).Files[0]
        $e | Should -BeNullOrEmpty
        $file.FullName | Should -Be $existing
        Get-Sha256 ([IO.File]::ReadAllBytes($existing)) | Should -Be (Get-Sha256 $Original)
    }

    It 'stops with ExportDestinationNotFound when the folder does not exist' {
        $missing = Join-Path $TestDrive 'no-such-folder'
        $caught = $null
        try {
            Export-JournalMessage -Id $Item.Id -Destination $missing -ErrorAction SilentlyContinue
        } catch {
            $caught = $_
        }
        $caught | Should -Not -BeNullOrEmpty -Because 'a missing destination is a terminating error'
        $caught.FullyQualifiedErrorId | Should -BeLike 'ExportDestinationNotFound*'
        $missing | Should -Not -Exist
    }

    It 'writes JournalMessageNotFound for an unknown Id and still exports the others' {
        $folder = New-ExportFolder 'unknown'
        $files = @((Export-JournalMessage -Id 987654, $Other.Id -Destination $folder -ErrorVariable e -ErrorAction SilentlyContinue).Files)
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'JournalMessageNotFound*'
        $files.Name | Should -Be @("$($Other.Id).eml")
    }

    It 'writes nothing with -WhatIf' {
        $folder = New-ExportFolder 'whatif'
        $output = Export-JournalMessage -Id $Item.Id, $Other.Id -Destination $folder -IncludeEnvelope -IncludeBcc -WhatIf
        $output | Should -BeNullOrEmpty
        Get-ChildItem -LiteralPath $folder | Should -BeNullOrEmpty
    }
}

Describe 'Get-JournalOutcome' {
    BeforeAll {
        $script:Store = Initialize-ArchiveStore
        New-JournalDefinition 'Other' other@journal.contoso.com | Out-Null
        $script:Garbage = New-GarbageFile (Join-Path $TestDrive 'garbage.eml')
        $script:Imported = @(Import-JournalMessage -Definition 'Contoso' -PassThru -Path @(
                Get-Fixture 'synthetic-bifurcated-fork1.eml'
                Get-Fixture 'lkml-linux-block-exchange2019-onprem-recipient.eml'
                Get-Fixture 'synthetic-on-behalf-of.eml'
                $Garbage
                Get-Fixture 'synthetic-bifurcated-fork2.eml'
            ) | Where-Object { $_.GetType().FullName -eq 'MimecastJournaling.Engine.Archive.JournalOutcome' })
        $script:OtherOutcome = Import-JournalMessage (Get-Fixture 'synthetic-exchange2003.eml') -Definition 'Other' -PassThru |
            Where-Object { $_.GetType().FullName -eq 'MimecastJournaling.Engine.Archive.JournalOutcome' }
    }
    AfterAll {
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'lists every report newest first, as the import reported them' {
        $all = @(Get-JournalOutcome)
        $all | Should -HaveCount 6
        $all.ReportId | Should -Be @($OtherOutcome.ReportId; $Imported[4..0].ReportId)
        $all.Outcome | ForEach-Object { "$_" } | Should -Be @('Archived', 'Merged', 'Quarantined', 'Rejected', 'Rejected', 'Archived')
        $all[5].Source | Should -Be ('file:' + (Get-Fixture 'synthetic-bifurcated-fork1.eml'))
        $all[5].ItemId | Should -Be $all[1].ItemId
    }

    It 'shows the rule and the reason of a rejected report' {
        $rejected = @(Get-JournalOutcome -Outcome Rejected)
        $rejected | Should -HaveCount 2
        $unknown, $nonInternal = $rejected
        $nonInternal.MessageId | Should -Be 'Z_3D0PZWolXUdXnK@fedora'
        $nonInternal.Sender | Should -Be 'ming.lei@redhat.com'
        $nonInternal.Rule | Should -Be 'JournalNonInternalAddresses'
        $nonInternal.Reason | Should -Match 'JournalNonInternalAddresses is off'
        $nonInternal.ItemId | Should -BeNullOrEmpty
        $unknown.Rule | Should -Be 'JournalUnknownInternalAddresses'
        $unknown.Reason | Should -Match 'assistant@contoso\.com'
        $unknown.Reason | Should -Match 'Add-JournalInternalAddress'
    }

    It 'shows why a report was quarantined' {
        $quarantined = @(Get-JournalOutcome -Outcome Quarantined)
        $quarantined | Should -HaveCount 1
        $quarantined[0].Source | Should -Be ('file:' + $Garbage)
        $quarantined[0].Reason | Should -BeLike 'The input could not be parsed as a MIME message*'
        $quarantined[0].Rule | Should -BeNullOrEmpty
        $quarantined[0].ItemId | Should -BeNullOrEmpty
        $quarantined[0].Size | Should -Be 256
    }

    It 'shows rule and reason in the default table' {
        $text = Get-JournalOutcome -Outcome Rejected | Out-String -Width 300
        $text | Should -Match '\[JournalUnknownInternalAddresses\] Only addresses in internal domains'
        $text | Should -Match '\[JournalNonInternalAddresses\] No sender or recipient'
    }

    It 'filters by -Definition' {
        @(Get-JournalOutcome -Definition 'Other').ReportId | Should -Be @($OtherOutcome.ReportId)
        @(Get-JournalOutcome -Definition 'Contoso').Count | Should -Be 5
    }

    It 'filters by -After on the time of receipt' {
        Get-JournalOutcome -After ([datetime]::UtcNow.AddDays(1)) | Should -BeNullOrEmpty
        @(Get-JournalOutcome -After ([datetime]::new(2000, 1, 1, 0, 0, 0, [DateTimeKind]::Utc))).Count | Should -Be 6
    }

    It 'returns the newest with -First, and combines filters' {
        @(Get-JournalOutcome -First 2).ReportId | Should -Be @($OtherOutcome.ReportId, $Imported[4].ReportId)
        @(Get-JournalOutcome -Outcome Archived -Definition 'Contoso').ReportId | Should -Be @($Imported[0].ReportId)
        @(Get-JournalOutcome -Outcome Rejected -First 1).ReportId | Should -Be @($Imported[2].ReportId)
    }
}

Describe 'The merge window' {
    BeforeAll {
        $script:Store = Initialize-ArchiveStore
        New-JournalDefinition 'Windowed' windowed@journal.contoso.com -InitialProcessDelay '00:00:01' -DeliveryWaitAttempts 1 | Out-Null
    }
    AfterAll {
        Remove-TestStore $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'keeps a new item Pending until InitialProcessDelay x DeliveryWaitAttempts has passed, then lists it as Archived' {
        Import-JournalMessage -LiteralPath (Get-Fixture 'synthetic-bifurcated-fork1.eml') -Definition Windowed | Out-Null
        $outcome = Get-JournalOutcome -First 1
        $outcome.Outcome | Should -Be 'Archived'
        # Read straight after the import: the one-second window is still open.
        (Get-JournalMessage -Id $outcome.ItemId).State | Should -Be 'Pending'
        # Nothing else arrives; once the window has closed a plain listing shows the item as final.
        Start-Sleep -Seconds 2
        (Get-JournalMessage -Id $outcome.ItemId).State | Should -Be 'Archived'
        (Get-JournalMessage -MessageId 'synthetic-fork-0001@contoso.com').State | Should -Be 'Archived'
    }
}
