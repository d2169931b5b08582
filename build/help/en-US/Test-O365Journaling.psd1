@{
    Synopsis    = 'Compares Exchange Online with a journal definition and reports drift.'
    Description = @'
Test-O365Journaling reads the contact, the connector, the NDR recipient and the journal rule that
Enable-O365Journaling would set up for a journal definition, and compares them with what they
should be. It changes nothing. The result has one check per item (Checks: Name, Passed, Detail,
Expected, Actual), the failed ones again as Drift, and Passed, true when every check passed:

    (Test-O365Journaling -Definition X).Passed | Should -BeTrue

What it compares with is what Enable-O365Journaling set up and remembered for the definition
(Get-JournalDefinition X shows it as O365Journaling): the smart hosts, the recipient domains,
TLS, the contact, connector and rule names, the NDR recipient, the scope and recipient. A
parameter given overrides what is remembered. For a definition Enable-O365Journaling has not set
up from this store, give -SmartHost (and the names, when they are not the defaults); without
-SmartHost the error TestO365JournalingSmartHostRequired says so. When the connection is to
another tenant than the one remembered, a warning says so.

The checks: Contact (missing, or another address); Connector (missing, or not an enabled partner
connector to smart hosts); ConnectorRecipientDomains; ConnectorSmartHosts; ConnectorTls;
ConnectorValidated; NdrRecipient (unset, an Exchange Online mailbox, or not -NdrRecipient when
given); JournalRule (missing); JournalRuleEnabled; JournalRuleTarget (not the service address);
JournalRuleScope (scope and recipient). -Verbose lists the drift. Enable-O365Journaling fixes
every failed check. Run Connect-O365Journaling first.
'@
    Parameters  = @{
        Definition          = @{ Description = 'The journal definition''s name (Description). Bound by property name from Get-JournalDefinition''s output.' }
        ServiceEmailAddress = @{ Description = 'The definition''s service address. Bound by property name from Get-JournalDefinition''s output; when omitted, it is read from the store.'; Default = 'The definition''s, from the store' }
        SmartHost           = @{ Description = 'The smart hosts the connector should deliver to. Bound by property name from Hostnames (Get-MimecastJournalService). When omitted, the ones Enable-O365Journaling remembered for the definition.'; Default = 'The smart hosts remembered for the definition' }
        MimecastService     = @{ Description = 'A Mimecast journal service from Get-MimecastJournalService (pipeline input). It is read again from Mimecast, and its ServiceEmailAddress and Hostnames (the journal smart hosts Mimecast gives) are used instead of -ServiceEmailAddress and -SmartHost; Test-O365Journaling also checks the Mimecast side (MimecastServiceEnabled, MimecastServiceStatus, MimecastServiceHostnames).' }
        NdrRecipient        = @{ Description = 'The NDR recipient the tenant should have. When omitted, any set address that is not an Exchange Online mailbox passes.' }
        RecipientDomain     = @{ Description = 'The recipient domains the connector should have.'; Default = 'The domain of the service address' }
        TlsSettings         = @{ Description = 'The TLS level the connector should have.'; Default = 'CertificateValidation' }
        TlsDomain           = @{ Description = 'The certificate domain the connector should have (DomainValidation).' }
        Scope               = @{ Description = 'The scope the journal rule should have.'; Default = 'Global' }
        Recipient           = @{ Description = 'The one recipient the journal rule should journal. When omitted, the rule should journal everyone.'; Default = 'All recipients' }
        ContactName         = @{ Description = 'The mail contact''s name.'; Default = '"Journal - <definition name>"' }
        ConnectorName       = @{ Description = 'The connector''s name.'; Default = '"Journal - <definition name>"' }
        RuleName            = @{ Description = 'The journal rule''s name.'; Default = '"Journal - <definition name>"' }
    }
    Inputs      = @(
        @{ Type = 'MimecastJournaling.Mimecast.MimecastJournalService'; Description = 'Mimecast journal services from Get-MimecastJournalService: read again, their address and Hostnames are the target.' }
        @{ Type = 'MimecastJournaling.Engine.Configuration.JournalDefinition'; Description = 'Journal definitions from Get-JournalDefinition (Description and ServiceEmailAddress bind by property name).' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalingTestResult' = 'Definition, ServiceEmailAddress, Passed, Checks and Drift.'
    }
    Examples    = @(
        @{
            Title   = 'Assert journaling in a Pester suite'
            Code    = @'
(Test-O365Journaling -Definition 'Exchange Online journaling').Passed | Should -BeTrue
'@
            Remarks = 'Fails when anything drifted, for example a disabled journal rule. The smart hosts and names are the ones Enable-O365Journaling remembered for the definition.'
        }
        @{
            Title   = 'Show the drift and fix it'
            Code    = @'
$result = Get-JournalDefinition 'Exchange Online journaling' | Test-O365Journaling
$result.Drift | Format-Table Name, Expected, Actual, Detail
if (-not $result.Passed) { Get-JournalDefinition 'Exchange Online journaling' | Enable-O365Journaling }
'@
            Remarks = 'Lists what differs, then converges the tenant to what was remembered.'
        }
    )
    Links       = @('Enable-O365Journaling', 'Test-O365PartnerConnector', 'Get-JournalDefinition')
}
