@{
    Synopsis    = 'Stops journal listeners of this session cleanly: no new connections, sessions finish, queued reports are stored.'
    Description = @'
Stop-JournalListener stops accepting connections, lets sessions in progress finish for up to
-TimeoutSeconds (a message in DATA meanwhile is answered 421 so the sender retries), then ends
the rest, stores what is queued and stops the archive processor. Every report that was answered
250 is in the store; anything not yet archived is archived at the next start. Without -Id it
stops every listener of this session.
'@
    Parameters  = @{
        Id             = @{
            Description = 'The Ids of the listeners to stop. An Id that does not exist is an error with the id JournalListenerNotFound.'
            Default     = 'All listeners of this session'
        }
        TimeoutSeconds = @{
            Description = 'How long sessions in progress may take to finish before they are ended, in seconds.'
            Default     = '30'
        }
        PassThru       = @{
            Description = 'Returns the stopped listener with its final counters.'
            Default     = 'False'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Commands.JournalListenerInfo' = 'With -PassThru, each stopped listener and its final counters.'
    }
    Examples    = @(
        @{
            Title   = 'Stop every listener of this session'
            Code    = 'Stop-JournalListener'
            Remarks = 'Waits up to 30 seconds for sessions in progress, then returns.'
        }
        @{
            Title   = 'Stop one listener quickly and keep its final counters'
            Code    = '$final = Get-JournalListener -Id 2 | Stop-JournalListener -TimeoutSeconds 5 -PassThru'
            Remarks = 'Sessions still running after five seconds are ended; their senders retry later.'
        }
    )
    Links       = @('Start-JournalListener', 'Get-JournalListener')
}
