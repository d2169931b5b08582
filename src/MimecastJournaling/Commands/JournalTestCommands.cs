using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Testing;

namespace MimecastJournaling.Commands;

/// <summary>
/// What Send-JournalTestMessage and Test-JournalConnector share: the definition, where its
/// listener is, how to trust its certificate and authenticate, and the defaults that make a
/// synthetic report archivable (a sender in an internal domain, a recipient from the directory).
/// </summary>
public abstract class JournalSmtpTestCmdlet : JournalCmdlet
{
    /// <summary>The journal definition: its ServiceEmailAddress is the recipient.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Description")]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    public string Definition { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string SmtpServer { get; set; } = "localhost";

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>Accept exactly the server certificate with this thumbprint (a self-signed test certificate).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificateThumbprint { get; set; }

    [Parameter]
    public PSCredential? Credential { get; set; }

    protected readonly CancellationTokenSource Cancel = new();

    protected override void StopProcessing() => Cancel.Cancel();

    /// <summary>localPart@ the first registered domain other than the journal sub-domain.</summary>
    protected string DefaultSender(JournalDefinition definition, string localPart)
    {
        var journalDomain = Names.DomainOf(definition.ServiceEmailAddress);
        var domain = Configuration.GetDomains().Select(d => d.Name)
            .FirstOrDefault(d => !string.Equals(d, journalDomain, StringComparison.OrdinalIgnoreCase)) ?? journalDomain;
        return localPart + "@" + domain;
    }

    /// <summary>The first mailbox of the internal directory, or the sender when the directory is empty.</summary>
    protected string[] DefaultRecipients(string sender) =>
        Configuration.GetInternalAddresses().Select(a => a.Mailbox).Take(1).DefaultIfEmpty(sender).ToArray();

    protected TestMessageDelivery Delivery(JournalDefinition definition, bool useTls) => new()
    {
        Server = SmtpServer,
        Port = Port,
        ServiceEmailAddress = definition.ServiceEmailAddress,
        UseTls = useTls,
        CertificateThumbprint = CertificateThumbprint,
        UserName = Credential?.UserName,
        Password = Credential?.GetNetworkCredential().Password,
    };
}

[Cmdlet(VerbsCommunications.Send, "JournalTestMessage", SupportsShouldProcess = true)]
[OutputType(typeof(TestMessageResult))]
public sealed class SendJournalTestMessageCommand : JournalSmtpTestCmdlet
{
    /// <summary>Use STARTTLS; the server certificate is validated unless -CertificateThumbprint pins one.</summary>
    [Parameter]
    public SwitchParameter UseTls { get; set; }

