@{
    Synopsis    = 'Creates the Exchange Online mail contact for a journal service address, hidden from address lists.'
    Description = @'
New-O365JournalContact makes sure a mail contact for the journal service address exists in
Exchange Online, so that a journal rule (or the alternate journaling recipient) can point at it.
It runs New-MailContact, then Set-MailContact -HiddenFromAddressListsEnabled $true, because
New-MailContact cannot hide a contact from the global address list. Use -ShowInAddressList to
leave the contact visible.

The cmdlet converges instead of failing: when a contact of that name exists, it compares the
external address and the address-list setting and changes only what differs. The output's Action
says what happened: Created, Updated or Unchanged. Nothing is changed for Unchanged, so it runs
even under -WhatIf and writes the contact.

Pipe journal definitions from Get-JournalDefinition: the definition's ServiceEmailAddress becomes
the ExternalEmailAddress, and the name defaults to "Journal - <definition name>" (cut to 64
characters). Without a definition the name defaults to "Journal - <address>".

Exchange's own errors become non-terminating errors with Exchange's text: an address another
recipient already uses is ResourceExists (ExchangeObjectAlreadyExists), a missing role is
PermissionDenied (ExchangeAccessDenied). -Verbose shows each Exchange cmdlet invoked with its
parameters. Run Connect-O365Journaling first.
'@
    Parameters  = @{
        ExternalEmailAddress = @{
            Description = @'
The address the contact forwards to: the journal service address, for example
journal@journal.contoso.com. You can pipe objects with an ExternalEmailAddress or
ServiceEmailAddress property.
'@
        }
        Definition           = @{
            Description = 'A journal definition from Get-JournalDefinition. Its ServiceEmailAddress is the external address, and its name gives the default contact name.'
        }
        Name                 = @{
            Description = 'The contact''s name in Exchange (unique among recipients, at most 64 characters). It is also the display name of a new contact.'
            Default     = '"Journal - " followed by the definition name, or by the address'
        }
        ShowInAddressList    = @{
            Description = 'Leaves the contact visible in address lists (HiddenFromAddressListsEnabled $false). By default it is hidden, as a journaling contact should be.'
            Default     = 'Hidden from address lists'
        }
    }
    Inputs      = @(
        @{ Type = 'MimecastJournaling.Engine.Configuration.JournalDefinition'; Description = 'Journal definitions from Get-JournalDefinition.' }
        @{ Type = 'System.Management.Automation.PSObject'; Description = 'Objects with an ExternalEmailAddress or ServiceEmailAddress property (for example rows of a CSV file).' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalContact' = 'The contact as Exchange has it afterwards, with Action Created, Updated or Unchanged.'
    }
    Examples    = @(
        @{
            Title   = 'Create the contact for a journal definition'
            Code    = @'
Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ClientId $appId -ClientSecret $secret
Get-JournalDefinition 'Exchange Online journaling' | New-O365JournalContact
'@
            Remarks = 'Creates "Journal - Exchange Online journaling" for the definition''s service address, hidden from address lists. Running it again reports Unchanged.'
        }
        @{
            Title   = 'Preview, then create a contact with a chosen name'
            Code    = @'
New-O365JournalContact journal@journal.contoso.com -Name 'Mimecast journal' -WhatIf
New-O365JournalContact journal@journal.contoso.com -Name 'Mimecast journal' -Verbose
'@
            Remarks = 'The first line shows what would be created; the second creates it and shows New-MailContact and Set-MailContact with their parameters.'
        }
    )
    Links       = @('Get-O365JournalContact', 'Remove-O365JournalContact', 'Connect-O365Journaling', 'Get-JournalDefinition')
}
