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
Ctrl+C or SIGTERM, then stops cleanly: for services, containers and runbooks.

A port in use, an unreadable certificate or a certificate without its private key is a
terminating error (ListenerBindFailed, CertificateUnreadable, CertificateHasNoPrivateKey).
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
            Description = 'The password of the PFX file given with -CertificatePath. It is used only to open the file and never written anywhere.'
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
        Wait                = @{
            Description = 'Runs in the foreground until Ctrl+C or SIGTERM, then lets sessions finish, stores what is queued and returns.'
            Default     = 'False'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Commands.JournalListenerInfo' = 'The listener: Id, IsRunning, Endpoints, ServerName, Store, Started, the certificate''s subject, thumbprint and expiry, and its counters (ConnectionsOpen, Received, Accepted, Refused by reason).'
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
            Title   = 'A test listener on a free loopback port'
            Code    = @'
$listener = Start-JournalListener -BindAddress 127.0.0.1 -Port 0 -Certificate $testCertificate
$port = ($listener.Endpoints[0] -split ':')[-1]
'@
            Remarks = 'The system picks a free port; Endpoints shows it. Useful in Pester suites.'
        }
    )
    Links       = @('Get-JournalListener', 'Stop-JournalListener', 'New-JournalDefinition', 'Get-JournalOutcome')
}
