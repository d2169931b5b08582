@{
    Synopsis    = 'Sets up Exchange Online journaling for a journal definition in one command.'
    Description = @'
Enable-O365Journaling does the Exchange Online half of the seed procedure for a journal definition
and converges, in this order:

1. Contact: the mail contact for the definition's service address, hidden from address lists
   (New-O365JournalContact).

2. Connector: the partner outbound connector for the journal domain to -SmartHost, TLS with
   certificate validation, not rule-scoped, enabled (New-O365PartnerConnector).

3. ConnectorValidation: Validate-OutboundConnector with a test message to the service address,
   then the connector is marked validated (Test-O365PartnerConnector). It runs when the connector
   is new, was changed or is not validated yet.

4. NdrRecipient: the alternate journaling (NDR) recipient, when -NdrRecipient is given
   (Set-O365JournalNdrRecipient). Without -NdrRecipient the tenant's own is kept; it must be set
   and not an Exchange Online mailbox (NdrRecipientRequired, NdrRecipientIsMailbox).

5. JournalRule: the journal rule, Global, all recipients, enabled, to the service address
   (New-O365JournalRule).

Each step is planned from what Exchange has and only what differs is changed. The output is one
object per step with Step, Name, Action (Created, Updated, Unchanged, Validated or Failed) and
Detail; a second run gives Unchanged for every step and sends nothing but reads. -WhatIf prints
the plan ("What if:" per step that would change) and changes nothing. When the connector does not
pass validation the step is Failed, the error ConnectorValidationFailed says why, and the NDR
recipient and the rule are left alone. -SkipValidationFailure keeps the Failed step (with a
warning instead of the error) and goes on with the NDR recipient and the rule, as the Mimecast
procedure's "disregard the validation errors and save" does.

Validation passes only when Exchange Online can deliver to the smart hosts: the listener
(Start-JournalListener) must be reachable from the Internet on port 25 at the smart host names,
and offer STARTTLS with a certificate from a publicly trusted certificate authority whose name
matches the smart host (with the default -TlsSettings CertificateValidation; a self-signed
certificate fails). Exchange queues the journal reports until it can deliver them.

After the last step the journal definition is bound to the connected tenant: its TenantId gets
the tenant's directory id (the GUID given to Connect-O365Journaling -TenantId, else the one the
sign-in names), so the listener refuses reports stamped by any other tenant (see
New-JournalDefinition -TenantId). When the connection cannot say which tenant it is (a domain
name was given and the sign-in does not name the tenant), a warning says to run
Set-JournalDefinition -TenantId. With -WhatIf the binding is only shown.

The objects are named after the definition: "Journal - <definition name>" (cut to 64
characters) for the contact, the connector and the rule (they live in separate name spaces);
-ContactName, -ConnectorName and -RuleName override.

When every step ran (not under -WhatIf, and the validation passed or -SkipValidationFailure was
given) the setup is remembered with the journal definition in the store: the tenant, the smart
hosts, the recipient domains, TLS, the contact, connector and rule names, the NDR recipient, the
scope and recipient (Get-JournalDefinition shows it as O365Journaling; a change is a Changed event
with Property O365Journaling). Test-O365Journaling and a later Enable-O365Journaling then need
only the definition's name; any parameter given still overrides what is remembered. Without
-SmartHost and with nothing remembered, the error EnableO365JournalingSmartHostRequired says to
give -SmartHost.

-WhatIf works without Connect-O365Journaling too: it then shows, from the parameters and the store
alone, what each step would create (or make match), and a warning says what it cannot know without
a connection: which objects exist already, whether the tenant has an NDR recipient that is not a
mailbox, whether the journal rule limit is reached, whether the connector passes validation, and
which tenant the definition would be bound to.

