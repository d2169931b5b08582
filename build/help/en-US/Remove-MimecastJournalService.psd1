@{
    Synopsis    = 'Deletes a Mimecast journal service.'
    Description = @'
Remove-MimecastJournalService deletes the journal service (by -Id, or by -Description: exactly
one must match). Journal reports sent to its address afterwards are not archived by Mimecast:
disable the journal rule first (Disable-O365JournalRule). It asks for confirmation
(ConfirmImpact High).
'@
    Parameters  = @{
        Description = @{ Description = 'The service''s description. Bound by property name.' }
        Id = @{ Description = 'Mimecast''s id; bound by property name from Get-MimecastJournalService.' }
    }
    Inputs      = @(
        @{ Type = 'MimecastJournaling.Mimecast.MimecastJournalService'; Description = 'Services from Get-MimecastJournalService.' }
    )
    Examples    = @(
        @{
            Title   = 'Remove a service'
            Code    = @'
Remove-MimecastJournalService 'Old journaling'
'@
            Remarks = 'Asks for confirmation, then deletes it.'
        }
        @{
            Title   = 'Remove without asking, from the pipeline'
            Code    = @'
Get-MimecastJournalService 'Test*' | Remove-MimecastJournalService -Confirm:$false
'@
            Remarks = 'Deletes every service whose description starts with Test.'
        }
    )
    Links       = @('Get-MimecastJournalService', 'Disable-MimecastJournalService')
}
