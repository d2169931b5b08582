@{
    Synopsis    = 'Starts the SMTP journal listener in this PowerShell process: Exchange delivers journal reports to it and every report it accepts is archived.'
    Description = @'
Start-JournalListener hosts the ingest engine in-process. Exchange Online or on-premises
Exchange sends journal reports by SMTP to a definition's service email address; the listener
checks each connection and message against that definition, makes the message durable, and only
then answers 250. A background processor then parses, assigns and archives it through the same
path as Import-JournalMessage, and moves the definition's Status from AwaitingInitialRun to OK
(or to Error with the reason after repeated failures).

What the listener enforces:

At connect: the sender's IP address must be in the SourceIpRange of some definition (554 5.7.1
otherwise); at most -MaxConnections sessions at once (421 4.7.0).

At RCPT TO: the recipient must be a definition's ServiceEmailAddress (550 5.1.1); the address
must be in that definition's ranges (550 5.7.1); an Encrypted definition needs STARTTLS first
(530 5.7.0); a definition with an SMTP credential needs AUTH PLAIN or LOGIN, offered only after
TLS and checked against the stored salted hash (530 5.7.0, 535 on a wrong password); a Disabled
definition answers 451 4.3.2 so Exchange keeps the report and retries.

At DATA: a message larger than -MaxMessageSize is refused (552) and the session closed. The
message is written to the spool in the store and committed to disk before the 250; sessions that
finish together share one commit. Store trouble or shutdown answers 4xx, never 250 and never a
permanent 5xx, so Exchange retries. A report that got 250 is archived exactly once, also after a
crash or a restart.

TLS 1.2 and 1.3 only. The greeting names the server but no software version.

Without -Wait the cmdlet returns the listener object and the listener keeps running in this
session (Get-JournalListener, Stop-JournalListener). With -Wait it runs in the foreground until
Ctrl+C or SIGTERM, then stops cleanly: for services, containers and runbooks. Remove-Module
MimecastJournaling stops the listeners the session started.

While it runs, the listener keeps a record in the store (node, endpoints, start time, counters)
and refreshes it every -HeartbeatSeconds, so Get-JournalListener in any session on the same store
lists it; a record without a heartbeat for three intervals is shown as stale.

A port in use, an unreadable certificate or a certificate without its private key is a
terminating error (ListenerBindFailed, CertificateUnreadable, CertificateHasNoPrivateKey). On
Linux and macOS, ports below 1024 (25, 465) need root or the CAP_NET_BIND_SERVICE capability
(systemd: AmbientCapabilities=CAP_NET_BIND_SERVICE); otherwise listen on a port above 1023 and
forward 25 to it. A port held by a listener of this session names it (Stop-JournalListener -Id N).

Certificates: a PFX file (-CertificatePath), a PEM certificate and key as certbot writes them
(-CertificatePath fullchain.pem -KeyPath privkey.pem; an encrypted key with -CertificatePassword;
the intermediates in fullchain.pem are sent with the certificate), or on Windows the certificate
store by subject (-CertificateSubject). A renewed file (or a renewal imported into the store) is
picked up at the next TLS handshake without a restart; sessions already in TLS go on with the
certificate they started with. A renewal caught half-written keeps the previous certificate in
service until both files fit. Within 30, 14 and 7 days of its end the certificate is an event in
the event log (once each) and a warning here and in Get-JournalListener; once expired it is an
error, definitions that require TLS go to Error, and an alert is sent (Set-JournalAlert).

Watching: every minute, with or without traffic, the listener turns definitions silent beyond
their InactivityPeriod Down (so the Down alert needs no traffic), checks the certificate and the
queue, and sends the alerts configured with Set-JournalAlert.

Logs: -LogTarget Console, Journald (the console in systemd's format; journald reads a unit's
standard output) or EventLog (Windows), and -LogPath (JSON lines, a file a day, 14 kept) write one
structured entry per SMTP transaction: client address, definition, reply code, Message-ID of the
report, size, duration. Never a password or message content. With -Wait -Verbose the same line
is written as verbose output for each transaction.

