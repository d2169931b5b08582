using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimecastJournaling.Engine.Configuration;
using MimeKit;

namespace MimecastJournaling.Engine.Testing;

/// <summary>What a synthetic journal report should say.</summary>
public sealed record TestMessageContent
{
    public required string From { get; init; }
    public IReadOnlyList<string> To { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Cc { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Bcc { get; init; } = Array.Empty<string>();
    /// <summary>The group the Bcc recipients were expanded from (shown as ", Expanded: group" in the envelope).</summary>
    public string? BccExpandedFrom { get; init; }
    public string Subject { get; init; } = "MimecastJournaling test message";
    public JournalType Format { get; init; } = JournalType.ExchangeEnvelope;
    /// <summary>
    /// The Exchange Online tenant the report says it comes from, stamped in each of
    /// <see cref="TenantStampHeader"/> as Exchange Online stamps it (a definition bound to a tenant
    /// refuses reports without its stamp). None when null.
    /// </summary>
    public string? TenantId { get; init; }
    public IReadOnlyList<string> TenantStampHeader { get; init; } = JournalListenerSettings.DefaultTenantStampHeader;
}

/// <summary>Where and how to send it.</summary>
public sealed record TestMessageDelivery
{
    public required string Server { get; init; }
    public int Port { get; init; } = 25;
    public required string ServiceEmailAddress { get; init; }
    public bool UseTls { get; init; }
    /// <summary>Accept exactly this server certificate (a self-signed test certificate) instead of validating its chain.</summary>
    public string? CertificateThumbprint { get; init; }
    public string? UserName { get; init; }
    public string? Password { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>The result of one send: accepted or not, with the server's reply.</summary>
public sealed record TestMessageResult
{
    public required string Server { get; init; }
    public int Port { get; init; }
    public required string MessageId { get; init; }
    public bool Accepted { get; init; }
    public int? StatusCode { get; init; }
    public string? Response { get; init; }
    public string? TlsProtocol { get; init; }
}

/// <summary>Builds synthetic journal reports and sends them over SMTP with MailKit (test cmdlets, demo).</summary>
public static class JournalTestMessage
{
    /// <summary>
    /// An Exchange-style envelope journal report (the marker header, the envelope part with the
    /// recipient lines, the original as message/rfc822), or with Format StandardEml the original alone.
    /// </summary>
    public static MimeMessage Build(TestMessageContent content, DateTimeOffset now)
    {
        var message = BuildUnstamped(content, now);
        if (content.TenantId is { } tenant)
        {
            foreach (var header in content.TenantStampHeader)
            {
                message.Headers.Add(header, tenant);
            }
        }
        return message;
    }

    private static MimeMessage BuildUnstamped(TestMessageContent content, DateTimeOffset now)
    {
        var messageId = $"{Guid.NewGuid():n}@mimecastjournaling.test";
        var original = new MimeMessage();
        original.From.Add(MailboxAddress.Parse(content.From));
        original.To.AddRange(content.To.Select(MailboxAddress.Parse));
        original.Cc.AddRange(content.Cc.Select(MailboxAddress.Parse));
        original.Subject = content.Subject;
        original.Date = now;
        original.MessageId = messageId;
        original.Body = new TextPart("plain") { Text = "This is a synthetic message sent by Send-JournalTestMessage to check journaling.\r\n" };
        if (content.Format == JournalType.StandardEml)
        {
            // A plain copy: Bcc recipients are only known from a header here.
            original.Bcc.AddRange(content.Bcc.Select(MailboxAddress.Parse));
            return original;
        }

        var envelope = new System.Text.StringBuilder()
            .Append("Sender: ").Append(content.From).Append("\r\n")
            .Append("Subject: ").Append(content.Subject).Append("\r\n")
            .Append("Message-Id: <").Append(messageId).Append(">\r\n");
        foreach (var to in content.To)
        {
            envelope.Append("To: ").Append(to).Append("\r\n");
        }
        foreach (var cc in content.Cc)
        {
            envelope.Append("Cc: ").Append(cc).Append("\r\n");
        }
        foreach (var bcc in content.Bcc)
        {
            envelope.Append("Bcc: ").Append(bcc);
            if (content.BccExpandedFrom is { } group)
            {
                envelope.Append(", Expanded: ").Append(group);
            }
            envelope.Append("\r\n");
        }

        var report = new MimeMessage();
        report.From.AddRange(original.From);
        report.To.AddRange(original.To);
        report.Cc.AddRange(original.Cc);
        report.Subject = original.Subject;
        report.Date = now;
        report.MessageId = $"{Guid.NewGuid()}@journal.report.generator";
        report.Headers.Add("X-MS-Journal-Report", string.Empty);
        report.Headers.Add("X-MS-Exchange-Parent-Message-Id", "<" + messageId + ">");
        report.Headers.Add("Auto-Submitted", "auto-generated");
        report.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = envelope.ToString() },
            new MessagePart { Message = original },
        };
        return report;
    }

    /// <summary>The Message-ID of the original inside a report built by <see cref="Build"/>.</summary>
    public static string OriginalMessageId(MimeMessage message) =>
        (message.Body is Multipart { Count: 2 } parts && parts[1] is MessagePart { Message: { } inner } ? inner.MessageId : message.MessageId) ?? string.Empty;

    /// <summary>The server's reply text without the code MailKit puts in front of some messages ("535: …").</summary>
    private static string ReplyText(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message.Trim(), @"^\d{3}[:\s]\s*", string.Empty);

    /// <summary>Sends the message to the service address. A refusal is a result, not an exception; a connection or TLS failure throws.</summary>
    public static async Task<TestMessageResult> SendAsync(MimeMessage message, TestMessageDelivery delivery, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = (int)delivery.Timeout.TotalMilliseconds };
        client.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        if (delivery.CertificateThumbprint is { } pinned)
        {
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is not null && string.Equals(new X509Certificate2(certificate).Thumbprint, pinned, StringComparison.OrdinalIgnoreCase);
        }
        var result = new TestMessageResult { Server = delivery.Server, Port = delivery.Port, MessageId = OriginalMessageId(message) };
        try
        {
            await client.ConnectAsync(delivery.Server, delivery.Port, delivery.UseTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken)
                .ConfigureAwait(false);
            if (delivery.UserName is not null)
            {
                await client.AuthenticateAsync(delivery.UserName, delivery.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
            }
            var sender = message.From.Mailboxes.First();
            var response = await client.SendAsync(message, sender, [MailboxAddress.Parse(delivery.ServiceEmailAddress)], cancellationToken).ConfigureAwait(false);
            return result with { Accepted = true, StatusCode = 250, Response = response, TlsProtocol = client.IsSecure ? client.SslProtocol.ToString() : null };
        }
        catch (SmtpCommandException e)
        {
            return result with { Accepted = false, StatusCode = (int)e.StatusCode, Response = ReplyText(e.Message), TlsProtocol = client.IsSecure ? client.SslProtocol.ToString() : null };
        }
        catch (MailKit.ServiceNotAuthenticatedException e)
        {
            // MailKit's form of a 530 reply: TLS or authentication required first.
            return result with { Accepted = false, StatusCode = 530, Response = ReplyText(e.Message), TlsProtocol = client.IsSecure ? client.SslProtocol.ToString() : null };
        }
        catch (MailKit.Security.AuthenticationException e)
        {
            return result with { Accepted = false, StatusCode = 535, Response = ReplyText(e.Message), TlsProtocol = client.IsSecure ? client.SslProtocol.ToString() : null };
        }
        finally
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
