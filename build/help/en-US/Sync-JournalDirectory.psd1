@{
    Synopsis    = 'Imports the tenant''s mail domains and every user''s SMTP addresses into the internal directory, then only the changes.'
    Description = @'
Sync-JournalDirectory reads the connected tenant from Microsoft Graph and updates the store's
internal directory:

- Domains: the tenant's verified mail domains (as Get-O365AcceptedDomain lists them) that are not
  registered yet are registered. They are registered unverified: Verified stays the module's own
  DNS check (Test-JournalDomain), because the tenant's verification proves the domain to
  Microsoft, not to this archive.

- Addresses: every user's SMTP proxy addresses (proxyAddresses entries with the SMTP: or smtp:
  prefix) and mail are added. The primary address (SMTP:) becomes a Mailbox, the others Aliases of
  it. Addresses outside the registered domains, journal service addresses and addresses on two
  users are skipped and listed in the result. Accounts that cannot sign in (shared mailboxes) are
  included: Exchange journals their mail too.

The first run reads every user (GET /users/delta with $select, page by page, with Write-Progress)
and keeps Graph's delta link in the store. Later runs read only the changes since then: new users
and changed proxy addresses are applied, and the addresses of deleted users (@removed) are removed.
When Graph no longer knows the delta link, or the Graph endpoint changed, the cmdlet reads every
user again.

Each address the sync adds has Source Graph and the user's object id. A sync changes and removes
only such addresses: an address added by hand (Add-JournalInternalAddress, Source Manual) is never
changed or removed, even when Graph has the same address. A full read (the first run, or -Full)
removes synced addresses that are no longer in the directory.

Every change is written to the event log, with one DirectorySync event per run. -WhatIf reads
the tenant, shows what would change and changes nothing (not even the delta link). The store keeps
one tenant's sync: connecting to another tenant needs -Full, which replaces the synced addresses.

The session needs a Microsoft Graph token: app-only sign-in (the app needs User.Read.All and
Domain.Read.All), or -AccessToken with -GraphAccessToken. Run Connect-O365Journaling first.
'@
    Parameters  = @{
        Full = @{
            Description = 'Reads every user instead of the changes since the last sync, and removes the synced addresses that are no longer in the directory. Needed to switch the store to another tenant.'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.DirectorySyncResult' = 'The summary: Delta (true when only changes were read), Users, DomainsAdded (and Domains), AddressesAdded, AddressesUpdated, AddressesRemoved, Unchanged, Skipped (and SkippedAddresses with the reason for each).'
    }
    Examples    = @(
        @{
            Title   = 'First sync, app-only'
            Code    = @'
Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ClientId 6d0e7c3b-1a2f-4e5d-9c8b-7a6f5e4d3c2b -ClientSecret (Read-Host -AsSecureString)
Sync-JournalDirectory
'@
            Remarks = 'Registers the tenant''s mail domains and imports every user''s addresses; Delta is False.'
        }
        @{
            Title   = 'Nightly runbook'
            Code    = @'
$result = Sync-JournalDirectory
"Added $($result.AddressesAdded), removed $($result.AddressesRemoved), $($result.Unchanged) unchanged (delta: $($result.Delta))"
'@
            Remarks = 'Later runs read only the changes since the previous one.'
        }
        @{
            Title   = 'See what a full resync would change, then do it'
            Code    = @'
Sync-JournalDirectory -Full -WhatIf
Sync-JournalDirectory -Full
'@
            Remarks = 'The first command changes nothing; the second reads every user and removes synced addresses that are gone. Hand-added addresses stay.'
        }
        @{
            Title   = 'Why an address was not imported'
            Code    = @'
(Sync-JournalDirectory).SkippedAddresses | Format-Table Address, Reason
'@
            Remarks = 'Lists the skipped addresses with the reason (OutsideRegisteredDomains, JournalServiceAddress, InvalidAddress, OnAnotherUser).'
        }
    )
    Links       = @('Get-O365AcceptedDomain', 'Get-JournalInternalAddress', 'Add-JournalInternalAddress', 'Test-JournalDomain', 'Connect-O365Journaling')
}
