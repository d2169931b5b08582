@{
    Synopsis    = 'Runs the journal listener as a service: writes and enables a hardened systemd unit, or registers a Windows service.'
    Description = @'
Install-JournalListenerService sets up the service host (MimecastJournaling.Host.dll in the
module's bin, run by the .NET 8 runtime or newer, no PowerShell inside) to listen over a store
for as long as the machine runs.

On Linux it writes /etc/systemd/system/<Name>.service and enables it (and starts it, unless
-NoStart, when systemd is running). The unit is Type=notify: the host reports READY=1 once every
endpoint is bound and STOPPING=1 on a stop; SIGTERM lets sessions finish, stores what is queued,
and a report that got its 250 and is not yet archived is archived at the next start. The unit is
hardened: its own system user (-User, created without login when missing), only
CAP_NET_BIND_SERVICE (port 25 without root), NoNewPrivileges, ProtectSystem=strict with write
access to the store's folder only (ReadWritePaths), ProtectHome, PrivateTmp, PrivateDevices,
kernel, clock and namespace protections, RestrictAddressFamilies and UMask=0077. The user is made
owner of the store's folder and files, and the certificate file's group becomes the user's group
with group read. A certificate password is kept in /etc/mimecastjournaling/<Name>.certificate-password
(0600, root) and handed to the service as a systemd credential (LoadCredential=): it is never in
the unit or on a command line. Needs root. -WhatIf shows the unit and changes nothing.

With a PostgreSQL store (-Store takes a connection string, as every cmdlet does), the connection
string, and any password in it, is kept in /etc/mimecastjournaling/<Name>.store (0600, root) and
handed to the service as the systemd credential 'store' (LoadCredential=store:..., the host's
--store-credential store): it is never in the unit or on a command line, and
Get-JournalListenerService shows it without the password. The service then needs no writable
folder (no ReadWritePaths; the spool is in PostgreSQL, large reports stream through its private
/tmp). Several hosts installed this way over one database form one archive; give each its own
smart host in Enable-O365Journaling -SmartHost. On Windows a PostgreSQL store is refused for now
(InstallJournalListenerServicePostgresNotSupported).

On Windows it registers the service with sc.exe (delayed automatic start, restart on failure,
running as the virtual account NT SERVICE\<Name> unless -User names another) and starts it. The
Windows path is not tested by the module's test suite, which runs on Linux.

The service does what Start-JournalListener does: a renewed certificate file is served to the
next session without a restart, the alerts set with Set-JournalAlert go out (the Down alert with
no traffic at all), one log record per SMTP transaction goes to its standard output (journald
under systemd), and -MetricsPrefix serves Prometheus metrics, /health and /ready.

Installing again with the same -Name replaces the unit.
'@
    Parameters  = @{
        Name                = @{ Description = 'The service name (the systemd unit is <Name>.service).'; Default = 'mimecastjournaling' }
        Store               = @{ Description = 'The store with the journal definitions: a SQLite file, which must exist and sit in a folder of its own (for example /var/lib/mimecastjournaling/journaling.db; the service user is made owner of that folder), or a PostgreSQL connection string, kept for the service in a root-only credential file.'; Default = '$env:MIMECASTJOURNALING_STORE, then the per-user data folder' }
        BindAddress         = @{ Description = 'The IP address to listen on.'; Default = '0.0.0.0' }
        Port                = @{ Description = 'The SMTP port (STARTTLS is offered when a certificate is given).'; Default = '25' }
        ImplicitTlsPort     = @{ Description = 'An extra port that starts TLS at once (SMTPS, usually 465).'; Default = 'None' }
        CertificatePath     = @{ Description = 'A PFX (PKCS#12) file with its private key, or a PEM certificate (chain) with -KeyPath, for STARTTLS. It stays where it is, so a renewed file at the same path is the one the service uses.'; Default = 'None: no STARTTLS' }
        KeyPath             = @{ Description = "The PEM private key of a PEM -CertificatePath (certbot's privkey.pem). The service's group is given read access to it; a renewed pair at the same paths is served without a restart."; Default = 'None: -CertificatePath is a PFX' }
        MetricsPrefix       = @{ Description = 'Serves /metrics (Prometheus text), /health and /ready under this HTTP prefix, with its final slash, for example http://127.0.0.1:9425/.'; Default = 'None' }
        CertificatePassword = @{ Description = 'The PFX password; stored for the service in a root-only file, never in the unit.'; Default = 'None' }
        ServerName          = @{ Description = 'The name in the SMTP greeting and EHLO.'; Default = 'The host name' }
        MaxConnections      = @{ Description = 'Connections served at once; more are answered 421.'; Default = '100' }
        MaxConnectionsPerSource = @{ Description = 'Connections at once from one address; more are answered 421 4.7.0. Raise it when every report comes through one relay or NAT address.'; Default = '20' }
        User                = @{ Description = 'The account the service runs as; on Linux a system user of that name is created when missing.'; Default = 'mimecastjournaling (Windows: NT SERVICE\<Name>)' }
        DotnetPath          = @{ Description = 'The dotnet program that runs the host (the .NET 8 runtime or newer).'; Default = 'dotnet on PATH' }
        NoStart             = @{ Description = 'Enables the service without starting it now.' }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Hosting.ListenerServiceInfo' = 'The installed service: unit path, enabled and active state, user, store, endpoints and command line.'
    }
    Examples    = @(
        @{
            Title   = 'See the unit before writing it'
            Code    = "Install-JournalListenerService -Store /var/lib/mimecastjournaling/journaling.db -CertificatePath /etc/ssl/private/archive.pfx -CertificatePassword (Read-Host -AsSecureString) -WhatIf"
            Remarks = 'Prints the systemd unit that would be written; nothing changes.'
        }
        @{
            Title   = 'Install, start and check the service on port 25 and 465'
            Code    = @'
sudo pwsh -c 'Install-JournalListenerService -Store /var/lib/mimecastjournaling/journaling.db -Port 25 -ImplicitTlsPort 465 -CertificatePath /etc/ssl/private/archive.pfx'
systemctl status mimecastjournaling
Get-JournalListenerService
'@
            Remarks = 'The service runs as the user mimecastjournaling with only the capability to bind ports below 1024.'
        }
        @{
            Title   = 'A listener host over a shared PostgreSQL archive'
            Code    = @'
sudo pwsh -c 'Install-JournalListenerService -Store "Host=db.contoso.com;Database=journal;Username=mj_listener;Password=$env:MJ_DB_PASSWORD;SslMode=VerifyFull" -CertificatePath /etc/ssl/private/archive.pfx -CertificatePassword (Read-Host -AsSecureString)'
Get-JournalListenerService | Format-List Name, State, Store
'@
            Remarks = 'Run the same on a second host. The connection string goes to /etc/mimecastjournaling/mimecastjournaling.store (0600); the listing shows the store without its password.'
        }
    )
    Links       = @('Get-JournalListenerService', 'Uninstall-JournalListenerService', 'Start-JournalListener')
}
