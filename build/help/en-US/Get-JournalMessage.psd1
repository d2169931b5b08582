@{
    Synopsis    = 'Searches the archive: gets archived messages by Message-ID, mailbox, sender, recipient, subject, date or definition.'
    Description = @'
Get-JournalMessage lists archive items. An item is one original message, stored once, with the
union of the recipients of every journal report that contributed to it (the forks of a
bifurcated message and the reports of hybrid double journaling merge into one item), the
internal mailboxes it belongs to, and the list of those reports.

Without parameters it lists every item, oldest first (by Id). The filters combine: an item must
match all of them. The text filters (-MessageId, -Mailbox, -Sender, -Recipient, -Subject) are
not case-sensitive and take the wildcards * (any characters) and ? (one character); without a
wildcard they must match the whole value. -Recipient matches any recipient of the item,
including Bcc recipients and members expanded from a group. -After and -Before compare the
message's Date header (the time of receipt when it has none). Page through large results with
-First and -Skip.

With -Id the cmdlet gets items by their number, for example from Get-JournalOutcome (ItemId). An
Id that does not exist writes an error with the id JournalMessageNotFound; the other Ids are
still returned.

The output contains the recipients (Bcc included). Use Export-JournalMessage to hand the
messages themselves to someone else.
'@
    Parameters  = @{
        Id         = @{
            Description = @'
The numbers of the items to get. Items piped from Get-JournalMessage bind by their Id property;
objects with an ItemId property bind by that. An Id that does not exist is an error with the id
JournalMessageNotFound (not terminating).
'@
        }
        MessageId  = @{
            Description = @'
The Message-ID of the original message, with or without angle brackets, for example
'CAFx1234@mail.contoso.com' or '*@fedora'. Not case-sensitive; wildcards allowed.
'@
            Default     = 'Any'
        }
        Mailbox    = @{
            Description = @'
The internal mailbox the item belongs to (the primary address of a directory entry; a message
sent to an alias belongs to the alias's mailbox). Matches items whose sender or any recipient is
assigned to that mailbox. Not case-sensitive; wildcards allowed, for example '*@contoso.com'.
'@
            Default     = 'Any'
        }
        Sender     = @{
            Description = 'The sender address as the journal report states it. Not case-sensitive; wildcards allowed.'
            Default     = 'Any'
        }
        Recipient  = @{
            Description = @'
An address among the item's recipients (To, Cc, Bcc or Recipient, group members and forward
targets included; the group or forwarding address itself is not a recipient). Not
case-sensitive; wildcards allowed.
'@
            Default     = 'Any'
        }
        Subject    = @{
            Description = @'
The subject of the message, decoded. Wildcards allowed: '*invoice*' finds every subject that
contains the word. Not case-sensitive for ASCII letters.
'@
            Default     = 'Any'
        }
        After      = @{
            Description = @'
Returns only messages dated after this time (the Date header of the original; the time of
receipt when it has none). A time without a time zone is read as local time, for example
'2025-03-01' or (Get-Date).AddDays(-7).
'@
            Default     = 'No lower limit'
        }
        Before     = @{
            Description = @'
Returns only messages dated before this time (the Date header of the original; the time of
receipt when it has none). A time without a time zone is read as local time.
'@
            Default     = 'No upper limit'
        }
        Definition = @{
            Description = @'
Returns only items created under this journal definition, by name (not case-sensitive). A name
that does not exist is an error with the id JournalDefinitionNotFound. Press Tab to complete a
name from the store.
'@
            Default     = 'Items of all definitions'
        }
        First      = @{
            Description = 'Returns at most this many items (after -Skip). Must be 1 or more.'
            Default     = 'All matching items'
        }
        Skip       = @{
            Description = 'Leaves out this many matching items first, for paging together with -First. 0 or more.'
            Default     = '0'
        }
    }
    Inputs      = @(
        @{ Type = 'System.Int64'; Description = 'You can pipe objects with an Id or ItemId property (archive items); they bind to -Id.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Archive.JournalMessage' = @'
One object per item: Id, MessageId, Sender, Subject, Date, Size (of the original, in bytes),
Recipients (Address, Type, ExpandedFrom, ForwardedFrom), Mailboxes, Definition, State (Pending
during the merge window, then Archived), HasClearTextCopy, Reports (ReportId, Received, Source,
Definition, Outcome of each contributing report), FirstReceived, Updated and ContentHash (SHA-256
of the stored original), ExpiresOn (when its retention runs out, fixed when it was archived;
empty when no retention policy applies and it is kept), RetentionPolicy (the policy that set
it) and Holds (the names of the active legal holds that cover it). The default view is a table
of Id, Date, Sender, Subject, the number of recipients and reports, State, ExpiresOn and Holds.
'@
    }
    Notes       = @'
An item is identified by its Message-ID together with a fingerprint of its content (originator
headers and body, without the transport headers each hop adds). Two different messages that
share a Message-ID are therefore two items, and a message without Message-ID is still one item.
'@
    Examples    = @(
        @{
            Title   = 'eDiscovery: find what a custodian received from a domain in a period'
            Code    = @'
$hits = Get-JournalMessage -Recipient j.doe@contoso.com -Sender '*@fabrikam.com' `
    -After '2025-01-01' -Before '2025-04-01'
$hits | Format-Table Id, Date, Sender, Subject
$hits | Select-Object Id, MessageId, Date, Sender, Subject,
    @{ n = 'Recipients'; e = { $_.Recipients.Address -join '; ' } } | Export-Csv .\case-4711-index.csv -NoTypeInformation
'@
            Remarks = @'
Finds the messages from anyone at fabrikam.com that reached j.doe in the first quarter, Bcc
included, and writes an index for the case file. Export-JournalMessage then exports the
messages themselves (see its help).
'@
        }
        @{
            Title   = 'Everything in one mailbox, a page at a time'
            Code    = @'
Get-JournalMessage -Mailbox bob@contoso.com -First 50
Get-JournalMessage -Mailbox bob@contoso.com -First 50 -Skip 50
'@
            Remarks = 'Lists the items that belong to Bob''s mailbox (as sender or recipient, through any alias), 50 at a time.'
        }
        @{
            Title   = 'Look at the item a report went into'
            Code    = @'
$outcome = Get-JournalOutcome -First 1
Get-JournalMessage -Id $outcome.ItemId | Format-List MessageId, State, Mailboxes, Recipients, Reports
'@
            Remarks = @'
Shows the item that the latest report created or joined: its state in the merge window, the
mailboxes it belongs to, every recipient and every report that contributed.
'@
        }
        @{
            Title   = 'Find one message by its Message-ID'
            Code    = @'
Get-JournalMessage '<Z_3D0PZWolXUdXnK@fedora>' | Select-Object -ExpandProperty Recipients
'@
            Remarks = '-MessageId is positional and the angle brackets are optional. Lists the recipients with their type and the group or forward each came through.'
        }
    )
    Links       = @('Export-JournalMessage', 'Get-JournalOutcome', 'Import-JournalMessage')
}
