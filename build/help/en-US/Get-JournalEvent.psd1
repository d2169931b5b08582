@{
    Synopsis    = 'Gets the event log: who changed what, when, and from which value to which.'
    Description = @'
Get-JournalEvent reads the event log of the configuration store. Every change made through the
module is recorded there: creating, changing, enabling, disabling and removing journal
definitions; registering, verifying and unregistering domains; adding, changing and removing
internal addresses; and status changes of a definition. Each event has the time (stored in UTC;
the table view shows local time), the user who made the change (DOMAIN\user on Windows, the user
name elsewhere), the object type and name, the action (Created, Changed, Removed, Enabled,
Disabled, Verified), and for a change the property with its old and new value. A status change
of a definition is a change of its Status property. Secrets are never logged: a new SMTP password
appears only as "(changed)".

The newest events come first. Filter by definition, by time, or take only the first few.
'@
    Parameters  = @{
        Definition = @{
            Description = @'
Returns only the events of this journal definition, by name (not case-sensitive). This also
works after the definition was removed, using the last name it had. A name that never existed
is an error with the id JournalDefinitionNotFound. Press Tab to complete a name from the store.
'@
            Default     = 'Events of all objects'
        }
        After      = @{
            Description = @'
Returns only events after this time. A time without a time zone is read as local time, for
example (Get-Date).AddDays(-7) or '2026-11-01'.
'@
            Default     = 'No time limit'
        }
        First      = @{
            Description = 'Returns at most this many events, newest first. Must be 1 or more.'
            Default     = 'All events'
        }
    }
    Inputs      = @(
        @{ Type = 'MimecastJournaling.Engine.Configuration.JournalDefinition'; Description = 'You can pipe definitions from Get-JournalDefinition (their Description property binds to -Definition).' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Configuration.JournalEvent' = 'One object per event: Id, Time, User, ObjectType, ObjectName, ObjectId, Action, Property, OldValue and NewValue.'
    }
    Examples    = @(
        @{
            Title   = 'Show the latest changes'
            Code    = @'
Get-JournalEvent -First 20
'@
            Remarks = 'Lists the twenty most recent changes to definitions, domains and the internal directory.'
        }
        @{
            Title   = 'Review one definition''s history for an audit'
            Code    = @'
Get-JournalEvent 'Exchange Online journaling' -After (Get-Date).AddDays(-30) |
    Select-Object Time, User, Action, Property, OldValue, NewValue | Export-Csv .\journal-audit.csv -NoTypeInformation
'@
            Remarks = 'Exports the changes of the last 30 days to one definition, with who made each one.'
        }
        @{
            Title   = 'Report suspensions from a scheduled runbook'
            Code    = @'
Get-JournalEvent -Store /srv/journaling/journaling.db -After (Get-Date).AddHours(-1) |
    Where-Object { $_.Action -eq 'Disabled' -or $_.Property -eq 'Status' }
'@
            Remarks = 'Lists the definitions suspended, or whose status changed, in the last hour.'
        }
    )
    Links       = @('Get-JournalDefinition', 'Set-JournalDefinition')
}
