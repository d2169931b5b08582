@{
    Synopsis    = 'Removes a journal rule.'
    Description = @'
Remove-O365JournalRule runs Remove-JournalRule for the rule you name. It asks for confirmation
(its impact is High); use -Confirm:$false in scripts. Journal reports for that rule stop at once.
A rule that does not exist is a non-terminating ObjectNotFound error (ExchangeObjectNotFound) with
Exchange's text. Run Connect-O365Journaling first.
'@
    Parameters  = @{
        Identity = @{ Description = 'The rule to remove: name or GUID. You can pipe rules from Get-O365JournalRule.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe rule names, or rules from Get-O365JournalRule.' }
    )
    Examples    = @(
        @{
            Title   = 'Remove the journal rule'
            Code    = "Remove-O365JournalRule 'Journal - Exchange Online journaling'"
            Remarks = 'Asks for confirmation, then removes the rule.'
        }
        @{
            Title   = 'Remove disabled rules without prompting'
            Code    = @'
Get-O365JournalRule | Where-Object { -not $_.Enabled } | Remove-O365JournalRule -Confirm:$false
'@
            Remarks = 'Removes every disabled journal rule.'
        }
    )
    Links       = @('Get-O365JournalRule', 'Disable-O365JournalRule')
}
