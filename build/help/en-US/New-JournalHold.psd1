@{
    Synopsis    = 'Places a legal hold: the messages it covers cannot be removed by retention or by hand.'
    Description = @'
New-JournalHold places a legal hold on archived messages. While the hold is active, neither
Invoke-JournalRetention nor Remove-JournalMessage removes an item it covers, whatever its expiry
(a hold overrides erasure, as GDPR Art. 17(3) allows for legal claims). Get-JournalMessage shows
the holds that cover each item (Holds).

The scope is a stored filter that is evaluated whenever items could be removed, so it covers
messages archived later too: -Mailbox (an internal mailbox of the item), -Sender, -Recipient (any
recipient, Bcc included) and -Start/-End (the message's Date, or its arrival when the Date is
missing or in the future; Start inclusive, End exclusive). Criteria given together must all
match; a hold without any covers the whole archive. The hold records who placed it and when,
and keeps its scope and reason as proof; it is written to the event log (ObjectType Hold).

-Query holds what a search finds: the query language of Search-JournalMessage (from:, to:, cc:,
bcc:, participants:, subject:, body:, attachmentnames:, hasattachment:, sent/received/size
ranges, words, "phrases", AND/OR/NOT). The query text is kept on the hold (Query) and in the
event log as proof of its scope. It is answered by the search index whenever items could be
removed, so it covers what Search-JournalMessage finds, mail archived later included. A query
that looks at words, phrases, subject:, body:, attachmentnames: or hasattachment: needs the
index: an item that is not indexed yet, or whose text could not be read, cannot be shown to be
outside such a query, so the hold covers it until the index has read it (Invoke-JournalRetention
counts these as HeldUnindexed; Remove-JournalMessage says so). Participants, dates and size need
no index. A query that cannot be read is refused (NewJournalHoldQueryInvalid) with its position.
'@
    Parameters  = @{
        Name      = @{ Description = 'The hold''s name, for example the case or matter number; unique among active holds (not case-sensitive). A name in use is an error with the id JournalHoldExists.' }
        Reason    = @{ Description = 'Why the mail is held (the matter, who asked for it), kept with the hold and in the event log.' }
        Mailbox   = @{ Description = 'Covers items with an internal mailbox matching this address (a custodian); wildcards allowed.'; Default = 'Any mailbox' }
        Sender    = @{ Description = 'Covers items whose sender matches this address; wildcards allowed, for example ''*@fabrikam.com''.'; Default = 'Any sender' }
        Recipient = @{ Description = 'Covers items with a recipient (To, Cc, Bcc, group members) matching this address; wildcards allowed.'; Default = 'Any recipient' }
        Start     = @{ Description = 'Covers messages dated at or after this time. A time without a time zone is local time.'; Default = 'No lower limit' }
        End       = @{ Description = 'Covers messages dated before this time; must be later than -Start (else the error JournalHoldDateRangeInvalid).'; Default = 'No upper limit' }
        Query     = @{ Description = 'Covers the items this search query finds (the KQL of Search-JournalMessage), together with the other criteria; kept on the hold as proof of scope. Items the index has not read yet are covered until it has, when the query looks at words. A query that cannot be read is the error NewJournalHoldQueryInvalid, which shows the position.'; Default = 'No query' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe objects with Name, Reason and scope properties (for example from Import-Csv).' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Lifecycle.JournalHold' = 'The new hold: Id, Name, Reason, Scope, CreatedBy, Created, Active.'
    }
    Examples    = @(
        @{
            Title   = 'Hold a custodian''s mail for a lawsuit'
            Code    = 'New-JournalHold -Name ''Case 4711'' -Reason ''Contoso v. Fabrikam, notice of 2026-11-02'' -Mailbox j.doe@contoso.com'
            Remarks = 'Nothing j.doe sent or received can be removed until the hold is released, including mail archived from now on.'
        }
        @{
            Title   = 'Hold what a partner sent during a period'
            Code    = @'
New-JournalHold 'Audit 2025' 'Tax audit, request of 2026-10-15' -Sender '*@fabrikam.com' -Start '2025-01-01' -End '2026-01-01'
Get-JournalMessage -Sender '*@fabrikam.com' | Format-Table Id, Date, Subject, Holds
'@
            Remarks = 'Covers the messages from fabrikam.com dated in 2025, and shows them with their holds.'
        }
        @{
            Title   = 'Hold what a search finds'
            Code    = @'
New-JournalHold 'Matter 88' 'Subpoena of 2026-11-30' -Query 'participants:dave@contoso.com "quarterly results"'
Get-JournalHold 'Matter 88' | Format-List Name, Query, Reason
'@
            Remarks = 'Covers every message dave took part in that contains the phrase, and every message the index has not read yet until it has. The query is kept on the hold.'
        }
    )
    Links       = @('Search-JournalMessage', 'Get-JournalHold', 'Remove-JournalHold', 'Invoke-JournalRetention', 'Remove-JournalMessage')
}
