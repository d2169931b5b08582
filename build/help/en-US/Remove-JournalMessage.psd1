@{
    Synopsis    = 'Erases archived messages where the law allows it, with a reason in the event log.'
    Description = @'
Remove-JournalMessage removes archive items by hand (a GDPR erasure request, a message archived
by mistake): the original, its journal reports, recipients, index entries, and every stored blob
that no remaining item refers to. Each removal is written to the event log (ObjectType Archive,
Action Removed) with the reason, the item's retention, and the counts.

It refuses, with an error and without removing anything:
- an item an active legal hold covers (error id JournalMessageHeld), always: release the hold
  first (Remove-JournalHold);
- an item whose retention has not run out (JournalMessageRetained), unless -Force. An item no
  policy applies to is retained without end;
- with -Force, an item whose original is locked in immutable (WORM) storage until its expiry
  (JournalMessageLocked).

With a WORM object store set (Set-JournalObjectStore), the item's object is deleted from the bucket
(every version) first, unless another item still refers to the same original; when the bucket
refuses (its Object Lock has not run out, its object legal hold is still on, or it cannot be
reached), the item is kept and the error is JournalMessageLocked.

The cmdlet asks for confirmation (its impact is High); use -Confirm:$false in scripts.
'@
    Parameters  = @{
        Id     = @{ Description = 'The numbers of the items to remove. Items piped from Get-JournalMessage bind by their Id property; objects with an ItemId property bind by that. An Id that does not exist is an error with the id JournalMessageNotFound.' }
        Reason = @{ Description = 'Why the message is erased (a request or case number), written to the event log. Required.' }
        Force  = @{ Description = 'Also removes items whose retention has not run out yet. Never removes an item on hold, nor one whose original a WORM lock protects.' }
    }
    Inputs      = @(
        @{ Type = 'System.Int64'; Description = 'You can pipe archive items from Get-JournalMessage, or objects with an ItemId property.' }
    )
    Examples    = @(
        @{
            Title   = 'Erase one person''s mail on request, before its retention ends'
            Code    = @'
Get-JournalMessage -Mailbox former.employee@contoso.com | Remove-JournalMessage -Reason 'GDPR request 2026-117' -Force -WhatIf
Get-JournalMessage -Mailbox former.employee@contoso.com | Remove-JournalMessage -Reason 'GDPR request 2026-117' -Force -Confirm:$false
'@
            Remarks = 'The first line shows what would go; the second removes it. Items on hold are refused with JournalMessageHeld and stay.'
        }
        @{
            Title   = 'Remove an expired item now instead of waiting for the next retention run'
            Code    = 'Remove-JournalMessage -Id 4711 -Reason ''Expired; removal requested by the DPO'''
            Remarks = 'Asks for confirmation. Without -Force only an item whose ExpiresOn has passed is removed.'
        }
    )
    Links       = @('Get-JournalMessage', 'Invoke-JournalRetention', 'Remove-JournalHold', 'Get-JournalEvent')
}
