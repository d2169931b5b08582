@{
    Synopsis    = 'Gets addresses from the internal directory.'
    Description = @'
Get-JournalInternalAddress lists the internal directory, or the addresses you name, optionally
only those of one domain. Each entry shows the address, its domain, whether it is a mailbox or
an alias, the mailbox it belongs to, the display name, where it came from (Source) and when it
was added.

An address without wildcards that is not in the directory is a non-terminating error with the
id InternalAddressNotFound; a wildcard pattern that matches nothing returns nothing.
'@
    Parameters  = @{
        Address = @{
            Description = @'
The addresses to get. Wildcards are allowed ("a*@contoso.com"). Without this parameter all
addresses (of -Domain, if given) are returned.
'@
            Default     = 'All addresses'
        }
        Domain  = @{
            Description = 'Returns only the addresses of this registered domain. Press Tab to complete a name from the store.'
            Default     = 'All domains'
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe addresses, or objects with an Address, EmailAddress, PrimarySmtpAddress, SmtpAddress or Mail property.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.InternalAddress' = 'One entry per address. The address is in EmailAddress (not Address: PowerShell arrays have an Address method, so (Get-JournalInternalAddress).EmailAddress works on the whole result). The default view is a table of EmailAddress, Type, Mailbox, Source and DisplayName.'
    }
    Examples    = @(
        @{
            Title   = 'List the aliases of one domain'
            Code    = @'
Get-JournalInternalAddress -Domain contoso.com | Where-Object Type -eq Alias
'@
            Remarks = 'Shows the aliases in contoso.com and the mailboxes they belong to.'
        }
        @{
            Title   = 'Compare the directory with Exchange Online in a runbook'
            Code    = @'
$known = (Get-JournalInternalAddress -Domain contoso.com).EmailAddress
$current = (Get-EXOMailbox -ResultSize Unlimited).PrimarySmtpAddress
Compare-Object $known $current | Where-Object SideIndicator -eq '=>' | Select-Object -ExpandProperty InputObject
'@
            Remarks = 'Lists the mailboxes that exist in Exchange Online but not yet in the internal directory.'
        }
    )
    Links       = @('Add-JournalInternalAddress', 'Remove-JournalInternalAddress')
}
