using System.Collections.Concurrent;

namespace MimecastJournaling.Engine.Listener;

/// <summary>Why the listener refused a connection, a command or a message.</summary>
public enum RefusalReason
{
    SourceNotAllowed,
    TooManyConnections,
    UnknownRecipient,
    TlsRequired,
    AuthenticationRequired,
    AuthenticationFailed,
    DefinitionDisabled,
    TooManyRecipients,
    TooLarge,
    MixedDefinitions,
    SpoolFull,
    StoreUnavailable,
    ShuttingDown,
    /// <summary>The report's Exchange Online tenant stamp is not one of the definition's TenantId.</summary>
    ForeignTenant,
}

/// <summary>A point-in-time copy of the listener's counters.</summary>
public sealed record ListenerCounterSnapshot(
    long ConnectionsOpen,
    long Received,
    long Accepted,
    IReadOnlyDictionary<RefusalReason, long> Refused);

/// <summary>Thread-safe counters of the listener: open connections, messages received and accepted, refusals by reason.</summary>
public sealed class ListenerCounters
{
    private long _connectionsOpen;
    private long _received;
    private long _accepted;
    private readonly ConcurrentDictionary<RefusalReason, long> _refused = new();

    public long ConnectionsOpen => Interlocked.Read(ref _connectionsOpen);

    internal void ConnectionOpened() => Interlocked.Increment(ref _connectionsOpen);
    internal void ConnectionClosed() => Interlocked.Decrement(ref _connectionsOpen);

    /// <summary>A message's DATA arrived in full.</summary>
    internal void MessageReceived() => Interlocked.Increment(ref _received);

    /// <summary>A message was made durable and answered 250.</summary>
    internal void MessageAccepted() => Interlocked.Increment(ref _accepted);

    internal void Refused(RefusalReason reason) => _refused.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public ListenerCounterSnapshot Snapshot() => new(
        ConnectionsOpen,
        Interlocked.Read(ref _received),
        Interlocked.Read(ref _accepted),
        new Dictionary<RefusalReason, long>(_refused));
}
