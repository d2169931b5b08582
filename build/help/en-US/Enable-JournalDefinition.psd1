@{
    Synopsis    = 'Resumes a suspended journal definition.'
    Description = @'
Enable-JournalDefinition clears the Disabled setting of a journal definition, so the listener
accepts journal reports for it again. Exchange delivers the reports it kept while the service
was suspended on its next retries.

The change is recorded in the event log as Enabled. Enabling a definition that is already
enabled changes nothing and records nothing. A name that does not exist is an error
(JournalDefinitionNotFound). By default the cmdlet writes no output; use -PassThru to get the
definition.
'@
    Parameters  = @{
        Description = @{
            Description = @'
The name of the definition to resume (not case-sensitive, no wildcards). Press Tab to complete it
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
    Examples    = @(
        @{
            Title   = 'Resume the service after maintenance'
            Code    = @'
Enable-JournalDefinition 'Exchange Online journaling' -PassThru
'@
            Remarks = 'Resumes the definition and shows it; Status shows whether reports have arrived since.'
        }
        @{
            Title   = 'Resume every suspended definition from a runbook'
            Code    = @'
Get-JournalDefinition | Where-Object Disabled | Enable-JournalDefinition -Confirm:$false
'@
            Remarks = 'Finds the disabled definitions and enables each one; every change is written to the event log.'
        }
    )
    Links       = @('Disable-JournalDefinition', 'Get-JournalDefinition', 'Get-JournalEvent')
}
