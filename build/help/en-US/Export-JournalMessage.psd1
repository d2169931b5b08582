@{
    Synopsis    = 'Exports archived messages to .eml files: the original message only, or with -IncludeEnvelope every journal report as received.'
    Description = @'
Export-JournalMessage writes archived messages into a folder, one file per message, for example
to hand the result of an eDiscovery search to a reviewer or to restore a message to a mailbox.

By default it writes the original message only, byte for byte as it was embedded in the first
journal report of the item, as <Id>.eml. The original carries only what its own headers say:
Bcc recipients and the members of distribution groups are not in it. This is the export for end
users and reviewers who must not learn who else received the message.

With -IncludeEnvelope it writes instead every journal report that contributed to the item, each
byte for byte as it was received, as <Id>-report<ReportId>.eml. The reports contain the
envelope, which reveals every recipient, Bcc and group members included, and (for
rights-protected messages) the clear-text copy. Keep these for auditors.

The folder given with -Destination must exist; if it does not, the cmdlet stops before it writes
anything (error id ExportDestinationNotFound). A file that exists already is not overwritten: the
cmdlet writes an error (ExportFileExists) and goes on with the next file, unless you give -Force.
An Id that does not exist writes an error (JournalMessageNotFound) and the other messages are
still exported. Each file written is returned as a FileInfo object.
'@
    Parameters  = @{
        Id              = @{
            Description = @'
The numbers of the archive items to export. Items piped from Get-JournalMessage bind by their
Id property; outcomes from Get-JournalOutcome and Import-JournalMessage -PassThru bind by their
ItemId. An Id that does not exist is an error with the id JournalMessageNotFound (not
terminating).
'@
        }
        Destination     = @{
            Description = @'
The folder to write the files into. It must exist (error id ExportDestinationNotFound, which
stops the cmdlet). A relative path is resolved against the current location.
'@
        }
        IncludeEnvelope = @{
            Description = @'
Writes every journal report of the item as it was received (<Id>-report<ReportId>.eml) instead
of the original message (<Id>.eml). The reports reveal Bcc recipients and group members; without
this switch only the original is written.
'@
        }
        Force           = @{
            Description = 'Overwrites files that exist already. Without it an existing file is left alone and an error with the id ExportFileExists is written.'
        }
    }
    Inputs      = @(
        @{ Type = 'System.Int64'; Description = 'You can pipe item numbers, or objects with an Id or ItemId property: archive items from Get-JournalMessage, outcomes from Get-JournalOutcome.' }
    )
    Outputs     = @{
        'System.IO.FileInfo' = 'One object per file written. With -WhatIf nothing is written and nothing is returned.'
    }
    Notes       = @'
Privacy: an envelope journal report lists every recipient of the message, Bcc recipients
included. Export without -IncludeEnvelope for anyone who may only see what the recipients saw.

The exported original is the message as it was journaled. For a rights-protected (RMS/IRM)
message that is the protected message; the clear-text copy is only in the reports
(-IncludeEnvelope).
'@
    Examples    = @(
        @{
            Title   = 'eDiscovery: export the messages of a search for a reviewer'
            Code    = @'
New-Item -ItemType Directory D:\Cases\4711\review | Out-Null
Get-JournalMessage -Recipient j.doe@contoso.com -Subject '*project falcon*' -After '2025-01-01' |
    Export-JournalMessage -Destination D:\Cases\4711\review
'@
            Remarks = @'
Writes each matching original as <Id>.eml. The reviewer sees the messages as their recipients
saw them; who received a Bcc copy is not revealed.
'@
        }
        @{
            Title   = 'Export the full journal reports for an auditor'
            Code    = @'
Get-JournalMessage -MessageId '<CAFx1234@mail.fabrikam.com>' |
    Export-JournalMessage -Destination .\audit -IncludeEnvelope -Force
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
            Remarks = 'Id and Destination are positional. -WhatIf lists the files the export would write, and writes none.'
        }
    )
    Links       = @('Get-JournalMessage', 'Get-JournalOutcome')
}
