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

    /// <summary>What the transaction record needs to know of one DATA (<see cref="SmtpTransactionTracker"/>).</summary>
    private sealed class DataFacts
    {
        public RefusalReason? Refusal;
        public string? Definition;
        public long? SpoolId;
        public TimeSpan? Commit;
    }

    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var facts = new DataFacts();
        var reply = await StoreAsync(context, transaction, buffer, facts).ConfigureAwait(false);
        SmtpTransactionTracker.Of(context)?.Replied(reply, facts.Refusal, facts.Definition, facts.SpoolId, facts.Commit);
        return reply;
    }

    private async Task<SmtpResponse> StoreAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, DataFacts facts)
    {
        _counters.MessageReceived();
        // The content itself came past the library (DataStreamingPipe); the buffer holds a placeholder then.
        using var received = SessionFacts.TakeReceivedMessage(context);
        if (SmtpTransactionTracker.Of(context) is { } tracker)
        {
            tracker.ContentReceived(received?.Length ?? buffer.Length, received is null ? null : SmtpTransactionTracker.PeekMessageId(received));
        }
        try
        {
            if (_stopping())
            {
                return Refuse(facts, RefusalReason.ShuttingDown, SmtpReplies.ShuttingDown);
            }
            var definition = SessionFacts.TransactionDefinition(context) is { } id ? _definitions.FindById(id) : null;
            if (definition is null)
            {
                // Removed between RCPT TO and the end of DATA.
                return Refuse(facts, RefusalReason.UnknownRecipient, SmtpReplies.UnknownRecipient);
            }
            facts.Definition = definition.Description;
            if (definition.Disabled)
            {
                return Refuse(facts, RefusalReason.DefinitionDisabled, SmtpReplies.DefinitionDisabled);
            }
            if (definition.TenantId.Count > 0
                && TenantBinding.Violation(definition, ReceivedHead(received, buffer).Span, _definitions.TenantStampHeader) is not null)
            {
                // Refused at the end of DATA, before anything is stored: Exchange Online NDRs it to
                // the sending tenant's own alternate journaling mailbox.
                return Refuse(facts, RefusalReason.ForeignTenant, SmtpReplies.ForeignTenant);
            }
            if (_spoolLength.Value >= _maxSpoolLength)
            {
                return Refuse(facts, RefusalReason.SpoolFull, SmtpReplies.SpoolFull);
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
            var committing = System.Diagnostics.Stopwatch.GetTimestamp();
            var spoolId = await _writer.AppendAsync(entry).ConfigureAwait(false);
            facts.Commit = System.Diagnostics.Stopwatch.GetElapsedTime(committing);
            facts.SpoolId = spoolId;
            _counters.MessageAccepted();
            return SmtpReplies.Accepted(spoolId);
        }
        catch (Exception)
        {
            return Refuse(facts, RefusalReason.StoreUnavailable, SmtpReplies.StoreUnavailable);
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

    private SmtpResponse Refuse(DataFacts facts, RefusalReason reason, SmtpResponse reply)
    {
        facts.Refusal = reason;
        _counters.Refused(reason);
        return reply;
    }
}
