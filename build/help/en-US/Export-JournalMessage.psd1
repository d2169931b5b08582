@{
    Synopsis    = 'Exports archived messages for eDiscovery: .eml files, one mbox file or a zip, with a manifest (CSV and JSON) of every message, its recipients and its SHA-256.'
    Description = @'
Export-JournalMessage hands archived messages over, for example the result of a legal or HR
request to a reviewer, a lawyer or a review tool. Pipe items from Get-JournalMessage (or from
Search-JournalMessage, which returns the same objects) or give their numbers with -Id.

Formats (-Format):

- Eml (default): one file per message in the folder given with -Path, named <Id>.eml by the
  item's number (never by its subject, which may hold characters no file system takes, or words
  that must not show in a folder listing).
- Mbox: one file in the mboxrd form that Thunderbird, mutt and Python's mailbox module read:
  each message starts with a "From <sender> <date>" line, and lines of a message that start with
  "From " (after any number of ">") get one more ">", so the message is restored exactly.
- Zip: one zip file with one <Id>.eml entry per message.

For Mbox and Zip, -Path is the file; when it is an existing folder, the file is created in it
as journal-export-<UTC time>.mbox or .zip.

What is exported is never altered: an original is written byte for byte as it was archived, and
its SHA-256 is checked against the hash the archive recorded at ingest before it is written
(ExportContentHashMismatch when it differs: check the archive's integrity first).

Manifest (-Manifest): manifest.csv and manifest.json in the Eml folder, or <file>.manifest.csv
and <file>.manifest.json beside the mbox or zip file. One line per exported message: ItemId,
ReportId (with -IncludeEnvelope), MessageId, Date, Sender, Recipients (each as Type:address, the
types To, Cc, Bcc and Recipient, the last for an envelope recipient whose type the report does not
say), Mailboxes, File, Entry (the zip entry, or the message's number in the mbox), Size and
SHA-256 of the message's bytes. The JSON holds the same lines with the group and forward each
recipient came through, the export's facts (format, time, who, counts, whether Bcc was included)
and every file written with its size and SHA-256, the mbox or zip file included. In the CSV a
value that a spreadsheet would run as a formula (starting with = + - @) gets a leading
apostrophe; the JSON keeps every value exactly.

Bcc recipients. Journaling records who received a Bcc copy; the recipients of the message did not
see that, and a reviewer usually must not either. Without -IncludeBcc nothing the export writes
reveals them: the manifest leaves out Bcc recipients, and the mailboxes that are only there
because of a Bcc; journal reports, whose envelope lists every recipient, cannot be exported
(-IncludeEnvelope needs -IncludeBcc, error ExportEnvelopeRevealsBcc); and an original that carries
a Bcc header of its own (a sender's copy) is not exported but written as an error
(ExportOriginalHasBcc), because removing the header would alter the evidence. With -IncludeBcc
the manifest lists every recipient and such originals are exported as they are. Use -IncludeBcc
only for someone entitled to see Bcc recipients, such as an auditor or counsel.

Complete or not at all. Every file is written under a name ending in .partial first. At the end
the cmdlet reads every file back (it opens the zip, splits the mbox again) and checks the number
of messages and the SHA-256 of each; only then are the files renamed to their final names, the
manifest last. A failed check stops with ExportVerificationFailed and renames nothing. Ctrl+C
stops the export at once, removes its partial files and leaves nothing that looks complete; a
killed process can leave only files ending in .partial. Progress shows how many items and
messages are written.

Every export is written to the event log (Get-JournalEvent | Where-Object ObjectType -eq Export): who exported, the
target, the format, how many items and messages, and whether Bcc was included. An export that
was stopped or failed is logged too, with how far it got (action ExportInterrupted). The event is
written before the files get their final names: if the store cannot record it, the export is not
completed.

Errors: the folder given with -Path (or the mbox or zip file's folder) must exist
(ExportDestinationNotFound, which stops the cmdlet before it writes anything). A file that exists
already is not overwritten without -Force (ExportFileExists: for an .eml file the item is skipped
and the others are exported; for the mbox, zip or manifest file the cmdlet stops before it writes
anything). An Id that does not exist writes JournalMessageNotFound and the others are exported.
Files are created with mode 0600 on Linux and macOS, as the store itself.
'@
    Parameters  = @{
        Id              = @{
            Description = @'
The numbers of the archive items to export. Items piped from Get-JournalMessage or
Search-JournalMessage bind by their Id property; outcomes from Get-JournalOutcome and
Import-JournalMessage -PassThru bind by their ItemId. An item given twice is exported once. An Id
that does not exist is an error with the id JournalMessageNotFound (not terminating).
'@
        }
        Path            = @{
            Description = @'
Eml: the folder to write the files into. Mbox and Zip: the file to write, or an existing folder
to create journal-export-<UTC time>.mbox or .zip in. The folder must exist (error id
ExportDestinationNotFound, which stops the cmdlet). A relative path is resolved against the
current location. The alias Destination is the parameter's earlier name.
'@
        }
        Format          = @{
            Description = 'Eml (default: one .eml file per message), Mbox (one mboxrd file) or Zip (one zip of .eml files).'
        }
        Manifest        = @{
            Description = @'
Also writes the manifest, as CSV and as JSON: one line per message with its item number,
Message-ID, date, sender, recipients with their type, mailboxes, file, size and SHA-256, and (JSON)
every file written with its size and SHA-256. Bcc recipients are in it only with -IncludeBcc.
'@
        }
        IncludeBcc      = @{
            Description = @'
Lets the export reveal Bcc recipients: the manifest lists them (and the mailboxes only they made
recipients), originals with a Bcc header of their own are exported, and -IncludeEnvelope is
allowed. Without it nothing the export writes shows who received a Bcc copy.
'@
        }
        IncludeEnvelope = @{
            Description = @'
Writes every journal report of the item as it was received (<Id>-report<ReportId>.eml) instead
of the original message (<Id>.eml). The reports reveal Bcc recipients and group members, so this
needs -IncludeBcc (error id ExportEnvelopeRevealsBcc without it).
'@
        }
        Force           = @{
            Description = 'Overwrites files that exist already. Without it an existing file is left alone and an error with the id ExportFileExists is written.'
        }
    }
    Inputs      = @(
        @{ Type = 'System.Int64'; Description = 'You can pipe item numbers, or objects with an Id or ItemId property: archive items from Get-JournalMessage or Search-JournalMessage, outcomes from Get-JournalOutcome.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Export.JournalExportResult' = @'
One object for the whole export, written once it is verified and complete: Format, Path, Items
(archive items), Messages (files or entries written), Bytes, Verified, IncludeBcc,
IncludeEnvelope, Files (every file written with its size and SHA-256), Manifest (the manifest
files) and Entries (the manifest lines). With -WhatIf nothing is written and nothing is returned.
'@
    }
    Notes       = @'
Privacy: an export shows mail. Keep it where only the people entitled to it can read it, and give
-IncludeBcc and -IncludeEnvelope only to those entitled to see every recipient.

The exported original is the message as it was journaled. For a rights-protected (RMS/IRM)
message that is the protected message; the clear-text copy is only in the reports
(-IncludeEnvelope -IncludeBcc).

To check an export later, compare each file's SHA-256 with the manifest:
(Get-FileHash <file> -Algorithm SHA256).Hash.ToLower().
'@
    Examples    = @(
        @{
            Title   = 'eDiscovery: a zip and a manifest for a reviewer'
            Code    = @'
Get-JournalMessage -Recipient dave@contoso.com -After '2025-01-01' |
    Export-JournalMessage -Path D:\Cases\4711\dave.zip -Format Zip -Manifest
'@
            Remarks = @'
Writes dave.zip with one <Id>.eml per message, and dave.zip.manifest.csv and .json beside it.
The result says how many messages were written and that they were verified. Bcc recipients are
left out of the manifest; the messages are as their recipients saw them.
'@
        }
        @{
            Title   = 'An mbox file for a mail client, with Bcc recipients for counsel'
            Code    = @'
Get-JournalMessage -Sender alice@contoso.com -Subject '*falcon*' |
    Export-JournalMessage -Path ./falcon.mbox -Format Mbox -Manifest -IncludeBcc
'@
            Remarks = 'One mboxrd file that Thunderbird or mutt opens; the manifest lists every recipient, Bcc included.'
        }
        @{
            Title   = 'Export the full journal reports for an auditor'
            Code    = @'
Get-JournalMessage -MessageId '<CAFx1234@mail.fabrikam.com>' |
    Export-JournalMessage -Path .\audit -IncludeEnvelope -IncludeBcc -Force
'@
            Remarks = @'
Writes every report that contributed to the item (for a bifurcated message, one file per fork),
exactly as received, with the envelope that lists all recipients. -Force replaces files from an
earlier export.
'@
        }
        @{
            Title   = 'See what an export would write'
            Code    = @'
Get-JournalMessage -Mailbox bob@contoso.com -First 10 | Export-JournalMessage .\bob -WhatIf
'@
            Remarks = 'Id and Path are positional. -WhatIf lists the files the export would write, and writes none.'
        }
    )
    Links       = @('Get-JournalMessage', 'Get-JournalOutcome', 'Get-JournalEvent')
}
