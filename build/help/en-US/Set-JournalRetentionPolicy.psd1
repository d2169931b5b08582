@{
    Synopsis    = 'Changes a retention policy, and recalculates archived items only when asked.'
    Description = @'
Set-JournalRetentionPolicy changes the retention or the scope of a policy. Items archived already
keep the expiry fixed when they were archived: a change applies to them only with -Recalculate,
which recalculates every item's expiry under the policies as they are after the change. With
-WhatIf and -Recalculate the cmdlet counts how many items would get an earlier or a later expiry,
and changes nothing.

An empty string for -Definition, -Domain or -Mailbox removes that scope. Every changed property
is written to the event log (ObjectType RetentionPolicy) with its old and new value; a
recalculation writes one event with its counts (ObjectType Archive).
'@
    Parameters  = @{
        Name        = @{ Description = 'The name of the policy to change (not case-sensitive). A name that does not exist is an error with the id RetentionPolicyNotFound.' }
        RetainFor   = @{ Description = 'The new retention, a time span longer than zero, for example (New-TimeSpan -Days 3650).'; Default = 'Unchanged' }
        Definition  = @{ Description = 'The journal definition the policy applies to, by name; an empty string removes the scope.'; Default = 'Unchanged' }
        Domain      = @{ Description = 'The mailbox domain the policy applies to; an empty string removes the scope.'; Default = 'Unchanged' }
        Mailbox     = @{ Description = 'The mailbox pattern the policy applies to (wildcards allowed); an empty string removes the scope.'; Default = 'Unchanged' }
        Recalculate = @{ Description = 'Recalculates the expiry of every archived item under the policies as they are after this change, and writes a RetentionRecalculation with the counts. With -WhatIf it counts and changes nothing.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe policy names, or policies from Get-JournalRetentionPolicy.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Lifecycle.RetentionPolicy'        = 'The policy after the change.'
        'MimecastJournaling.Engine.Lifecycle.RetentionRecalculation' = 'With -Recalculate: Examined, Changed, Earlier, Later and Unlimited counts of items, and WhatIf.'
    }
    Examples    = @(
        @{
            Title   = 'Count first, then shorten a policy and apply it to the archive'
            Code    = @'
Set-JournalRetentionPolicy 'Default' -RetainFor (New-TimeSpan -Days 1096) -Recalculate -WhatIf
Set-JournalRetentionPolicy 'Default' -RetainFor (New-TimeSpan -Days 1096) -Recalculate
'@
            Remarks = 'The first line shows how many items would expire earlier; the second changes the policy and recalculates. Invoke-JournalRetention then removes what has expired.'
        }
        @{
            Title   = 'Widen a policy to every mailbox'
            Code    = 'Set-JournalRetentionPolicy ''Legal'' -Mailbox '''''
            Remarks = 'Removes the mailbox scope. Archived items keep their expiry until a -Recalculate.'
        }
    )
    Links       = @('New-JournalRetentionPolicy', 'Get-JournalRetentionPolicy', 'Invoke-JournalRetention')
}
