@{
    Synopsis    = 'Creates a journal definition: one inbound journaling service with its own service email address.'
    Description = @'
New-JournalDefinition creates a journal definition in the configuration store. A journal
definition describes one journaling service: the address Exchange sends journal reports to (the
service email address), who may send them (source IP ranges, SMTP authentication, TLS), what
they look like (Exchange envelope reports or plain EML), how they are matched and archived, and
when the service counts as down.

A new definition has the status AwaitingInitialRun until the first journal report arrives.
Parameters you leave out get their defaults: TransportType Smtp, no source ranges, no SMTP
authentication, InitialProcessDelay 0, DeliveryWaitAttempts 3, InactivityPeriod 180 minutes,
JournalType ExchangeEnvelope, Encrypted True, and the three switches off. The creation is
recorded in the event log (Get-JournalEvent).

The service email address must not be an internal address: Exchange would journal the journal
reports themselves. Use an address in the journal sub-domain, such as
journal@journal.contoso.com, and register that sub-domain with Register-JournalDomain.

Errors you may see (the ErrorId of the error record): InvalidDescription, JournalDefinitionExists,
ServiceEmailAddressRequired, InvalidServiceEmailAddress, ServiceEmailAddressInUse,
SelfJournalingRefused, InvalidSourceIpRange, InvalidSmtpCredential, InvalidInitialProcessDelay,
InvalidDeliveryWaitAttempts, InvalidInactivityPeriod, and the store errors StoreUnavailable,
StoreBusy and StoreSchemaTooNew.
'@
    Parameters  = @{
        Description         = @{
            Description = @'
The unique name of the definition, for example "Exchange Online journaling". 1 to 128
characters, no control characters and no wildcard characters (* ? [ ]). Names are compared
without regard to case. Other cmdlets find the definition by this name.
'@
        }
        ServiceEmailAddress = @{
            Description = @'
The address Exchange sends the journal reports to, for example journal@journal.contoso.com: the
recipient of the journal rule in Exchange. A plain address without display name or angle
brackets. Each definition needs its own address (error id ServiceEmailAddressInUse), and it must
not be in the internal directory (error id SelfJournalingRefused). The domain part is stored in
lower case.
'@
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe objects with Description (or Name) and ServiceEmailAddress properties, for example rows of a CSV file.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.JournalDefinition' = 'The new journal definition, as stored. SmtpAuthentication is True when a credential was given; the password is never part of the output.'
    }
    Notes       = @'
The settings take effect in the journal listener (Start-JournalListener) from its next SMTP
session on; Enable-O365Journaling configures the Exchange Online side (contact, connector,
journal rule) for the definition. See about_MimecastJournaling.
'@
    Examples    = @(
        @{
            Title   = 'Create the definition for Exchange Online'
            Code    = @'
New-JournalDefinition -Description 'Exchange Online journaling' -ServiceEmailAddress journal@journal.contoso.com `
    -SourceIpRange 40.92.0.0/15, 2a01:111:f400::/48 -InitialProcessDelay 5
'@
            Remarks = @'
Creates a definition that accepts reports only from the given Exchange Online ranges and only
over TLS (the default). Matching waits five minutes after a report arrives. Exchange Online
connectors cannot use SMTP AUTH, so no credential is given.
'@
        }
        @{
            Title   = 'Require SMTP AUTH from on-premises Exchange servers'
            Code    = @'
$credential = Get-Credential -UserName exchange -Message 'Password the send connector will use for SMTP AUTH'
New-JournalDefinition 'On-premises Exchange' journal-onprem@journal.contoso.com `
    -SourceIpRange 203.0.113.10/32, 203.0.113.11/32 -SmtpCredential $credential
'@
            Remarks = @'
Description and ServiceEmailAddress are positional. Only the two transport servers may deliver,
over TLS, after logging on with the credential; give the same credential to their send connector
(Set-SendConnector -AuthenticationCredential). Only a salted hash of the password is kept.
'@
        }
        @{
            Title   = 'Accept plain EML copies from one on-premises relay'
            Code    = @'
New-JournalDefinition 'Legacy relay' relay-journal@journal.contoso.com -SourceIpRange 192.0.2.25/32 `
    -JournalType StandardEml -InactivityPeriod 720 -JournalNonInternalAddresses
'@
            Remarks = @'
The relay at 192.0.2.25 sends plain copies rather than envelope reports; the definition counts as Down after 12 hours without a report, and
messages with no internal address are archived too.
'@
        }
        @{
            Title   = 'Create definitions from a CSV file in a runbook'
            Code    = @'
$env:MIMECASTJOURNALING_STORE = 'D:\Journaling\journaling.db'
Import-Csv .\definitions.csv | New-JournalDefinition -ErrorAction Stop | Select-Object Description, Status
'@
            Remarks = @'
Each row of definitions.csv has the columns Description and ServiceEmailAddress; they bind by
property name. The environment variable points every cmdlet of the session at the shared store.
With -ErrorAction Stop the runbook stops at the first refused row, for example
JournalDefinitionExists when it runs twice.
'@
        }
    )
    Links       = @('Get-JournalDefinition', 'Set-JournalDefinition', 'Register-JournalDomain')
}
