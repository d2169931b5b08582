@{
    Synopsis    = 'Tests a journal listener end to end the way a sending Exchange would, and returns one result per check with an overall Passed.'
    Description = @'
Test-JournalConnector connects to -SmtpServer:-Port, checks each step a journal report depends
on, sends a probe report to the definition's service address and waits until the probe is in the
archive. It returns an object with one entry per check and Passed, so a Pester suite can assert
(Test-JournalConnector 'Exchange Online journaling' -SmtpServer archive.contoso.com).Passed.

The checks:

Connection: the server answers the SMTP greeting.

StartTls: STARTTLS is offered and negotiated (TLS 1.2 or 1.3). Without it the check fails only
when the definition requires TLS (Encrypted).

CertificateExpiry: the server certificate is valid now and for at least -CertificateWarningDays
more days.

CertificateName and CertificateChain: the certificate matches the server name and chains to a
trusted root, as Exchange Online's CertificateValidation requires. With -CertificateThumbprint
these are replaced by CertificateTrust: the server must present exactly that certificate.

Authentication: with -Credential, AUTH succeeds. The password is sent only over TLS whose
certificate passed. A definition that has an SMTP credential fails this check without
-Credential.

ProbeAccepted: the probe report is answered 250.

Archived: the probe appears in the archive of the store (-Store, $env:MIMECASTJOURNALING_STORE
or the default) within -TimeoutSeconds. This needs the listener to use the same store.

The probe is a synthetic report in the definition's journal type, from journal-probe@ an
internal domain to the first mailbox of the internal directory; it stays in the archive like any
other message.
'@
    Parameters  = @{
        Definition             = @{
            Description = 'The journal definition to test, by name; its ServiceEmailAddress receives the probe. Accepts a definition from the pipeline.'
            Default     = 'None (required)'
        }
        SmtpServer             = @{
            Description = 'The host name the senders use for the listener (the smart host of the Exchange connector). The certificate name is checked against it.'
            Default     = 'localhost'
        }
        Port                   = @{
            Description = 'The SMTP port.'
            Default     = '25'
        }
        CertificateThumbprint  = @{
            Description = 'Trusts exactly the server certificate with this thumbprint instead of checking its name and chain: for self-signed test certificates.'
            Default     = 'None (name and chain are checked)'
        }
        Credential             = @{
            Description = 'The SMTP AUTH user name and password, for a definition with an SMTP credential.'
            Default     = 'None'
        }
        TimeoutSeconds         = @{
            Description = 'How long to wait for the probe to appear in the archive, in seconds.'
            Default     = '60'
        }
        CertificateWarningDays = @{
            Description = 'A certificate that expires within this many days fails the CertificateExpiry check, so renewal is not missed.'
            Default     = '14'
        }
    }
    Outputs     = @{
        'MimecastJournaling.Commands.JournalConnectorTestResult' = 'Definition, Server, Port, Passed, Checks (each with Name, Passed and Detail) and the MessageId of the probe.'
    }
    Examples    = @(
        @{
            Title   = 'Check journaling from a Pester suite'
            Code    = @'
It 'journaling works end to end' {
    (Test-JournalConnector 'Exchange Online journaling' -SmtpServer archive.contoso.com).Passed | Should -BeTrue
}
'@
            Remarks = 'Fails the test when any check fails; the result''s Checks say which and why.'
        }
        @{
            Title   = 'See every check of an on-premises definition with SMTP AUTH'
            Code    = @'
$result = Test-JournalConnector 'On-premises journaling' -SmtpServer archive.contoso.com -Credential (Get-Credential exchange)
$result.Checks | Format-Table Name, Passed, Detail -Wrap
'@
            Remarks = 'Lists connection, STARTTLS, certificate, authentication, probe and archive checks with what was seen.'
        }
        @{
            Title   = 'Against a test listener with a self-signed certificate'
            Code    = "Test-JournalConnector 'EXO' -SmtpServer 127.0.0.1 -Port `$port -CertificateThumbprint `$cert.Thumbprint -TimeoutSeconds 10"
            Remarks = 'Pins the test certificate instead of checking a chain it cannot pass.'
        }
    )
    Links       = @('Send-JournalTestMessage', 'Start-JournalListener', 'Get-JournalOutcome')
}
