@{
    Synopsis    = 'Checks that the archive holds what arrived: re-hashes stored messages and reports, and verifies the event log''s hash chain.'
    Description = @'
Test-JournalArchiveIntegrity reads every stored original, clear-text copy and report (or a random
share of them with -Sample) back from the archive, decodes it and compares its SHA-256 with the
hash recorded when it was archived. It then walks the whole event log: every event carries the
SHA-256 of the event before it and its own, so an edited event, a removed event and removed newest
events all show.

The result has Passed ($true only when nothing was found), the counts (BlobsTotal, BlobsChecked,
EventsChecked, Damaged, Missing, ChainProblems) and Problems: one entry per damaged or missing item
or report (ObjectKind Original, ClearTextCopy or Report, with its Id) and per broken chain link
(ObjectKind Event, with the event's Id). A failed check also writes a warning. Every run is written
to the event log (ObjectType Archive, Action IntegrityChecked, Property Passed or Failed, the counts
as NewValue), so Get-JournalEvent -ObjectType Archive shows when the archive was last checked.

With a WORM object store set (Set-JournalObjectStore), the originals of the sample are also read
back from the bucket and re-hashed (ObjectsChecked): an object that is missing or whose bytes do
not hash to its key is a problem with ObjectKind Object. Originals reach the bucket by the sync
pass (a running listener's, every five minutes, or Sync-JournalObjectStore), not at ingest: an
object whose original was archived after the start of the last completed pass, or before any pass
completed, and is not in the bucket yet is counted in ObjectsPending instead; pending objects do not
fail the check, and the summary names their count. A bucket that cannot be read ends the check
with TestJournalArchiveIntegrityObjectStoreUnavailable.

A running listener checks a sample of the archive once a day; on damage it sets every enabled
journal definition to Error and raises an IntegrityCheckFailed alert. The check can be stopped
with Ctrl+C; a stopped check writes no result and no event.
'@
    Parameters  = @{
        Sample = @{
            Description = 'The share of stored messages and reports to re-hash, in percent (above 0, at most 100). The event chain is always verified whole.'
            Default     = '100'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Archive.ArchiveIntegrityResult' = 'Passed, the counts (with ObjectsChecked and ObjectsPending for a WORM object store), and Problems (each with Problem, ObjectKind, Id, Hash and Message).'
    }
    Examples    = @(
        @{
            Title   = 'Check the whole archive'
            Code    = 'Test-JournalArchiveIntegrity'
            Remarks = 'Re-hashes every stored message and report and verifies the event chain; Passed is $true when nothing was damaged or missing.'
        }
        @{
            Title   = 'A quick sample, listing what was found'
            Code    = 'Test-JournalArchiveIntegrity -Sample 5 | Select-Object -ExpandProperty Problems'
            Remarks = 'Re-hashes a random 5 percent of the stored messages and reports, verifies the whole chain, and lists each problem.'
        }
        @{
            Title   = 'Fail a runbook when the archive is damaged'
            Code    = "if (-not (Test-JournalArchiveIntegrity -Store 'Host=db1;Database=journaling;Username=mj').Passed) { throw 'The journal archive failed its integrity check.' }"
            Remarks = 'Checks a PostgreSQL store and stops the runbook on any damage.'
        }
    )
    Links       = @('Get-JournalEvent', 'Get-JournalMessage', 'Start-JournalListener')
}
