@{
    Synopsis    = 'Imports journal report files into the archive under a journal definition, with an outcome for every file.'
    Description = @'
Import-JournalMessage reads journal report files (.eml) and puts each through the same ingest
path as the journal listener, under the rules of the journal definition you name. Use it to
backfill the archive from an export, to re-import reports from the alternate journaling mailbox,
or to replay files the listener could not take.

For each file the archive decides, in this order:

1. Parse. Input that is not a MIME message, or in which neither a sender nor any recipient can
be read, is Quarantined: its raw bytes are kept with the reason.

2. Recipients. Under a definition with JournalType ExchangeEnvelope the recipients come from
the envelope, Bcc and group members included. A plain EML file without envelope steps down: its
recipients come from its To, Cc and Bcc headers, and the outcome records this as a defect.
Under a definition with JournalType StandardEml the recipients always come from the message's
own headers, even when the file is an envelope report.

3. Mailboxes. Known internal addresses (the internal directory, aliases included) are assigned
to their mailbox. Addresses in a registered domain that the directory does not know get their
own mailbox only with JournalUnknownInternalAddresses. A message left with no mailbox is
archived without owner only with JournalNonInternalAddresses; otherwise it is Rejected, and the
outcome names the rule (JournalUnknownInternalAddresses or JournalNonInternalAddresses) and the
reason.

4. Archive. The first report of a message is Archived as a new item; a report of a message the
archive already holds (same Message-ID and the same content: the forks of a bifurcated message,
or the second report of hybrid double journaling) is Merged into that item and adds its
recipients; the very same report again (identical bytes) is a Duplicate and adds nothing. The
original message is stored once, compressed; the raw bytes of every report are kept, whatever
its outcome.

A new item stays in the state Pending during the merge window, InitialProcessDelay multiplied by
DeliveryWaitAttempts of the definition, and is then Archived. Reports that arrive later still
merge into the item. Pending items advance when reports are ingested (by this cmdlet or the
listener).

Files are stored in batches of 100, each in one durable commit. The cmdlet writes one summary at
the end, with the number of files and the count of each outcome; with -PassThru it writes each
report's outcome as well. Progress is shown while it runs. Ctrl+C stops the import before the
next file is read: the batches stored so far stay imported (each is one commit), no batch is
half-stored, and importing the same files again later adds only what is missing.

Errors: a path that does not exist is written as an error (ReportPathNotFound) and is not
counted among the files; a file that cannot be read is written as an error
(ReportFileUnreadable) and counted as Unreadable. Either way the import goes on. An
unknown definition (JournalDefinitionNotFound) stops the cmdlet before anything is read. When the
store refuses a batch (StoreBusy, StoreUnavailable) nothing of that batch is stored and the
cmdlet stops; the batches before it remain imported. Importing the same files again is safe:
reports already in an item come out as Duplicate and change nothing (quarantined and rejected
reports are recorded again).
'@
    Parameters  = @{
        Path        = @{
            Description = @'
The report files to import. Wildcards are allowed (*.eml); a folder stands for the files in it
(with -Recurse also those in its subfolders). A path without wildcards that does not exist is an
error with the id ReportPathNotFound and the other paths are still imported; a wildcard that
matches nothing adds nothing. You can pipe strings, or the FileInfo objects of Get-ChildItem.
'@
        }
        LiteralPath = @{
            Description = @'
The report files to import, taken exactly as written: wildcard characters such as [ ] are part of
the name. Get-ChildItem output binds here by its PSPath property.
'@
        }
        Definition  = @{
            Description = @'
The journal definition whose rules apply, by name (not case-sensitive): its JournalType, its
JournalNonInternalAddresses and JournalUnknownInternalAddresses switches, PreferClearText, and
the merge window (InitialProcessDelay, DeliveryWaitAttempts). The outcomes and items record the
definition. A disabled definition can still be used for an import. A name that does not exist
is a terminating error with the id JournalDefinitionNotFound. Press Tab to complete a name from
the store.
'@
        }
        Recurse     = @{
            Description = 'For a folder given in -Path or -LiteralPath, also imports the files in all its subfolders.'
        }
        TrustWrappedReport = @{
            Description = @'
Unwraps a journal report from any message that carries one, as the files of an
alternate-journaling-mailbox backlog that were forwarded or resent may. Without it a report
inside another message is unwrapped only when that message is a delivery status notification
(multipart/report with a delivery-status part) from the organisation's own postmaster (postmaster,
mailer-daemon or the Microsoft Exchange recipient in a registered domain); any other message
carrying a report is archived as the plain message it is, with a defect saying so. Use it only for
files you vouch for.
'@
            Default     = 'False'
        }
        SkipIndex   = @{
            Description = @'
Archives the reports without indexing them for search. Without it every item the import archives
is indexed before the import ends, so Search-JournalMessage finds its words at once. With it a
running listener indexes them shortly, or Update-JournalIndex does; until then
Get-JournalIndexStatus counts them as Pending and they are found only by their metadata. A large
backlog imports faster this way. If the store refuses an index entry, the item stays archived, a
warning gives the count, and Update-JournalIndex retries it.
'@
            Default     = 'False'
        }
        PassThru    = @{
            Description = @'
Also writes the outcome of each report, in the order of the files, before the summary: Id,
Outcome, ItemId (the archive item it created or joined), Rule and Reason (for Rejected and
Quarantined), Format, MessageId, Sender, Subject and Defects.
'@
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe paths to -Path.' }
        @{ Type = 'System.IO.FileInfo'; Description = 'You can pipe files from Get-ChildItem; they bind to -LiteralPath by their PSPath.' }
    )
    Outputs     = @{
        'MimecastJournaling.Commands.JournalImportSummary' = @'
One summary at the end: Files (how many were found), Archived, Merged, Duplicate, Quarantined,
Rejected, and Unreadable (files that could not be read, each also written as an error). With
-WhatIf nothing is written.
'@
        'MimecastJournaling.Engine.Archive.JournalOutcome' = 'With -PassThru, one outcome per imported report, as Get-JournalOutcome shows it later.'
    }
    Notes       = @'
All files are collected first and imported when the pipeline ends, so -WhatIf and -Confirm ask
once for the whole import.

The source of each report is recorded as file:<full path>; the listener records smtp:<address>.
'@
    Examples    = @(
        @{
            Title   = 'Import the backlog of the alternate journaling mailbox'
            Code    = 'Import-JournalMessage -Path ./ndr-backlog/*.eml -Definition ''Exchange Online'' -TrustWrappedReport'
            Remarks = 'The saved non-delivery reports (and any forwarded ones) are unwrapped to the journal reports they carry.'
        }
        @{
            Title   = 'Backfill the archive from an export, in a runbook'
            Code    = @'
$env:MIMECASTJOURNALING_STORE = '/srv/journaling/journaling.db'
$summary = Import-JournalMessage -Path /srv/export/2025 -Recurse -Definition 'Exchange Online journaling' `
    -ErrorVariable importErrors
$summary | Format-List
if ($summary.Quarantined -or $summary.Rejected -or $importErrors) {
    Get-JournalOutcome -After (Get-Date).AddHours(-1) | Where-Object Outcome -in 'Quarantined', 'Rejected' |
        Export-Csv /srv/export/2025-needs-review.csv -NoTypeInformation
}
'@
            Remarks = @'
Imports every file below /srv/export/2025 under the rules of the Exchange Online definition.
Unreadable files are collected in $importErrors and do not stop the import. The quarantined and
rejected reports of the run, with their rule and reason, go to a CSV file for review; their raw
bytes stay in the archive.
'@
        }
        @{
            Title   = 'Preview an import, then import and inspect each outcome'
            Code    = @'
Get-ChildItem .\ndr-mailbox -Filter *.eml | Import-JournalMessage -Definition 'On-premises Exchange' -WhatIf
Get-ChildItem .\ndr-mailbox -Filter *.eml | Import-JournalMessage -Definition 'On-premises Exchange' -PassThru |
    Select-Object -SkipLast 1 | Format-Table Outcome, ItemId, MessageId, Rule -AutoSize
'@
            Remarks = @'
The first command says how many files it would import and changes nothing. The second imports
the reports saved from the alternate journaling mailbox (they are unwrapped from their
non-delivery reports) and shows what happened to each one; Select-Object -SkipLast 1 leaves out
the summary, which always comes last.
'@
        }
        @{
            Title   = 'Import the forks of one message'
            Code    = @'
Import-JournalMessage .\fork1.eml, .\fork2.eml, .\onprem.eml -Definition 'Exchange Online journaling' -PassThru |
    Select-Object -First 3 | Format-Table Outcome, ItemId, MessageId
'@
            Remarks = @'
Two forks of a bifurcated message and the on-premises report of hybrid double journaling: the
first is Archived, the other two are Merged into the same item (same ItemId), which then has the
union of the recipients of all three.
'@
        }
    )
    Links       = @('Read-JournalReport', 'Get-JournalOutcome', 'Get-JournalMessage', 'Set-JournalDefinition')
}
