@{
    Synopsis    = 'Lists the pending and internal domains Mimecast has.'
    Description = @'
Get-MimecastJournalDomain lists Mimecast's pending domains (with their verification codes and
expiry) and internal (verified) domains, following every page (pageSize/pageToken).
-State Pending or Internal limits the list; -Name filters (wildcards allowed), and a plain name
that matches nothing is an error (MimecastJournalDomainNotFound).
'@
    Parameters  = @{
        Name = @{ Description = 'Domain names to show (wildcards allowed).' }
        State = @{ Description = 'Pending, Internal, or both.'; Default = 'Both' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'Domain names.' }
    )
    Outputs     = @{
        'MimecastJournaling.Mimecast.MimecastJournalDomain' = 'The domain: Domain, Id, State (Pending or Internal), Verified, VerificationCode and TxtRecord (pending domains), Created, Expires, InboundType.'
    }
    Examples    = @(
        @{
            Title   = 'Domains waiting for their TXT record'
            Code    = @'
Get-MimecastJournalDomain -State Pending
'@
            Remarks = 'Domain, State, Expires and the TXT value to publish.'
        }
        @{
            Title   = 'Is the journal domain internal yet?'
            Code    = @'
(Get-MimecastJournalDomain journal.contoso.com).Verified
'@
            Remarks = 'True once Mimecast has verified it.'
        }
    )
    Links       = @('Register-MimecastJournalDomain', 'Test-MimecastJournalDomain')
}
