@{
    Synopsis    = 'Changes the recipient domains, smart hosts or TLS of a partner connector.'
    Description = @'
Set-O365PartnerConnector reads the connector, replaces the settings you give and keeps the
others, and runs Set-OutboundConnector with only what differs. It also brings the connector back
to the journaling partner shape (ConnectorType Partner, UseMXRecord $false, IsTransportRuleScoped
$false, Enabled $true) when that drifted. When the connector leaves DomainValidation, its
TlsDomain is cleared. Nothing is sent when nothing differs.

The same local checks as New-O365PartnerConnector run first (SmartHostHasPort,
TlsDomainRequiresDomainValidation). A changed connector should be validated again with
Test-O365PartnerConnector. Run Connect-O365Journaling first.
'@
    Parameters  = @{
        Identity        = @{ Description = 'The connector to change: name or GUID. You can pipe connectors from Get-O365PartnerConnector.' }
        RecipientDomain = @{ Description = 'The new recipient domains. When omitted, they stay.' }
        SmartHost       = @{ Description = 'The new smart hosts (host names, IP addresses or CIDR ranges, no port). When omitted, they stay.' }
        TlsSettings     = @{ Description = 'The new TLS level: EncryptionOnly, CertificateValidation or DomainValidation. When omitted, it stays.' }
        TlsDomain       = @{ Description = 'The certificate domain for DomainValidation.' }
        Comment         = @{ Description = 'A new comment.' }
        PassThru        = @{ Description = 'Writes the connector afterwards, with Action Updated or Unchanged. By default the cmdlet writes nothing.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe connector names, or connectors from Get-O365PartnerConnector.' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365PartnerConnector' = 'With -PassThru: the connector as Exchange has it afterwards.'
    }
    Examples    = @(
        @{
            Title   = 'Move the journal reports to a new listener'
            Code    = @'
Set-O365PartnerConnector 'Journal - Exchange Online journaling' -SmartHost archive2.contoso.com -PassThru
Test-O365PartnerConnector 'Journal - Exchange Online journaling' -Recipient journal@journal.contoso.com
'@
            Remarks = 'Changes the smart host, then validates the connector again.'
        }
        @{
            Title   = 'Require the certificate name'
            Code    = @'
Set-O365PartnerConnector 'Journal - Exchange Online journaling' -TlsSettings DomainValidation -TlsDomain archive.contoso.com -WhatIf
'@
            Remarks = 'Shows the change Set-OutboundConnector would make.'
        }
    )
    Links       = @('New-O365PartnerConnector', 'Test-O365PartnerConnector')
}
