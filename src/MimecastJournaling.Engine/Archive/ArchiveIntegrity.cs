using System.Globalization;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Archive;

/// <summary>What is wrong with one stored thing.</summary>
public enum ArchiveIntegrityProblemKind
{
    /// <summary>The stored bytes do not decode, or do not hash to the SHA-256 recorded at ingest.</summary>
    Damaged,
    /// <summary>An item or report names bytes the archive no longer holds.</summary>
    Missing,
    /// <summary>An event's fields no longer hash to the hash it was written with (it was edited).</summary>
    EventAltered,
    /// <summary>An event's previous hash is not the hash of the event before it (an event between them was removed).</summary>
    EventChainBroken,
    /// <summary>An event the chain never took in (written behind the store's back).</summary>
    EventNotChained,
    /// <summary>The stored chain head names an event the log no longer ends with (the newest events were removed).</summary>
    EventChainTruncated,
}

/// <summary>One damaged or missing item, report or event; ObjectKind is Original, ClearTextCopy, Report or Event, Id the item's, report's or event's id.</summary>
public sealed record ArchiveIntegrityProblem(ArchiveIntegrityProblemKind Problem, string ObjectKind, long Id, string? Hash, string Message);

/// <summary>The outcome of one integrity check.</summary>
public sealed record ArchiveIntegrityResult
{
    public bool Passed => Problems.Count == 0;
    public DateTimeOffset Started { get; init; }
    public DateTimeOffset Finished { get; init; }
    public double SamplePercent { get; init; }
    /// <summary>Distinct stored messages and reports (by hash) in the archive, and how many this run re-hashed.</summary>
    public int BlobsTotal { get; init; }
    public int BlobsChecked { get; init; }
    public long EventsChecked { get; init; }
    /// <summary>WORM objects (one per distinct original of the sample) read back from the object store and re-hashed, or found missing; 0 without an object store.</summary>
    public int ObjectsChecked { get; init; }
    /// <summary>
    /// WORM objects of the sample not in the bucket yet because their originals were archived after
    /// the start of the last completed sync pass (or before any pass completed): the next pass copies
    /// them. Not a problem, so they do not fail the check.
    /// </summary>
    public int ObjectsPending { get; init; }
    public IReadOnlyList<ArchiveIntegrityProblem> Problems { get; init; } = [];
    public int Damaged => Problems.Count(p => p.Problem == ArchiveIntegrityProblemKind.Damaged);
    public int Missing => Problems.Count(p => p.Problem == ArchiveIntegrityProblemKind.Missing);
    public int ChainProblems => Problems.Count(p => p.Problem is not (ArchiveIntegrityProblemKind.Damaged or ArchiveIntegrityProblemKind.Missing));
}

/// <summary>How far a check has come (Phase: Originals, Objects, EventChain).</summary>
public sealed record ArchiveIntegrityProgress(string Phase, long Done, long Total);

/// <summary>
/// The integrity check, the same for every backend: re-hashes the stored originals, clear-text
/// copies and reports (all, or a random sample) against the SHA-256 recorded at ingest (the
/// content-addressed key), walks the event chain, and logs the run as an Archive event.
/// </summary>
public static class ArchiveIntegrity
{
    public const string EventName = "Integrity";
    public const string EventAction = "IntegrityChecked";
    private const int ChainPage = 1000;

