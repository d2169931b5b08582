@{
    Synopsis    = 'Copies the originals not yet in the WORM bucket there now, and brings their locks and legal holds up to date.'
    Description = @'
Sync-JournalObjectStore runs one pass of what a running listener does every five minutes: each
distinct original the archive holds is written once to the bucket Set-JournalObjectStore names
(If-None-Match: *, so an object there is never overwritten), with retain-until = the latest expiry
of the items that share it (none while that lies in the past or no policy applies) and the object
legal hold on while a legal hold covers one of them; for an object already there the legal hold is
set or cleared to match the holds, and retain-until is extended to a later expiry (never shortened).
Run it after Set-JournalObjectStore to copy an existing archive, or after a hold is released so
retention may remove the items it kept.

The result counts what it did; each original that could not be copied or updated is a warning and
is in Failures. A bucket that cannot be reached ends the pass with SyncJournalObjectStoreUnavailable.
The status is stored for Get-JournalObjectStore. Ctrl+C stops after the object in hand.
'@
    Parameters  = @{}
    Outputs     = @{
        'MimecastJournaling.Engine.ObjectStorage.WormSyncResult' = 'Originals (items), Objects (distinct originals), InBucket, Written, AlreadyPresent, HoldsSet, HoldsCleared, RetentionExtended, Failures.'
    }
    Examples    = @(
        @{
            Title   = 'Copy the archive to a newly set bucket'
            Code    = 'Set-JournalObjectStore -Bucket contoso-journal-originals -Region eu-central-1; Sync-JournalObjectStore'
            Remarks = 'Written counts the originals copied now.'
        }
        @{
            Title   = 'Let retention remove what a released hold kept'
            Code    = 'Remove-JournalHold -Name ''Case 4711'' -Reason ''Settled''; Sync-JournalObjectStore; Invoke-JournalRetention'
            Remarks = 'The pass clears the objects'' legal hold, so the bucket no longer refuses their deletion.'
        }
    )
    Links       = @('Set-JournalObjectStore', 'Get-JournalObjectStore', 'Remove-JournalHold', 'Invoke-JournalRetention')
}
