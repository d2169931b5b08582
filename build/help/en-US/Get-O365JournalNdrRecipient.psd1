@{
    Synopsis    = 'Shows the tenant''s alternate journaling (NDR) recipient.'
    Description = @'
Get-O365JournalNdrRecipient runs Get-TransportConfig and shows JournalingReportNdrTo: the address
that receives journal reports Exchange Online could not deliver to the journal address. When it
is not set, Exchange shows "<>"; this cmdlet shows IsSet $false, Address $null, and "(not set)"
in its table. No journal rule can be created until it is set (Set-O365JournalNdrRecipient).

The cmdlet also looks the address up with Get-Recipient: RecipientTypeDetails says what it is
(MailContact, MailUser, or empty for an external address), and IsMailbox is $true for an Exchange
Online mailbox, which cannot receive undeliverable journal reports. Run Connect-O365Journaling
first.
'@
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalNdrRecipient' = 'Address (null when unset), IsSet, RecipientTypeDetails and IsMailbox.'
    }
    Examples    = @(
        @{
            Title   = 'Show the NDR recipient'
            Code    = 'Get-O365JournalNdrRecipient'
            Remarks = 'Shows the address, or "(not set)".'
        }
        @{
            Title   = 'Set it only when it is missing'
            Code    = @'
if (-not (Get-O365JournalNdrRecipient).IsSet) { Set-O365JournalNdrRecipient journal-ndr@archive.contoso.com }
'@
            Remarks = 'A runbook step that leaves an existing NDR recipient alone.'
        }
    )
    Links       = @('Set-O365JournalNdrRecipient', 'New-O365JournalRule')
}
