@{
    Synopsis    = 'Gets the journal listener services that Install-JournalListenerService set up, with their state.'
    Description = @'
Get-JournalListenerService lists the systemd units (Linux) or Windows services that run the
module's service host: the unit path, whether it is enabled, whether it is active (systemctl
is-active; "unknown" when systemd is not running), its user, store, endpoints, certificate file
and command line. Only units written by Install-JournalListenerService are listed (they start
with its marker line). A plain -Name that matches none is an error; a wildcard that matches none
returns nothing.
'@
    Parameters  = @{
        Name = @{ Description = 'Service names; wildcards are allowed.'; Default = 'All journal listener services' }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Hosting.ListenerServiceInfo' = 'One object per service.'
    }
    Examples    = @(
        @{
            Title   = 'List the services'
            Code    = 'Get-JournalListenerService'
            Remarks = 'Shows name, state, enabled, user, endpoints and store.'
        }
        @{
            Title   = 'Check the service in a monitoring script'
            Code    = "if ((Get-JournalListenerService mimecastjournaling).State -ne 'active') { Write-Warning 'The journal listener is not running.' }"
            Remarks = 'State comes from systemctl is-active (Windows: the service state).'
        }
    )
    Links       = @('Install-JournalListenerService', 'Uninstall-JournalListenerService')
}
