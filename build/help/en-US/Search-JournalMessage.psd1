@{
    Synopsis    = 'Searches the archive with the query language of Microsoft Purview (KQL): words, phrases, participants, Bcc recipients, dates, sizes and attachments.'
    Description = @'
Search-JournalMessage finds archive items by the words in their subject, body and attachments
and by their participants, using the subset of the Keyword Query Language (KQL) that Exchange
admins know from Microsoft Purview content search. It returns the same objects as
Get-JournalMessage, newest first (by the date the message was sent, else when it was received),
so the results pipe to Export-JournalMessage and Format-List like any archive item.

A query is made of terms:

Bare words and "quoted phrases" are looked for in the subject, the body, attachment names and the
text of text-like attachments. A phrase matches its words in this order, next to each other, in
one of those fields. A word ending in * matches every word it begins (attach* finds attachment
and attached). Words are compared without regard to case; punctuation separates words, so
"q3-figures" is the phrase "q3 figures".

Property restrictions are name:value, without a space after the colon:
from: the sender; to:, cc:, bcc: the recipients of that type; recipients: every recipient;
participants: the sender and every recipient. A value with @ is one address (* and ? are
wildcards: recipients:*@fabrikam.com); a value with a dot and no @ is a domain (from:contoso.com);
a plain word is the part before the @ (from:alice).
subject:, body:, attachmentnames: a word or "phrase" in that field only.
hasattachment:true or hasattachment:false.
sent and received compare with : >= <= > < and a date yyyy-MM-dd (UTC, the whole day:
sent<=2026-01-31 includes the 31st) or a time yyyy-MM-ddTHH:mm:ss with an optional offset.
size compares with : >= <= > < and bytes or a number with KB, MB or GB (size>5MB).

Terms combine with AND, OR and NOT (upper case, as in KQL; a lower-case and is a word) and
parentheses. Two terms side by side mean AND. NOT binds tighter than AND, and AND tighter than
OR: a OR b c is a OR (b AND c). -word is NOT word.

A query that cannot be read is an error with the id SearchJournalMessageQueryInvalid; its message
shows the query with a caret under the position of the problem and says what to change.

Bcc recipients. Exchange envelope journaling reveals Bcc recipients, and the archive keeps them:
bcc: and participants: find items by them, and each result's Recipients list shows them with the
type Bcc. Anyone who can run Search-JournalMessage against the store sees them: on SQLite, whoever
can read the store file (mode 0600, the owner); on PostgreSQL, every role that can read the items
and item_recipients tables. Give reviewers who must not see Bcc recipients no access to the
store; hand them an export instead.

The index. The words are in a full-text index in the store's database (SQLite FTS5, PostgreSQL
tsvector with GIN indexes). A running listener indexes archived items beside the archive, never
on the SMTP path; Import-JournalMessage indexes what it archived (with -SkipIndex it leaves that to
a listener or Update-JournalIndex). Search-JournalMessage warns when items are not indexed yet:
words in them are not found, while sender, recipients, dates and size are. Get-JournalIndexStatus
shows the lag and the items whose text could not be read. The text of attachments is indexed for
text-like types (text/*, XML, JSON, CSV, attached messages), PDF, and the Office Open XML formats
(.docx, .xlsx, .pptx and their macro-enabled forms: body, headers, footers, footnotes, cells, slides
and speaker notes); the legacy binary .doc, .xls and .ppt, images and archives are found by their
names only. A PDF or Office attachment over 32 MB, or one that is damaged or encrypted, is found by
its name and listed by Get-JournalIndexStatus with the reason. Of each body and of all attachment
text together the first 100,000 characters are indexed.

Every search is written to the event log (Get-JournalEvent, ObjectType Search): who searched, the
query, the -Definition and -Mailbox it was limited to, and how many items it returned.
'@
    Parameters  = @{
        Query      = @{
            Description = @'
The query, for example: participants:dave@contoso.com "quarterly results" hasattachment:true.
Put it in single quotes in PowerShell so that double quotes of a phrase and $ reach the search.
Up to 4,000 characters.
'@
        }
        Definition = @{
            Description = @'
Returns only items received under this journal definition, by name (not case-sensitive). A name
that does not exist is an error with the id JournalDefinitionNotFound. Press Tab to complete a
name from the store.
'@
            Default     = 'All definitions'
        }
        Mailbox    = @{
            Description = 'Returns only items of this internal mailbox. Wildcards * and ? are allowed (-Mailbox ''*@contoso.com'').'
            Default     = 'All mailboxes'
        }
        First      = @{
            Description = 'Returns at most this many items, newest first. Must be 1 or more.'
            Default     = 'All matching items'
        }
        Skip       = @{
            Description = 'Leaves out this many of the newest matching items first (with -First, a page of results).'
            Default     = '0'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Archive.JournalMessage' = 'The matching archive items, as Get-JournalMessage returns them, newest first.'
    }
    Examples    = @(
        @{
            Title   = 'A legal request: everything Dave took part in about the quarterly results, with attachments'
            Code    = @'
Search-JournalMessage 'participants:dave@contoso.com "quarterly results" hasattachment:true'
'@
            Remarks = 'Finds items Dave sent or received (as To, Cc or Bcc) that contain the phrase and have an attachment.'
        }
        @{
            Title   = 'Mail to a partner domain in January, except newsletters'
            Code    = @'
Search-JournalMessage 'recipients:*@fabrikam.com sent>=2026-01-01 sent<=2026-01-31 NOT subject:newsletter' -Mailbox alice@contoso.com
'@
            Remarks = 'Limits the search to Alice''s mailbox; the 31st is included.'
        }
        @{
            Title   = 'Page through many results'
            Code    = @'
Search-JournalMessage 'attachmentnames:invoice OR body:invoice' -First 50 -Skip 50 | Format-Table Id, Date, Sender, Subject
'@
            Remarks = 'Shows the second page of 50.'
        }
        @{
            Title   = 'A typo in a query'
            Code    = @'
Search-JournalMessage 'from:alice AND (subject:budget'
'@
            Remarks = 'Fails with SearchJournalMessageQueryInvalid: the message shows the query with a caret under the opening parenthesis that has no closing one.'
        }
    )
    Links       = @('Get-JournalMessage', 'Get-JournalIndexStatus', 'Update-JournalIndex', 'Export-JournalMessage', 'Get-JournalEvent')
}
