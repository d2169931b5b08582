using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Search;

/// <summary>How far an index run has got (Update-JournalIndex shows it as progress).</summary>
public sealed record IndexProgress(long Done, long Total, long Failed);

/// <summary>What Get-JournalIndexStatus shows: how far the index lags behind the archive and what failed.</summary>
public sealed record JournalIndexStatus
{
    public required string Store { get; init; }
    /// <summary>Archive items.</summary>
    public long Items { get; init; }
    /// <summary>Items with an index entry (failures included: they are indexed by metadata and what could be read).</summary>
    public long Indexed { get; init; }
    /// <summary>Items not indexed yet: words in them are not found until they are.</summary>
    public long Pending { get; init; }
    public long Failed { get; init; }
    /// <summary>When the oldest item still waiting for the index was received (null: none waits).</summary>
    public DateTimeOffset? OldestPending { get; init; }
    /// <summary>How long the oldest pending item has waited.</summary>
    public TimeSpan? Lag { get; init; }
    public DateTimeOffset? LastIndexed { get; init; }
    /// <summary>The newest failures (up to 100); Failed counts them all.</summary>
    public IReadOnlyList<JournalIndexFailure> Failures { get; init; } = Array.Empty<JournalIndexFailure>();
}

/// <summary>
/// Brings the index up to date with the archive: reads originals, extracts their text and writes
/// index entries in batches. Runs in the listener beside the archive (never on the SMTP path) and
/// in Update-JournalIndex. Several indexers on one store are safe: an entry written twice is
/// replaced, not duplicated. An item whose text cannot be read gets an entry with its subject and
/// the failure, so it is searchable by metadata and listed, never skipped silently.
/// </summary>
public sealed class JournalIndexer
{
    public const int DefaultBatchSize = 50;

    private readonly IJournalArchive _archive;
    private readonly IJournalSearchIndex _index;
    private readonly TimeProvider _clock;

