@{
    Synopsis    = 'Gets who hears about journaling trouble, and when: the alert settings in the store.'
    Description = @'
Get-JournalAlert shows the settings Set-JournalAlert stored: the email recipients and escalation
recipients, the relay (server, port, TLS mode, user name), whether a relay password and a webhook
are set, the queue threshold, how often a condition that goes on is told again (RepeatInterval)
and from which alert in a row the escalation recipients are told (EscalateAfter). Secrets are
never shown: the password only as "set", the webhook only by its host (its URL holds its token).
Nothing is returned before alerts are set.
'@
    Parameters  = @{}
    Outputs     = @{
        'MimecastJournaling.Engine.Monitoring.JournalAlertSettings' = 'Enabled, EmailTo, EscalationEmailTo, EmailFrom, SmtpServer, SmtpPort, SmtpSecurity, SmtpUserName, HasSmtpPassword, SmtpCertificateThumbprint, WebhookHost, QueueThreshold, RepeatInterval, EscalateAfter.'
    }
    Examples    = @(
        @{
            Title   = 'Show the alert settings'
            Code    = 'Get-JournalAlert'
            Remarks = 'Shows the recipients, the relay and the timing; the password and the webhook URL stay hidden.'
        }
        @{
            Title   = 'Check in a runbook that someone is told'
            Code    = 'if (-not (Get-JournalAlert).EmailTo) { throw ''No alert recipients are set'' }'
            Remarks = 'Fails the runbook when nobody would hear of a Down definition.'
        }
    )
    Links       = @('Set-JournalAlert', 'Send-JournalAlert', 'Start-JournalListener')
}
