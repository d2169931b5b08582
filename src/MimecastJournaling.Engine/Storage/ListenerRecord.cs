namespace MimecastJournaling.Engine.Storage;

/// <summary>
/// A running journal listener as the store knows it, so any session on the store can see it:
/// written when it starts, refreshed with its counters on every heartbeat, removed when it stops.
/// A record whose heartbeat is overdue (<see cref="IsStale"/>) is a listener that died without
/// stopping (killed, host down) or cannot reach the store.
/// </summary>
public sealed record ListenerRecord
{
    /// <summary>How many heartbeats may be missed before a listener counts as stale.</summary>
    public const int MissedHeartbeatsBeforeStale = 3;

    public Guid Id { get; init; }
    /// <summary>The host it runs on (the host name unless the listener was given another node name).</summary>
    public string Node { get; init; } = string.Empty;
    public int ProcessId { get; init; }
    public IReadOnlyList<string> Endpoints { get; init; } = Array.Empty<string>();
    public string ServerName { get; init; } = string.Empty;
    public DateTimeOffset Started { get; init; }
    public DateTimeOffset LastHeartbeat { get; init; }
    public TimeSpan HeartbeatInterval { get; init; }
    public long ConnectionsOpen { get; init; }
    public long Received { get; init; }
    public long Accepted { get; init; }
    /// <summary>Refusals by reason (SourceNotAllowed, TlsRequired, …).</summary>
    public IReadOnlyDictionary<string, long> Refused { get; init; } = new Dictionary<string, long>();

    /// <summary>True when no heartbeat came for <see cref="MissedHeartbeatsBeforeStale"/> intervals.</summary>
    public bool IsStale(DateTimeOffset now) => now - LastHeartbeat > HeartbeatInterval * MissedHeartbeatsBeforeStale;
}
