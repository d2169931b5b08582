@{
    Synopsis    = 'Asks Mimecast to verify the journal domain''s DNS TXT record.'
    Description = @'
Test-MimecastJournalDomain asks Mimecast to verify a pending domain (POST
/domain/cloud-gateway/v1/pending-domains/verify) and then reads where the domain is: Verified is
True when it is an internal domain. When it is not verified yet, a warning says what Mimecast
answered and which TXT record to publish. The request body of the verify call is not in any
public source; the module sends {"domains": [name]} like the documented sibling calls
(MimecastClientOptions.VerifyDomainBody).
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
            Title   = 'Verify after publishing the TXT record'
            Code    = @'
Test-MimecastJournalDomain journal.contoso.com
'@
            Remarks = 'Verified True once Mimecast found the record; else a warning with the record to publish.'
        }
        @{
            Title   = 'Wait until verified'
            Code    = @'
while (-not (Test-MimecastJournalDomain journal.contoso.com -WarningAction SilentlyContinue).Verified) { Start-Sleep 300 }
'@
            Remarks = 'Checks every five minutes until DNS has the record.'
        }
    )
    Links       = @('Register-MimecastJournalDomain', 'Get-MimecastJournalDomain')
}