    /// <summary>ExchangeEnvelope (a journal report) or StandardEml (a plain copy); default: the definition's JournalType.</summary>
    [Parameter]
    public JournalType Format { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? From { get; set; }

    [Parameter]
    public string[]? To { get; set; }

    [Parameter]
    public string[] Cc { get; set; } = Array.Empty<string>();

    [Parameter]
    public string[] Bcc { get; set; } = Array.Empty<string>();

    /// <summary>The group the -Bcc recipients were expanded from ("Bcc: member, Expanded: group" in the envelope).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BccExpandedFrom { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Subject { get; set; } = "MimecastJournaling test message";

    protected override void ProcessRecord() => Try(() =>
    {
        var definition = Configuration.GetDefinition(Definition);
        var from = From ?? DefaultSender(definition, "journal-test");
        var to = To ?? DefaultRecipients(from);
        var content = new TestMessageContent
        {
            From = from,
            To = to,
            Cc = Cc,
            Bcc = Bcc,
            BccExpandedFrom = BccExpandedFrom,
            Subject = Subject,
            Format = MyInvocation.BoundParameters.ContainsKey(nameof(Format)) ? Format : definition.JournalType,
            TenantId = definition.TenantId.FirstOrDefault(),
            TenantStampHeader = Configuration.GetListenerSettings().TenantStampHeader,
        };
        var message = JournalTestMessage.Build(content, DateTimeOffset.Now);
        if (!ShouldProcess($"{definition.ServiceEmailAddress} via {SmtpServer}:{Port}", $"Send a {content.Format} test message"))
        {
            return;
        }
        TestMessageResult result;
        try
        {
            result = JournalTestMessage.SendAsync(message, Delivery(definition, UseTls), Cancel.Token).GetAwaiter().GetResult();
        }
        catch (MailKit.Security.SslHandshakeException e)
        {
            throw new JournalConfigurationException("TestMessageSendFailed", JournalErrorKind.ConnectionError,
                $"Could not deliver the test message to {SmtpServer}:{Port}: the TLS handshake failed ({FirstLine(e.Message)}). " +
                (CertificateThumbprint is null
                    ? "If the listener's certificate is self-signed or not trusted on this host, pin it with -CertificateThumbprint (Get-JournalListener shows CertificateThumbprint)."
                    : $"The server's certificate is not the one with thumbprint {CertificateThumbprint}."), SmtpServer, e);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException
            or MailKit.ProtocolException or OperationCanceledException or TimeoutException)
        {
            throw new JournalConfigurationException("TestMessageSendFailed", JournalErrorKind.ConnectionError,
                $"Could not deliver the test message to {SmtpServer}:{Port}: {e.Message}", SmtpServer, e);
        }
        if (!result.Accepted)
        {
            WriteWarning($"{SmtpServer}:{Port} refused the test message: {result.StatusCode} {result.Response}{MissingSwitch(definition, result)}");
        }
        WriteObject(result);
    });

    /// <summary>For a 530, the switch this definition needs and the command line lacks.</summary>
    private string MissingSwitch(JournalDefinition definition, TestMessageResult result)
    {
        if (result.StatusCode != 530)
        {
            return string.Empty;
        }
        if (definition.Encrypted && !UseTls)
        {
            return $" The definition '{definition.Description}' requires TLS (Encrypted): add -UseTls, and -CertificateThumbprint when the listener's certificate is self-signed.";
        }
        if (definition.SmtpAuthentication && Credential is null)
        {
            return $" The definition '{definition.Description}' requires SMTP AUTH: add -Credential (user '{definition.SmtpUserName}')" +
                (UseTls ? "." : "; AUTH is offered only after TLS, so add -UseTls too.");
        }
        return string.Empty;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}

/// <summary>The result of Test-JournalConnector: one entry per check and the overall verdict.</summary>
public sealed record JournalConnectorTestResult
{
    public required string Definition { get; init; }
    public required string Server { get; init; }
    public int Port { get; init; }
    /// <summary>True when every check passed (a Pester suite asserts this).</summary>
    public bool Passed { get; init; }
    public IReadOnlyList<ConnectorCheck> Checks { get; init; } = Array.Empty<ConnectorCheck>();
    public string? MessageId { get; init; }
}

[Cmdlet(VerbsDiagnostic.Test, "JournalConnector", SupportsShouldProcess = true)]
[OutputType(typeof(JournalConnectorTestResult))]
public sealed class TestJournalConnectorCommand : JournalSmtpTestCmdlet
{
    /// <summary>How long to wait for the probe to appear in the archive.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>A certificate expiring within this many days fails the expiry check.</summary>
    [Parameter]
    [ValidateRange(0, 365)]
    public int CertificateWarningDays { get; set; } = 14;

    protected override void ProcessRecord() => Try(() =>
    {
        var definition = Configuration.GetDefinition(Definition);
        var from = DefaultSender(definition, "journal-probe");
        var probe = JournalTestMessage.Build(new TestMessageContent
        {
            From = from,
            To = DefaultRecipients(from),
            Subject = "MimecastJournaling connector probe",
            Format = definition.JournalType,
            TenantId = definition.TenantId.FirstOrDefault(),
            TenantStampHeader = Configuration.GetListenerSettings().TenantStampHeader,
        }, DateTimeOffset.Now);
        if (!ShouldProcess($"{SmtpServer}:{Port}", $"Test the connector of '{definition.Description}' and send a probe report"))
        {
            return;
        }
        var (checks, accepted) = ConnectorProbe.RunAsync(probe, Delivery(definition, useTls: true), definition.Encrypted, TimeSpan.FromDays(CertificateWarningDays), Cancel.Token)
            .GetAwaiter().GetResult();
        var all = checks.ToList();
        if (definition.SmtpAuthentication && Credential is null)
        {
            all.Add(new ConnectorCheck("Authentication", false, "the definition requires SMTP AUTH: give -Credential"));
        }
        var messageId = JournalTestMessage.OriginalMessageId(probe);
        if (accepted)
        {
            all.Add(WaitForArchive(messageId));
        }
        WriteObject(new JournalConnectorTestResult
        {
            Definition = definition.Description,
            Server = SmtpServer,
            Port = Port,
            Passed = all.All(c => c.Passed),
            Checks = all,
            MessageId = messageId,
        });
    });

    private ConnectorCheck WaitForArchive(string messageId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(TimeoutSeconds);
        var query = new Engine.Archive.JournalMessageQuery { MessageId = messageId };
        while (!Cancel.IsCancellationRequested)
        {
            if (Archive.GetMessages(query).FirstOrDefault() is { } item)
            {
                return new ConnectorCheck("Archived", true, $"archived as item {item.Id} with {item.Recipients.Count} recipient(s)");
            }
            if (DateTime.UtcNow >= deadline)
            {
                break;
            }
            Thread.Sleep(200);
        }
        return new ConnectorCheck("Archived", false,
            $"not in the archive of {OpenBackend().Location} after {TimeoutSeconds} s; Get-JournalOutcome shows whether it was rejected or quarantined");
    }
}
