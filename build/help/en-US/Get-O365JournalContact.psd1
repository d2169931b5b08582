@{
    Synopsis    = 'Gets Exchange Online mail contacts.'
    Description = @'
Get-O365JournalContact runs Get-MailContact (all results, no 1,000 limit) and returns the
contacts as plain objects: Name, ExternalEmailAddress, HiddenFromAddressListsEnabled, Alias,
DisplayName, PrimarySmtpAddress, Identity and Guid. Without -Identity it returns every mail
contact of the tenant. An identity that matches nothing is a non-terminating ObjectNotFound error
(ExchangeObjectNotFound) with Exchange's text. Run Connect-O365Journaling first.
'@
    Parameters  = @{
        Identity = @{
            Description = 'The contacts to get: name, alias, email address or GUID, as Exchange accepts for Get-MailContact -Identity. Without it all mail contacts are returned.'
            Default     = 'All mail contacts'
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe identities, or objects with an Identity property.' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalContact' = 'One object per contact (Action is empty).'
    }
    Examples    = @(
        @{
            Title   = 'Check that the journal contact is hidden'
            Code    = @'
Get-O365JournalContact 'Journal - Exchange Online journaling' | Format-List Name, ExternalEmailAddress, HiddenFromAddressListsEnabled
'@
            Remarks = 'Shows the contact''s address and whether it is hidden from address lists.'
        }
        @{
            Title   = 'List contacts that forward to the journal domain'
            Code    = @'
Get-O365JournalContact | Where-Object ExternalEmailAddress -like '*@journal.contoso.com'
'@
            Remarks = 'Lists every mail contact whose external address is in the journal sub-domain.'
        }
    )
    Links       = @('New-O365JournalContact', 'Remove-O365JournalContact')
}
