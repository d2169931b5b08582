@{
    Synopsis    = 'Removes a pending domain from Mimecast.'
    Description = @'
Unregister-MimecastJournalDomain deletes a pending (unverified) domain (DELETE
/domain/cloud-gateway/v1/pending-domains/{id}). A verified internal domain is refused
(MimecastDomainIsInternal): the API documents no call to remove one; use the Administration
Console. It asks for confirmation (ConfirmImpact High).
'@
    Parameters  = @{
        Name = @{ Description = 'The domain names. Bound from the pipeline.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'Domain names.' }
    )
    Examples    = @(
        @{
            Title   = 'Remove a mistyped domain'
            Code    = @'
Unregister-MimecastJournalDomain jounral.contoso.com
'@
            Remarks = 'Asks, then removes the pending domain.'
        }
        @{
            Title   = 'Remove every pending domain'
            Code    = @'
Get-MimecastJournalDomain -State Pending | Unregister-MimecastJournalDomain -Confirm:$false
'@
            Remarks = 'Removes them without asking.'
        }
    )
    Links       = @('Register-MimecastJournalDomain', 'Get-MimecastJournalDomain')
}
