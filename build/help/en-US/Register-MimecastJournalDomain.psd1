@{
    Synopsis    = 'Registers the journal sub-domain in Mimecast and shows the DNS TXT code.'
    Description = @'
Register-MimecastJournalDomain registers the journal sub-domain (for example journal.contoso.com)
in Mimecast's Internal Directories (POST /domain/cloud-gateway/v1/pending-domains), the seed's
second Mimecast step. It converges: a domain Mimecast has already (pending or internal) is
returned as it is and nothing is sent. A pending domain has a VerificationCode; publish TxtRecord
as a DNS TXT record at the domain (the information stream says so) and run
Test-MimecastJournalDomain. Mimecast may register a sub-domain of a domain it already manages as
internal at once (API 1.0 documents this); the output's State then is Internal.

The request body of this call is not in any public source; the module sends {"domain": name}
(MimecastClientOptions.RegisterDomainBody). The role needs Directories | Internal | Register New Domain.
'@
    Parameters  = @{
        Name = @{ Description = 'The domain names. Bound from the pipeline.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'Domain names.' }
    )
    Outputs     = @{
        'MimecastJournaling.Mimecast.MimecastJournalDomain' = 'The domain: Domain, Id, State (Pending or Internal), Verified, VerificationCode and TxtRecord (pending domains), Created, Expires, InboundType.'
    }
    Examples    = @(
        @{
            Title   = 'Register and publish the code'
            Code    = @'
$domain = Register-MimecastJournalDomain journal.contoso.com
$domain.TxtRecord
'@
            Remarks = 'Prints the text to publish as a TXT record at journal.contoso.com.'
        }
        @{
            Title   = 'Register several, preview first'
            Code    = @'
'journal.contoso.com', 'journal.fabrikam.com' | Register-MimecastJournalDomain -WhatIf
'@
            Remarks = 'Shows which domains would be registered.'
        }
    )
    Links       = @('Test-MimecastJournalDomain', 'Get-MimecastJournalDomain', 'Unregister-MimecastJournalDomain')
}
