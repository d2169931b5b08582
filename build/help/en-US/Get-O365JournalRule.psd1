@{
    Synopsis    = 'Lists the tenant''s journal rules.'
    Description = @'
Get-O365JournalRule runs Get-JournalRule and shows each rule's journal address, scope, recipient
("(all)" when it journals everyone) and whether it is enabled. Without -Identity it lists every
journal rule. A rule that does not exist is a non-terminating ObjectNotFound error
(ExchangeObjectNotFound) with Exchange's text. Run Connect-O365Journaling first.
'@
    Parameters  = @{
        Identity = @{ Description = 'The rules to show: name or GUID. Without it, all journal rules.'; Default = 'All rules' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe rule names.' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalRule' = 'One object per rule (Action is empty).'
    }
    Examples    = @(
        @{
            Title   = 'List the journal rules'
            Code    = 'Get-O365JournalRule'
            Remarks = 'Shows every journal rule of the tenant.'
        }
        @{
            Title   = 'Find disabled rules'
            Code    = 'Get-O365JournalRule | Where-Object { -not $_.Enabled }'
            Remarks = 'Lists the rules that are off (Exchange disables a rule whose destination stays undeliverable).'
        }
    )
    Links       = @('New-O365JournalRule', 'Enable-O365JournalRule', 'Test-O365Journaling')
}
