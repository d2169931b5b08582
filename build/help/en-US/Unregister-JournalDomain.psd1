@{
    Synopsis    = 'Removes a registered domain.'
    Description = @'
Unregister-JournalDomain removes domains from the configuration store. Addresses in an
unregistered domain are no longer internal, and no new internal addresses can be added in it.

A domain that still has addresses in the internal directory is not removed (error id
DomainHasInternalAddresses) unless you add -Force, which removes those addresses together with
the domain. The cmdlet asks for confirmation (its impact is High); use -Confirm:$false in
scripts. Every removal, of the domain and of each address, is recorded in the event log. A
domain that is not registered is an error with the id JournalDomainNotFound.
'@
    Parameters  = @{
        Name  = @{
            Description = 'The registered domains to remove. Press Tab to complete a name from the store.'
        }
        Force = @{
            Description = @'
Also removes the domain's addresses from the internal directory. Without -Force a domain that
still has internal addresses is refused.
'@
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe domain names, or domains from Get-JournalDomain.' }
    )
    Examples    = @(
        @{
            Title   = 'Remove a domain the organization no longer uses'
            Code    = @'
Unregister-JournalDomain fabrikam.com -Force
'@
            Remarks = 'Asks for confirmation, then removes fabrikam.com and all its internal addresses.'
        }
        @{
            Title   = 'Preview, then remove, the domains Exchange Online no longer accepts'
            Code    = @'
$accepted = (Get-AcceptedDomain).DomainName
$stale = Get-JournalDomain | Where-Object { $_.Name -notin $accepted -and $_.Name -ne 'journal.contoso.com' }
$stale | Unregister-JournalDomain -Force -WhatIf
$stale | Unregister-JournalDomain -Force -Confirm:$false
'@
            Remarks = 'Keeps the journal sub-domain, shows what would be removed, then removes the rest without prompting.'
        }
    )
    Links       = @('Register-JournalDomain', 'Get-JournalDomain', 'Remove-JournalInternalAddress')
}
