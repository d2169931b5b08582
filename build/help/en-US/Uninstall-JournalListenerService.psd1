@{
    Synopsis    = 'Stops, disables and removes a journal listener service.'
    Description = @'
Uninstall-JournalListenerService stops and disables the service, removes its systemd unit (or
deletes the Windows service) and the stored certificate password. The store, its archive, the
certificate file and the service user stay: remove the user with userdel when nothing else uses
it. Reports the host accepted and had not archived yet stay in the store's spool; Start-JournalListener
or a reinstalled service archives them. Needs root (Windows: an elevated session).
'@
    Parameters  = @{
        Name = @{ Description = 'Service names; wildcards are allowed.' }
    }
    Examples    = @(
        @{
            Title   = 'Remove the service'
            Code    = 'sudo pwsh -c "Uninstall-JournalListenerService mimecastjournaling -Confirm:`$false"'
            Remarks = 'The store stays in place.'
        }
        @{
            Title   = 'See what would be removed'
            Code    = "Get-JournalListenerService | Uninstall-JournalListenerService -WhatIf"
            Remarks = 'Names each unit that would be removed.'
        }
    )
    Links       = @('Install-JournalListenerService', 'Get-JournalListenerService')
}
