@{
    Synopsis    = 'Removes the archived messages whose retention has run out and that no legal hold covers.'
    Description = @'
Invoke-JournalRetention removes every archive item whose expiry (ExpiresOn, fixed when it was
archived) has passed and that no active legal hold covers: the original, the journal reports,
the recipients, the index entries, and every stored blob that no remaining item or report refers
to (content-addressed bytes that another item shares stay). Items without an expiry (no policy
applies) and items on hold are kept.

The work runs in batches of 200 items, each one transaction that first locks the holds, so a
hold placed at the same moment on another listener host is never raced. Each batch writes one
event per policy to the event log (ObjectType RetentionPolicy, Action Removed, with the counts
and item ids) and one for the items a hold kept; the run ends with one event (ObjectType
Archive, Action RetentionRun) with its totals. Ctrl+C stops between batches: what was removed is
logged. Write-Progress shows how far it is.

With a WORM object store set (Set-JournalObjectStore), each item's object is deleted from the
bucket (every version) before the item, unless another item still refers to the same original.
When the bucket refuses (the object's Object Lock has not run out in the bucket, its object legal
hold is still on, or the bucket cannot be reached), the item is kept, counted as Refused with why in
Refusals, logged (Action Kept, Property ObjectLock) and named in a warning; a later run removes it
once the lock allows.

With -WhatIf the cmdlet counts what it would remove and keep, and changes nothing (with an object
store set, it asks the bucket whether each object is locked). A running
listener (Start-JournalListener, the service) runs retention when it starts and then once a day.
'@
    Outputs     = @{
        'MimecastJournaling.Engine.Lifecycle.JournalRetentionResult' = @'
One summary: WhatIf, AsOf (the time items were compared with), Expired, Removed, Held (expired
but kept by a hold), HeldUnindexed (of those, kept only because a query hold cannot rule them
out until the search index has read them), Refused and Refusals (kept because the WORM store
refused to delete their original, each with Id and Reason), Reports, Blobs and BlobBytes deleted, Policies (Removed and Held per
policy), Started and Finished.
'@
    }
    Examples    = @(
        @{
            Title   = 'See what would go, then remove it'
            Code    = @'
Invoke-JournalRetention -WhatIf
Invoke-JournalRetention -Confirm:$false
'@
            Remarks = 'The first line counts the expired items and those kept by a hold; the second removes the expired unheld ones and returns the summary.'
        }
        @{
            Title   = 'Review the removals in the event log'
            Code    = @'
Get-JournalEvent | Where-Object { $_.ObjectType -eq 'RetentionPolicy' -and $_.Action -eq 'Removed' } |
    Format-Table Time, User, ObjectName, NewValue -Wrap
'@
            Remarks = 'Each line names the policy, the number of items removed with their ids, and the reports and blobs deleted.'
        }
    )
    Links       = @('New-JournalRetentionPolicy', 'New-JournalHold', 'Remove-JournalMessage', 'Get-JournalEvent')
}
