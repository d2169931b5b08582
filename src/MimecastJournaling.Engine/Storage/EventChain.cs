using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Storage;

/// <summary>An event as stored, with its place in the chain (null hashes: not chained yet).</summary>
public sealed record ChainedEvent(JournalEvent Event, string? PreviousHash, string? Hash);

/// <summary>The newest chained event: the store keeps it in a row of its own, so removing the newest events shows too.</summary>
public sealed record EventChainHead(long LastId, string LastHash, long Count);

/// <summary>What a backend offers the chain inside one write transaction (the head is locked for the rest of it).</summary>
public interface IEventChainTransaction
{
    /// <summary>Locks the chain head for the rest of the transaction (writers on every host take turns here) and reads it.</summary>
    EventChainHead LockHead();
    /// <summary>Events after <paramref name="id"/> in id order (for the migration and a store copy: events written before the chain existed, or copied in).</summary>
    IReadOnlyList<JournalEvent> ReadAfter(long id);
    /// <summary>Inserts the event (time as given) and returns its id.</summary>
    long Insert(JournalEvent e);
    void SetHashes(long id, string previousHash, string hash);
    void SetHead(EventChainHead head);
}

/// <summary>Reads the chain for verification (never writes).</summary>
public interface IEventChainSource
{
    EventChainHead GetEventChainHead();
    /// <summary>Up to <paramref name="count"/> events after <paramref name="afterId"/>, in id order.</summary>
    IReadOnlyList<ChainedEvent> GetEventChain(long afterId, int count);
}

/// <summary>
/// The event log as a hash chain, the same for every backend: each event carries the SHA-256 of
/// the one before it and its own SHA-256 over a canonical form of its fields (JSON array of id,
/// time in UTC to the microsecond, user, object type, name and id, action, property, old and new
/// value, previous hash). Editing an event changes its hash; removing one breaks the next link;
/// removing the newest ones leaves the stored head pointing past them.
/// </summary>
public static class EventChain
{
    /// <summary>The previous hash of the first event.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>Both backends store times to the microsecond; events are hashed and stored at that precision.</summary>
    public static DateTimeOffset StoredTime(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
    }

    public static string Hash(JournalEvent e, string previousHash)
    {
        var fields = new object?[]
        {
            e.Id,
            StoredTime(e.Time).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            e.User, e.ObjectType.ToString(), e.ObjectName, e.ObjectId, e.Action, e.Property, e.OldValue, e.NewValue,
            previousHash,
        };
        var canonical = JsonSerializer.SerializeToUtf8Bytes(fields);
        return Convert.ToHexString(SHA256.HashData(canonical)).ToLowerInvariant();
    }

    /// <summary>
    /// Appends the events to the chain inside the caller's transaction. An event someone wrote
    /// behind the store's back is never taken in here (it stays unchained, and the check names it).
    /// </summary>
    public static void Append(IEventChainTransaction t, IReadOnlyList<JournalEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }
        var head = t.LockHead();
        foreach (var e in events)
        {
            var stored = e with { Time = StoredTime(e.Time) };
            var id = t.Insert(stored);
            head = Link(t, head, stored with { Id = id });
        }
        t.SetHead(head);
    }

    /// <summary>Chains the events written before the chain existed (the migration runs this in its transaction; a store copy for the copied events).</summary>
    public static void ChainExisting(IEventChainTransaction t) => t.SetHead(TakeInPending(t, t.LockHead()));

    private static EventChainHead TakeInPending(IEventChainTransaction t, EventChainHead head)
    {
        foreach (var e in t.ReadAfter(head.LastId))
        {
            head = Link(t, head, e);
        }
        return head;
    }

    private static EventChainHead Link(IEventChainTransaction t, EventChainHead head, JournalEvent e)
    {
        var hash = Hash(e, head.LastHash);
        t.SetHashes(e.Id, head.LastHash, hash);
        return new EventChainHead(e.Id, hash, head.Count + 1);
    }
}
