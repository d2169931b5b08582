@{
    Synopsis    = 'Creates a Mimecast journal service definition, or converges the one with the same description.'
    Description = @'
New-MimecastJournalService creates a Journal Service Definition in Mimecast through API 2.0
(POST /journaling/cloud-gateway/v1/services), the step the seed procedure does in the
Administration Console. It converges by -Description: when Mimecast has a service with that
description, only the given settings that differ are changed (PATCH, with the API's update
names), and a rerun changes nothing and creates nothing. The password cannot be compared (it is
never read back): on a rerun it is sent only when authentication was off; use
Set-MimecastJournalService -SmtpCredential to change it.

The parameters have the same names as New-JournalDefinition's, plus -RemoveJournalHeaders and
-ExtendedDeduplication, and bind by property name, so a local journal definition pipes in:
Get-JournalDefinition X | New-MimecastJournalService copies it to Mimecast. A definition with
SMTP authentication needs -SmtpCredential again (the local store keeps only a salted hash), else
MimecastSmtpPasswordRequired. Local checks run before any call: the address, CIDR syntax and
IPv4 of -SourceIpRange, whole minutes, -InactivityPeriod 180 to 960 minutes.

The output is the service as Mimecast has it, with Id, Status, QueueLength, LastReceived and
Hostnames: the journal smart hosts Mimecast gives, which Enable-O365Journaling uses as the
connector's smart hosts when the service is piped to it. Status is mapped from the API's statusInfo.status: 'ok' is OK and 'error' is Error (documented: set after the period of inactivity); 'not_active' is shown as AwaitingInitialRun, which no public source confirms. Any other name is Unknown, and ApiStatus always shows the API's own name.
'@
    Parameters  = @{
        Description = @{ Description = 'The service''s description; the module finds the service again by it. Bound by property name (from Get-JournalDefinition).' }
        ServiceEmailAddress = @{ Description = 'The journal service address (for example journal@journal.contoso.com). Bound by property name.' }
        SourceIpRange = @{ Description = 'Additional source IP ranges Mimecast accepts journal reports from (IPv4 CIDR, or one address). Checked locally with the engine''s CIDR parser; Mimecast documents IPv4 only, so an IPv6 range is refused (MimecastIPv6SourceIpRange). Exchange Online''s own ranges are allowed by Mimecast by default.' }
        SmtpCredential = @{ Description = 'Turns SMTP authentication on, with the credential''s password (Mimecast has no user name for it; the user name is ignored). The password is sent to Mimecast, never written to output, logs or errors, and never read back. $null turns authentication off.' }
        SmtpAuthentication = @{ Description = 'Turns SMTP authentication on or off. A journal definition piped in binds its SmtpAuthentication here; when it is on, give -SmtpCredential as well (the local store keeps only a salted hash of the password).' }
        InitialProcessDelay = @{ Description = 'Minutes before Mimecast processes the first journal items (processInitialDelay), a whole number of minutes, 0 or more. A number is minutes; a [timespan] works too.' }
        DeliveryWaitAttempts = @{ Description = 'Delivery wait attempts (deliveryWaitAttempts), 0 or more.' }
        InactivityPeriod = @{ Description = 'Period of inactivity after which Mimecast sets the status to Error (inactivityTimeout): whole minutes, 180 to 960 (MimecastInactivityPeriodOutOfRange otherwise).' }
        JournalType = @{ Description = 'ExchangeEnvelope (exchange_env, envelope journal reports) or StandardEml (standard_eml).' }
        Encrypted = @{ Description = 'TLS for the journal connection (usesTls).' }
        PreferClearText = @{ Description = 'Prefer clear text, for Active Directory protected journal items (prefersClearText).' }
        JournalNonInternalAddresses = @{ Description = 'Also journal addresses that are not internal (journalNonInternalAddresses).' }
        JournalUnknownInternalAddresses = @{ Description = 'Also journal unknown addresses of internal domains (journalUnknownInternalAddresses).' }
        Disabled = @{ Description = 'Creates or sets the service disabled (enabled = false).' }
        RemoveJournalHeaders = @{ Description = 'Mimecast strips the X-MS-Exchange-Organization-BCC and X-MS-Exchange-CrossPremises-BCC headers (removeJournalHeaders).' }
        ExtendedDeduplication = @{ Description = 'Mimecast waits 10 minutes for the gateway copy before deduplicating (extendedDeduplication).' }
    }
    Inputs      = @(
        @{ Type = 'MimecastJournaling.Engine.Configuration.JournalDefinition'; Description = 'Local journal definitions (their settings bind by property name).' }
    )
    Outputs     = @{
        'MimecastJournaling.Mimecast.MimecastJournalService' = 'The service: Id, Description, ServiceEmailAddress, Disabled, Status (AwaitingInitialRun, OK, Error, Unknown), ApiStatus, QueueLength, LastReceived, Hostnames (the journal smart hosts), and the settings. Never the password.'
    }
    Examples    = @(
        @{
            Title   = 'Copy a local journal definition to Mimecast'
            Code    = @'
Connect-MimecastJournaling -ClientId $clientId -ClientSecret (Read-Host -AsSecureString 'Client secret')
Get-JournalDefinition 'Exchange Online journaling' | New-MimecastJournalService -RemoveJournalHeaders
'@
            Remarks = 'Creates the service with the definition''s address, ranges, delays and switches; running it again changes nothing.'
        }
        @{
            Title   = 'Create one from scratch, with SMTP authentication'
            Code    = @'
New-MimecastJournalService 'On-premises journaling' onprem@journal.contoso.com -SourceIpRange 192.0.2.10 `
    -SmtpCredential (Get-Credential journal) -InactivityPeriod 240 -InitialProcessDelay 5
'@
            Remarks = 'The password goes to Mimecast only; the output shows SmtpAuthentication True and never the password.'
        }
    )
    Links       = @('Get-MimecastJournalService', 'Set-MimecastJournalService', 'New-JournalDefinition', 'Enable-O365Journaling', 'Register-MimecastJournalDomain')
}
