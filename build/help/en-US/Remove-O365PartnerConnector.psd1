@{
    Synopsis    = 'Removes an Exchange Online outbound connector.'
    Description = @'
Remove-O365PartnerConnector runs Remove-OutboundConnector for the connector you name. It asks for
confirmation (its impact is High); use -Confirm:$false in scripts. Without the connector, journal
reports for the journal domain are delivered by MX records or not at all: remove or disable the
journal rule first. A connector that does not exist is a non-terminating ObjectNotFound error
(ExchangeObjectNotFound) with Exchange's text. Run Connect-O365Journaling first.
'@
    Parameters  = @{
        Identity = @{ Description = 'The connector to remove: name or GUID. You can pipe connectors from Get-O365PartnerConnector.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe connector names, or connectors from Get-O365PartnerConnector.' }
    )
    Examples    = @(
        @{
            Title   = 'Remove the journaling connector'
            Code    = "Remove-O365PartnerConnector 'Journal - Exchange Online journaling'"
            Remarks = 'Asks for confirmation, then removes the connector.'
        }
        @{
            Title   = 'Remove test connectors without prompting'
            Code    = @'
Get-O365PartnerConnector | Where-Object Name -like 'Journal - Test*' | Remove-O365PartnerConnector -Confirm:$false
'@
            Remarks = 'Removes every connector whose name starts with "Journal - Test".'
        }
    )
    Links       = @('Get-O365PartnerConnector', 'New-O365PartnerConnector')
}
