@{
    Synopsis    = 'Lists Exchange Online outbound connectors.'
    Description = @'
Get-O365PartnerConnector runs Get-OutboundConnector and shows each connector with its recipient
domains, smart hosts, TLS settings and whether it was validated (IsValidated,
LastValidationTimestamp, ValidationRecipients). Without -Identity it lists every outbound
connector of the tenant. A connector that does not exist is a non-terminating ObjectNotFound
error (ExchangeObjectNotFound) with Exchange's text. Run Connect-O365Journaling first.
'@
    Parameters  = @{
        Identity = @{ Description = 'The connectors to show: name or GUID. Without it, all outbound connectors.'; Default = 'All connectors' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe connector names.' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365PartnerConnector' = 'One object per connector (Action is empty).'
    }
    Examples    = @(
        @{
            Title   = 'List the outbound connectors'
            Code    = 'Get-O365PartnerConnector'
            Remarks = 'Shows name, recipient domains, smart hosts, TLS settings and IsValidated of each connector.'
        }
        @{
            Title   = 'See when a connector was validated'
            Code    = @'
Get-O365PartnerConnector 'Journal - Exchange Online journaling' | Format-List Name, IsValidated, LastValidationTimestamp, ValidationRecipients
'@
            Remarks = 'Shows the validation details of one connector.'
        }
    )
    Links       = @('New-O365PartnerConnector', 'Test-O365PartnerConnector')
}
