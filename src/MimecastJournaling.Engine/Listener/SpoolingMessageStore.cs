using System.Buffers;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using MimecastJournaling.Engine.Archive;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// SmtpServer's DATA hook: takes the message content the session streamed aside (or, without it,
/// copies the library's buffer), hands it to the group commit, and answers 250 only once it is durable. Every failure is answered here with a 4xx,
/// because an exception escaping SaveAsync becomes a permanent 554 in the library.
/// Not IDisposable: the library disposes such services after every command.
/// </summary>
internal sealed class SpoolingMessageStore : IMessageStore
{
    private readonly SpoolWriter _writer;
    private readonly SpoolLength _spoolLength;
    private readonly DefinitionLookup _definitions;
    private readonly ListenerCounters _counters;
    private readonly int _maxSpoolLength;
    private readonly TimeProvider _clock;
    private readonly Func<bool> _stopping;

    public SpoolingMessageStore(SpoolWriter writer, SpoolLength spoolLength, DefinitionLookup definitions, ListenerCounters counters,
        int maxSpoolLength, TimeProvider clock, Func<bool> stopping)
    {
        _writer = writer;
        _spoolLength = spoolLength;
        _definitions = definitions;
        _counters = counters;
        _maxSpoolLength = maxSpoolLength;
        _clock = clock;
        _stopping = stopping;
    }

    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        _counters.MessageReceived();
        // The content itself came past the library (DataStreamingPipe); the buffer holds a placeholder then.
        using var received = SessionFacts.TakeReceivedMessage(context);
        try
        {
            if (_stopping())
            {
                return Refuse(RefusalReason.ShuttingDown, SmtpReplies.ShuttingDown);
            }
            var definition = SessionFacts.TransactionDefinition(context) is { } id ? _definitions.FindById(id) : null;
            if (definition is null)
            {
                // Removed between RCPT TO and the end of DATA.
                return Refuse(RefusalReason.UnknownRecipient, SmtpReplies.UnknownRecipient);
            }
            if (definition.Disabled)
            {
                return Refuse(RefusalReason.DefinitionDisabled, SmtpReplies.DefinitionDisabled);
            }
            if (definition.TenantId.Count > 0
                && TenantBinding.Violation(definition, ReceivedHead(received, buffer).Span, _definitions.TenantStampHeader) is not null)
            {
                // Refused at the end of DATA, before anything is stored: Exchange Online NDRs it to
                // the sending tenant's own alternate journaling mailbox.
                return Refuse(RefusalReason.ForeignTenant, SmtpReplies.ForeignTenant);
            }
            if (_spoolLength.Value >= _maxSpoolLength)
            {
                return Refuse(RefusalReason.SpoolFull, SmtpReplies.SpoolFull);
            }
            var entry = new SpoolEntry(
                _clock.GetUtcNow(),
                SessionFacts.Source(context),
                definition.Id,
                definition.Description,
                transaction.From is null ? null : JournalMailboxFilter.Address(transaction.From),
                transaction.To.Select(JournalMailboxFilter.Address).ToList(),
                received is null ? buffer.ToArray() : received.InMemory)
            {
                DataFile = received?.File,
            };
            // Not cancelled once queued: the commit is short, and the 250 must follow it.
            var spoolId = await _writer.AppendAsync(entry).ConfigureAwait(false);
            _counters.MessageAccepted();
            return SmtpReplies.Accepted(spoolId);
        }
        catch (Exception)
        {
            return Refuse(RefusalReason.StoreUnavailable, SmtpReplies.StoreUnavailable);
        }
    }

    /// <summary>The start of the content (enough for its top-level header block) without reading a large message whole.</summary>
    private static ReadOnlyMemory<byte> ReceivedHead(ReceivedMessage? received, ReadOnlySequence<byte> buffer)
    {
        if (received is null)
        {
            return buffer.ToArray();
        }
        if (received.File is not { } file)
        {
            return received.InMemory;
        }
        using var stream = file.OpenRead();
        var head = new byte[(int)Math.Min(stream.Length, Parsing.HeaderBlockGuard.MaxHeaderBlockBytes + 2)];
        stream.ReadExactly(head);
        return head;
    }

    private SmtpResponse Refuse(RefusalReason reason, SmtpResponse reply)
    {
        _counters.Refused(reason);
        return reply;
    }
}
