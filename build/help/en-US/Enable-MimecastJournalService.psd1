@{
    Synopsis    = 'Enables a Mimecast journal service.'
    Description = @'
Enable-MimecastJournalService sets the service enabled (PATCH enabled only). When it already is,
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
            Title   = 'Enable by description'
            Code    = @'
Enable-MimecastJournalService 'Exchange Online journaling' -PassThru
'@
            Remarks = 'Sets the service enabled and shows it.'
        }
        @{
            Title   = 'Enable from the pipeline'
            Code    = @'
Get-MimecastJournalService 'Exchange*' | Enable-MimecastJournalService -WhatIf
'@
            Remarks = 'Shows which services would change.'
        }
    )
    Links       = @('Get-MimecastJournalService', 'Test-O365Journaling')
}
