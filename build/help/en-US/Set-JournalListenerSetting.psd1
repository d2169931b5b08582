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
    )
    Links       = @('Get-JournalListenerSetting', 'Update-JournalExchangeOnlineRange', 'New-JournalDefinition')
}
