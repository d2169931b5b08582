@{
    Synopsis    = 'Creates the partner outbound connector that carries journal reports to the listener.'
    Description = @'
New-O365PartnerConnector makes sure Exchange Online has an outbound connector that delivers mail
for the journal domain to the journaling listener. It runs New-OutboundConnector -ConnectorType
Partner -RecipientDomains <journal domain> -UseMXRecord $false -SmartHosts <listener>
-TlsSettings CertificateValidation -IsTransportRuleScoped $false -Enabled $true: always TLS with
a certificate from a trusted CA. Use -TlsSettings DomainValidation with -TlsDomain to also check
the certificate's name. The connector is not scoped to transport rules, because journal reports
ignore transport rules.

The cmdlet converges instead of failing: when a connector of that name exists, it compares it
with the wanted settings and changes only what differs (Set-OutboundConnector). The output's
Action says Created, Updated or Unchanged. Nothing is changed for Unchanged, so it runs even under
-WhatIf and writes the connector.

Pipe journal definitions from Get-JournalDefinition: the domain of the definition's
ServiceEmailAddress becomes the recipient domain and the name defaults to
"Journal - <definition name>" (cut to 64 characters).

Local checks run before anything is sent: a smart host with a port (SmartHostHasPort: Exchange
Online always delivers to port 25), -TlsDomain without DomainValidation
(TlsDomainRequiresDomainValidation) and a name over 64 characters (NameTooLong) are
InvalidArgument errors. A new connector is not validated: run Test-O365PartnerConnector, or
Enable-O365Journaling, which does both. Run Connect-O365Journaling first.
'@
    Parameters  = @{
        RecipientDomain = @{ Description = 'The domains whose mail the connector carries: the journal domain (the domain of the journal service address), for example journal.contoso.com. *.contoso.com covers sub-domains.' }
        Definition      = @{ Description = 'A journal definition from Get-JournalDefinition. The domain of its ServiceEmailAddress is the recipient domain, and its name gives the default connector name.' }
        SmartHost       = @{ Description = 'Where the connector delivers: the listener''s host name, IP address or CIDR range, without a port (Exchange Online always delivers to port 25).' }
        Name            = @{ Description = 'The connector''s name (unique among connectors, at most 64 characters).'; Default = '"Journal - " followed by the definition name, or by the first recipient domain' }
        TlsSettings     = @{ Description = 'How Exchange checks the listener''s certificate: EncryptionOnly (any certificate), CertificateValidation (a trusted CA) or DomainValidation (a trusted CA and the name in -TlsDomain).'; Default = 'CertificateValidation' }
        TlsDomain       = @{ Description = 'The domain the listener''s certificate must be issued to. Only with -TlsSettings DomainValidation.' }
        Comment         = @{ Description = 'A comment stored on the connector. When omitted, an existing comment is left alone.' }
    }
    Inputs      = @(
        @{ Type = 'MimecastJournaling.Engine.Configuration.JournalDefinition'; Description = 'Journal definitions from Get-JournalDefinition.' }
        @{ Type = 'System.Management.Automation.PSObject'; Description = 'Objects with a RecipientDomain or RecipientDomains property.' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365PartnerConnector' = 'The connector as Exchange has it afterwards, with Action Created, Updated or Unchanged.'
    }
    Examples    = @(
        @{
            Title   = 'Create the connector for a journal definition'
            Code    = @'
Get-JournalDefinition 'Exchange Online journaling' | New-O365PartnerConnector -SmartHost archive.contoso.com
'@
            Remarks = 'Creates "Journal - Exchange Online journaling", a partner connector for the journal domain to archive.contoso.com with TLS and certificate validation. Running it again reports Unchanged.'
        }
        @{
            Title   = 'Check the certificate name too, and preview first'
            Code    = @'
New-O365PartnerConnector -RecipientDomain journal.contoso.com -SmartHost archive.contoso.com -TlsSettings DomainValidation -TlsDomain archive.contoso.com -WhatIf
New-O365PartnerConnector -RecipientDomain journal.contoso.com -SmartHost archive.contoso.com -TlsSettings DomainValidation -TlsDomain archive.contoso.com
'@
            Remarks = 'The first line shows what would be created; the second creates it.'
        }
    )
    Links       = @('Test-O365PartnerConnector', 'Set-O365PartnerConnector', 'Get-O365PartnerConnector', 'Remove-O365PartnerConnector', 'Enable-O365Journaling')
}
