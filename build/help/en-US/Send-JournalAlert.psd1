@{
    Synopsis    = 'Sends a test alert now on every channel Set-JournalAlert configured, and shows what each did.'
    Description = @'
Send-JournalAlert -Test sends one test alert by email and to the webhook, whichever are set, and
returns one result per channel (Channel, Target, Succeeded, Error). A channel that fails is also a
non-terminating error AlertDeliveryFailed with the reason (a refused login shows the relay''s 535,
never the password). Without any channel set: AlertNotConfigured. It needs no running listener.
'@
    Parameters  = @{
        Test = @{ Description = 'Sends a test alert (the only kind this cmdlet sends; the listener sends the real ones).'; Default = 'False' }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Monitoring.AlertDelivery' = 'One per channel: Channel (Email, Webhook), Target (recipients and relay, or the webhook host), Succeeded, Error.'
    }
    Examples    = @(
        @{
            Title   = 'Check that alerts get through'
            Code    = 'Send-JournalAlert -Test'
            Remarks = 'Run it after Set-JournalAlert and after changing the relay or the webhook.'
        }
        @{
            Title   = 'Fail a runbook when alerts do not get through'
            Code    = 'Send-JournalAlert -Test -ErrorAction Stop | Out-Null'
            Remarks = 'A failed channel becomes a terminating error in the runbook.'
        }
    )
    Links       = @('Set-JournalAlert', 'Get-JournalAlert')
}
