namespace MimecastJournaling.Engine.Lifecycle;

/// <summary>
/// How long archive items are kept. A policy with no scope (no Definition, Domain or Mailbox)
/// applies to every item; scopes given together must all match. Where several policies apply to
/// an item, the longest <see cref="RetainFor"/> wins (<see cref="RetentionRules"/>).
/// </summary>
public sealed record RetentionPolicy
{
    public Guid Id { get; init; }
    public required string Name { get; init; }
    public TimeSpan RetainFor { get; init; }
    /// <summary>Items created under this journal definition (by its id; the name is kept for display).</summary>
    public Guid? DefinitionId { get; init; }
    public string? Definition { get; init; }
    /// <summary>Items with an internal mailbox in this domain (lower case).</summary>
    public string? Domain { get; init; }
    /// <summary>Items with an internal mailbox matching this pattern (* and ? wildcards, not case-sensitive).</summary>
    public string? Mailbox { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset Modified { get; init; }

    public override string ToString() => Name;
}

/// <summary>
/// What a legal hold covers: a stored filter that the engine evaluates (<see cref="HoldRules"/>),
/// kept with the hold as proof of its scope. Criteria given together must all match; a scope with
/// none covers the whole archive. <see cref="Query"/> is a search query (KQL, as
/// Search-JournalMessage reads it), kept as typed; it is answered by the search index, and an item
/// the index has not read is covered until it is (<see cref="HoldRules"/>).
/// </summary>
public sealed record HoldScope
{
    /// <summary>An internal mailbox of the item (* and ? wildcards).</summary>
    public string? Mailbox { get; init; }
    /// <summary>The item's sender (* and ? wildcards).</summary>
    public string? Sender { get; init; }
    /// <summary>Any recipient of the item, Bcc included (* and ? wildcards).</summary>
    public string? Recipient { get; init; }
    /// <summary>Messages dated at or after this time (the Date header; arrival when missing or in the future).</summary>
    public DateTimeOffset? Start { get; init; }
    /// <summary>Messages dated before this time.</summary>
    public DateTimeOffset? End { get; init; }
    /// <summary>A search query (KQL, as Search-JournalMessage reads it), kept as it was given.</summary>
    public string? Query { get; init; }

    public override string ToString()
    {
        var parts = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={value}");
            }
        }
        Add(nameof(Mailbox), Mailbox);
        Add(nameof(Sender), Sender);
        Add(nameof(Recipient), Recipient);
        Add(nameof(Start), Start?.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        Add(nameof(End), End?.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        Add(nameof(Query), Query);
        return parts.Count == 0 ? "(whole archive)" : string.Join("; ", parts);
    }
}

/// <summary>
/// A legal hold. A hold is never deleted: releasing it records who released it, when and why,
/// and the record (with its scope) stays as proof.
/// </summary>
public sealed record JournalHold
{
    public Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Reason { get; init; }
    public required HoldScope Scope { get; init; }
    /// <summary>The hold's search query as it was given (null when it has none): the proof of its scope.</summary>
    public string? Query => Scope.Query;
    public required string CreatedBy { get; init; }
    public DateTimeOffset Created { get; init; }
    public string? ReleasedBy { get; init; }
    public DateTimeOffset? Released { get; init; }
    public string? ReleaseReason { get; init; }
    public bool Active => Released is null;

    public override string ToString() => Name;
}

/// <summary>The facts of an archive item that retention and holds decide on.</summary>
public sealed record LifecycleItem
{
    public long Id { get; init; }
    public string? MessageId { get; init; }
    public Guid? DefinitionId { get; init; }
    public DateTimeOffset? Date { get; init; }
    public DateTimeOffset FirstReceived { get; init; }
    public string? Sender { get; init; }
    public IReadOnlyList<string> Mailboxes { get; init; } = [];
    public IReadOnlyList<string> Recipients { get; init; } = [];
    public DateTimeOffset? ExpiresOn { get; init; }
    public string? RetentionPolicy { get; init; }
}

/// <summary>What one removal deleted.</summary>
public sealed record RemovalCounts(long Items, long Reports, long Recipients, long Blobs, long BlobBytes)
{
    public static readonly RemovalCounts None = new(0, 0, 0, 0, 0);

