@{
    Synopsis    = 'Disables a Mimecast journal service.'
    Description = @'
Disable-MimecastJournalService sets the service disabled (PATCH enabled only). When it already is,
nothing is sent. Test-O365Journaling reports a disabled service as drift (MimecastServiceEnabled).
-PassThru writes the service afterwards.
'@
    Parameters  = @{
        Description = @{ Description = 'The service''s description. Bound by property name.' }
        Id = @{ Description = 'Mimecast''s id; bound by property name from Get-MimecastJournalService.' }
        PassThru = @{ Description = 'Writes the service afterwards.' }
    }
    Inputs      = @(
        @{ Type = 'MimecastJournaling.Mimecast.MimecastJournalService'; Description = 'Services from Get-MimecastJournalService.' }
    )
    Outputs     = @{
        'MimecastJournaling.Mimecast.MimecastJournalService' = 'The service: Id, Description, ServiceEmailAddress, Disabled, Status (AwaitingInitialRun, OK, Error, Unknown), ApiStatus, QueueLength, LastReceived, Hostnames (the journal smart hosts), and the settings. Never the password.'
    }
    Examples    = @(
        @{
            Title   = 'Disable by description'
            Code    = @'
Disable-MimecastJournalService 'Exchange Online journaling' -PassThru
'@
            Remarks = 'Sets the service disabled and shows it.'
        }
        @{
            Title   = 'Disable from the pipeline'
            Code    = @'
Get-MimecastJournalService 'Exchange*' | Disable-MimecastJournalService -WhatIf
'@
            Remarks = 'Shows which services would change.'
        }
    )
    Links       = @('Get-MimecastJournalService', 'Test-O365Journaling')
}
