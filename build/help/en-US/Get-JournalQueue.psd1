@{
    Synopsis    = 'Lists the journal reports the listener has accepted but not archived yet (the queue details).'
    Description = @'
Every report the listener answers with 250 is first committed to the spool in the store, then
archived by a background processor. Get-JournalQueue lists what is still in the spool, oldest
first: normally nothing, or a few reports for a moment.

Each entry shows when and from where it was received, its definition, its state (Waiting: not
tried yet; Failed: archiving failed, it is retried at NextAttempt, with LastError), the number of
attempts, its size, and — as the seed's Queue Details do for envelope reports — the journaled
sender as Sender and the journal address as Recipient, with the original's subject.

Reports in the queue survive a crash or a restart: the next Start-JournalListener on the same
store archives them, each exactly once. The count per definition is its QueueLength in
Get-JournalDefinition.
'@
    Parameters  = @{
        Definition = @{
            Description = 'Lists only the reports of this journal definition, by name. Accepts a definition from the pipeline. Press Tab to complete a name.'
            Default     = 'All definitions'
        }
        First      = @{
            Description = 'Lists at most this many reports, oldest first.'
            Default     = 'All'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Listener.QueuedReport' = 'Id, Received, Source, Definition, Sender, Recipient, Subject, Size, Attempts, NextAttempt, LastError and State (Waiting or Failed).'
    }
    Examples    = @(
        @{
            Title   = 'Is anything stuck?'
            Code    = 'Get-JournalQueue | Where-Object State -eq Failed | Format-List Received, Sender, Subject, Attempts, NextAttempt, LastError'
            Remarks = 'Shows the reports whose archiving failed, with the error and when they are retried.'
        }
        @{
            Title   = 'Queue length per definition, for monitoring'
            Code    = 'Get-JournalDefinition | Select-Object Description, Status, QueueLength, LastReceived'
            Remarks = 'QueueLength is the number of reports of each definition in the queue.'
        }
    )
    Links       = @('Start-JournalListener', 'Get-JournalDefinition', 'Get-JournalOutcome')
}
