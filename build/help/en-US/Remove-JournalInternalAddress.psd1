@{
    Synopsis    = 'Removes addresses from the internal directory.'
    Description = @'
Remove-JournalInternalAddress removes the given addresses from the internal directory. Mail for
a removed address counts as unknown internal from then on (its domain is still registered), so
whether it is archived depends on -JournalUnknownInternalAddresses of the journal definition.

Each removal is recorded in the event log. An address that is not in the directory is a
non-terminating error with the id InternalAddressNotFound; an invalid address is an error with
the id InvalidEmailAddress. Removing a mailbox does not remove its aliases: remove them too, or
they keep pointing at it.
'@
    Parameters  = @{
        Address = @{
            Description = @'
The addresses to remove (no wildcards). Also bound from the pipeline properties EmailAddress,
PrimarySmtpAddress, SmtpAddress and Mail.
'@
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe addresses, entries from Get-JournalInternalAddress, or objects with an address property.' }
    )
    Examples    = @(
        @{
            Title   = 'Remove a departed employee and her alias'
            Code    = @'
Remove-JournalInternalAddress alice@contoso.com, a.smith@contoso.com
'@
            Remarks = 'Removes both addresses; the event log records who removed them and when.'
        }
        @{
            Title   = 'Remove every alias of a mailbox'
            Code    = @'
Get-JournalInternalAddress | Where-Object { $_.Type -eq 'Alias' -and $_.Mailbox -eq 'alice@contoso.com' } |
    Remove-JournalInternalAddress -WhatIf
'@
            Remarks = 'Shows which aliases would be removed; run again without -WhatIf to remove them.'
        }
    )
    Links       = @('Add-JournalInternalAddress', 'Get-JournalInternalAddress', 'Unregister-JournalDomain')
}
