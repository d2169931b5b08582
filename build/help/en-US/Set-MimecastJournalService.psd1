@{
    Synopsis    = 'Changes a Mimecast journal service; only what differs is sent.'
    Description = @'
Set-MimecastJournalService reads the service (by -Id, or by -Description: exactly one must match)
and sends only the settings that differ (PATCH, with the API's update names, which differ from
the create names: useAuthentication, useTls, preferClearText). When nothing differs, nothing is
sent. -SmtpCredential always sends the new password (it cannot be compared). -SourceIpRange
sends the whole wanted list (whether Mimecast merges or replaces is not documented).

The parameters have the same names as New-JournalDefinition's, plus -RemoveJournalHeaders and
-ExtendedDeduplication, and bind by property name, so a local journal definition pipes in:
Get-JournalDefinition X | New-MimecastJournalService copies it to Mimecast. A definition with
SMTP authentication needs -SmtpCredential again (the local store keeps only a salted hash), else
MimecastSmtpPasswordRequired. Local checks run before any call: the address, CIDR syntax and
IPv4 of -SourceIpRange, whole minutes, -InactivityPeriod 180 to 960 minutes.
-PassThru writes the service as Mimecast has it afterwards.
'@
    Parameters  = @{
        Description = @{ Description = 'The service''s description. Bound by property name.' }
        Id = @{ Description = 'Mimecast''s id; bound by property name from Get-MimecastJournalService (wins over -Description). A GUID (a local journal definition''s Id) is ignored.' }
        NewDescription = @{ Description = 'A new description.' }
        ServiceEmailAddress = @{ Description = 'A new service address.' }
        PassThru = @{ Description = 'Writes the service afterwards.' }
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
        @{ Type = 'MimecastJournaling.Mimecast.MimecastJournalService'; Description = 'Services from Get-MimecastJournalService.' }
        @{ Type = 'MimecastJournaling.Engine.Configuration.JournalDefinition'; Description = 'Local journal definitions: their settings bind by property name.' }
    )
    Outputs     = @{
        'MimecastJournaling.Mimecast.MimecastJournalService' = 'The service: Id, Description, ServiceEmailAddress, Disabled, Status (AwaitingInitialRun, OK, Error, Unknown), ApiStatus, QueueLength, LastReceived, Hostnames (the journal smart hosts), and the settings. Never the password.'
    }
    Examples    = @(
        @{
            Title   = 'Lengthen the period of inactivity'
            Code    = @'
Set-MimecastJournalService 'Exchange Online journaling' -InactivityPeriod 480 -PassThru
'@
            Remarks = 'Sends only smtpJournalingConnection.inactivityTimeout = 480.'
        }
        @{
            Title   = 'Bring Mimecast in line with the local definition'
            Code    = @'
Get-JournalDefinition 'Exchange Online journaling' | Set-MimecastJournalService -WhatIf
'@
            Remarks = 'Shows each differing setting with Mimecast''s and the wanted value; without -WhatIf it sends them.'
        }
    )
    Links       = @('New-MimecastJournalService', 'Get-MimecastJournalService')
}
