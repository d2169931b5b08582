@{
    Synopsis    = 'Turns a journal rule off.'
    Description = @'
Disable-O365JournalRule runs Disable-JournalRule when the rule is enabled; when it is already
disabled nothing is sent. Journal reports for the rule stop, so the cmdlet asks for confirmation
(its impact is High); use -Confirm:$false in scripts. Run Connect-O365Journaling first.
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
            Title   = 'Pause journaling during maintenance of the listener'
            Code    = @'
Disable-O365JournalRule 'Journal - Exchange Online journaling' -Confirm:$false
'@
            Remarks = 'Turns the rule off without prompting.'
        }
        @{
            Title   = 'Preview'
            Code    = "Disable-O365JournalRule 'Journal - Exchange Online journaling' -WhatIf"
            Remarks = 'Shows that the rule would be disabled, and changes nothing.'
        }
    )
    Links       = @('Enable-O365JournalRule', 'Get-O365JournalRule')
}
