@{
    Synopsis    = 'Suspends a journal definition; senders are told to retry later.'
    Description = @'
Disable-JournalDefinition suspends the service of a journal definition without removing it. While
it is disabled, the listener answers journal reports for it with a temporary SMTP error, so
Exchange keeps them in its queue and retries later; nothing is lost as long as the service is
resumed before Exchange gives up.

Disabling also resets error conditions: a definition in Error goes back to AwaitingInitialRun
(or OK if reports had arrived before). The change is recorded in the event log as Disabled.
Disabling a definition that is already disabled changes nothing. A name that does not exist is
an error (JournalDefinitionNotFound). Enable-JournalDefinition resumes the service.
'@
    Parameters  = @{
        Description = @{
            Description = @'
The name of the definition to suspend (not case-sensitive, no wildcards). Press Tab to complete it
from the store.
'@
        }
        PassThru    = @{ Description = 'Writes the definition to the pipeline after the change. By default the cmdlet writes nothing.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe definition names, or definitions from Get-JournalDefinition.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.JournalDefinition' = 'With -PassThru, the definition after the change. Otherwise nothing.'
    }
    Notes       = @'
Exchange keeps deferred journal reports queued only for a limited time (in Exchange Online,
Set-TransportConfig -JournalMessageExpirationDays extends it to at most 7 days), and Microsoft may
disable a journal rule whose destination stays undeliverable for days. Keep suspensions short.
'@
    Examples    = @(
        @{
            Title   = 'Suspend the service during storage maintenance'
            Code    = @'
Disable-JournalDefinition 'Exchange Online journaling'
# ... maintenance ...
Enable-JournalDefinition 'Exchange Online journaling'
'@
            Remarks = 'Exchange queues the journal reports and delivers them after the definition is enabled again.'
        }
        @{
            Title   = 'Clear an Error status and see the record of it'
            Code    = @'
Get-JournalDefinition 'Branch Office' | Disable-JournalDefinition -PassThru | Enable-JournalDefinition -PassThru |
    Format-List Description, Disabled, Status
Get-JournalEvent 'Branch Office' -First 4
'@
            Remarks = @'
Suspending resets the error condition and resuming starts the service afresh; the event log
shows both changes with who made them and when.
'@
        }
    )
    Links       = @('Enable-JournalDefinition', 'Set-JournalDefinition', 'Get-JournalEvent')
}
