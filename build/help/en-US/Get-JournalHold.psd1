@{
    Synopsis    = 'Gets the legal holds, with their scope and who placed and released them.'
    Description = @'
Get-JournalHold lists the active legal holds. With -IncludeReleased it lists released holds too:
a hold is never deleted, so the record of who placed it, when, why and with which scope, and who
released it, when and why, stays as proof. Reading changes nothing.
'@
    Parameters  = @{
        Name            = @{ Description = 'The names of the holds to get; wildcards allowed. A name without wildcards that matches nothing is an error with the id JournalHoldNotFound.'; Default = 'Every hold' }
        IncludeReleased = @{ Description = 'Also lists released holds (Active is False; ReleasedBy, Released and ReleaseReason are set).' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe hold names.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Lifecycle.JournalHold' = 'One object per hold: Id, Name, Reason, Scope (Mailbox, Sender, Recipient, Start, End, Query), Query (the search query as given, the proof of scope), CreatedBy, Created, ReleasedBy, Released, ReleaseReason, Active.'
    }
    Examples    = @(
        @{
            Title   = 'List the active holds'
            Code    = 'Get-JournalHold'
            Remarks = 'Shows each hold with its scope, who placed it and why.'
        }
        @{
            Title   = 'The full record of a matter'
            Code    = 'Get-JournalHold ''Case 4711'' -IncludeReleased | Format-List *'
            Remarks = 'Shows the hold with its scope, and who released it, when and why, if it was released.'
        }
    )
    Links       = @('New-JournalHold', 'Remove-JournalHold', 'Get-JournalMessage')
}
