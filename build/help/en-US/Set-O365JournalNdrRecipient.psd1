@{
    Synopsis    = 'Sets the alternate journaling (NDR) recipient; refuses Exchange Online mailboxes.'
    Description = @'
Set-O365JournalNdrRecipient runs Set-TransportConfig -JournalingReportNdrTo <address>: the address
that receives journal reports Exchange Online could not deliver to the journal address. Exchange
Online creates no journal rule until it is set.

The address must be an external address or a mail contact. Before anything is changed the cmdlet
looks it up with Get-Recipient and refuses an Exchange Online mailbox of any kind (user, shared,
room …) with error id NdrRecipientIsMailbox: Exchange Online cannot deliver undeliverable journal
reports to a mailbox it journals. Nothing is sent when the address is already set (the cmdlet is
idempotent). Run Connect-O365Journaling first.
'@
    Parameters  = @{
        Address  = @{ Description = 'The address for undeliverable journal reports: an external address (for example at the archive) or a mail contact, never an Exchange Online mailbox.' }
        PassThru = @{ Description = 'Writes the NDR recipient afterwards, with Action Created (it was unset), Updated or Unchanged. By default the cmdlet writes nothing.' }
    }
    Inputs      = @(
        @{ Type = 'System.Management.Automation.PSObject'; Description = 'Objects with an Address, NdrRecipient or JournalingReportNdrTo property.' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalNdrRecipient' = 'With -PassThru: the NDR recipient afterwards.'
    }
    Examples    = @(
        @{
            Title   = 'Set the NDR recipient before the first journal rule'
            Code    = @'
Set-O365JournalNdrRecipient journal-ndr@archive.contoso.com -PassThru
'@
            Remarks = 'Sets JournalingReportNdrTo and shows it with Action Created.'
        }
        @{
            Title   = 'A mailbox is refused'
            Code    = @'
Set-O365JournalNdrRecipient compliance@contoso.com
'@
            Remarks = 'When compliance@contoso.com is an Exchange Online mailbox, the cmdlet writes NdrRecipientIsMailbox and changes nothing.'
        }
    )
    Links       = @('Get-O365JournalNdrRecipient', 'New-O365JournalRule', 'Enable-O365Journaling')
}
