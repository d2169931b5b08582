@{
    Synopsis    = 'Lists Mimecast journal services with their status, queue and smart hosts.'
    Description = @'
Get-MimecastJournalService reads the journal services of the Mimecast account (GET
/journaling/cloud-gateway/v1/services; the list is read under any key the public sources show:
services, journalingServices, data, or a bare array). -Description filters by description
(wildcards allowed); a plain name that matches nothing is an error (MimecastJournalServiceNotFound).
-Id reads one service directly.

The default view is a table of Description, Id, Status (Disabled for a disabled service),
QueueLength, LastReceived and Hostnames. Status is mapped from the API's statusInfo.status: 'ok' is OK and 'error' is Error (documented: set after the period of inactivity); 'not_active' is shown as AwaitingInitialRun, which no public source confirms. Any other name is Unknown, and ApiStatus always shows the API's own name. The password is
never shown, even when Mimecast returns it.

Pipe the output to Enable-O365Journaling or Test-O365Journaling to wire Exchange Online to the
service.
'@
    Parameters  = @{
        Description = @{ Description = 'Descriptions to show (wildcards allowed).' }
        Id = @{ Description = 'Mimecast''s id of one service. Bound by property name.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'Descriptions.' }
    )
    Outputs     = @{
        'MimecastJournaling.Mimecast.MimecastJournalService' = 'The service: Id, Description, ServiceEmailAddress, Disabled, Status (AwaitingInitialRun, OK, Error, Unknown), ApiStatus, QueueLength, LastReceived, Hostnames (the journal smart hosts), and the settings. Never the password.'
    }
    Examples    = @(
        @{
            Title   = 'See status and queues'
            Code    = @'
Get-MimecastJournalService
'@
            Remarks = 'One row per service: Status (AwaitingInitialRun until the first items arrive, then OK), QueueLength, LastReceived and the smart hosts.'
        }
        @{
            Title   = 'Wire Exchange Online to a service'
            Code    = @'
Get-MimecastJournalService 'Exchange Online journaling' | Enable-O365Journaling -NdrRecipient journal-ndr@contoso.com
'@
            Remarks = 'The service''s address and Hostnames become the mail contact, the connector''s smart hosts and the journal rule''s target.'
        }
    )
    Links       = @('New-MimecastJournalService', 'Set-MimecastJournalService', 'Enable-O365Journaling', 'Test-O365Journaling')
}
