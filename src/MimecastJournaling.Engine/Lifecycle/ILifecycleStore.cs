using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Lifecycle;

/// <summary>
/// What a backend stores for the archive's lifecycle: retention policies, legal holds, and each
/// item's expiry. It decides nothing: precedence and hold checks are <see cref="JournalLifecycle"/>'s,
/// which runs them inside <see cref="Write{T}"/> on the backend's primitives. Every write takes the
/// events that describe it and stores both atomically. A name clash surfaces as
/// <see cref="JournalErrorKind.AlreadyExists"/>.
/// </summary>
internal interface ILifecycleStore : IHoldQueryEvidence
{
    IReadOnlyList<RetentionPolicy> GetPolicies();
    void InsertPolicy(RetentionPolicy policy, IReadOnlyList<JournalEvent> events);
    void UpdatePolicy(RetentionPolicy policy, IReadOnlyList<JournalEvent> events);
    void DeletePolicy(Guid policyId, IReadOnlyList<JournalEvent> events);

    /// <summary>Every hold, released ones included, oldest first.</summary>
    IReadOnlyList<JournalHold> GetHolds();
    /// <summary>Inserts a hold; an active hold of the same name is an AlreadyExists clash.</summary>
    void InsertHold(JournalHold hold, IReadOnlyList<JournalEvent> events);
    /// <summary>Marks the hold released if it is still active; returns whether this call released it.</summary>
    bool ReleaseHold(Guid holdId, string releasedBy, DateTimeOffset released, string reason, IReadOnlyList<JournalEvent> events);

    /// <summary>How many items have an expiry at or before <paramref name="now"/>.</summary>
    long CountExpired(DateTimeOffset now);
    /// <summary>Ids of items with an expiry at or before <paramref name="now"/>, above <paramref name="afterId"/>, ascending.</summary>
    IReadOnlyList<long> ExpiredItemIds(DateTimeOffset now, long afterId, int limit);
    long CountItems();
    /// <summary>Items above <paramref name="afterId"/>, ascending, with their facts (for a recalculation).</summary>
    IReadOnlyList<LifecycleItem> GetItems(long afterId, int limit);
    /// <summary>The items with these ids that exist, with their facts (read only).</summary>
    IReadOnlyList<LifecycleItem> GetItems(IReadOnlyCollection<long> ids);

    /// <summary>Runs <paramref name="work"/> in one write transaction: all of it is committed on return, or none of it.</summary>
    T Write<T>(Func<ILifecycleWriteTransaction, T> work);
}

/// <summary>
/// The primitives of one lifecycle write transaction. <see cref="LockActiveHolds"/> comes first:
/// until the transaction ends no hold can be created or released on any host (PostgreSQL: the
/// holds table in SHARE mode; SQLite: the file is locked for writers), so "remove these items if
/// still unheld" is decided on holds that cannot change under it.
/// </summary>
internal interface ILifecycleWriteTransaction : IHoldQueryEvidence
{
    IReadOnlyList<JournalHold> LockActiveHolds();

    /// <summary>The items with these ids that still exist, with their facts, locked until the transaction ends.</summary>
    IReadOnlyList<LifecycleItem> GetItems(IReadOnlyCollection<long> ids);

    /// <summary>
    /// Deletes the items with everything that is theirs: reports, recipients, mailboxes and the
    /// other per-item tables, then every blob they referred to that nothing else refers to.
    /// </summary>
    RemovalCounts DeleteItems(IReadOnlyCollection<long> ids);

    void SetRetention(long itemId, DateTimeOffset? expiresOn, string? policy);

    /// <summary>Writes events in this transaction (the store's own event writer).</summary>
    void InsertEvents(IReadOnlyList<JournalEvent> events);
}

/// <summary>
/// Which blobs a removal may free, the same for every backend: the removed items' originals and
/// clear-text copies, their reports, and the messages those reports' residues refer to. A backend
/// deletes each of these only when no remaining item or report refers to it (a residue refers only
/// to messages of its own item, whose key and fingerprint no other item shares).
/// </summary>
internal static class RemovedBlobs
{
    public static HashSet<string> Candidates(IEnumerable<(string Hash, string Codec, byte[] Data)> reports, IEnumerable<(string Original, string? ClearText)> items)
    {
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            candidates.Add(report.Hash);
            candidates.UnionWith(Archive.ReportBlob.ReferencedMessages(report.Codec, report.Data));
        }
        foreach (var (original, clear) in items)
        {
            candidates.Add(original);
            if (clear is not null)
            {
                candidates.Add(clear);
            }
        }
        return candidates;
    }
}
