@{
    Synopsis    = 'Sets the source ranges every journal definition accepts, and turns the Exchange Online ranges on or off.'
    Description = @'
The listener accepts a connection only from an address in a definition's SourceIpRange. The
settings here add ranges for every definition at once:

AuthorizedIpRange: your own relays or transport servers, in CIDR (IPv4 and IPv6; /32 for one
host). Replaces the whole list; @() empties it.

UseExchangeOnlineRanges: with $true every definition also accepts Microsoft's published
Exchange Online ranges, loaded by Update-JournalExchangeOnlineRange (turning it on before any are
loaded is an error, ExchangeOnlineRangesMissing). Those ranges are shared by every Exchange
Online tenant: keep TLS (Encrypted) on, and prefer a service address nobody can guess.

TenantStampHeader: the header fields that carry the Exchange Online tenant a report left, checked
for definitions with a TenantId (see New-JournalDefinition -TenantId). Default
X-MS-Exchange-CrossTenant-Id, the field Exchange Online stamps with the sending tenant's GUID. It
is a setting because Microsoft documents no header as one a sender cannot forge; every copy of
every named field must name a tenant of the definition.

Each change is recorded in the event log.
'@
    Parameters  = @{
        AuthorizedIpRange       = @{
            Description = 'The source ranges (CIDR) every definition accepts in addition to its own. Replaces the list; invalid ranges are refused with InvalidSourceIpRange.'
            Default     = 'Unchanged'
        }
        UseExchangeOnlineRanges = @{
            Description = 'Whether every definition also accepts Microsoft''s published Exchange Online ranges.'
            Default     = 'Unchanged'
        }
        TenantStampHeader       = @{
            Description = 'The header field names (printable ASCII, no colon or space) that carry a report''s Exchange Online tenant. @() restores the default; an invalid name is refused with InvalidTenantStampHeader.'
            Default     = 'Unchanged (X-MS-Exchange-CrossTenant-Id when never set)'
        }
        PassThru                = @{
            Description = 'Returns the settings after the change.'
            Default     = 'False'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.JournalListenerSettings' = 'With -PassThru, the settings after the change.'
    }
    Examples    = @(
        @{
            Title   = 'Accept journal reports from Exchange Online for every definition'
            Code    = @'
Update-JournalExchangeOnlineRange -Path ./endpoints-worldwide.json
Set-JournalListenerSetting -UseExchangeOnlineRanges $true
'@
            Remarks = 'Loads the published ranges, then turns them on.'
        }
        @{
            Title   = 'Allow the organisation''s own relays'
            Code    = 'Set-JournalListenerSetting -AuthorizedIpRange 192.0.2.0/28, 2001:db8:10::/64 -PassThru'
            Remarks = 'Every definition now also accepts these two ranges.'
        }
        @{
            Title   = 'Check a second tenant stamp field as well'
            Code    = 'Set-JournalListenerSetting -TenantStampHeader X-MS-Exchange-CrossTenant-Id, X-EOPTenantAttributedMessage -PassThru'
            Remarks = 'Definitions with a TenantId now need every copy of both fields to name one of their tenants.'
        }
    )
    Links       = @('Get-JournalListenerSetting', 'Update-JournalExchangeOnlineRange', 'New-JournalDefinition')
}
