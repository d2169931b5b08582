@{
    Synopsis    = 'Adds mailboxes and aliases to the internal directory.'
    Description = @'
Add-JournalInternalAddress adds addresses to the internal directory: the list of the
organization's mailboxes and their aliases. The listener uses it to tell internal recipients
from unknown internal and non-internal ones (see -JournalUnknownInternalAddresses and
-JournalNonInternalAddresses on New-JournalDefinition), and an alias leads to the mailbox it
belongs to.

The address's domain must be registered first (error id AddressOutsideRegisteredDomains). A
journal definition's service email address cannot be added (error id SelfJournalingRefused):
Exchange would journal the journal reports themselves. An alias needs -Mailbox (error id
AliasNeedsMailbox). An invalid address is an error with the id InvalidEmailAddress.

Adding an address that is already there updates its type, mailbox and display name when they
differ and otherwise changes nothing, so an import can be run again and again. Each addition
and change is recorded in the event log. The cmdlet accepts pipeline input by property name, so
CSV rows and the output of Exchange or Graph cmdlets can be piped in directly. By default it
writes no output; use -PassThru to get the entries.
'@
    Parameters  = @{
        Address     = @{
            Description = @'
The e-mail addresses to add, as plain addresses (alice@contoso.com). Also bound from the pipeline
properties EmailAddress, PrimarySmtpAddress, SmtpAddress, Mail and UserPrincipalName.
'@
        }
        Type        = @{
            Description = @'
Mailbox for a mailbox's own address, Alias for an additional address that delivers to a mailbox
(give -Mailbox too).
'@
            Default     = 'Mailbox'
        }
        Mailbox     = @{
            Description = @'
For an alias: the primary address of the mailbox the alias belongs to. For a mailbox it is
ignored; a mailbox is its own Mailbox.
'@
        }
        DisplayName = @{
            Description = 'The display name to keep with the address, for example "Alice Smith". Also bound from a Name property.'
        }
        PassThru    = @{ Description = 'Writes each added or updated entry to the pipeline. By default the cmdlet writes nothing.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe addresses as strings.' }
        @{ Type = 'System.Management.Automation.PSObject'; Description = 'You can pipe objects with an address property (Address, EmailAddress, PrimarySmtpAddress, SmtpAddress, Mail or UserPrincipalName) and optionally Type, Mailbox and DisplayName (or Name): CSV rows, Get-EXOMailbox or Get-MgUser output.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.InternalAddress' = 'With -PassThru, one entry per address: EmailAddress, Domain, Type, Mailbox, DisplayName, Source and Added. Otherwise nothing.'
    }
    Examples    = @(
        @{
            Title   = 'Import the directory from a CSV file'
            Code    = @'
Import-Csv .\mailboxes.csv | Add-JournalInternalAddress
Get-JournalInternalAddress -Domain contoso.com
'@
            Remarks = @'
mailboxes.csv has the columns Address and DisplayName (and Type and Mailbox for aliases). Rows
bind by property name; the import can be repeated safely.
'@
        }
        @{
            Title   = 'Add a mailbox and its alias by hand'
            Code    = @'
Add-JournalInternalAddress alice@contoso.com -DisplayName 'Alice Smith'
Add-JournalInternalAddress a.smith@contoso.com -Type Alias -Mailbox alice@contoso.com -PassThru
'@
            Remarks = 'Adds the mailbox, then an alias that resolves to it.'
        }
        @{
            Title   = 'Load the mailboxes and their aliases from Exchange Online'
            Code    = @'
Connect-ExchangeOnline
Get-EXOMailbox -ResultSize Unlimited -Properties EmailAddresses | ForEach-Object {
    $primary = $_.PrimarySmtpAddress
    Add-JournalInternalAddress $primary -DisplayName $_.DisplayName
    $_.EmailAddresses | Where-Object { $_ -clike 'smtp:*' } | ForEach-Object {
        Add-JournalInternalAddress $_.Substring(5) -Type Alias -Mailbox $primary -ErrorAction Continue
    }
}
'@
            Remarks = @'
Adds every mailbox and its secondary SMTP addresses (lower-case "smtp:" prefix) as aliases.
Addresses in domains that are not registered produce AddressOutsideRegisteredDomains errors and
the loop goes on.
'@
        }
    )
    Links       = @('Get-JournalInternalAddress', 'Remove-JournalInternalAddress', 'Register-JournalDomain')
}
