@{
    Synopsis    = 'Verifies registered domains by looking up their DNS TXT records.'
    Description = @'
Test-JournalDomain looks up the TXT records published at each domain and checks whether one of
them is exactly the domain's verification code. The result is recorded: the domain's Verified
property becomes True (with VerifiedAt), or False again if the record has been removed, and a
change is written to the event log. The cmdlet returns the domain and, when it is not verified,
writes a warning that says which record to publish.

The lookup asks the system's DNS resolvers, or the servers given with -DnsServer, without
caching. A domain with no TXT records, or one that does not exist in DNS, is simply not
verified. A failed lookup (timeout, server failure) is an error with the id DnsLookupFailed and
leaves the domain's state unchanged. A domain that is not registered is an error with the id
JournalDomainNotFound.

Under -WhatIf the lookup still runs (-Verbose shows the records found), but the result is not
recorded.
'@
    Parameters  = @{
        Name      = @{
            Description = 'The registered domains to verify. Press Tab to complete a name from the store.'
        }
        DnsServer = @{
            Description = @'
DNS servers to ask instead of the system resolvers: an IP address, optionally with a port, such
as 192.0.2.53, 127.0.0.1:5353 or [2001:db8::53]:5353. Useful to ask the domain's authoritative
server directly, right after publishing the record. An address that cannot be read is a
terminating error with the id InvalidDnsServer.
'@
            Default     = 'The system resolvers'
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe domain names, or domains from Get-JournalDomain.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.JournalDomain' = 'The domain after the check; Verified tells the result.'
    }
    Examples    = @(
        @{
            Title   = 'Verify the journal sub-domain after publishing its TXT record'
            Code    = @'
Test-JournalDomain journal.contoso.com -Verbose
'@
            Remarks = 'Shows the TXT records found and returns the domain with Verified True when the code is among them.'
        }
        @{
            Title   = 'Verify all pending domains against the authoritative server'
            Code    = @'
Get-JournalDomain | Where-Object { -not $_.Verified } | Test-JournalDomain -DnsServer 198.51.100.53
'@
            Remarks = 'Asks the given server directly, which avoids waiting for resolver caches after the records were published.'
        }
        @{
            Title   = 'Wait in a runbook until DNS has the record'
            Code    = @'
foreach ($attempt in 1..20) {
    if ((Test-JournalDomain journal.contoso.com -WarningAction SilentlyContinue).Verified) { break }
    Start-Sleep -Seconds 30
}
'@
            Remarks = 'Retries every 30 seconds for up to ten minutes while the new record propagates.'
        }
    )
    Links       = @('Register-JournalDomain', 'Get-JournalDomain', 'Get-JournalEvent')
}
