@{
    Synopsis    = 'Releases a legal hold; its record stays, with who released it and why.'
    Description = @'
Remove-JournalHold releases active legal holds. The messages a hold covered can then be removed
by retention (when they have expired and no other hold covers them) or by Remove-JournalMessage.
The hold is not deleted: it stays as a record with its scope, and with who released it, when and
why (Get-JournalHold -IncludeReleased). The release is written to the event log (ObjectType Hold,
Action Released). The cmdlet asks for confirmation (its impact is High).
'@
    Parameters  = @{
        Name     = @{ Description = 'The names of the active holds to release (not case-sensitive, no wildcards). A name with no active hold is an error with the id JournalHoldNotFound.' }
        Reason   = @{ Description = 'Why the hold is released (the matter is closed, a court order), kept with the hold and in the event log.' }
        PassThru = @{ Description = 'Writes the released hold record.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe hold names, or holds from Get-JournalHold.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Lifecycle.JournalHold' = 'With -PassThru: the released hold. Without it the cmdlet writes nothing.'
    }
    Examples    = @(
        @{
            Title   = 'Release a hold when the case is closed'
            Code    = 'Remove-JournalHold ''Case 4711'' -Reason ''Settled, counsel''''s notice of 2027-01-10'''
            Remarks = 'Asks for confirmation, then releases the hold. The next retention run removes what has expired.'
        }
        @{
            Title   = 'Release in a script and keep the record'
            Code    = 'Remove-JournalHold ''Audit 2025'' -Reason ''Audit closed'' -Confirm:$false -PassThru | Format-List Name, Scope, CreatedBy, ReleasedBy, Released'
            Remarks = 'Releases without prompting and shows the record that stays.'
        }
    )
    Links       = @('New-JournalHold', 'Get-JournalHold', 'Invoke-JournalRetention')
}
