@{
    Synopsis    = 'Gets the registered domains and whether they are verified.'
    Description = @'
Get-JournalDomain lists the domains registered with Register-JournalDomain, or the ones you name.
Each shows its verification code (the DNS TXT value to publish), whether it is verified, and
when it was verified and registered.

A name without wildcards that is not registered is a non-terminating error with the id
JournalDomainNotFound; a wildcard pattern that matches nothing returns nothing.
'@
    Parameters  = @{
        Name = @{
            Description = @'
The domain names to get. Wildcards are allowed ("*.contoso.com"). Without this parameter all
registered domains are returned. Press Tab to complete a name from the store.
'@
            Default     = 'All domains'
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe domain names, or objects with a Name, Domain or DomainName property.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.JournalDomain' = 'One object per domain. The default view is a table of Name, Verified and VerificationCode.'
    }
    Examples    = @(
        @{
            Title   = 'List the domains that still need their TXT record'
            Code    = @'
Get-JournalDomain | Where-Object { -not $_.Verified } | Format-Table Name, VerificationCode
'@
            Remarks = 'Shows the records the DNS team still has to publish.'
        }
        @{
            Title   = 'Check one domain in a script'
            Code    = @'
$domain = Get-JournalDomain -Name journal.contoso.com -ErrorAction Stop
if (-not $domain.Verified) { throw "Publish TXT '$($domain.VerificationCode)' at $($domain.Name) first." }
'@
            Remarks = 'Stops when the journal sub-domain is not registered (JournalDomainNotFound) or not yet verified.'
        }
    )
    Links       = @('Register-JournalDomain', 'Test-JournalDomain', 'Unregister-JournalDomain')
}
