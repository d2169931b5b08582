@{
    Synopsis    = 'Indexes the archive items that have no full-text index entry yet, or rebuilds the whole index.'
    Description = @'
Update-JournalIndex brings the full-text index that Search-JournalMessage uses up to date with the
archive. Without -Rebuild it indexes the items that have no entry (after Import-JournalMessage, or
while no listener ran). With -Rebuild it reads every item again and replaces its entry, for
example after a failure was fixed, or once after upgrading a PostgreSQL store to schema 15 (its
entries then get the word pairs that make phrase searches fast; until then phrases are found the
slower way); searches keep answering meanwhile from the entries not replaced yet. On
PostgreSQL a run that indexed 1,000 items or more ends with an ANALYZE of the index tables, so
searches use the new entries' indexes at once (a role that does not own the tables gets a warning
instead, and autovacuum analyzes later).

It shows progress (items done of all, and how many had text that could not be read) and can be
stopped with Ctrl+C at any time: what was indexed stays indexed, and the next run goes on from
there. At the end it writes the index status, as Get-JournalIndexStatus shows it, and a warning
when items have text that could not be read (they are still found by their metadata).

Several runs, and running listeners, may index the same store at once: an entry written twice is
replaced, never duplicated.
'@
    Parameters  = @{
        Rebuild   = @{
            Description = 'Re-reads every archive item and replaces its entry, instead of indexing only the items without one.'
        }
        BatchSize = @{
            Description = 'How many items are read and written per transaction (1 to 10,000).'
            Default     = '50'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Search.JournalIndexStatus' = 'The index status after the run.'
    }
    Examples    = @(
        @{
            Title   = 'Index what an import brought in'
            Code    = @'
Import-JournalMessage -Path .\backfill\*.eml -Definition 'Exchange Online journaling'
Update-JournalIndex
'@
            Remarks = 'Import-JournalMessage archives the reports; Update-JournalIndex makes their words searchable.'
        }
        @{
            Title   = 'Rebuild the index'
            Code    = @'
Update-JournalIndex -Rebuild -Verbose
'@
            Remarks = 'Reads every item again; -Verbose reports how many were indexed.'
        }
    )
    Links       = @('Get-JournalIndexStatus', 'Search-JournalMessage', 'Import-JournalMessage')
}
