@{
    Synopsis    = 'Gets the journal listeners running in this PowerShell session, with their endpoints and counters.'
    Description = @'
Get-JournalListener lists the listeners that Start-JournalListener started in this session:
where each listens, its certificate (subject, thumbprint, expiry), how many connections are open,
how many messages were received and accepted (answered 250), and how many were refused, by
reason (SourceNotAllowed, TlsRequired, AuthenticationRequired, AuthenticationFailed,
UnknownRecipient, DefinitionDisabled, TooLarge, TooManyConnections, SpoolFull, StoreUnavailable,
ShuttingDown, …). The certificate shown is the one served now: a renewed file appears here once
the listener picked it up. Within 30 days of its end the certificate is a warning; once expired,
a non-terminating error CertificateExpired (CertificateStatus: Valid, Expiring, Expired).
Listeners in other processes are not listed; their effect is visible in
Get-JournalDefinition (Status, LastReceived) and Get-JournalOutcome.
'@
    Parameters  = @{
        Id = @{
            Description = 'Returns only the listeners with these Ids.'
            Default     = 'All listeners of this session'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Commands.JournalListenerInfo' = 'One object per listener, as Start-JournalListener returns it, with current counters.'
    }
    Examples    = @(
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