    public RemovalCounts Add(RemovalCounts other) =>
        new(Items + other.Items, Reports + other.Reports, Recipients + other.Recipients, Blobs + other.Blobs, BlobBytes + other.BlobBytes);
}

/// <summary>Items a retention run removed (or would remove) under one policy.</summary>
public sealed record RetentionPolicyCount
{
    public required string Policy { get; init; }
    public long Removed { get; init; }
    public long Held { get; init; }
}

/// <summary>The summary of Invoke-JournalRetention.</summary>
public sealed record JournalRetentionResult
{
    public bool WhatIf { get; init; }
    /// <summary>The time items were compared against.</summary>
    public DateTimeOffset AsOf { get; init; }
    /// <summary>Items whose retention had run out.</summary>
    public long Expired { get; init; }
    public long Removed { get; init; }
    /// <summary>Expired items kept because a hold covers them.</summary>
    public long Held { get; init; }
    /// <summary>
    /// Expired items no hold covers that were kept because the WORM store refused to delete their
    /// original (its Object Lock has not run out in the bucket, or its legal-hold flag is still on),
    /// or could not be asked; each with why in <see cref="Refusals"/>.
    /// </summary>
    public long Refused { get; init; }
    public IReadOnlyList<RetentionRefusal> Refusals { get; init; } = [];
    /// <summary>Of <see cref="Held"/>, the items kept only because the search index has not read them yet (or could not read their text), so a query hold cannot rule them out.</summary>
    public long HeldUnindexed { get; init; }
    public long Reports { get; init; }
    /// <summary>Stored blobs (originals, reports) deleted because no remaining item refers to them.</summary>
    public long Blobs { get; init; }
    public long BlobBytes { get; init; }
    public IReadOnlyList<RetentionPolicyCount> Policies { get; init; } = [];
    public DateTimeOffset Started { get; init; }
    public DateTimeOffset Finished { get; init; }
}

/// <summary>An expired item a retention run kept because its original's WORM object could not be removed.</summary>
public sealed record RetentionRefusal(long Id, string Reason);

/// <summary>How far a retention run or a recalculation is.</summary>
public sealed record LifecycleProgress(long Done, long Total);

/// <summary>What a recalculation changed (or, with WhatIf, would change).</summary>
public sealed record RetentionRecalculation
{
    public bool WhatIf { get; init; }
    public long Examined { get; init; }
    public long Changed { get; init; }
    /// <summary>Items whose expiry moves earlier (they may become due for removal).</summary>
    public long Earlier { get; init; }
    public long Later { get; init; }
    /// <summary>Items no policy applies to any more (kept until a policy applies).</summary>
    public long Unlimited { get; init; }
}

/// <summary>
/// The seam for immutable storage of originals (WORM, e.g. S3 Object Lock in compliance mode):
/// a lock may forbid removing an item before its retention ends even with -Force. The default
/// archive has no such lock.
/// </summary>
public interface IOriginalLock
{
    /// <summary>Why the item's original cannot be removed now, or null when nothing forbids it.</summary>
    string? ForbidsRemoval(LifecycleItem item, DateTimeOffset now);

    /// <summary>
    /// Removes the immutable copies of the originals of <paramref name="items"/>, which the archive
    /// is about to remove (a copy another item still refers to stays). Called before the archive
    /// removes them: an item whose copy could not be removed is in the answer with why, and is kept.
    /// </summary>
    IReadOnlyDictionary<long, string> RemoveOriginals(IReadOnlyList<LifecycleItem> items) => new Dictionary<long, string>();
}
