@{
    Synopsis    = 'Reads journal report files and shows what the parser finds in them, without archiving anything.'
    Description = @'
Read-JournalReport parses journal report files (.eml) exactly as the archive does and writes one
JournalReport object per file. It changes nothing: no store is opened and nothing is archived.
Use it to debug a report that was quarantined, rejected or archived with unexpected recipients,
or to look at a report before importing it.

The parser recognises three formats. Envelope: Exchange 2007 and later and Exchange Online, with
the marker header X-MS-Journal-Report. Envelope2003: Exchange 2000/2003, with the marker
Content-Identifier: ExJournalReport (also the misspelling Content-Identifer). Standard: a plain
message without envelope; its recipients come from its To, Cc and Bcc headers. A report that
arrived wrapped in a non-delivery report from the alternate journaling mailbox is unwrapped
(Unwrapped is True).

Each recipient has the address that received the message, its type (To, Cc, Bcc, or Recipient
when Exchange could not tell the type, as for most inbound Internet mail), and the distribution
group it was expanded from or the address it was forwarded from. The group or forwarding
address is not itself a recipient.

The parser never fails on bad input: oddities are listed in Defects, and input that is not MIME
at all has ParseFailed True (the archive quarantines it). A path that does not exist or cannot
be read writes an error (ReportPathNotFound, ReportFileUnreadable) and the other files are still
read. A folder gives the files directly in it.

The output reveals Bcc recipients and the whole envelope (EnvelopeText). Treat it like the
journal reports themselves.
'@
    Parameters  = @{
        Path        = @{
            Description = @'
The report files to read. Wildcards are allowed (*.eml), and a folder stands for the files
directly in it. A path without wildcards that does not exist is an error with the id
ReportPathNotFound, and the other paths are still read; a wildcard that matches nothing gives
nothing. You can pipe strings, or the FileInfo objects of Get-ChildItem.
'@
        }
        LiteralPath = @{
            Description = @'
The report files to read, taken exactly as written: wildcard characters such as [ ] are part of
the name. Get-ChildItem output binds here by its PSPath property.
'@
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe paths to -Path.' }
        @{ Type = 'System.IO.FileInfo'; Description = 'You can pipe files from Get-ChildItem; they bind to -LiteralPath by their PSPath.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Parsing.JournalReport' = @'
One object per file: Format, Sender, OnBehalfOf, Subject, MessageId, Recipients (Address, Type,
ExpandedFrom, ForwardedFrom), OriginalMessage and ClearTextCopy (the embedded messages, with
Content, From, Date, Subject, MessageId, Size and ContentHash), Defects, EnvelopeText,
ReportMessageId, ReportDate, Unwrapped, ParseFailed, Size and ContentHash. The default view is a
list of the most useful properties; use Format-List * to see all.
'@
    }
    Notes       = @'
Read-JournalReport does not apply a journal definition: the recipients are those of the report.
Under a StandardEml definition the archive takes the recipients from the embedded message's
headers instead, and the internal-address rules may reject the report; Import-JournalMessage
-WhatIf and Get-JournalOutcome show what the archive decides.
'@
    Examples    = @(
        @{
            Title   = 'Find out why a report was archived without a Bcc recipient'
            Code    = @'
$report = Read-JournalReport .\quarantine\report-0815.eml
$report | Format-List Format, Sender, MessageId, Defects
$report.Recipients | Format-Table Address, Type, ExpandedFrom, ForwardedFrom
$report.EnvelopeText
'@
            Remarks = @'
Shows the format the parser recognised, the defects it noticed, each recipient with the group or
forward it came through, and the decoded envelope text exactly as Exchange wrote it. If Format
is Standard, the marker header was lost on the way (for example by a relay) and the recipients
come from the message headers, so Bcc recipients are missing.
'@
        }
        @{
            Title   = 'Check a folder of reports before a backfill'
            Code    = @'
Get-ChildItem D:\JournalExport -Filter *.eml -Recurse | Read-JournalReport |
    Where-Object { $_.ParseFailed -or $_.Format -eq 'Standard' -or $_.Defects.Count -gt 0 } |
    Select-Object MessageId, Format, ParseFailed, @{ n = 'Defects'; e = { $_.Defects -join ' ' } }
'@
            Remarks = @'
Lists the reports that the archive would quarantine (ParseFailed), step down to header
recipients (Standard) or archive with a defect. Files that cannot be read are reported as errors
and the rest are still checked.
'@
        }
        @{
            Title   = 'Compare the parts of a bifurcated message'
            Code    = @'
Read-JournalReport -LiteralPath '.\reports\fork[1].eml', '.\reports\fork[2].eml' |
    ForEach-Object { $_.Recipients } | Sort-Object Address -Unique
'@
            Remarks = @'
-LiteralPath reads names with brackets as they are. The union of the recipients is what the
archive keeps when the reports of one message merge into one item.
'@
        }
    )
    Links       = @('Import-JournalMessage', 'Get-JournalOutcome')
}
