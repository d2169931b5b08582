@{
    Synopsis    = 'Creates a retention policy: how long archived messages of a definition, domain or mailbox are kept.'
    Description = @'
New-JournalRetentionPolicy stores a retention policy. Each archive item gets its expiry when it is
archived: of the policies that apply to it, the one with the longest -RetainFor wins (a tie goes
to the older policy). Retention counts from the message's Date header, or from its arrival when
the Date is missing or later than the arrival. An item that no policy applies to has no expiry
and is kept.

A policy without -Definition, -Domain or -Mailbox applies to every item. Scopes given together
must all match: -Definition 'EXO' -Domain finance.contoso.com applies to items of that definition
with a mailbox in that domain. -Domain and -Mailbox look at the item's internal mailboxes (the
sender's and every recipient's, Bcc included).

A new policy applies to items archived from now on. To give items archived already their expiry
under the new policy, add -Recalculate (with -WhatIf: count what would change first).
Invoke-JournalRetention removes expired items that no legal hold covers. The change is written to
the event log (ObjectType RetentionPolicy).
'@
    Parameters  = @{
        Name        = @{ Description = 'The policy''s name, unique (not case-sensitive), 1 to 128 characters without wildcards. A name in use is an error with the id RetentionPolicyExists.' }
        RetainFor   = @{ Description = @'
How long items are kept, from their Date (or arrival). A time span longer than zero, for example
(New-TimeSpan -Days 2557) for seven years or '3650.00:00:00' for ten. Zero or less is an error
with the id RetentionPolicyRetainForInvalid.
'@ }
        Definition  = @{ Description = 'Applies the policy only to items archived under this journal definition (by name). A name that does not exist is an error with the id JournalDefinitionNotFound. Press Tab to complete it.'; Default = 'Items of every definition' }
        Domain      = @{ Description = 'Applies the policy only to items with an internal mailbox in this domain, for example finance.contoso.com (the exact domain, not its subdomains).'; Default = 'Every domain' }
        Mailbox     = @{ Description = 'Applies the policy only to items with an internal mailbox matching this address; wildcards allowed, for example ''legal*@contoso.com''. Not case-sensitive.'; Default = 'Every mailbox' }
        Recalculate = @{ Description = 'Also recalculates the expiry of every item archived already, under the policies including this one, and writes a RetentionRecalculation with the counts. With -WhatIf it counts and changes nothing.' }
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'You can pipe objects with Name and RetainFor properties (for example from Import-Csv) to create several policies.' }
    )
    Outputs     = @{
        'MimecastJournaling.Engine.Lifecycle.RetentionPolicy'        = 'The new policy: Id, Name, RetainFor, Definition, Domain, Mailbox, Created, Modified.'
        'MimecastJournaling.Engine.Lifecycle.RetentionRecalculation' = 'With -Recalculate: Examined, Changed, Earlier, Later and Unlimited counts of items, and WhatIf.'
    }
    Examples    = @(
        @{
            Title   = 'Seven years for everything, ten for the legal department'
            Code    = @'
New-JournalRetentionPolicy -Name 'GoBD' -RetainFor (New-TimeSpan -Days 2557)
New-JournalRetentionPolicy -Name 'Legal' -RetainFor (New-TimeSpan -Days 3650) -Mailbox 'legal*@contoso.com'
'@
            Remarks = 'Every item is kept seven years; items of a legal mailbox ten, since the longest policy that applies wins.'
        }
        @{
            Title   = 'A policy for one definition, applied to what is archived already'
            Code    = @'
New-JournalRetentionPolicy 'On-premises' (New-TimeSpan -Days 1096) -Definition 'Exchange 2019' -Recalculate -WhatIf
New-JournalRetentionPolicy 'On-premises' (New-TimeSpan -Days 1096) -Definition 'Exchange 2019' -Recalculate
'@
            Remarks = 'The first line counts how many archived items would get another expiry; the second creates the policy and recalculates.'
        }
    )
    Links       = @('Get-JournalRetentionPolicy', 'Set-JournalRetentionPolicy', 'Remove-JournalRetentionPolicy', 'Invoke-JournalRetention', 'New-JournalHold')
}
