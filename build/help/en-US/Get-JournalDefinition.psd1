@{
    Synopsis    = 'Gets journal definitions, with their settings and their current status.'
    Description = @'
Get-JournalDefinition lists the journal definitions of the configuration store, or the ones you
name. Each definition shows its settings (service email address, source IP ranges, whether SMTP
authentication is required, TLS, timings, journal type, address rules, Disabled) and what the
listener reports about it: Status, StatusReason, LastReceived and QueueLength.

Status is AwaitingInitialRun until the first journal report arrives, then OK. It becomes Error
after a failure (TLS, authentication, store or parse problems; StatusReason says which) and Down
when no report arrived within the InactivityPeriod. The SMTP password is never part of the
output; SmtpAuthentication True only says that one is required.

O365Journaling is what Enable-O365Journaling set up for the definition in Exchange Online and
remembered (tenant, smart hosts, recipient domains, TLS, contact, connector and rule names, NDR
recipient, scope, when), which Test-O365Journaling compares with; it is empty until
Enable-O365Journaling has run for the definition.

A name without wildcards that matches no definition is a non-terminating error with the id
JournalDefinitionNotFound; a wildcard pattern that matches nothing returns nothing.
'@
    Parameters  = @{
        Description = @{
            Description = @'
The names of the definitions to get. Wildcards are allowed ("Exchange*"). Names are compared
without regard to case. Without this parameter all definitions are returned. Press Tab to
complete a name from the store.
'@
            Default     = 'All definitions'
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe definition names, or objects with a Description or Name property.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.JournalDefinition' = 'One object per definition. The default view is a table of Description, ServiceEmailAddress, JournalType, Status and LastReceived; use Format-List * to see every property.'
    }
    Examples    = @(
        @{
            Title   = 'List the definitions and check their health'
            Code    = @'
Get-JournalDefinition
'@
            Remarks = 'Shows every definition with its service address, journal type, status and the time the last report arrived.'
        }
        @{
            Title   = 'Show every setting of one definition'
            Code    = @'
Get-JournalDefinition 'Exchange Online journaling' | Format-List *
'@
            Remarks = 'Shows all properties, including SourceIpRange, SmtpAuthentication, SmtpUserName, InitialProcessDelay, DeliveryWaitAttempts, InactivityPeriod and Encrypted.'
        }
        @{
            Title   = 'Alert from a monitoring runbook when a service is not healthy'
            Code    = @'
$unhealthy = Get-JournalDefinition -Store /srv/journaling/journaling.db |
    Where-Object { -not $_.Disabled -and $_.Status -in 'Error', 'Down' }
if ($unhealthy) {
    $unhealthy | Select-Object Description, Status, StatusReason, LastReceived | Format-Table | Out-String | Write-Warning
    exit 1
}
'@
            Remarks = 'Reads a shared store and fails the runbook when an enabled definition is in Error or Down, listing the reason.'
        }
    )
    Links       = @('New-JournalDefinition', 'Set-JournalDefinition', 'Get-JournalEvent')
}
