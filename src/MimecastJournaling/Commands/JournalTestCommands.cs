using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Testing;

namespace MimecastJournaling.Commands;

[Cmdlet(VerbsCommunications.Send, "JournalTestMessage", SupportsShouldProcess = true)]
[OutputType(typeof(TestMessageResult))]
public sealed class SendJournalTestMessageCommand : JournalCmdlet
{
    /// <summary>The journal definition to send to: its ServiceEmailAddress is the recipient.</summary>
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

    /// <summary>Use STARTTLS; the server certificate is validated unless -CertificateThumbprint pins one.</summary>
    [Parameter]
    public SwitchParameter UseTls { get; set; }

    /// <summary>Accept exactly the server certificate with this thumbprint (a self-signed test certificate).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificateThumbprint { get; set; }

    [Parameter]
    public PSCredential? Credential { get; set; }

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

    private readonly CancellationTokenSource _cancel = new();

    protected override void ProcessRecord() => Try(() =>
    {
        var definition = Configuration.GetDefinition(Definition);
        // Defaults that archive: a sender in an internal domain and a recipient from the directory.
        var internalDomain = Configuration.GetDomains().Select(d => d.Name)
            .FirstOrDefault(d => !string.Equals(d, Names.DomainOf(definition.ServiceEmailAddress), StringComparison.OrdinalIgnoreCase))
            ?? Names.DomainOf(definition.ServiceEmailAddress);
        var from = From ?? "journal-test@" + internalDomain;
        var to = To ?? Configuration.GetInternalAddresses().Select(a => a.Mailbox).Take(1).DefaultIfEmpty(from).ToArray();
        var content = new TestMessageContent
        {
            From = from,
            To = to,
            Cc = Cc,
            Bcc = Bcc,
            BccExpandedFrom = BccExpandedFrom,
            Subject = Subject,
            Format = MyInvocation.BoundParameters.ContainsKey(nameof(Format)) ? Format : definition.JournalType,
        };
        var message = JournalTestMessage.Build(content, DateTimeOffset.Now);
        if (!ShouldProcess($"{definition.ServiceEmailAddress} via {SmtpServer}:{Port}", $"Send a {content.Format} test message"))
        {
            return;
        }
        var delivery = new TestMessageDelivery
        {
            Server = SmtpServer,
            Port = Port,
            ServiceEmailAddress = definition.ServiceEmailAddress,
            UseTls = UseTls,
            CertificateThumbprint = CertificateThumbprint,
            UserName = Credential?.UserName,
            Password = Credential?.GetNetworkCredential().Password,
        };
        TestMessageResult result;
        try
        {
            result = JournalTestMessage.SendAsync(message, delivery, _cancel.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or MailKit.Security.SslHandshakeException
            or MailKit.ProtocolException or OperationCanceledException or TimeoutException)
        {
            throw new JournalConfigurationException("TestMessageSendFailed", JournalErrorKind.ConnectionError,
                $"Could not deliver the test message to {SmtpServer}:{Port}: {e.Message}", SmtpServer, e);
        }
        if (!result.Accepted)
        {
            WriteWarning($"{SmtpServer}:{Port} refused the test message: {result.StatusCode} {result.Response}");
        }
        WriteObject(result);
    });

    protected override void StopProcessing() => _cancel.Cancel();
}
