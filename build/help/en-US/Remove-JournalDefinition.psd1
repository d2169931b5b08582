@{
    Synopsis    = 'Removes a journal definition.'
    Description = @'
Remove-JournalDefinition deletes a journal definition from the configuration store. From then on
the listener refuses journal reports sent to its service address, so remove or redirect the
journal rule in Exchange first, or Exchange will keep sending reports that are refused.

The cmdlet asks for confirmation (its impact is High); use -Confirm:$false in scripts. The
removal is recorded in the event log, and Get-JournalEvent -Definition still shows the history
of a removed definition by its last name. A name that does not exist is an error
(JournalDefinitionNotFound), also under -WhatIf.

To stop the service for a while without losing its settings, use Disable-JournalDefinition
instead.
'@
    Parameters  = @{
        Description = @{
            Description = @'
The name of the definition to remove (not case-sensitive, no wildcards). Press Tab to complete it
from the store.
'@
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe definition names, or definitions from Get-JournalDefinition.' }
    )
    Examples    = @(
        @{
            Title   = 'Remove a definition after the journal rule is gone'
            Code    = @'
Remove-JournalDefinition 'Legacy relay'
'@
            Remarks = 'Asks for confirmation, then removes the definition. Reports to its service address are refused from now on.'
        }
        @{
            Title   = 'Remove test definitions without prompting in a script'
            Code    = @'
Get-JournalDefinition 'Test *' | Remove-JournalDefinition -Confirm:$false
Get-JournalEvent | Where-Object Action -eq 'Removed' | Select-Object Time, User, ObjectName
'@
            Remarks = 'Removes every definition whose name starts with "Test " and lists the removals recorded in the event log.'
        }
    )
    Links       = @('Disable-JournalDefinition', 'Get-JournalDefinition', 'Get-JournalEvent')
}