Pipe definitions from Get-JournalDefinition: Description and ServiceEmailAddress bind by
property name. With a name only (-Definition), the service address is read from the store.
Everything is checked locally before the first call (names of at most 64 characters, smart hosts
without ports, -TlsDomain only with DomainValidation), and before the first change the cmdlet
reads what the last steps need: the NDR recipient (NdrRecipientRequired, NdrRecipientIsMailbox)
and, for a new rule, the tenant's journal rule limit (JournalRuleLimitReached). Run
Connect-O365Journaling first (except for -WhatIf).
'@
    Parameters  = @{
        Definition          = @{ Description = 'The journal definition''s name (Description). Bound by property name from Get-JournalDefinition''s output.' }
        ServiceEmailAddress = @{ Description = 'The definition''s service address. Bound by property name from Get-JournalDefinition''s output; when omitted, it is read from the store.'; Default = 'The definition''s, from the store' }
        SmartHost           = @{ Description = 'The listener''s host names, IP addresses or CIDR ranges, without a port: where the connector delivers journal reports. Bound by property name from Hostnames (Get-MimecastJournalService). Needed the first time; afterwards the remembered ones are used when it is omitted.'; Default = 'The smart hosts remembered for the definition' }
        MimecastService     = @{ Description = 'A Mimecast journal service from Get-MimecastJournalService (pipeline input). It is read again from Mimecast, and its ServiceEmailAddress and Hostnames (the journal smart hosts Mimecast gives) are used instead of -ServiceEmailAddress and -SmartHost; Test-O365Journaling also checks the Mimecast side (MimecastServiceEnabled, MimecastServiceStatus, MimecastServiceHostnames).' }
        NdrRecipient        = @{ Description = 'The alternate journaling (NDR) recipient to set: an external address or a mail contact, not an Exchange Online mailbox.'; Default = 'The tenant''s current one (it must be set)' }
        RecipientDomain     = @{ Description = 'The connector''s recipient domains.'; Default = 'The domain of the service address' }
        TlsSettings         = @{ Description = 'The connector''s TLS: EncryptionOnly, CertificateValidation or DomainValidation.'; Default = 'CertificateValidation' }
        TlsDomain           = @{ Description = 'The certificate domain, with -TlsSettings DomainValidation only.' }
        Scope               = @{ Description = 'The journal rule''s scope: Global, Internal or External.'; Default = 'Global' }
        Recipient           = @{ Description = 'Journal only this one SMTP address. When omitted, every recipient.'; Default = 'All recipients' }
        ContactName         = @{ Description = 'The mail contact''s name (at most 64 characters).'; Default = '"Journal - <definition name>"' }
        ConnectorName       = @{ Description = 'The connector''s name (at most 64 characters).'; Default = '"Journal - <definition name>"' }
        RuleName            = @{ Description = 'The journal rule''s name (at most 64 characters).'; Default = '"Journal - <definition name>"' }
        ShowInAddressList   = @{ Description = 'Leaves the mail contact visible in address lists. By default it is hidden.' }
        ValidationRecipient = @{ Description = 'Where the connector validation sends its test messages, in the connector''s domain.'; Default = 'The service address' }
        SkipValidationFailure = @{ Description = 'Records a failed connector validation (the step is Failed, with a warning) and goes on with the NDR recipient and the journal rule instead of stopping. Use it when the listener is not reachable from Exchange Online yet; reports queue in Exchange until it is.'; Default = 'False' }
    }
    Inputs      = @(
        @{ Type = 'MimecastJournaling.Mimecast.MimecastJournalService'; Description = 'Mimecast journal services from Get-MimecastJournalService: read again, their address and Hostnames are the target.' }
        @{ Type = 'MimecastJournaling.Engine.Configuration.JournalDefinition'; Description = 'Journal definitions from Get-JournalDefinition (Description and ServiceEmailAddress bind by property name).' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalingStep' = 'One object per step: Definition, Step, Name, Action and Detail.'
    }
    Examples    = @(
        @{
            Title   = 'Set up journaling for a definition'
            Code    = @'
Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ClientId $appId -ClientSecret $secret
Get-JournalDefinition 'Exchange Online journaling' | Enable-O365Journaling -SmartHost archive.contoso.com -NdrRecipient journal-ndr@archive.contoso.com
'@
            Remarks = 'Creates the contact, the connector (validated), the NDR recipient and the journal rule, and lists each step with Created/Validated. Running it again lists every step as Unchanged.'
        }
        @{
            Title   = 'Preview, then converge after drift'
            Code    = @'
Enable-O365Journaling 'Exchange Online journaling' -SmartHost archive.contoso.com -WhatIf
Enable-O365Journaling 'Exchange Online journaling' -SmartHost archive.contoso.com
'@
            Remarks = 'The first line prints what would change; the second fixes it (for example a rule someone disabled) and keeps the tenant''s NDR recipient.'
        }
        @{
            Title   = 'A runbook after the first setup'
            Code    = @'
Enable-O365Journaling 'Exchange Online journaling'
(Test-O365Journaling 'Exchange Online journaling').Passed
(Get-JournalDefinition 'Exchange Online journaling').O365Journaling
'@
            Remarks = 'The smart hosts and names come from what the first run remembered with the definition; the last line shows it.'
        }
        @{
            Title   = 'See the plan before signing in'
            Code    = @'
Enable-O365Journaling 'Exchange Online journaling' -SmartHost archive.contoso.com -NdrRecipient journal-ndr@archive.contoso.com -WhatIf
'@
            Remarks = 'Without Connect-O365Journaling: what each step would create, and a warning naming what only a connection can tell.'
        }
    )
    Links       = @('Test-O365Journaling', 'Get-JournalDefinition', 'New-O365JournalContact', 'New-O365PartnerConnector', 'Test-O365PartnerConnector', 'Set-O365JournalNdrRecipient', 'New-O365JournalRule')
}
