@{
    Synopsis    = 'Registers a domain (the journal sub-domain or an internal mail domain) and returns its DNS verification code.'
    Description = @'
Register-JournalDomain adds domains to the configuration store. Register two kinds: the journal
sub-domain that holds the service email addresses (for example journal.contoso.com), and every
internal mail domain of the organization (for example contoso.com and the tenant's
contoso.onmicrosoft.com). Only addresses in registered domains can be added to the internal
directory, and the listener treats addresses in them as internal.

Each new domain gets a random verification code of the form
mimecastjournaling-verification=<32 hex digits>. Publish it as a DNS TXT record at the domain
itself and run Test-JournalDomain to prove that you control the domain; until then its Verified
property is False. With -Verbose the cmdlet prints the record to publish.

Names are stored in lower case, international names in their ASCII (punycode) form, and a
trailing dot is dropped. Registering a domain that is already registered returns the existing
entry with its existing code, so the cmdlet is safe to run again. An invalid name is an error
with the id InvalidDomainName.
'@
    Parameters  = @{
        Name = @{
            Description = @'
The domain names to register, for example journal.contoso.com. Fully qualified: at least two
labels of letters, digits and hyphens.
'@
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe domain names, or objects with a Name, Domain or DomainName property (for example the output of Get-AcceptedDomain or Get-MgDomain).' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.JournalDomain' = 'One object per domain, with Name, VerificationCode (the exact DNS TXT value to publish), Verified, VerifiedAt and Registered.'
    }
    Examples    = @(
        @{
            Title   = 'Register the journal sub-domain and the mail domain'
            Code    = @'
Register-JournalDomain -Name journal.contoso.com, contoso.com -Verbose
'@
            Remarks = @'
Registers both domains and shows their verification codes. Publish each code as a TXT record at
its domain, for example: journal.contoso.com. 3600 IN TXT
"mimecastjournaling-verification=...", then run Test-JournalDomain.
'@
        }
        @{
            Title   = 'Register every accepted domain of Exchange Online'
            Code    = @'
Connect-ExchangeOnline
Get-AcceptedDomain | Select-Object -ExpandProperty DomainName | Register-JournalDomain |
    Select-Object Name, VerificationCode | Export-Csv .\txt-records.csv -NoTypeInformation
'@
            Remarks = @'
Registers the tenant's accepted domains as internal domains and writes the TXT records for the
DNS team to a CSV file. Running it again later registers only the new domains.
'@
        }
    )
    Links       = @('Test-JournalDomain', 'Get-JournalDomain', 'Add-JournalInternalAddress')
}
