@{
    Synopsis    = 'Creates a journal rule that sends journal reports to the journal service address.'
    Description = @'
New-O365JournalRule makes sure a journal rule of that name exists and sends journal reports to the
journal address. It runs New-JournalRule -Name -JournalEmailAddress -Scope Global -Enabled $true:
every message of every recipient, and enabled (New-JournalRule's own default is disabled). Use
-Scope Internal or External and -Recipient to narrow it, and -Enabled $false to create it off.

The cmdlet converges instead of failing: an existing rule of that name is compared and only what
differs is changed (Set-JournalRule for the target, scope and recipient; Enable-JournalRule or
Disable-JournalRule for Enabled). The output's Action says Created, Updated or Unchanged.

Checks before anything is sent, also under -WhatIf: without an alternate journaling (NDR)
recipient Exchange Online creates no journal rule, so the cmdlet stops with
JournalNdrRecipientNotSet and says to run Set-O365JournalNdrRecipient first (Exchange's own
"Before you create a journal rule…" refusal is mapped to the same error); a tenant that already
has 10 journal rules (the documented limit) stops with JournalRuleLimitReached
(LimitsExceeded); an Exchange Online mailbox as the journal address stops with
JournalAddressIsMailbox. Pipe journal definitions from Get-JournalDefinition: the service address
is the journal address and the name defaults to "Journal - <definition name>". Run
Connect-O365Journaling first.
'@
    Parameters  = @{
        JournalEmailAddress = @{ Description = 'Where journal reports go: the journal service address (or its mail contact). Not an Exchange Online mailbox. You can pipe objects with a ServiceEmailAddress property.' }
        Definition          = @{ Description = 'A journal definition from Get-JournalDefinition. Its ServiceEmailAddress is the journal address, and its name gives the default rule name.' }
        Name                = @{ Description = 'The rule''s name (at most 64 characters).'; Default = '"Journal - " followed by the definition name, or by the address' }
        Scope               = @{ Description = 'Which messages are journaled: Global (all), Internal (between internal recipients) or External (to or from outside).'; Default = 'Global' }
        Recipient           = @{ Description = 'Journal only the messages of this one SMTP address (no wildcards). When omitted, every recipient.'; Default = 'All recipients' }
        Enabled             = @{ Description = 'Whether the rule is on.'; Default = '$true' }
    }
    Inputs      = @(
        @{ Type = 'MimecastJournaling.Engine.Configuration.JournalDefinition'; Description = 'Journal definitions from Get-JournalDefinition.' }
        @{ Type = 'System.Management.Automation.PSObject'; Description = 'Objects with a JournalEmailAddress or ServiceEmailAddress property.' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalRule' = 'The rule as Exchange has it afterwards, with Action Created, Updated or Unchanged.'
    }
    Examples    = @(
        @{
            Title   = 'Journal every message to a journal definition'
            Code    = @'
Set-O365JournalNdrRecipient journal-ndr@archive.contoso.com
Get-JournalDefinition 'Exchange Online journaling' | New-O365JournalRule
'@
            Remarks = 'Sets the NDR recipient (required first), then creates "Journal - Exchange Online journaling": Global, all recipients, enabled.'
        }
        @{
            Title   = 'Journal one recipient''s external mail'
            Code    = @'
New-O365JournalRule journal@journal.contoso.com -Name 'Journal CEO external' -Scope External -Recipient ceo@contoso.com
'@
            Remarks = 'Creates an enabled rule for the external mail of one recipient.'
        }
    )
    Links       = @('Get-O365JournalRule', 'Set-O365JournalRule', 'Set-O365JournalNdrRecipient', 'Enable-O365Journaling')
}
