@{
    Synopsis    = 'Shows how far the full-text index lags behind the archive, and which items have text that could not be read.'
    Description = @'
Get-JournalIndexStatus compares the full-text index that Search-JournalMessage uses with the
archive: how many items the archive holds (Items), how many have an index entry (Indexed), how
many wait for one (Pending), since when the oldest of them waits (OldestPending, and Lag: how long
ago), and when the index was last written (LastIndexed).

Failed counts the items whose text could not be (fully) read: a message that cannot be parsed, a
part that cannot be decoded, an original missing from the archive. Such an item still has an
entry: it is found by its sender, recipients, subject, dates and size, and by whatever text could
be read. Failures lists the newest 100 of them with the reason; nothing is skipped silently.

A running listener indexes new items within seconds. Pending items while no listener runs (after
Import-JournalMessage, or a listener stopped or killed) are indexed by the next listener start or
by Update-JournalIndex. Reading the status changes nothing.
'@
    Outputs     = @{
        'MimecastJournaling.Engine.Search.JournalIndexStatus' = @'
Store, Items, Indexed, Pending, Failed, OldestPending, Lag, LastIndexed and Failures (each with
ItemId, MessageId, Subject, Indexed and Reason).
'@
    }
    Examples    = @(
        @{
            Title   = 'Is the index up to date?'
            Code    = @'
Get-JournalIndexStatus
'@
            Remarks = 'Lag shows none when every archive item is indexed.'
        }
        @{
            Title   = 'A monitoring check from a runbook'
            Code    = @'
$status = Get-JournalIndexStatus
if ($status.Lag -gt [TimeSpan]::FromMinutes(15)) { Write-Warning "The journal index lags $($status.Lag) behind ($($status.Pending) items)." }
$status.Failures | Format-Table ItemId, MessageId, Reason
'@
            Remarks = 'Warns when the oldest unindexed item has waited more than 15 minutes, and lists the items whose text could not be read.'
        }
    )
    Links       = @('Update-JournalIndex', 'Search-JournalMessage')
}
