@{
    Synopsis    = 'Gets the WORM object store setting and how far the originals are in it.'
    Description = @'
Get-JournalObjectStore shows the object store Set-JournalObjectStore stored (Bucket, Endpoint,
Region, KeyPrefix, LockMode, who set it and when) and the status of the last sync pass of a
listener or of Sync-JournalObjectStore: when the last completed pass started and ended and on which
node (LastSyncStarted, LastSync, LastSyncNode), the distinct originals the archive holds now
(Originals), the objects in the bucket after the last pass (Written), the originals archived after
the last completed pass, which the next one copies (Pending; all of them before any pass), the
failures of the last pass (Failed) and the first of them or the pass's own trouble (LastError).
Credentials are never shown (they are never stored). Nothing is returned while no object store is set.
'@
    Parameters  = @{}
    Outputs     = @{
        'MimecastJournaling.Engine.ObjectStorage.JournalObjectStoreInfo' = 'Bucket, Endpoint, Region, KeyPrefix, LockMode, Credentials (where they come from), Updated, UpdatedBy, LastSync, LastSyncNode, LastSyncStarted, Originals, Written, Pending, Failed, LastError.'
    }
    Examples    = @(
        @{
            Title   = 'Is every original in the bucket?'
            Code    = 'Get-JournalObjectStore | Format-List Bucket, LastSync, Originals, Written, Pending, Failed, LastError'
            Remarks = 'Pending shows what the next pass will copy.'
        }
        @{
            Title   = 'Fail a runbook while originals are missing from the bucket'
            Code    = '$s = Get-JournalObjectStore; if (-not $s -or $s.Pending -gt 0 -or $s.Failed -gt 0) { throw "WORM copies incomplete: $($s.LastError)" }'
            Remarks = 'Run it after the listener''s sync interval (five minutes) has passed.'
        }
    )
    Links       = @('Set-JournalObjectStore', 'Sync-JournalObjectStore')
}
