@{
    Synopsis    = 'Turns a journal rule on.'
    Description = @'
Enable-O365JournalRule runs Enable-JournalRule when the rule is disabled; when it is already
enabled nothing is sent. Exchange Online disables a journal rule whose destination stays
undeliverable, so this is also the step after fixing the listener. Run Connect-O365Journaling
first.
'@
    Parameters  = @{
        Identity = @{ Description = 'The rule: name or GUID. You can pipe rules from Get-O365JournalRule.' }
        PassThru = @{ Description = 'Writes the rule afterwards, with Action Updated or Unchanged. By default the cmdlet writes nothing.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe rule names, or rules from Get-O365JournalRule.' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalRule' = 'With -PassThru: the rule afterwards.'
    }
    Examples    = @(
        @{
            Title   = 'Turn the journal rule back on'
            Code    = "Enable-O365JournalRule 'Journal - Exchange Online journaling' -PassThru"
            Remarks = 'Enables the rule and shows it with Action Updated (Unchanged when it was on).'
        }
        @{
            Title   = 'Enable every disabled rule'
            Code    = 'Get-O365JournalRule | Where-Object { -not $_.Enabled } | Enable-O365JournalRule'
            Remarks = 'Turns every disabled journal rule on.'
        }
    )
    Links       = @('Disable-O365JournalRule', 'Get-O365JournalRule')
}
