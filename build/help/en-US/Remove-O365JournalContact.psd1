@{
    Synopsis    = 'Removes an Exchange Online mail contact.'
    Description = @'
Remove-O365JournalContact runs Remove-MailContact for the contact you name. It asks for
confirmation (its impact is High); use -Confirm:$false in scripts. Remove or change the journal
rule that points at the contact first. A contact that does not exist is a non-terminating
ObjectNotFound error (ExchangeObjectNotFound) with Exchange's text. Run Connect-O365Journaling
first.
'@
    Parameters  = @{
        Identity = @{
            Description = 'The contact to remove: name, alias, email address or GUID. You can pipe contacts from Get-O365JournalContact.'
        }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe identities, or contacts from Get-O365JournalContact.' }
    )
    Examples    = @(
        @{
            Title   = 'Remove the journal contact'
            Code    = @'
Remove-O365JournalContact 'Journal - Exchange Online journaling'
'@
            Remarks = 'Asks for confirmation, then removes the contact.'
        }
        @{
            Title   = 'Remove test contacts without prompting'
            Code    = @'
Get-O365JournalContact | Where-Object Name -like 'Journal - Test*' | Remove-O365JournalContact -Confirm:$false
'@
            Remarks = 'Removes every contact whose name starts with "Journal - Test".'
        }
    )
    Links       = @('Get-O365JournalContact', 'New-O365JournalContact')
}
