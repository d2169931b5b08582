@{
    Synopsis    = 'Gets the retention policies of the archive.'
    Description = @'
Get-JournalRetentionPolicy lists the retention policies, by name. Without -Name it lists all of
them. A policy decides the expiry of the items it applies to when they are archived (the longest
applicable policy wins); Get-JournalMessage shows each item's ExpiresOn and RetentionPolicy.
Reading changes nothing.
'@
    Parameters  = @{
        Name = @{ Description = 'The names of the policies to get; wildcards allowed. A name without wildcards that matches nothing is an error with the id RetentionPolicyNotFound.'; Default = 'Every policy' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe policy names.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Lifecycle.RetentionPolicy' = 'One object per policy: Id, Name, RetainFor, Definition, Domain, Mailbox, Created, Modified. The default view is a table with RetainFor in days.'
    }
    Examples    = @(
        @{
            Title   = 'List the policies'
            Code    = 'Get-JournalRetentionPolicy'
            Remarks = 'Shows every policy with its retention in days and its scope.'
        }
        @{
            Title   = 'Which items does a policy decide?'
            Code    = @'
Get-JournalRetentionPolicy 'Legal'
Get-JournalMessage | Where-Object RetentionPolicy -eq 'Legal' | Format-Table Id, Date, ExpiresOn, Holds
'@
            Remarks = 'Shows the policy and the archive items whose expiry it set.'
        }
    )
    Links       = @('New-JournalRetentionPolicy', 'Set-JournalRetentionPolicy', 'Get-JournalMessage')
}
