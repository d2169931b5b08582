@{
    Synopsis    = 'Removes a retention policy.'
    Description = @'
Remove-JournalRetentionPolicy deletes retention policies. Items archived under a policy keep the
expiry it gave them (and its name in RetentionPolicy) until -Recalculate recalculates every
item under the remaining policies; an item no remaining policy applies to then has no expiry and
is kept. The cmdlet asks for confirmation (its impact is High); use -Confirm:$false in scripts.
The removal is written to the event log (ObjectType RetentionPolicy).
'@
    Parameters  = @{
        Name        = @{ Description = 'The names of the policies to remove (not case-sensitive, no wildcards). A name that does not exist is an error with the id RetentionPolicyNotFound.' }
        Recalculate = @{ Description = 'After the removal, recalculates the expiry of every archived item under the remaining policies and writes a RetentionRecalculation. With -WhatIf it counts and changes nothing.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe policy names, or policies from Get-JournalRetentionPolicy.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Lifecycle.RetentionRecalculation' = 'With -Recalculate: the counts of the recalculation. Without it the cmdlet writes nothing.'
    }
    Examples    = @(
        @{
            Title   = 'Remove a policy and recalculate'
            Code    = 'Remove-JournalRetentionPolicy ''Pilot'' -Recalculate -Confirm:$false'
            Remarks = 'Removes the policy and gives every item its expiry under the policies that remain.'
        }
        @{
            Title   = 'See what the removal would change'
            Code    = 'Remove-JournalRetentionPolicy ''Pilot'' -Recalculate -WhatIf'
            Remarks = 'Counts the items whose expiry would change without the policy, and changes nothing.'
        }
    )
    Links       = @('Get-JournalRetentionPolicy', 'New-JournalRetentionPolicy', 'Set-JournalRetentionPolicy')
}