    public JournalIndexer(IJournalArchive archive, IJournalSearchIndex index, TimeProvider? clock = null)
    {
        _archive = archive;
        _index = index;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>
    /// The listener's budget for messages held whole in memory (shared with its spool processor):
    /// each original's size is reserved before it is read. Null: no budget (Update-JournalIndex).
    /// </summary>
    public MessageMemoryBudget? MemoryBudget { get; set; }

    /// <summary>
    /// A rebuild or catch-up that indexed at least this many items refreshes the database's
    /// statistics at its end (<see cref="IJournalSearchIndex.RefreshStatistics"/>), so searches use
    /// the new entries' indexes at once. Tests set a small number.
    /// </summary>
    internal int RefreshStatisticsAfter { get; set; } = 1_000;

    /// <summary>Indexes every item without an entry. Returns how many were indexed.</summary>
    public long CatchUp(CancellationToken cancellation = default, Action<IndexProgress>? progress = null, int batchSize = DefaultBatchSize)
    {
        var counts = _index.GetCounts();
        return Run(counts.Items - counts.Indexed, _index.PendingItems, cancellation, progress, batchSize);
    }

    /// <summary>
    /// Re-extracts and replaces the entry of every item (after a change of extraction, or to
    /// repair). Search keeps answering meanwhile from the entries not replaced yet.
    /// </summary>
    public long Rebuild(CancellationToken cancellation = default, Action<IndexProgress>? progress = null, int batchSize = DefaultBatchSize) =>
        Run(_index.GetCounts().Items, _index.Items, cancellation, progress, batchSize);

    /// <summary>
    /// Indexes (or re-indexes) exactly these items, in batches: Import-JournalMessage indexes what it
    /// archived this way. Returns how many were indexed.
    /// </summary>
    public long Index(IReadOnlyList<IndexCandidate> items, CancellationToken cancellation = default, int batchSize = DefaultBatchSize)
    {
        long done = 0;
        foreach (var batch in items.Chunk(Math.Max(1, batchSize)))
        {
            if (cancellation.IsCancellationRequested)
            {
                break;
            }
            IndexBatch(batch);
            done += batch.Length;
        }
        return done;
    }

    private long Run(long total, Func<long, int, IReadOnlyList<IndexCandidate>> next, CancellationToken cancellation, Action<IndexProgress>? progress, int batchSize)
    {
        long done = 0, failed = 0, after = 0;
        while (!cancellation.IsCancellationRequested)
        {
            var batch = next(after, batchSize);
            if (batch.Count == 0)
            {
                break;
            }
            failed += IndexBatch(batch);
            after = batch[^1].ItemId;
            done += batch.Count;
            progress?.Invoke(new IndexProgress(done, Math.Max(total, done), failed));
        }
        if (done >= RefreshStatisticsAfter && !cancellation.IsCancellationRequested)
        {
            _index.RefreshStatistics();
        }
        return done;
    }

    /// <summary>Extracts and writes one batch in one transaction; returns how many had text that could not be read.</summary>
    private int IndexBatch(IReadOnlyList<IndexCandidate> batch)
    {
        long bytesRead = 0;
        var entries = new List<IndexedText>(batch.Count);
        foreach (var candidate in batch)
        {
            // One original in memory at a time; a large one gives its memory back before the next
            // is read (and before its reservation is), small ones after the batch.
            using var lease = MemoryBudget?.Reserve(candidate.Size);
            var read = Extract(candidate, entries);
            if (read >= LargeObjectRelease.BatchBytes)
            {
                LargeObjectRelease.After(read);
            }
            else
            {
                bytesRead += read;
            }
        }
        _index.Write(entries, _clock.GetUtcNow());
        LargeObjectRelease.After(bytesRead);
        return entries.Count(e => e.Failure is not null);
    }

    /// <summary>Reads one original and adds its entry; returns the original's size. Not inlined, so nothing of the original outlives it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private long Extract(IndexCandidate candidate, List<IndexedText> entries)
    {
        var original = _archive.GetOriginal(candidate.ItemId);
        entries.Add(SearchTextExtractor.Extract(candidate.ItemId, original, candidate.Subject));
        return original?.Length ?? 0;
    }

    public JournalIndexStatus GetStatus(string location)
    {
        var counts = _index.GetCounts();
        var now = _clock.GetUtcNow();
        var pending = Math.Max(0, counts.Items - counts.Indexed);
        return new JournalIndexStatus
        {
            Store = location,
            Items = counts.Items,
            Indexed = counts.Indexed,
            Pending = pending,
            Failed = counts.Failed,
            OldestPending = counts.OldestPendingReceived,
            Lag = counts.OldestPendingReceived is { } oldest ? (now > oldest ? now - oldest : TimeSpan.Zero) : null,
            LastIndexed = counts.LastIndexed,
            Failures = counts.Failed == 0 ? Array.Empty<JournalIndexFailure>() : _index.GetFailures(100),
        };
    }
}

/// <summary>
/// Search-JournalMessage: plans the query (engine), lets the backend find the ids, returns the
/// same objects Get-JournalMessage does, and writes every search to the event log (who, what, how many).
/// </summary>
public sealed class JournalSearch
{
    private readonly IJournalArchive _archive;
    private readonly IJournalSearchIndex _index;
    private readonly IJournalStore _store;
    private readonly TimeProvider _clock;

    public JournalSearch(IJournalArchive archive, IJournalSearchIndex index, IJournalStore store, TimeProvider? clock = null)
    {
        _archive = archive;
        _index = index;
        _store = store;
        _clock = clock ?? TimeProvider.System;
    }

    /// <param name="scopeText">How the caller limited the search (-Definition, -Mailbox), for the event log.</param>
    public IReadOnlyList<JournalMessage> Search(string query, SearchScope scope, string user, string? scopeText = null)
    {
        var condition = SearchPlanner.Plan(query);
        var ids = _index.Search(condition, scope);
        var messages = _archive.GetMessagesById(ids);
        _store.RecordEvents([new JournalEvent
        {
            Time = _clock.GetUtcNow(),
            User = user,
            ObjectType = JournalObjectType.Search,
            ObjectName = query.Length > 1000 ? query[..1000] + "…" : query,
            Action = "Searched",
            Property = scopeText is null ? "Results" : $"Results ({scopeText})",
            NewValue = messages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }]);
        return messages;
    }
}
