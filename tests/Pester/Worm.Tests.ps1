# Immutable originals (issue 12 item 3) over a generated archive, on a SQLite file and on
# PostgreSQL, against moto_server (moto 5.2.1, on the machine image: it enforces Object Lock
# COMPLIANCE retention and legal hold) started here on a free loopback port. The bucket is created,
# listed and damaged from outside the module with the aws CLI (also on the image).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Postgres.ps1')
    $script:Postgres = Start-TestPostgres

    $script:Moto = Start-TestMotoServer
    $script:Endpoint = $Moto.Endpoint
    function Invoke-Aws([string[]] $Arguments) { Invoke-TestAws $Moto $Arguments }
    function Get-BucketKey([string] $Bucket) {
        $listed = Invoke-Aws @('s3api', 'list-objects-v2', '--bucket', $Bucket, '--prefix', 'originals/')
        @($listed.Contents | Where-Object { $_ } | ForEach-Object Key)
    }
}
AfterAll {
    Stop-TestMotoServer $Moto
    Stop-TestPostgres $Postgres -Remove
}

Describe 'Immutable originals in an S3 Object Lock bucket on a <Backend> store' -ForEach @(@{ Backend = 'SQLite' }, @{ Backend = 'PostgreSQL' }) {
    BeforeAll {
        $script:Store = New-BackendTestStore $Backend $Postgres
        $env:MIMECASTJOURNALING_STORE = $Store
        Register-JournalDomain -Name journal.contoso.com, contoso.com | Out-Null
        Add-JournalInternalAddress -Address alice@contoso.com, bob@contoso.com, carol@contoso.com, dave@contoso.com | Out-Null
        New-JournalDefinition 'EXO' journal@journal.contoso.com -SourceIpRange 127.0.0.1 -Encrypted:$false | Out-Null

        # 30 days for everything, a year for bob; one hold on dave.
        New-JournalRetentionPolicy -Name 'Default' -RetainFor (New-TimeSpan -Days 30) | Out-Null
        New-JournalRetentionPolicy -Name 'Long' -RetainFor (New-TimeSpan -Days 365) -Mailbox 'bob@contoso.com' | Out-Null
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive "worm-$Backend")
        $recipients = 'bob@contoso.com', 'carol@contoso.com', 'dave@contoso.com'
        # 12 messages, dated 5 to 115 days ago (never on a policy's boundary).
        $script:Generated = foreach ($n in 1..12) { New-DatedTestReport $folder worm $n $recipients[$n % 3] (($n - 1) * 10 + 5) }
        (Import-JournalMessage -Path $Generated.Path -Definition 'EXO').Archived | Should -Be 12
        New-JournalHold -Name 'Case 12' -Reason 'Contoso v. Fabrikam, docket 12' -Mailbox 'dave@contoso.com' | Out-Null

        $script:Bucket = "worm-$($Backend.ToLowerInvariant())-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
        Invoke-Aws @('s3api', 'create-bucket', '--bucket', $Bucket, '--object-lock-enabled-for-bucket') | Out-Null
        $script:Plain = "plain-$($Backend.ToLowerInvariant())-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
        Invoke-Aws @('s3api', 'create-bucket', '--bucket', $Plain) | Out-Null

        function script:KeyOf($MessageId) { 'originals/' + (Get-JournalMessage -MessageId $MessageId).ContentHash.ToLowerInvariant() }
    }
    AfterAll {
        Remove-BackendTestStore $Backend $Store
        Remove-Item Env:MIMECASTJOURNALING_STORE -ErrorAction SilentlyContinue
    }

    It 'refuses a bucket without Object Lock and one that does not exist, saying what to do, and stores nothing' {
        { Set-JournalObjectStore -Bucket $Plain -Endpoint $Endpoint -Region us-east-1 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SetJournalObjectStoreNoObjectLock*'
        { Set-JournalObjectStore -Bucket 'no-such-bucket-here' -Endpoint $Endpoint -Region us-east-1 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SetJournalObjectStoreBucketNotFound*'
        Get-JournalObjectStore | Should -BeNullOrEmpty
    }

    It 'copies every original once into the bucket, locked until its expiry and held while the hold covers it' {
        $set = Set-JournalObjectStore -Bucket $Bucket -Endpoint $Endpoint -Region us-east-1 -Confirm:$false -PassThru
        $set.Bucket | Should -Be $Bucket
        $set.Pending | Should -Be 12
        ($set | Out-String) | Should -Not -Match ([regex]::Escape($env:AWS_SECRET_ACCESS_KEY))
        # Before any sync pass the bucket is empty: every object is pending, none missing, and the check passes.
        $unsynced = Test-JournalArchiveIntegrity -WarningVariable unsyncedWarning
        Write-Host ("    [{0}] integrity before the first sync: {1} objects pending, {2} checked, {3} missing, passed {4}" -f
            $Backend, $unsynced.ObjectsPending, $unsynced.ObjectsChecked, $unsynced.Missing, $unsynced.Passed)
        $unsynced.Passed | Should -BeTrue
        $unsynced.ObjectsPending | Should -Be 12
        $unsynced.ObjectsChecked | Should -Be 0
        $unsynced.Missing | Should -Be 0
        $unsyncedWarning | Should -BeNullOrEmpty
        (Get-JournalEvent | Where-Object Action -eq 'IntegrityChecked' | Select-Object -First 1).NewValue | Should -Match '12 WORM objects pending'

        $sync = Sync-JournalObjectStore
        # Nothing changed: the second pass finds every object's recorded state as it should be and asks the bucket nothing.
        $again = Sync-JournalObjectStore
        # -Full asks the bucket about every object (HEAD) whatever is recorded.
        $full = Sync-JournalObjectStore -Full
        $keys = Get-BucketKey $Bucket
        $status = Get-JournalObjectStore
        Write-Host ("    [{0}] archive 12 originals; first sync wrote {1}; second skipped {2} (asked the bucket about {3}); -Full found {4} present, skipped {5}; bucket holds {6} objects; status: written {7}, pending {8}, failed {9}" -f
            $Backend, $sync.Written, $again.Skipped, ($again.Written + $again.AlreadyPresent), $full.AlreadyPresent, $full.Skipped, $keys.Count, $status.Written, $status.Pending, $status.Failed)

        $sync.Written | Should -Be 12
        $sync.Skipped | Should -Be 0
        $sync.Failures | Should -BeNullOrEmpty
        $again.Written | Should -Be 0
        $again.AlreadyPresent | Should -Be 0
        $again.Skipped | Should -Be 12
        $again.InBucket | Should -Be 12
        $full.Written | Should -Be 0
        $full.AlreadyPresent | Should -Be 12
        $full.Skipped | Should -Be 0
        $full.Failures | Should -BeNullOrEmpty
        # -WhatIf runs no pass.
        (Sync-JournalObjectStore -Full -WhatIf) | Should -BeNullOrEmpty
        $keys | Sort-Object | Should -Be ($Generated | ForEach-Object { KeyOf $_.MessageId } | Sort-Object)
        $status.Pending | Should -Be 0
        $status.Failed | Should -Be 0

        $youngBob = $Generated | Where-Object To -eq 'bob@contoso.com' | Sort-Object DaysAgo | Select-Object -First 1
        $head = Invoke-Aws @('s3api', 'head-object', '--bucket', $Bucket, '--key', (KeyOf $youngBob.MessageId))
        $head.ObjectLockMode | Should -Be 'COMPLIANCE'
        ([DateTimeOffset]$head.ObjectLockRetainUntilDate).ToUnixTimeSeconds() | Should -Be (Get-JournalMessage -MessageId $youngBob.MessageId).ExpiresOn.ToUnixTimeSeconds()
        $dave = $Generated | Where-Object To -eq 'dave@contoso.com' | Select-Object -First 1
        (Invoke-Aws @('s3api', 'head-object', '--bucket', $Bucket, '--key', (KeyOf $dave.MessageId))).ObjectLockLegalHoldStatus | Should -Be 'ON'
    }

    It 'refuses to erase a locked original, even with -Force, and keeps the item and its object' {
        $bob = Get-JournalMessage -MessageId ($Generated | Where-Object To -eq 'bob@contoso.com' | Select-Object -First 1).MessageId
        { Remove-JournalMessage -Id $bob.Id -Reason 'GDPR request 31' -Force -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'JournalMessageLocked*'
        Get-JournalMessage -Id $bob.Id | Should -Not -BeNullOrEmpty
        Get-BucketKey $Bucket | Should -Contain (KeyOf $bob.MessageId)
    }

    It 'removes expired unheld items with their objects, and keeps those the bucket still locks, saying so' {
        # A year for bob in the bucket; the policy shortened to a day and recalculated: Default's 30
        # days now win for bob too, so the archive counts bob's items older than 30 days expired,
        # while COMPLIANCE mode keeps their objects locked for the year.
        Set-JournalRetentionPolicy -Name 'Long' -RetainFor (New-TimeSpan -Days 1) -Recalculate -Confirm:$false | Out-Null
        $expired = @($Generated | Where-Object DaysAgo -gt 30)
        $held = @($expired | Where-Object To -eq 'dave@contoso.com')
        $locked = @($expired | Where-Object To -eq 'bob@contoso.com')
        $removable = @($expired | Where-Object To -eq 'carol@contoso.com')
        $removableKeys = $removable | ForEach-Object { KeyOf $_.MessageId }

        $result = Invoke-JournalRetention -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
        $keys = Get-BucketKey $Bucket
        Write-Host ("    [{0}] expired {1}: removed {2} (their objects deleted), kept by the hold {3}, refused by the bucket's lock {4}; archive keeps {5} items, bucket {6} objects" -f
            $Backend, $result.Expired, $result.Removed, $result.Held, $result.Refused, @(Get-JournalMessage).Count, $keys.Count)

        $result.Expired | Should -Be $expired.Count
        $result.Removed | Should -Be $removable.Count
        $result.Held | Should -Be $held.Count
        $result.Refused | Should -Be $locked.Count
        ($result.Refusals.Id | Sort-Object) | Should -Be ($locked | ForEach-Object { (Get-JournalMessage -MessageId $_.MessageId).Id } | Sort-Object)
        "$warned" | Should -Match "$($locked.Count) expired items were kept because the WORM store refused"
        foreach ($item in $locked + $held) { Get-JournalMessage -MessageId $item.MessageId | Should -Not -BeNullOrEmpty }
        @(Get-JournalMessage).Count | Should -Be (12 - $removable.Count)
        $keys.Count | Should -Be (12 - $removable.Count)
        foreach ($key in $removableKeys) { $keys | Should -Not -Contain $key }
        (Get-JournalEvent | Where-Object { $_.ObjectType -eq 'Archive' -and $_.Action -eq 'Kept' -and $_.Property -eq 'ObjectLock' }).NewValue |
            Should -Match "^$($locked.Count) expired items kept because the WORM store refused"
    }

    It 'passes the integrity check with every object re-hashed, then finds an object damaged and one removed in the bucket' {
        $clean = Test-JournalArchiveIntegrity
        $clean.Passed | Should -BeTrue
        $left = @(Get-JournalMessage)
        $clean.ObjectsChecked | Should -Be $left.Count
        $clean.ObjectsPending | Should -Be 0

        # From outside the module: other bytes as a new version under one key, a delete marker on another.
        $damaged = $left | Where-Object { $_.Recipients.Address -contains 'bob@contoso.com' } | Select-Object -First 1
        $removed = $left | Where-Object { $_.Recipients.Address -contains 'carol@contoso.com' } | Select-Object -First 1
        $tampered = Join-Path $TestDrive "tampered-$Backend.eml"
        [IO.File]::WriteAllText($tampered, "From: mallory@contoso.com`r`nSubject: not the original`r`n`r`nTampered.`r`n")
        Invoke-Aws @('s3api', 'put-object', '--bucket', $Bucket, '--key', (KeyOf $damaged.MessageId), '--body', $tampered) | Out-Null
        Invoke-Aws @('s3api', 'delete-object', '--bucket', $Bucket, '--key', (KeyOf $removed.MessageId)) | Out-Null

        $found = Test-JournalArchiveIntegrity -WarningAction SilentlyContinue
        $objects = @($found.Problems | Where-Object ObjectKind -eq 'Object')
        Write-Host ("    [{0}] integrity: clean run re-hashed {1} objects and passed; after the damage {2} object problems ({3} damaged, {4} missing), passed {5}" -f
            $Backend, $clean.ObjectsChecked, $objects.Count, @($objects | Where-Object Problem -eq 'Damaged').Count, @($objects | Where-Object Problem -eq 'Missing').Count, $found.Passed)

        $found.Passed | Should -BeFalse
        $objects | Should -HaveCount 2
        ($objects | Where-Object Problem -eq 'Damaged').Id | Should -Be $damaged.Id
        ($objects | Where-Object Problem -eq 'Missing').Id | Should -Be $removed.Id
        @($found.Problems | Where-Object ObjectKind -ne 'Object') | Should -HaveCount 0
        $found.ObjectsPending | Should -Be 0
        $script:RemovedId = $removed.Id
    }

    It 'counts an original archived after the last sync as pending, not missing, until the next sync copies it' {
        $late = New-DatedTestReport (Join-Path $TestDrive "worm-$Backend") worm 13 'carol@contoso.com' 2
        (Import-JournalMessage -Path $late.Path -Definition 'EXO').Archived | Should -Be 1
        $lateId = (Get-JournalMessage -MessageId $late.MessageId).Id

        $found = Test-JournalArchiveIntegrity -WarningAction SilentlyContinue
        $status = Get-JournalObjectStore
        Write-Host ("    [{0}] one more archived after the sync: {1} pending, {2} missing (the removed one), status pending {3}" -f
            $Backend, $found.ObjectsPending, $found.Missing, $status.Pending)
        $found.ObjectsPending | Should -Be 1
        $found.Problems.Id | Should -Not -Contain $lateId
        ($found.Problems | Where-Object Problem -eq 'Missing').Id | Should -Be $RemovedId
        $status.Pending | Should -Be 1

        # The late original, and the object the integrity check found missing (its record went with that finding).
        $resync = Sync-JournalObjectStore -WarningAction SilentlyContinue
        $after = Test-JournalArchiveIntegrity -WarningAction SilentlyContinue
        Write-Host ("    [{0}] next sync wrote {1} (the late one and the missing one), skipped {2}; integrity after it: {3} pending, {4} missing" -f
            $Backend, $resync.Written, $resync.Skipped, $after.ObjectsPending, $after.Missing)
        $resync.Written | Should -Be 2
        $after.ObjectsPending | Should -Be 0
        $after.Missing | Should -Be 0
        $after.Problems.Id | Should -Not -Contain $lateId
        (Get-JournalObjectStore).Pending | Should -Be 0
    }
}
