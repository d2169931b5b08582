@{
    Synopsis    = 'Changes a journal rule''s journal address, scope, recipient or state.'
    Description = @'
Set-O365JournalRule reads the rule, replaces the settings you give and keeps the others. The
journal address, scope and recipient change with Set-JournalRule; -Enabled changes with
Enable-JournalRule or Disable-JournalRule, because Set-JournalRule has no -Enabled. Nothing is
sent when nothing differs. An Exchange Online mailbox as the journal address is refused
(JournalAddressIsMailbox). Run Connect-O365Journaling first.
'@
    Parameters  = @{
        Identity            = @{ Description = 'The rule to change: name or GUID. You can pipe rules from Get-O365JournalRule.' }
        JournalEmailAddress = @{ Description = 'The new journal address (a mail contact, mail user or external address).' }
        Scope               = @{ Description = 'The new scope: Global, Internal or External.' }
        Recipient           = @{ Description = 'Journal only this SMTP address; an empty string journals every recipient again.' }
        Enabled             = @{ Description = 'Turns the rule on ($true) or off ($false).' }
        PassThru            = @{ Description = 'Writes the rule afterwards, with Action Updated or Unchanged. By default the cmdlet writes nothing.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe rule names, or rules from Get-O365JournalRule.' }
    )
    Outputs     = @{
        'MimecastJournaling.ExchangeOnline.O365JournalRule' = 'With -PassThru: the rule as Exchange has it afterwards.'
    }
    Examples    = @(
        @{
            Title   = 'Point the rule at a new journal address'
            Code    = @'
Set-O365JournalRule 'Journal - Exchange Online journaling' -JournalEmailAddress journal2@journal.contoso.com -PassThru
'@
            Remarks = 'Changes the journal address and shows the rule with Action Updated.'
        }
        @{
            Title   = 'Journal everyone again'
            Code    = @'
Set-O365JournalRule 'Journal CEO external' -Recipient '' -Scope Global
'@
            Remarks = 'Clears the recipient and widens the scope.'
        }
    )
    Links       = @('New-O365JournalRule', 'Enable-O365JournalRule', 'Disable-O365JournalRule')
}
