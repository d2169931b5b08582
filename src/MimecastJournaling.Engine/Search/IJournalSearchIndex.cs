namespace MimecastJournaling.Engine.Search;

/// <summary>An archive item the indexer reads: its id and the subject stored with it (indexed even when the original cannot be read).</summary>
/// <param name="Size">The original's size in bytes (reserved from the listener's memory budget before it is read; 0 when unknown).</param>
public sealed record IndexCandidate(long ItemId, string? Subject, long Size = 0);

/// <summary>Where a search looks and which page it returns (newest first).</summary>
public sealed record SearchScope
{
    public Guid? DefinitionId { get; init; }
    /// <summary>Only items of this mailbox (lower case; * and ? are wildcards).</summary>
    public string? Mailbox { get; init; }
    public int? First { get; init; }
    public int Skip { get; init; }
}

/// <summary>The counts behind Get-JournalIndexStatus.</summary>
public sealed record IndexCounts(long Items, long Indexed, long Failed, DateTimeOffset? OldestPendingReceived, DateTimeOffset? LastIndexed);

/// <summary>An item whose text could not be (fully) read; it is searchable by its metadata and whatever text was read.</summary>
public sealed record JournalIndexFailure
{
    public long ItemId { get; init; }
    public string? MessageId { get; init; }
    public string? Subject { get; init; }
    public DateTimeOffset Indexed { get; init; }
    public required string Reason { get; init; }

    public override string ToString() => $"item {ItemId}: {Reason}";
}

/// <summary>
/// The full-text index in the store's database (SQLite FTS5; PostgreSQL tsvector with GIN). A
/// backend stores and finds: what text an item has (<see cref="SearchTextExtractor"/>), how a
/// query reads (<see cref="SearchQueryParser"/>, <see cref="SearchPlanner"/>) and when to index
/// (<see cref="JournalIndexer"/>) are engine code. Every value of a planned condition reaches the
/// database as a parameter.
/// </summary>
public interface IJournalSearchIndex
{
    /// <summary>Items after <paramref name="afterId"/> that have no index entry yet, oldest first.</summary>
    IReadOnlyList<IndexCandidate> PendingItems(long afterId, int limit);

    /// <summary>Every item after <paramref name="afterId"/>, oldest first (a rebuild).</summary>
    IReadOnlyList<IndexCandidate> Items(long afterId, int limit);

    /// <summary>Stores (or replaces) the entries in one transaction; an entry of an item removed meanwhile is dropped.</summary>
    void Write(IReadOnlyList<IndexedText> entries, DateTimeOffset indexed);

    /// <summary>The ids of the items matching <paramref name="condition"/> in <paramref name="scope"/>, newest first (sent date, else received).</summary>
    IReadOnlyList<long> Search(SearchCondition condition, SearchScope scope);

    IndexCounts GetCounts();

    /// <summary>The newest failures first.</summary>
    IReadOnlyList<JournalIndexFailure> GetFailures(int first);

    /// <summary>
    /// Tells the database's query planner what the index now holds, after many entries were
    /// written at once (a rebuild, a long catch-up). <see cref="JournalIndexer"/> decides when.
    /// </summary>
    void RefreshStatistics();
}
