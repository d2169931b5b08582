@{
    Synopsis    = 'Sets who is told when journaling is in trouble: email (with TLS) and/or a Teams or Slack webhook, repeats and escalation.'
    Description = @'
A running listener (Start-JournalListener) tells these recipients when a journal definition
turns Error or Down, the queue reaches -QueueThreshold, the TLS certificate is within 30, 14 or 7
days of its end or expired, or a renewed certificate cannot be used. Down needs no traffic: the
listener checks every minute whether a definition has been silent beyond its InactivityPeriod.

As Mimecast's Service Monitor does: a condition is told when it starts; while it goes on, it is
told again every -RepeatInterval (15 minutes by default) and the checks between are suppressed;
from the -EscalateAfter-th alert in a row (5 by default) the -EscalationEmailTo recipients are
told too; the end of a condition is told once. A running listener reads these settings at every
check, so changes apply without a restart.

Email goes through -SmtpServer with STARTTLS (default, port 587), TLS from the start (-SmtpSecurity
Tls, port 465) or, only for a relay on this host, without TLS (None; refused with a credential:
AlertCredentialNeedsTls). The relay's certificate is validated, or pinned with
-SmtpCertificateThumbprint. The webhook gets JSON with "text" (what Teams and Slack show) and
fields for automation (condition, subject, state, number, escalated, host, time).

The relay password and the webhook URL are stored apart from the other settings in the store
(protected as the store file is: mode 0600 for the SQLite store) and never shown, logged or
written to the event log (changes show "(hidden)"). Every change is in the event log.
'@
    Parameters  = @{
        EmailTo                   = @{ Description = 'Who gets the alert email. An empty list removes email alerts.'; Default = 'None' }
        EscalationEmailTo         = @{ Description = 'Who is told too from the -EscalateAfter-th alert in a row of one condition.'; Default = 'None' }
        EmailFrom                 = @{ Description = 'The sender address of the alert email.'; Default = 'None' }
        SmtpServer                = @{ Description = 'The SMTP relay that sends the alert email.'; Default = 'None' }
        SmtpPort                  = @{ Description = 'The relay''s port.'; Default = '587' }
        SmtpSecurity              = @{ Description = 'StartTls (required, the default), Tls (from the start, port 465) or None (no TLS: a relay on this host only).'; Default = 'StartTls' }
        SmtpCredential            = @{ Description = 'The relay''s login. The password is stored apart and never shown.'; Default = 'None' }
        RemoveSmtpCredential      = @{ Description = 'Removes the relay''s login.'; Default = 'False' }
        SmtpCertificateThumbprint = @{ Description = 'Accepts exactly this relay certificate (a relay with a self-signed certificate) instead of validating the chain and name. An empty string removes the pin.'; Default = 'None' }
        WebhookUrl                = @{ Description = 'A Teams or Slack incoming-webhook URL (https; http only on loopback). It holds its token: stored apart and never shown.'; Default = 'None' }
        RemoveWebhook             = @{ Description = 'Removes the webhook.'; Default = 'False' }
        QueueThreshold            = @{ Description = 'Queue length at or above which an alert is sent.'; Default = '1000' }
        RepeatInterval            = @{ Description = 'How often a condition that goes on is told again; the checks between are suppressed.'; Default = '00:15:00' }
        EscalateAfter             = @{ Description = 'The alert number (in a row, for one condition) from which the escalation recipients are told too.'; Default = '5' }
        Enabled                   = @{ Description = 'False stops alerts without removing the settings.'; Default = 'True' }
        PassThru                  = @{ Description = 'Returns the stored settings.'; Default = 'False' }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Monitoring.JournalAlertSettings' = 'With -PassThru: the stored settings, without secrets.'
    }
    Examples    = @(
        @{
            Title   = 'Email the journaling team, escalate to the IT manager'
            Code    = @'
Set-JournalAlert -EmailTo journaling-team@contoso.com -EscalationEmailTo it-manager@contoso.com `
    -EmailFrom journal-listener@contoso.com -SmtpServer smtp.contoso.com -SmtpPort 587 `
    -SmtpCredential (Get-Credential alerts@contoso.com)
Send-JournalAlert -Test
'@
            Remarks = 'STARTTLS to the relay with a login; the test alert shows at once whether mail gets through.'
        }
        @{
            Title   = 'Post to a Teams channel and alert early on the queue'
            Code    = 'Set-JournalAlert -WebhookUrl $teamsWebhookUrl -QueueThreshold 200 -RepeatInterval (New-TimeSpan -Minutes 30)'
            Remarks = 'The URL is kept hidden; Get-JournalAlert shows only its host.'
        }
    )
    Links       = @('Get-JournalAlert', 'Send-JournalAlert', 'Start-JournalListener', 'Get-JournalDefinition')
}
