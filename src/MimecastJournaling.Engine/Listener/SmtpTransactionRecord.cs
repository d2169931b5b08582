using System.Diagnostics;
using System.Net;
using MimeKit;
using MimeKit.Utils;
using SmtpServer;
using SmtpServer.Protocol;

namespace MimecastJournaling.Engine.Listener;

/// <summary>How an SMTP transaction ended.</summary>
public enum SmtpTransactionOutcome
{
    /// <summary>250: the report is durable in the spool.</summary>
    Accepted,
    /// <summary>A 4xx or 5xx reply ended it (the connection, a recipient or the message was refused).</summary>
    Refused,
    /// <summary>The TLS handshake failed, so the session ended without a reply.</summary>
    TlsFailed,
    /// <summary>The sender went away (or reset) before the end of DATA.</summary>
    Abandoned,
}

/// <summary>
/// One SMTP transaction as the listener saw it, for logs, metrics and -Verbose: from MAIL FROM to
/// the reply after DATA (or to the refusal, the failed handshake, the disconnect). A connection
/// refused at connect is one transaction too. Never holds a password or any message content:
/// only the Message-ID header of the report.
/// </summary>
public sealed record SmtpTransactionRecord
{
    public DateTimeOffset Time { get; init; }
    public TimeSpan Duration { get; init; }
    public required string ClientAddress { get; init; }
    public SmtpTransactionOutcome Outcome { get; init; }
    /// <summary>The journal definition (its Description), when the recipient named one.</summary>
    public string? Definition { get; init; }
    /// <summary>The journal address the sender gave (RCPT TO), accepted or not.</summary>
    public string? Recipient { get; init; }
    /// <summary>The final reply code (250, 4xx, 5xx); null when the session ended without one.</summary>
    public int? ReplyCode { get; init; }
    /// <summary>The reply's text after the code (the listener's own words), or what went wrong.</summary>
    public string? Reply { get; init; }
    public RefusalReason? Refusal { get; init; }
    /// <summary>The report's Message-ID header (without angle brackets).</summary>
    public string? MessageId { get; init; }
    /// <summary>Bytes of DATA received.</summary>
    public long? Size { get; init; }
    public long? SpoolId { get; init; }
    /// <summary>How long the durable spool commit took before the 250.</summary>
    public TimeSpan? CommitDuration { get; init; }
    public bool Tls { get; init; }

    public override string ToString() =>
        $"{ClientAddress} {Definition ?? Recipient ?? "-"} {(ReplyCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : Outcome.ToString())}" +
        $"{(MessageId is null ? "" : $" <{MessageId}>")}{(Size is { } size ? $" {size} bytes" : "")} {Duration.TotalMilliseconds:0} ms" +
        $"{(Refusal is { } r ? $" ({r})" : "")}{(Tls ? " TLS" : "")}";
}

/// <summary>
/// Follows the transaction of one session (kept in its property bag) and hands each finished one
/// to the listener exactly once: at the reply after DATA, at a refusal the sender does not follow
/// up, at the next MAIL FROM, or when the session ends.
/// </summary>
internal sealed class SmtpTransactionTracker
{
    private const string Key = "MimecastJournaling:Transaction";

    private readonly Action<SmtpTransactionRecord> _completed;
    private readonly ISessionContext _context;
    private readonly IPAddress _client;
    private SmtpTransactionRecord? _pending;
    private long _started;

    private SmtpTransactionTracker(ISessionContext context, IPAddress client, Action<SmtpTransactionRecord> completed)
    {
        _context = context;
        _client = client;
        _completed = completed;
    }

    public static void Attach(ISessionContext context, Action<SmtpTransactionRecord>? completed)
    {
        if (completed is not null)
        {
            context.Properties[Key] = new SmtpTransactionTracker(context, SessionFacts.RemoteAddress(context), completed);
        }
    }

    public static SmtpTransactionTracker? Of(ISessionContext context) =>
        context.Properties.TryGetValue(Key, out var value) ? value as SmtpTransactionTracker : null;

    /// <summary>A connection refused before the session started (the gate): one record, no session.</summary>
    public static void ConnectionRefused(Action<SmtpTransactionRecord>? completed, IPAddress client, string replyLine, RefusalReason reason)
    {
        if (completed is null)
        {
            return;
        }
        var code = int.TryParse(replyLine.AsSpan(0, Math.Min(3, replyLine.Length)), out var c) ? c : (int?)null;
        Raise(completed, new SmtpTransactionRecord
        {
            Time = DateTimeOffset.UtcNow,
            ClientAddress = client.ToString(),
            Outcome = SmtpTransactionOutcome.Refused,
            ReplyCode = code,
            Reply = replyLine.Length > 4 ? replyLine[4..] : null,
            Refusal = reason,
        });
    }