    public static ArchiveIntegrityResult Run(IJournalStore store, IJournalArchive archive, double samplePercent, string user,
        TimeProvider clock, Action<ArchiveIntegrityProgress>? progress, CancellationToken cancellationToken, Random? random = null,
        ObjectStorage.IOriginalObjectStore? objects = null)
    {
        if (double.IsNaN(samplePercent) || samplePercent <= 0 || samplePercent > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(samplePercent), samplePercent, "The sample is a percentage above 0 and at most 100.");
        }
        if (store is not IEventChainSource chain || archive is not IArchiveBlobInventory inventory)
        {
            throw new JournalConfigurationException("ArchiveIntegrityUnsupported", JournalErrorKind.InvalidOperation,
                "This store cannot be checked: it keeps no event chain or blob inventory.");
        }
        var started = clock.GetUtcNow();
        var problems = new List<ArchiveIntegrityProblem>();
        var references = inventory.GetBlobReferences();
        var byHash = references.GroupBy(r => r.Hash, StringComparer.OrdinalIgnoreCase).ToList();
        var chosen = Sample(byHash, samplePercent, random ?? Random.Shared);
        var done = 0;
        foreach (var group in chosen)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (CheckBlob(inventory, group.Key) is { } fault)
            {
                problems.AddRange(group.Select(r => new ArchiveIntegrityProblem(fault.Kind, r.Kind.ToString(), r.Id, r.Hash,
                    $"{Describe(r)}: {fault.Message}")));
            }
            progress?.Invoke(new ArchiveIntegrityProgress("Originals", ++done, chosen.Count));
        }
        int objectsChecked = 0, objectsPending = 0;
        if (objects is not null)
        {
            // The sample's originals, read back from the WORM bucket (a bucket that cannot be read ends the check).
            // Those archived after the last completed sync pass may not be there yet: pending, not missing.
            var found = ObjectStorage.WormOriginals.CheckObjects(chosen.SelectMany(g => g), objects, ObjectStorage.JournalObjectStores.SyncedThrough(store),
                (done, total) => progress?.Invoke(new ArchiveIntegrityProgress("Objects", done, total)), cancellationToken);
            objectsChecked = found.Checked;
            objectsPending = found.Pending;
            problems.AddRange(found.Problems);
            // A missing object loses what the sync recorded of it, so the next pass writes it again.
            ObjectStorage.JournalObjectStores.ForgetRecords(store, archive,
                found.Problems.Where(p => p.Problem == ArchiveIntegrityProblemKind.Missing && p.Hash is not null).Select(p => p.Hash!.ToLowerInvariant()).Distinct().ToList());
        }
        var events = VerifyChain(chain, problems, progress, cancellationToken);
        var result = new ArchiveIntegrityResult
        {
            Started = started,
            Finished = clock.GetUtcNow(),
            SamplePercent = samplePercent,
            BlobsTotal = byHash.Count,
            BlobsChecked = chosen.Count,
            EventsChecked = events,
            ObjectsChecked = objectsChecked,
            ObjectsPending = objectsPending,
            Problems = problems,
        };
        store.RecordEvents([new JournalEvent
        {
            Time = result.Finished,
            User = user,
            ObjectType = JournalObjectType.Archive,
            ObjectName = EventName,
            Action = EventAction,
            Property = result.Passed ? "Passed" : "Failed",
            NewValue = Summary(result),
        }]);
        return result;
    }

    /// <summary>One line for the event log and alerts: what was checked and what was found.</summary>
    public static string Summary(ArchiveIntegrityResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{(r.Passed ? "Passed" : "Failed")}: {r.BlobsChecked} of {r.BlobsTotal} stored messages and reports re-hashed ({r.SamplePercent:0.##}%), {(r.ObjectsChecked > 0 ? $"{r.ObjectsChecked} WORM objects re-hashed, " : string.Empty)}{(r.ObjectsPending > 0 ? $"{r.ObjectsPending} WORM objects pending (archived since the last completed sync pass, copied by the next), " : string.Empty)}{r.EventsChecked} events verified; {r.Damaged} damaged, {r.Missing} missing, {r.ChainProblems} event chain problems.");

    private static List<IGrouping<string, ArchiveBlobReference>> Sample(List<IGrouping<string, ArchiveBlobReference>> all, double percent, Random random)
    {
        if (percent >= 100)
        {
            return all;
        }
        var count = Math.Max(all.Count == 0 ? 0 : 1, (int)Math.Ceiling(all.Count * percent / 100));
        return all.OrderBy(_ => random.Next()).Take(count).ToList();
    }

    private static (ArchiveIntegrityProblemKind Kind, string Message)? CheckBlob(IArchiveBlobInventory inventory, string hash)
    {
        byte[]? bytes;
        try
        {
            bytes = inventory.ReadBlob(hash);
        }
        catch (Exception e) when (e is not JournalConfigurationException and not OperationCanceledException)
        {
            return (ArchiveIntegrityProblemKind.Damaged, "the stored bytes cannot be decoded (" + e.Message + ")");
        }
        if (bytes is null)
        {
            return (ArchiveIntegrityProblemKind.Missing, "the stored bytes are missing from the archive");
        }
        var actual = ContentFingerprint.Sha256(bytes);
        return actual.Equals(hash, StringComparison.OrdinalIgnoreCase)
            ? null
            : (ArchiveIntegrityProblemKind.Damaged, $"the stored bytes hash to {actual}, not to {hash} recorded at ingest");
    }

    private static string Describe(ArchiveBlobReference r) => r.Kind switch
    {
        ArchiveBlobKind.Report => $"Report {r.Id}",
        ArchiveBlobKind.ClearTextCopy => $"The clear-text copy of item {r.Id}",
        _ => $"The original of item {r.Id}",
    };

    private static long VerifyChain(IEventChainSource chain, List<ArchiveIntegrityProblem> problems, Action<ArchiveIntegrityProgress>? progress, CancellationToken cancellationToken)
    {
        var previousHash = EventChain.Genesis;
        var lastId = 0L;
        var checkedCount = 0L;
        var head = chain.GetEventChainHead();
        // Events keep arriving while the walk runs: it goes on until it reaches the head it read last.
        for (var round = 0; ; round++)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var page = chain.GetEventChain(lastId, ChainPage);
                foreach (var c in page)
                {
                    var id = c.Event.Id;
                    if (c.Hash is null || c.PreviousHash is null)
                    {
                        problems.Add(new(ArchiveIntegrityProblemKind.EventNotChained, "Event", id, null,
                            $"Event {id} carries no chain hash: it was written without the chain."));
                    }
                    else
                    {
                        if (!c.PreviousHash.Equals(previousHash, StringComparison.OrdinalIgnoreCase))
                        {
                            problems.Add(new(ArchiveIntegrityProblemKind.EventChainBroken, "Event", id, c.Hash,
                                lastId == 0
                                    ? $"Event {id} is the first in the log but does not start the chain: the events before it were removed."
                                    : $"Event {id} does not follow event {lastId}: an event between them was removed or replaced."));
                        }
                        if (!EventChain.Hash(c.Event, c.PreviousHash).Equals(c.Hash, StringComparison.OrdinalIgnoreCase))
                        {
                            problems.Add(new(ArchiveIntegrityProblemKind.EventAltered, "Event", id, c.Hash,
                                $"Event {id} ({c.Event.ObjectType} '{c.Event.ObjectName}', {c.Event.Action}) was changed after it was written."));
                        }
                        previousHash = c.Hash;
                    }
                    lastId = id;
                    checkedCount++;
                }
                progress?.Invoke(new ArchiveIntegrityProgress("EventChain", checkedCount, Math.Max(head.Count, checkedCount)));
                if (page.Count < ChainPage)
                {
                    break;
                }
            }
            var now = chain.GetEventChainHead();
            if (now.LastId > lastId && round < 3)
            {
                head = now;
                continue;
            }
            if (now.LastId != lastId || !now.LastHash.Equals(previousHash, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(now.LastId > lastId
                    ? new(ArchiveIntegrityProblemKind.EventChainTruncated, "Event", now.LastId, now.LastHash,
                        $"The chain ends at event {now.LastId}, but the log ends at event {lastId}: the newest events were removed.")
                    : new(ArchiveIntegrityProblemKind.EventChainTruncated, "Event", lastId, previousHash,
                        $"The log ends at event {lastId}, but the chain head names event {now.LastId}: the log or the head was changed."));
            }
            return checkedCount;
        }
    }
}
