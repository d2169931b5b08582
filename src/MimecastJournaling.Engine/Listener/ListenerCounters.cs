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
    /// <summary>A command line over the RFC 5321 limit (500), or the connection closed after too many.</summary>
    LineTooLong,
    /// <summary>A command line or DATA that did not arrive in time or fast enough (421, closed).</summary>
    Timeout,
    /// <summary>MAIL or RCPT with 8-bit bytes and no SMTPUTF8 (553 5.6.7).</summary>
    EightBitEnvelope,
    /// <summary>More connections from one address than MaxConnectionsPerSource (421).</summary>
    TooManyConnectionsFromSource,
    /// <summary>AUTH refused while the source is locked out after failed attempts (454).</summary>
    AuthenticationLockedOut,
    /// <summary>The fifth bad command (500 to 504) of a session: 421 and closed.</summary>
    TooManyBadCommands,
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
