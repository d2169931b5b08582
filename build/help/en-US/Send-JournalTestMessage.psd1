@{
    Synopsis    = 'Sends a synthetic journal report (or a plain EML copy) over SMTP to a journal definition''s service address, to check that journaling works.'
    Description = @'
Send-JournalTestMessage builds a test message the way Exchange would and delivers it with a real
SMTP client to the definition's ServiceEmailAddress on -SmtpServer:-Port.

With -Format ExchangeEnvelope (the default for an ExchangeEnvelope definition) it sends an
envelope journal report: the X-MS-Journal-Report marker, an envelope part with Sender, Subject,
Message-Id and one To:, Cc: or Bcc: line per recipient (the Bcc lines with ", Expanded: group"
when -BccExpandedFrom is given), and the original message attached as message/rfc822. With
-Format StandardEml it sends the original alone, as a system without envelope journaling would.

-UseTls starts TLS with STARTTLS and validates the server certificate (chain and name), as
Exchange Online does; -CertificateThumbprint instead accepts exactly one certificate, for a
self-signed test certificate. -Credential authenticates with AUTH after TLS.

The result says whether the server accepted the message (Accepted, StatusCode, the server's
Response), the TLS protocol used and the Message-ID of the original, so the archived copy can be
found with Get-JournalMessage -MessageId. A refusal (for example 530 when TLS is required, 535 for
a wrong password, 550 for an unknown recipient) is a result with Accepted False and a warning;
a failed connection or TLS handshake is an error with the id TestMessageSendFailed.

Defaults that archive: the sender is journal-test@ the first registered domain other than the
journal sub-domain, and the recipient is the first mailbox of the internal directory.
'@
    Parameters  = @{
        Definition            = @{
            Description = 'The journal definition to send to, by name; its ServiceEmailAddress is the recipient. Accepts a definition from the pipeline. Press Tab to complete a name.'
            Default     = 'None (required)'
        }
        SmtpServer            = @{
            Description = 'The host name or IP address of the journal listener (or any SMTP server in front of it).'
            Default     = 'localhost'
        }
        Port                  = @{
            Description = 'The SMTP port.'
            Default     = '25'
        }
        UseTls                = @{
            Description = 'Starts TLS with STARTTLS before sending, and validates the server certificate unless -CertificateThumbprint pins one.'
            Default     = 'False'
        }
        CertificateThumbprint = @{
            Description = 'Accepts exactly the server certificate with this SHA-1 thumbprint instead of validating its chain: for self-signed test certificates.'
            Default     = 'None (full validation)'
        }
        Credential            = @{
            Description = 'The SMTP AUTH user name and password, for a definition that has an SMTP credential. Sent only after TLS.'
            Default     = 'None'
        }
        Format                = @{
            Description = 'ExchangeEnvelope sends an envelope journal report; StandardEml sends the plain message without an envelope.'
            Default     = 'The definition''s JournalType'
        }
        From                  = @{
            Description = 'The sender of the test message.'
            Default     = 'journal-test@ the first internal domain'
        }
        To                    = @{
            Description = 'The To recipients.'
            Default     = 'The first mailbox of the internal directory'
        }
        Cc                    = @{
            Description = 'The Cc recipients.'
            Default     = 'None'
        }
        Bcc                   = @{
            Description = 'The Bcc recipients: listed only in the envelope (or, with StandardEml, in a Bcc header).'
            Default     = 'None'
        }
        BccExpandedFrom       = @{
            Description = 'The distribution group the Bcc recipients were expanded from, written as ", Expanded: group" on their envelope lines.'
            Default     = 'None'
        }
        Subject               = @{
            Description = 'The subject of the test message.'
            Default     = 'MimecastJournaling test message'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.Testing.TestMessageResult' = 'Server, Port, MessageId (of the original), Accepted, StatusCode, Response (the server''s reply) and TlsProtocol.'
    }
    Examples    = @(
        @{
            Title   = 'Check a listener end to end'
            Code    = @'
$result = Send-JournalTestMessage -Definition 'Exchange Online journaling' -SmtpServer archive.contoso.com -UseTls -To bob@contoso.com -Bcc dave@contoso.com -BccExpandedFrom team@contoso.com
Get-JournalMessage -MessageId $result.MessageId | Select-Object -ExpandProperty Recipients
'@
            Remarks = 'Sends an envelope report with a Bcc recipient expanded from a group over validated TLS, then shows the archived recipients.'
        }
        @{
            Title   = 'In a Pester suite, against a test listener with a self-signed certificate'
            Code    = @'
$result = Send-JournalTestMessage 'EXO' -SmtpServer 127.0.0.1 -Port $port -UseTls -CertificateThumbprint $cert.Thumbprint
$result.Accepted | Should -BeTrue
'@
            Remarks = 'Pins the test certificate by thumbprint instead of validating a chain that a self-signed certificate cannot pass.'
        }
        @{
            Title   = 'Check SMTP AUTH for an on-premises definition'
            Code    = "Send-JournalTestMessage 'On-premises journaling' -SmtpServer archive.contoso.com -UseTls -Credential (Get-Credential exchange)"
            Remarks = 'A wrong password comes back as Accepted False with StatusCode 535.'
        }
    )
    Links       = @('Start-JournalListener', 'Get-JournalMessage', 'Get-JournalOutcome')
}
