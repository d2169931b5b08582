@{
    Synopsis    = 'Loads the ranges Exchange Online sends mail from, out of Microsoft''s Microsoft 365 endpoints list (JSON).'
    Description = @'
Microsoft publishes the Microsoft 365 endpoints as JSON through its IP Address and URL web
service (for the worldwide cloud: https://endpoints.office.com/endpoints/worldwide?clientrequestid=<a new GUID>).
Save that file and give it with -Path. The cmdlet takes the Exchange entries that use TCP port 25
(the ranges Exchange Online delivers mail from), checks each as CIDR, and replaces the stored
Exchange Online ranges with them, noting when and from which file. They take effect for the
listener only while UseExchangeOnlineRanges is on (Set-JournalListenerSetting).

The module does not download anything itself, so a runbook decides where the file comes from.
A file that is not the endpoints list is refused (InvalidEndpointList), and so is one without
port-25 Exchange entries (NoExchangeOnlineRanges). The change is recorded in the event log.
'@
    Parameters  = @{
        Path = @{
            Description = 'The endpoints list (JSON) saved from the Microsoft 365 IP Address and URL web service. Accepts a file from the pipeline.'
            Default     = 'None (required)'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.JournalListenerSettings' = 'The settings with the new Exchange Online ranges.'
    }
    Examples    = @(
        @{
            Title   = 'Refresh the ranges in a monthly runbook'
            Code    = @'
$file = Join-Path $env:TEMP 'endpoints-worldwide.json'
Invoke-WebRequest "https://endpoints.office.com/endpoints/worldwide?clientrequestid=$([guid]::NewGuid())" -OutFile $file
Update-JournalExchangeOnlineRange -Path $file
'@
            Remarks = 'Downloads the current list and loads its port-25 Exchange ranges.'
        }
        @{
            Title   = 'See what a file would change'
            Code    = 'Update-JournalExchangeOnlineRange -Path ./endpoints-worldwide.json -WhatIf'
            Remarks = 'Checks the file and shows the change without storing it.'
        }
    )
    Links       = @('Set-JournalListenerSetting', 'Get-JournalListenerSetting')
}
