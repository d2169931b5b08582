@{
    Synopsis    = 'Copies a SQLite journaling store into an empty PostgreSQL database, for several listener hosts.'
    Description = @'
Moving up from one host to several: Copy-JournalStore copies everything in the SQLite store given
by -Store (or the default store) into the empty PostgreSQL database given by -Destination: journal
definitions, domains, internal addresses, listener settings, the event log, the archive (items,
recipients, mailboxes, reports and their stored messages) and the listener's spool (reports
answered 250 and not archived yet; the spool file beside the store).

Rows go over in batches, one transaction each, with a progress bar. A copy that stopped (a
network failure, Ctrl+C) is resumed by running the same command again: rows already copied are
skipped. At the end every table is counted on both sides and one object per table is returned;
a table whose counts differ is also reported as an error (StoreCopyCountMismatch).

Stop the listener on the SQLite store first, so nothing arrives during the copy; afterwards start
the listeners with -Store <connection string>. The destination must be empty (or hold an
unfinished copy of the same source): the schema is created on first use.
'@
    Parameters  = @{
        Destination = @{
            Description = 'The PostgreSQL connection string of the empty destination database: postgresql://user@host:port/database?sslmode=... or Host=...;Database=...;Username=... Leave the password out and give it with PGPASSWORD or .pgpass.'
        }
        BatchSize   = @{
            Description = 'Rows copied per transaction.'
            Default     = '500'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Storage.StoreCopyCount' = 'One per table: Table, SourceRows, DestinationRows and Matches.'
    }
    Examples    = @(
        @{
            Title   = 'Move the default store to PostgreSQL'
            Code    = @'
Stop-JournalListener
$env:PGPASSWORD = Read-Host 'PostgreSQL password for mj'
Copy-JournalStore -Destination 'postgresql://mj@db1.contoso.com:5432/journaling?sslmode=verify-full'
'@
            Remarks = 'Copies the per-user default store and lists the row counts of every table on both sides.'
        }
        @{
            Title   = 'Resume a copy that was cut off, and check the counts'
            Code    = "Copy-JournalStore -Store D:\Journaling\journaling.db -Destination 'Host=db1;Database=journaling;Username=mj' | Where-Object { -not `$_.Matches }"
            Remarks = 'Run the same command again after an interruption: rows already copied are skipped. No output means every table matches.'
        }
    )
    Links       = @('Start-JournalListener', 'Get-JournalQueue')
}
