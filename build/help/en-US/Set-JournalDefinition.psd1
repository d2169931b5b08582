@{
    Synopsis    = 'Changes the settings of a journal definition.'
    Description = @'
Set-JournalDefinition changes the settings you give and keeps all others as they are. It can
rename the definition (-NewDescription), move it to another service address, replace the list of
source IP ranges, set, change or remove the SMTP credential, and change the timings, the journal
type, TLS and the address rules.

Every changed property is recorded in the event log with its old and new value (a new password
only as "changed", never its value). Giving a value that equals the current one changes nothing
and records nothing. By default the cmdlet writes no output; use -PassThru to get the updated
definition.

Errors you may see: JournalDefinitionNotFound, JournalDefinitionExists (the new name is taken),
InvalidDescription, InvalidServiceEmailAddress, ServiceEmailAddressInUse, SelfJournalingRefused,
InvalidSourceIpRange, InvalidSmtpCredential, InvalidInitialProcessDelay,
InvalidDeliveryWaitAttempts, InvalidInactivityPeriod, and the store errors StoreUnavailable,
StoreBusy and StoreSchemaTooNew.
'@
    Parameters  = @{
        Description                     = @{
            Description = @'
The name of the definition to change (not case-sensitive). Press Tab to complete it from the
store. To rename the definition, use -NewDescription.
'@
        }
        NewDescription                  = @{
            Description = @'
A new unique name for the definition: 1 to 128 characters, no control characters, no wildcard
characters (* ? [ ]). The event log keeps the definition's history across the rename.
'@
            Default     = 'Unchanged'
        }
        ServiceEmailAddress             = @{
            Description = @'
A new address for Exchange to send the journal reports to. It must not belong to another
definition (ServiceEmailAddressInUse) or be in the internal directory (SelfJournalingRefused).
Change the journal rule in Exchange to the same address.
'@
            Default     = 'Unchanged'
        }
        PassThru                        = @{ Description = 'Writes the updated definition to the pipeline. By default the cmdlet writes nothing.' }
        TransportType                   = @{ Default = 'Unchanged' }
        SourceIpRange                   = @{ Default = 'Unchanged (the list you give replaces the current one)' }
        SmtpCredential                  = @{ Default = 'Unchanged ($null removes SMTP authentication)' }
        InitialProcessDelay             = @{ Default = 'Unchanged' }
        DeliveryWaitAttempts            = @{ Default = 'Unchanged' }
        InactivityPeriod                = @{ Default = 'Unchanged' }
        JournalType                     = @{ Default = 'Unchanged' }
        Encrypted                       = @{ Default = 'Unchanged' }
        PreferClearText                 = @{ Default = 'Unchanged' }
        JournalNonInternalAddresses     = @{ Default = 'Unchanged' }
        JournalUnknownInternalAddresses = @{ Default = 'Unchanged' }
        Disabled                        = @{ Default = 'Unchanged' }
        TenantId                        = @{ Default = 'Unchanged (the list you give replaces the current one; @() removes the binding)' }
    }
    Inputs      = @(
        @{ Type = 'MimecastJournaling.Engine.Configuration.JournalDefinition'; Description = 'You can pipe definitions from Get-JournalDefinition; the Description property selects the definition to change.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.JournalDefinition' = 'With -PassThru, the definition after the change. Otherwise nothing.'
    }
    Notes       = @'
Switch parameters are turned off with a colon: -PreferClearText:$false. -SourceIpRange replaces
the whole list; to add one range, read the current list first (see the examples).

Changes to JournalType, PreferClearText and the two address switches apply to reports received
from then on; archived items and recorded outcomes are not re-evaluated. An item keeps the merge
window (InitialProcessDelay, DeliveryWaitAttempts) that was in effect when it was created.
'@
    Examples    = @(
        @{
            Title   = 'Add a transport server and rotate the SMTP password'
            Code    = @'
$definition = Get-JournalDefinition 'On-premises Exchange'
$credential = Get-Credential -UserName $definition.SmtpUserName -Message 'New SMTP AUTH password'
Set-JournalDefinition 'On-premises Exchange' -SourceIpRange ($definition.SourceIpRange + '203.0.113.12/32') `
    -SmtpCredential $credential -PassThru | Format-List Description, SourceIpRange, SmtpAuthentication
'@
            Remarks = @'
Allows one more transport server and sets a new password (kept only as a salted hash). Give
the send connector the new password at the same time (Set-SendConnector
-AuthenticationCredential on the Exchange server).
'@
        }
        @{
            Title   = 'Remove SMTP authentication and relax the inactivity alarm'
            Code    = @'
Set-JournalDefinition 'Legacy relay' -SmtpCredential $null -InactivityPeriod '1.00:00:00' -WhatIf
Set-JournalDefinition 'Legacy relay' -SmtpCredential $null -InactivityPeriod '1.00:00:00'
'@
            Remarks = @'
The first line only shows what would change. $null removes SMTP authentication
(SmtpAuthentication becomes False); the definition is now Down only after a whole day without a
report.
'@
        }
        @{
            Title   = 'Apply one change to several definitions in a pipeline'
            Code    = @'
Get-JournalDefinition 'Branch*' | Set-JournalDefinition -DeliveryWaitAttempts 5 -JournalUnknownInternalAddresses
Get-JournalEvent -First 10
'@
            Remarks = @'
Every definition whose name starts with Branch gets five delivery wait attempts and archives
messages for unknown internal addresses; the event log shows each changed value.
'@
        }
    )
    Links       = @('Get-JournalDefinition', 'Enable-JournalDefinition', 'Disable-JournalDefinition', 'Get-JournalEvent')
}
