# Retention policies, legal holds, Invoke-JournalRetention and Remove-JournalMessage over a
# generated archive (synthetic journal reports whose message Dates lie in the past, so items are
# expired without a test clock or a sleep), on a SQLite file and on PostgreSQL.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Postgres.ps1')
    $script:Postgres = Start-TestPostgres
}
AfterAll {
    Stop-TestPostgres $Postgres -Remove
}

Describe 'Retention and legal holds on a <Backend> store' -ForEach @(@{ Backend = 'SQLite' }, @{ Backend = 'PostgreSQL' }) {
    BeforeAll {
        $script:Store = New-BackendTestStore $Backend $Postgres
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name journal.contoso.com, contoso.com | Out-Null
        Add-JournalInternalAddress -Address alice@contoso.com, bob@contoso.com, carol@contoso.com, legal@contoso.com, dave@contoso.com | Out-Null
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted:$false | Out-Null

        # Two policies: one year for everything, ten years for the legal mailbox. They exist before
        # the import, so each item's expiry is fixed as it is archived.
        New-JournalRetentionPolicy -Name 'Default' -RetainFor (New-TimeSpan -Days 365) | Out-Null
        New-JournalRetentionPolicy -Name 'Legal' -RetainFor (New-TimeSpan -Days 3650) -Mailbox 'legal@contoso.com' | Out-Null

        # A generated archive of 40 messages: four recipients in turn, dated 0 to 1,170 days ago.
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive "archive-$Backend")
        $recipients = 'bob@contoso.com', 'carol@contoso.com', 'legal@contoso.com', 'dave@contoso.com'
        $script:Generated = foreach ($n in 1..40) { New-DatedTestReport $folder retention $n $recipients[$n % 4] (($n - 1) * 30) }
        $import = Import-JournalMessage -Path $Generated.Path -Definition 'EXO'
        $import.Archived | Should -Be 40
        Update-JournalIndex | Out-Null   # so the removal below is seen to take the index entries too

        # One hold: everything that reached dave.
        $script:Hold = New-JournalHold -Name 'Case 4711' -Reason 'Contoso v. Fabrikam, docket 4711' -Mailbox 'dave@contoso.com'

        # What must go, worked out here from the generated facts (not by the module): older than a
        # year, not for the legal mailbox (ten years, and no item is that old), not for dave (held).
        $script:Expired = @($Generated | Where-Object { $_.DaysAgo -gt 366 -and $_.To -ne 'legal@contoso.com' })
        $script:ExpectedRemoved = @($Expired | Where-Object To -ne 'dave@contoso.com')
        $script:ExpectedHeld = @($Expired | Where-Object To -eq 'dave@contoso.com')
    }
    AfterAll {
        Remove-BackendTestStore $Backend $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'shows each item''s expiry, fixed when it was archived by the longest policy, and its holds' {
        $items = Get-JournalMessage
        $items | Should -HaveCount 40
        $legal = $items | Where-Object { $_.Recipients.Address -contains 'legal@contoso.com' } | Select-Object -First 1
        $legal.RetentionPolicy | Should -Be 'Legal'
        ($legal.ExpiresOn - $legal.Date).TotalDays | Should -Be 3650
        $bob = $items | Where-Object { $_.Recipients.Address -contains 'bob@contoso.com' } | Select-Object -First 1
        $bob.RetentionPolicy | Should -Be 'Default'
        ($bob.ExpiresOn - $bob.Date).TotalDays | Should -Be 365
        @($items | Where-Object { $_.Holds -contains 'Case 4711' }).Count | Should -Be 10
        (Get-JournalMessage -Recipient dave@contoso.com).Holds | Sort-Object -Unique | Should -Be 'Case 4711'
    }

    It 'counts with -WhatIf and removes nothing' {
        $preview = Invoke-JournalRetention -WhatIf
        $preview.WhatIf | Should -BeTrue
        $preview.Expired | Should -Be $Expired.Count
        $preview.Removed | Should -Be $ExpectedRemoved.Count
        $preview.Held | Should -Be $ExpectedHeld.Count
        Get-JournalMessage | Should -HaveCount 40
    }

    It 'removes exactly the expired items that no hold covers, and logs the removal with counts and the policy' {
        $result = Invoke-JournalRetention -Confirm:$false
        Write-Host ("    [{0}] generated 40, expired {1}, removed {2}, kept by the hold {3}; reports {4}, blobs {5} ({6} bytes)" -f
            $Backend, $result.Expired, $result.Removed, $result.Held, $result.Reports, $result.Blobs, $result.BlobBytes)

        $result.Expired | Should -Be $Expired.Count
        $result.Removed | Should -Be $ExpectedRemoved.Count
        $result.Held | Should -Be $ExpectedHeld.Count
        $result.Reports | Should -Be $ExpectedRemoved.Count
        $result.Blobs | Should -BeGreaterOrEqual $ExpectedRemoved.Count
        $left = (Get-JournalMessage).MessageId | Sort-Object
        $left | Should -Be ($Generated | Where-Object { $_ -notin $ExpectedRemoved } | ForEach-Object MessageId | Sort-Object)
        foreach ($gone in $ExpectedRemoved) { Get-JournalMessage -MessageId $gone.MessageId | Should -BeNullOrEmpty }

        $removal = Get-JournalEvent | Where-Object ObjectType -eq 'RetentionPolicy' | Where-Object Action -eq 'Removed'
        $removal.ObjectName | Sort-Object -Unique | Should -Be 'Default'
        $removal.NewValue | Should -Match "^$($ExpectedRemoved.Count) expired items removed"
        (Get-JournalEvent | Where-Object ObjectType -eq 'Archive' | Where-Object Action -eq 'RetentionRun').NewValue |
            Should -Match "^$($Expired.Count) expired, $($ExpectedRemoved.Count) removed, $($ExpectedHeld.Count) kept by a hold"

        # The index entries went with the items: a search finds exactly what is left, and the index
        # counts no entry more than the archive has items.
        $found = (Search-JournalMessage -Query 'subject:message' -First 100).MessageId | Sort-Object
        $found | Should -Be $left
        $status = Get-JournalIndexStatus
        $status.Items | Should -Be (40 - $ExpectedRemoved.Count)
        $status.Indexed | Should -Be $status.Items

        (Invoke-JournalRetention -Confirm:$false).Removed | Should -Be 0
    }

    It 'refuses to erase a held item, and an unexpired one without -Force, and logs the reason' {
        $held = Get-JournalMessage -MessageId $ExpectedHeld[0].MessageId
        { Remove-JournalMessage -Id $held.Id -Reason 'GDPR request 17' -Force -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'JournalMessageHeld*'
        $young = Get-JournalMessage -Recipient bob@contoso.com | Sort-Object Date -Descending | Select-Object -First 1
        { Remove-JournalMessage -Id $young.Id -Reason 'GDPR request 17' -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'JournalMessageRetained*'
        Remove-JournalMessage -Id $young.Id -Reason 'GDPR request 17' -WhatIf
        Get-JournalMessage -Id $young.Id | Should -Not -BeNullOrEmpty

        $young | Remove-JournalMessage -Reason 'GDPR request 17' -Force -Confirm:$false
        Get-JournalMessage -Id $young.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $logged = Get-JournalEvent | Where-Object ObjectType -eq 'Archive' | Where-Object { $_.Action -eq 'Removed' -and $_.ObjectId -eq "$($young.Id)" }
        $logged.NewValue | Should -Match '^GDPR request 17 \(before its retention ended \(-Force\)'
        Get-JournalMessage -Id $held.Id | Should -Not -BeNullOrEmpty
    }

    It 'keeps a released hold as a record with its scope, and the next run removes what it held' {
        Remove-JournalHold -Name 'Case 4711' -Reason 'Settled' -Confirm:$false
        Get-JournalHold | Should -BeNullOrEmpty
        $record = Get-JournalHold -IncludeReleased
        $record.Name | Should -Be 'Case 4711'
        $record.Scope.Mailbox | Should -Be 'dave@contoso.com'
        $record.ReleaseReason | Should -Be 'Settled'
        $record.ReleasedBy | Should -Not -BeNullOrEmpty
        $record.CreatedBy | Should -Be $record.ReleasedBy

        (Invoke-JournalRetention -Confirm:$false).Removed | Should -Be $ExpectedHeld.Count
    }

    It 'recalculates expiries only with -Recalculate, counting first with -WhatIf' {
        $before = Get-JournalMessage | Select-Object Id, ExpiresOn
        $count = Set-JournalRetentionPolicy -Name 'Default' -RetainFor (New-TimeSpan -Days 100) -Recalculate -WhatIf
        (Get-JournalRetentionPolicy 'Default').RetainFor.TotalDays | Should -Be 365
        $count.WhatIf | Should -BeTrue
        $expectedChanges = @(Get-JournalMessage | Where-Object RetentionPolicy -eq 'Default').Count
        $count.Changed | Should -Be $expectedChanges
        $count.Earlier | Should -Be $expectedChanges
        (Get-JournalMessage | Select-Object Id, ExpiresOn | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)

        Set-JournalRetentionPolicy -Name 'Default' -RetainFor (New-TimeSpan -Days 100) | Out-Null
        (Get-JournalMessage | Select-Object Id, ExpiresOn | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)
        $done = Set-JournalRetentionPolicy -Name 'Default' -Recalculate -Confirm:$false | Where-Object { $_.GetType().Name -eq 'RetentionRecalculation' }
        $done.Changed | Should -Be $expectedChanges
        $bob = Get-JournalMessage -Recipient bob@contoso.com | Select-Object -First 1
        ($bob.ExpiresOn - $bob.Date).TotalDays | Should -Be 100
    }

    It 'names the fix when a policy or hold is wrong' {
        { New-JournalRetentionPolicy -Name 'default' -RetainFor (New-TimeSpan -Days 1) -ErrorAction Stop } | Should -Throw -ErrorId 'RetentionPolicyExists*'
        { New-JournalRetentionPolicy -Name 'Zero' -RetainFor 0 -ErrorAction Stop } | Should -Throw -ErrorId 'RetentionPolicyRetainForInvalid*'
        { Get-JournalRetentionPolicy -Name 'Nope' -ErrorAction Stop } | Should -Throw -ErrorId 'RetentionPolicyNotFound*'
        { New-JournalHold -Name 'Bad range' -Reason 'r' -Start '2026-02-01' -End '2026-01-01' -ErrorAction Stop } | Should -Throw -ErrorId 'JournalHoldDateRangeInvalid*'
        { Remove-JournalHold -Name 'Case 4711' -Reason 'again' -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'JournalHoldNotFound*'
        Remove-JournalRetentionPolicy -Name 'Legal' -Confirm:$false
        (Get-JournalRetentionPolicy).Name | Should -Be 'Default'
    }
}

Describe 'Holds by search query on a <Backend> store' -ForEach @(@{ Backend = 'SQLite' }, @{ Backend = 'PostgreSQL' }) {
    BeforeAll {
        $script:Store = New-BackendTestStore $Backend $Postgres
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name journal.contoso.com, contoso.com | Out-Null
        Add-JournalInternalAddress -Address alice@contoso.com, bob@contoso.com, carol@contoso.com, dave@contoso.com | Out-Null
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted:$false | Out-Null
        New-JournalRetentionPolicy -Name 'Default' -RetainFor (New-TimeSpan -Days 365) | Out-Null

        # Twelve expired messages, indexed; then two more that the index has not read yet.
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive "query-$Backend")
        $recipients = 'bob@contoso.com', 'carol@contoso.com', 'dave@contoso.com'
        $script:Indexed = foreach ($n in 1..12) { New-DatedTestReport $folder retention $n $recipients[$n % 3] (400 + $n) }
        (Import-JournalMessage -Path $Indexed.Path -Definition 'EXO').Archived | Should -Be 12
        Update-JournalIndex | Out-Null
        $script:Unindexed = foreach ($n in 13, 15) { New-DatedTestReport $folder retention $n $recipients[$n % 3] (400 + $n) }
        (Import-JournalMessage -Path $Unindexed.Path -Definition 'EXO' -SkipIndex).Archived | Should -Be 2
        (Get-JournalIndexStatus).Pending | Should -Be 2

        # A query on participants (answered from the archive's own columns, index or not), and one on words.
        $script:ByRecipient = New-JournalHold -Name 'Dave' -Reason 'Matter 12' -Query 'to:dave@contoso.com'
        $script:ByWords = New-JournalHold -Name 'Phrase' -Reason 'Matter 13' -Query '"message 4" OR "message 13"'

        # Worked out here from the generated facts: dave's messages, message 4 (the phrase), and the
        # two unindexed ones (the word query cannot rule them out until they are indexed).
        $all = @($Indexed) + @($Unindexed)
        $script:ExpectedHeld = @($all | Where-Object { $_.To -eq 'dave@contoso.com' -or $_.MessageId -in 'retention-4@contoso.com', 'retention-13@contoso.com', 'retention-15@contoso.com' })
        $script:ExpectedRemoved = @($all | Where-Object { $_ -notin $ExpectedHeld })
    }
    AfterAll {
        Remove-BackendTestStore $Backend $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'keeps the query as proof of scope, on the hold and in the event log' {
        (Get-JournalHold -Name 'Phrase').Query | Should -Be '"message 4" OR "message 13"'
        (Get-JournalHold -Name 'Dave').Scope.Query | Should -Be 'to:dave@contoso.com'
        (Get-JournalHold | Format-Table | Out-String -Width 300) | Should -Match 'Query=to:dave@contoso.com'
        $created = Get-JournalEvent | Where-Object { $_.ObjectType -eq 'Hold' -and $_.ObjectName -eq 'Phrase' -and $_.Action -eq 'Created' }
        $created.NewValue | Should -Match ([regex]::Escape('Query="message 4" OR "message 13"'))
    }

    It 'shows the holds on each message, an unindexed one included' {
        (Get-JournalMessage -MessageId 'retention-4@contoso.com').Holds | Should -Be 'Phrase'
        (Get-JournalMessage -MessageId 'retention-15@contoso.com').Holds | Should -Be 'Phrase'   # not indexed: cannot be ruled out
        (Get-JournalMessage -MessageId 'retention-1@contoso.com').Holds | Should -BeNullOrEmpty
        $dave = Get-JournalMessage -Recipient dave@contoso.com
        $dave.Holds | Sort-Object -Unique | Should -Be 'Dave'
    }

    It 'refuses to erase an unindexed item and says why' {
        $item = Get-JournalMessage -MessageId 'retention-15@contoso.com'
        $err = $null
        Remove-JournalMessage -Id $item.Id -Reason 'GDPR request 21' -Force -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'JournalMessageHeld*'
        "$($err[0])" | Should -Match 'not indexed yet'
        Get-JournalMessage -Id $item.Id | Should -Not -BeNullOrEmpty
    }

    It 'retention leaves the query-held and unindexed items and removes the rest' {
        $result = Invoke-JournalRetention -Confirm:$false
        $result.Expired | Should -Be 14
        $result.Removed | Should -Be $ExpectedRemoved.Count
        $result.Held | Should -Be $ExpectedHeld.Count
        $result.HeldUnindexed | Should -Be 2
        (Get-JournalMessage).MessageId | Sort-Object | Should -Be ($ExpectedHeld.MessageId | Sort-Object)
    }

    It 'removes an unindexed item outside the query once the index has read it' {
        Update-JournalIndex | Out-Null
        (Get-JournalMessage -MessageId 'retention-15@contoso.com').Holds | Should -BeNullOrEmpty
        (Get-JournalMessage -MessageId 'retention-13@contoso.com').Holds | Should -Be 'Phrase'
        $result = Invoke-JournalRetention -Confirm:$false
        $result.Removed | Should -Be 1
        $result.HeldUnindexed | Should -Be 0
        Get-JournalMessage -MessageId 'retention-15@contoso.com' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses a query that cannot be read, pointing at the position' {
        $err = $null
        New-JournalHold -Name 'Bad' -Reason 'r' -Query 'from:alice@contoso.com AND (subject:budget' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NewJournalHoldQueryInvalid*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$($err[0])" | Should -Match 'position \d+'
        Get-JournalHold -Name 'Bad' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
