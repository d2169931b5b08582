@{
    Synopsis    = 'Gets the outcome of every journal report received: archived, merged, duplicate, quarantined or rejected, with the reason.'
    Description = @'
Every journal report that reaches the archive, through the listener or Import-JournalMessage,
ends in exactly one outcome, and nothing is skipped silently:

Archived: the report started a new archive item.

Merged: the report joined an item that already held the same message (another fork of a
bifurcated message, or the second report of hybrid double journaling); its recipients were
added to the item.

Duplicate: the very same report (identical bytes) was already in the item; nothing changed.

Quarantined: the report could not be archived, because it is not a MIME message or neither a
sender nor a recipient could be read. Reason says why.

Rejected: a rule of the journal definition refused it. Rule names the setting
(JournalNonInternalAddresses or JournalUnknownInternalAddresses) and Reason says what to change.

The raw bytes of every report are kept whatever its outcome, so a quarantined or rejected
report can be examined later (Export-JournalMessage -IncludeEnvelope for archived ones; the raw
bytes of the others stay in the store).

Get-JournalOutcome lists the outcomes newest first. Filter by outcome, by definition or by time,
or take only the first few. Each outcome has the report's number (ReportId), when and from where
it was received (Source: smtp:<address> or file:<path>), the definition, the item it created or
joined (ItemId), what the parser read (Format, MessageId, Sender, Subject), its size and the
defects the parser or the archive noticed (for example that a plain EML file stepped down to its
header recipients).
'@
    Parameters  = @{
        Outcome    = @{
            Description = 'Returns only reports with this outcome: Archived, Merged, Duplicate, Quarantined or Rejected.'
            Default     = 'All outcomes'
        }
        Definition = @{
            Description = @'
Returns only the reports received under this journal definition, by name (not case-sensitive).
A name that does not exist is an error with the id JournalDefinitionNotFound. Press Tab to
complete a name from the store.
'@
            Default     = 'All definitions'
        }
        After      = @{
            Description = @'
Returns only reports received after this time. A time without a time zone is read as local time,
for example (Get-Date).AddHours(-1).
'@
            Default     = 'No time limit'
        }
        First      = @{
            Description = 'Returns at most this many outcomes, newest first. Must be 1 or more.'
            Default     = 'All outcomes'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Archive.JournalOutcome' = @'
One object per report: ReportId, Received, Source, Definition, Outcome, Reason, Rule, ItemId,
Format, MessageId, Sender, Subject, Size and Defects. The default view is a table of ReportId,
Received, Outcome, ItemId, Source and the rule and reason.
'@
    }
    Examples    = @(
        @{
            Title   = 'Why was a report rejected?'
            Code    = @'
Get-JournalOutcome -Outcome Rejected -First 5 | Format-List Received, Source, Sender, MessageId, Rule, Reason
'@
            Remarks = @'
Shows the last five rejected reports with the definition setting that refused each. For
JournalUnknownInternalAddresses the reason lists the internal addresses the directory does not
know: add them with Add-JournalInternalAddress, or turn the switch on with
Set-JournalDefinition.
'@
        }
        @{
            Title   = 'Daily check from a runbook'
            Code    = @'
$problems = Get-JournalOutcome -After (Get-Date).AddDays(-1) | Where-Object Outcome -in 'Quarantined', 'Rejected'
$problems | Group-Object Outcome, Rule -NoElement
$problems | Where-Object Outcome -eq 'Quarantined' | Select-Object Source, Reason, Defects
'@
            Remarks = 'Counts yesterday''s quarantined and rejected reports by rule and lists why each quarantined one could not be read.'
        }
        @{
            Title   = 'Follow a report into the archive'
            Code    = @'
Get-JournalOutcome -Definition 'Exchange Online journaling' -Outcome Merged -First 1 | Get-JournalMessage
'@
            Remarks = 'An outcome piped to Get-JournalMessage binds its ItemId, so this shows the item the latest merged report joined.'
        }
    )
    Links       = @('Import-JournalMessage', 'Get-JournalMessage', 'Read-JournalReport')
}
