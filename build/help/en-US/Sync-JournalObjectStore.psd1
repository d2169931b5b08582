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

Each pass records, in the store's database and per bucket (endpoint, bucket and key prefix), what
it set on each object once the bucket accepted it: retain-until and the legal-hold flag. The next
pass asks the bucket (HEAD) only about originals without such a record or whose wanted state differs
from it (a hold placed or released, a later expiry); the others are counted as Skipped and cost no
request, so a pass over a million unchanged originals makes no bucket calls. Moving the store to
another bucket starts without records. -Full asks the bucket about every object as the first pass
did and repairs the records: run it after objects were changed or removed in the bucket outside the
module (Test-JournalArchiveIntegrity finding an object Missing also drops its record, so the next
pass writes it again).

One pass runs at a time per store, on whichever host: a pass holds a store-wide lease (renewed
while it runs, given back at the end). While another pass runs, on a listener host or in another
session, Sync-JournalObjectStore fails with SyncJournalObjectStoreBusy, naming the node; run it again
once that pass has finished (a pass of a host that died holds it at most ten minutes).

The result counts what it did; each original that could not be copied or updated is a warning and
is in Failures. A bucket that cannot be reached ends the pass with SyncJournalObjectStoreUnavailable.
The status is stored for Get-JournalObjectStore. Ctrl+C stops after the object in hand.
'@
    Parameters  = @{
        Full = @{
            Description = 'Asks the bucket about every object (HEAD), whatever earlier passes recorded, writes those that are missing, brings locks and legal holds up to date and records what it found. Without it, only originals without a record or whose hold or retain-until changed are asked about.'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.ObjectStorage.WormSyncResult' = 'Originals (items), Objects (distinct originals), InBucket, Written, AlreadyPresent (asked about and found there), Skipped (recorded as up to date: no bucket call), HoldsSet, HoldsCleared, RetentionExtended, Failures.'
    }
    Examples    = @(
        @{
            Title   = 'Copy the archive to a newly set bucket'
            Code    = 'Set-JournalObjectStore -Bucket contoso-journal-originals -Region eu-central-1; Sync-JournalObjectStore'
            Remarks = 'Written counts the originals copied now.'
        }
        @{
            Title   = 'Check every object after the bucket was changed outside the module'
            Code    = 'Sync-JournalObjectStore -Full'
            Remarks = 'Asks the bucket about every object instead of trusting what earlier passes recorded; Skipped is 0 and AlreadyPresent counts the objects found.'
        }
        @{
            Title   = 'Let retention remove what a released hold kept'
            Code    = 'Remove-JournalHold -Name ''Case 4711'' -Reason ''Settled''; Sync-JournalObjectStore; Invoke-JournalRetention'
            Remarks = 'The pass clears the objects'' legal hold, so the bucket no longer refuses their deletion.'
        }
    )
    Links       = @('Set-JournalObjectStore', 'Get-JournalObjectStore', 'Remove-JournalHold', 'Invoke-JournalRetention')
}