    /// <summary>MAIL FROM: what was pending ends, a new transaction starts.</summary>
    public void Started()
    {
        Flush();
        _started = Stopwatch.GetTimestamp();
        _pending = new SmtpTransactionRecord
        {
            Time = DateTimeOffset.UtcNow,
            ClientAddress = _client.ToString(),
            Outcome = SmtpTransactionOutcome.Abandoned,
            Tls = SessionFacts.IsSecure(_context),
        };
    }

    public void RecipientAccepted(string recipient, string definition) =>
        Update(r => r with { Recipient = recipient, Definition = definition });

    /// <summary>A refused recipient: the transaction ends with it unless DATA follows for another one.</summary>
    public void RecipientRefused(string recipient, string? definition, RefusalReason reason, SmtpResponse reply) =>
        Update(r => r.ReplyCode == 250 ? r : r with
        {
            Recipient = r.Recipient ?? recipient,
            Definition = r.Definition ?? definition,
            Outcome = SmtpTransactionOutcome.Refused,
            ReplyCode = (int)reply.ReplyCode,
            Reply = reply.Message,
            Refusal = reason,
        });

    /// <summary>DATA arrived: its size and the report's Message-ID.</summary>
    public void ContentReceived(long size, string? messageId) => Update(r => r with { Size = size, MessageId = messageId });

    /// <summary>The reply that ends the transaction (after DATA, or a refusal in the middle of it).</summary>
    public void Replied(SmtpResponse reply, RefusalReason? refusal, string? definition = null, long? spoolId = null, TimeSpan? commit = null)
    {
        Update(r => r with
        {
            Outcome = (int)reply.ReplyCode == 250 ? SmtpTransactionOutcome.Accepted : SmtpTransactionOutcome.Refused,
            ReplyCode = (int)reply.ReplyCode,
            Reply = reply.Message,
            Refusal = refusal,
            Definition = definition ?? r.Definition,
            SpoolId = spoolId,
            CommitDuration = commit,
        });
        Flush();
    }

    /// <summary>The TLS handshake failed: the session ends without a reply.</summary>
    public void TlsFailed(Exception error)
    {
        _pending ??= new SmtpTransactionRecord { Time = DateTimeOffset.UtcNow, ClientAddress = _client.ToString() };
        if (_started == 0)
        {
            _started = Stopwatch.GetTimestamp();
        }
        _pending = _pending with { Outcome = SmtpTransactionOutcome.TlsFailed, Reply = "TLS handshake failed: " + error.GetBaseException().Message };
        Flush();
    }

    /// <summary>The session ended: a transaction still open is abandoned (or ended by its refusal).</summary>
    public void SessionEnded() => Flush();

    private void Update(Func<SmtpTransactionRecord, SmtpTransactionRecord> change)
    {
        if (_pending is null)
        {
            // DATA without MAIL FROM cannot happen; a refusal before MAIL FROM starts one.
            Started();
        }
        _pending = change(_pending!);
    }

    private void Flush()
    {
        if (_pending is not { } record)
        {
            return;
        }
        _pending = null;
        Raise(_completed, record with { Duration = Stopwatch.GetElapsedTime(_started) });
    }

    private static void Raise(Action<SmtpTransactionRecord> completed, SmtpTransactionRecord record)
    {
        try
        {
            completed(record);
        }
        catch (Exception)
        {
            // A log or metrics problem never changes an SMTP reply.
        }
    }

    /// <summary>The Message-ID of a report, read from its header block (the first 64 KB at most); null without one.</summary>
    public static string? PeekMessageId(ReceivedMessage received)
    {
        const int limit = 64 * 1024;
        try
        {
            byte[] head;
            if (received.File is { } file)
            {
                using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                head = new byte[(int)Math.Min(limit, stream.Length)];
                stream.ReadExactly(head);
            }
            else
            {
                head = received.InMemory[..(int)Math.Min(limit, received.InMemory.Length)].ToArray();
            }
            using var memory = new MemoryStream(head, writable: false);
            var headers = HeaderList.Load(memory);
            return headers[HeaderId.MessageId] is { } value ? MimeUtils.EnumerateReferences(value).FirstOrDefault() ?? value.Trim() : null;
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
