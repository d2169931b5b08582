@{
    Synopsis    = 'Gets the tenant''s verified mail domains, default first.'
    Description = @'
Get-O365AcceptedDomain lists the domains of the connected tenant that are verified and used for
email: Microsoft Graph's GET /domains, keeping the domains with isVerified and the Email service.
The default domain comes first, then the others by name; IsInitial marks the tenant's
*.onmicrosoft.com domain. Each object says where it came from (Source).

When Microsoft Graph is not allowed (it answers 403 because the app lacks Domain.Read.All, or the
session has no Graph token because you connected with -AccessToken and no -GraphAccessToken), the
cmdlet reads Exchange's accepted domains (Get-AcceptedDomain) instead and says so in the Verbose
stream. Every accepted domain of Exchange is verified and takes mail.

The Microsoft Graph SDK is loaded the first time a Graph cmdlet runs, not when the module is
imported. Run Connect-O365Journaling first.
'@
    Parameters  = @{
        DomainName = @{
            Description = 'The domains to get; wildcards are allowed. A name without wildcards that is not a verified mail domain of the tenant is a non-terminating ObjectNotFound error (O365AcceptedDomainNotFound).'
            Default     = 'All verified mail domains'
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe domain names, or objects with a DomainName, Name or Domain property.' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365AcceptedDomain' = 'One object per domain: DomainName, IsDefault, IsInitial, IsVerified, SupportedServices, DomainType (Exchange only), AuthenticationType (Graph only) and Source.'
    }
    Examples    = @(
        @{
            Title   = 'The default mail domain'
            Code    = @'
(Get-O365AcceptedDomain | Select-Object -First 1).DomainName
'@
            Remarks = 'The first domain is the default one.'
        }
        @{
            Title   = 'Register the tenant''s mail domains as internal domains'
            Code    = @'
Get-O365AcceptedDomain | Register-JournalDomain
'@
            Remarks = 'Registers every verified mail domain (Sync-JournalDirectory does this too, and imports the addresses).'
        }
        @{
            Title   = 'See why Exchange was asked instead of Graph'
            Code    = @'
Get-O365AcceptedDomain -Verbose
'@
            Remarks = 'The Verbose stream says when Graph refused or the session has no Graph token.'
        }
    )
    Links       = @('Connect-O365Journaling', 'Sync-JournalDirectory', 'Register-JournalDomain')
}