Metrics: -MetricsPrefix http://127.0.0.1:9425/ serves /metrics (Prometheus text), /health (200
while SMTP is served) and /ready (200 when reports can be taken now, 503 with the reasons). The
metric names are listed in about_MimecastJournaling.
'@
    Parameters  = @{
        BindAddress         = @{
            Description = 'The local IP address to listen on: 0.0.0.0 for every IPv4 address, :: for IPv6, or one address of this host. An invalid value is an error with the id InvalidBindAddress.'
            Default     = '0.0.0.0'
        }
        Port                = @{
            Description = 'The SMTP port. STARTTLS is offered on it when a certificate is given. 0 lets the system pick a free port; the listener object shows which.'
            Default     = '25'
        }
        ImplicitTlsPort     = @{
            Description = 'An additional port where TLS starts at once (SMTPS), usually 465. Needs a certificate.'
            Default     = 'None'
        }
        Certificate         = @{
            Description = 'The server certificate for TLS, with its private key, for example from Get-PfxCertificate or the certificate store. Exchange Online validates it (CertificateValidation), so in production it must be issued by a public CA for the name Exchange connects to.'
            Default     = 'None (no STARTTLS)'
        }
        CertificatePath     = @{
            Description = 'A PFX (PKCS#12) file holding the server certificate and its private key.'
            Default     = 'None'
        }
        CertificatePassword = @{
            Description = 'The password of the PFX file, or of the encrypted PEM key, given with -CertificatePath. It is kept in memory to read renewed files and never written anywhere.'
            Default     = 'None'
        }
        KeyPath             = @{
            Description = 'The PEM private key (PKCS#8, PKCS#1 or EC) of a PEM certificate given with -CertificatePath, for example certbot''s privkey.pem. Without it a PEM certificate is refused with CertificateKeyRequired.'
            Default     = 'None'
        }
        CertificateSubject  = @{
            Description = 'Windows only: use the newest valid certificate with a private key whose subject contains this text in LocalMachine\My; a renewal imported there is picked up without a restart. On other systems: CertificateStoreUnavailable.'
            Default     = 'None'
        }
        LogTarget           = @{
            Description = 'Where the structured log goes: Console (one line each, UTC), Journald (systemd''s console format, for a unit), EventLog (Windows Application log, source MimecastJournaling). Several can be given.'
            Default     = 'None'
        }
        LogPath             = @{
            Description = 'A file for the structured log, one JSON object a line; a new file each day, 14 kept.'
            Default     = 'None'
        }
        MetricsPrefix       = @{
            Description = 'Serves /metrics, /health and /ready under this HTTP prefix (with the final slash), for example http://127.0.0.1:9425/. A bad prefix is InvalidMetricsPrefix, a port in use MetricsListenFailed.'
            Default     = 'None'
        }
        ServerName          = @{
            Description = 'The name the listener gives in its greeting and EHLO reply; usually the host name Exchange connects to.'
            Default     = 'This computer''s host name'
        }
        MaxMessageSize      = @{
            Description = 'The largest message accepted, in bytes. The default fits a 150 MB journal report after transfer encoding. Larger messages are refused during DATA.'
            Default     = '173015040 (165 MB)'
        }
        MaxConnectionsPerSource = @{
            Description = 'The most sessions served at once from one address, so one sender (Exchange Online''s ranges are shared by every tenant) cannot take every slot; further connections from it get 421 4.7.0 while other addresses are still served.'
            Default     = '20'
        }
        MaxConnections      = @{
            Description = 'The most sessions served at once; further connections get 421 4.7.0 and Exchange retries.'
            Default     = '100'
        }
        NodeName            = @{
            Description = 'This listener''s name among the hosts of a shared (PostgreSQL) store. It is recorded with every report the listener receives and in the store''s record of the running listener, and shown by Get-JournalListener (in every session), Get-JournalOutcome and Get-JournalQueue.'
            Default     = 'This computer''s host name'
        }
        HeartbeatSeconds    = @{
            Description = 'How often, in seconds, the listener refreshes its record (counters, last heartbeat) in the store. After three missed heartbeats Get-JournalListener shows it as stale.'
            Default     = '5'
        }
        SpoolLeaseSeconds   = @{
            Description = 'With a PostgreSQL store: how long this host holds the accepted reports it is archiving before another host may take them over (because this one died). Keep it well above the time one archive batch takes.'
            Default     = '120'
        }
        Wait                = @{
            Description = 'Runs in the foreground until Ctrl+C or SIGTERM, then lets sessions finish, stores what is queued and returns.'
            Default     = 'False'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Commands.JournalListenerInfo' = 'The listener: Id, IsRunning, Node, Endpoints, ServerName, Store (never a password), Started, the certificate''s subject, thumbprint, expiry, source and status (Valid, Expiring, Expired), and its counters (ConnectionsOpen, Received, Accepted, Refused by reason).'
    }
    Examples    = @(
        @{
            Title   = 'Listen for Exchange Online on port 25 with a PFX certificate'
            Code    = @'
$password = Read-Host -AsSecureString 'PFX password'
Start-JournalListener -CertificatePath ./archive.contoso.com.pfx -CertificatePassword $password -ServerName archive.contoso.com
'@
            Remarks = 'Starts the listener on every IPv4 address, port 25, with STARTTLS. It keeps running in this session; Get-JournalListener shows its counters.'
        }
        @{
            Title   = 'Run as a service or in a container'
            Code    = @'
$cert = Get-PfxCertificate -FilePath /etc/journal/tls.pfx
Start-JournalListener -Certificate $cert -Port 25 -ImplicitTlsPort 465 -Wait -Verbose
'@
            Remarks = 'Runs in the foreground; systemd''s or docker''s stop signal (SIGTERM) stops it cleanly, after sessions in progress finish.'
        }
        @{
            Title   = 'certbot''s PEM files, metrics and a log for journald'
            Code    = @'
Start-JournalListener -CertificatePath /etc/letsencrypt/live/archive.contoso.com/fullchain.pem `
    -KeyPath /etc/letsencrypt/live/archive.contoso.com/privkey.pem `
    -MetricsPrefix http://127.0.0.1:9425/ -LogTarget Journald -Wait
'@
            Remarks = 'certbot renews the files every 60-90 days; the next TLS session gets the new certificate without a restart. Prometheus scrapes http://127.0.0.1:9425/metrics.'
        }
        @{
            Title   = 'See each SMTP transaction as it happens'
            Code    = 'Start-JournalListener -BindAddress 127.0.0.1 -Port 2525 -Certificate $cert -Wait -Verbose'
            Remarks = 'Writes one verbose line per transaction: time, client address, definition, reply code, Message-ID, size and duration.'
        }
        @{
            Title   = 'A test listener on a free loopback port'
            Code    = @'
$listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate $testCertificate
$port = ($listener.Endpoints[0] -split ':')[-1]
'@
            Remarks = 'The system picks a free port; Endpoints shows it. Useful in Pester suites.'
        }
    )
    Links       = @('Get-JournalListener', 'Stop-JournalListener', 'New-JournalDefinition', 'Get-JournalOutcome', 'Set-JournalAlert')
}
