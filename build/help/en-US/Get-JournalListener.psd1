@{
    Synopsis    = 'Gets the journal listeners of this session and those other sessions and hosts run on the same store, with their endpoints and counters.'
    Description = @'
Get-JournalListener lists the listeners that Start-JournalListener started in this session:
where each listens, its certificate (subject, thumbprint, expiry), how many connections are open,
how many messages were received and accepted (answered 250), and how many were refused, by
reason (SourceNotAllowed, TlsRequired, AuthenticationRequired, AuthenticationFailed,
UnknownRecipient, DefinitionDisabled, TooLarge, TooManyConnections, SpoolFull, StoreUnavailable,
ShuttingDown, …). The certificate shown is the one served now: a renewed file appears here once
the listener picked it up. Within 30 days of its end the certificate is a warning; once expired,
a non-terminating error CertificateExpired (CertificateStatus: Valid, Expiring, Expired).

Without -Id it also lists the listeners other sessions and hosts run on the same store (-Store, or
the default store), from the record each keeps there: node and process id, endpoints, start
time, counters as of its last heartbeat. Their Id is 0 and InThisSession is False (stop them
where they run). One whose heartbeat is three intervals overdue is IsStale (shown as Stale): it
was killed, its host is down, or it cannot reach the store. Get-JournalListener only reads.
'@
    Parameters  = @{
        Id = @{
            Description = 'Returns only the listeners with these Ids.'
            Default     = 'All listeners of this session, and those recorded in the store'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Commands.JournalListenerInfo' = 'One object per listener, as Start-JournalListener returns it, with current counters.'
    }
    Examples    = @(
        @{
            Title   = 'See every listener on the shared store, and the stale ones'
            Code    = 'Get-JournalListener -Store /srv/journal/journaling.db | Where-Object IsStale'
            Remarks = 'Lists the listeners that stopped refreshing their record: killed without stopping, or their host is down.'
        }
        @{
            Title   = 'See what the listener refused'
            Code    = 'Get-JournalListener | Select-Object Id, Endpoints, Received, Accepted -ExpandProperty Refused'
            Remarks = 'Shows the counters; the refusals by reason tell whether senders fail TLS, authentication or the source ranges.'
        }
        @{
            Title   = 'Alert when the certificate is about to expire'
            Code    = @'
Get-JournalListener | Where-Object { $_.CertificateExpires -lt (Get-Date).AddDays(14) } |
    ForEach-Object { Write-Warning "Listener $($_.Id): certificate $($_.CertificateSubject) expires $($_.CertificateExpires)" }
'@
            Remarks = 'Exchange Online validates the certificate; renew it before it expires or journal reports queue up.'
        }
    )
    Links       = @('Start-JournalListener', 'Stop-JournalListener')
}
