using System.Globalization;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Lifecycle;

namespace MimecastJournaling.Engine.ObjectStorage;

/// <summary>What one pass of <see cref="WormOriginals.Sync"/> did.</summary>
public sealed record WormSyncResult
{
    /// <summary>Items with an original.</summary>
    public int Originals { get; init; }
    /// <summary>Distinct originals (by SHA-256): one object each.</summary>
    public int Objects { get; init; }
    /// <summary>Objects in the bucket after the pass (written now or before).</summary>
    public int InBucket => Written + AlreadyPresent + Skipped;
    public int Written { get; init; }
    /// <summary>Objects the bucket was asked about (HEAD) and found there.</summary>
    public int AlreadyPresent { get; init; }
    /// <summary>
    /// Objects whose recorded state (what an earlier pass set in this bucket) already is what it
    /// should be: no bucket call was made for them. Always 0 with -Full.
    /// </summary>
    public int Skipped { get; init; }
    public int HoldsSet { get; init; }
    public int HoldsCleared { get; init; }
    public int RetentionExtended { get; init; }
    /// <summary>Originals not (yet) in the bucket as they should be, with why.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];
    /// <summary>
    /// The highest item id whose original this pass looked at (0 when the archive held none): the
    /// watermark of the object check. Item ids come from the store's sequence, so the watermark
    /// means the same on every host whatever its clock.
    /// </summary>
    public long CoveredThroughId { get; init; }
}

/// <summary>Where a sync pass reads and records what it set on each object: <paramref name="States"/> of the bucket named by <paramref name="StoreKey"/>.</summary>
public sealed record WormSyncRecords(IWormObjectStates States, string StoreKey);

/// <summary>What <see cref="WormOriginals.CheckObjects(IEnumerable{ArchiveBlobReference}, IOriginalObjectStore, long?, Action{int, int}?, CancellationToken)"/> found.</summary>
public sealed record WormObjectCheck
{
    /// <summary>Objects missing (for an original a completed sync pass covered) or not hashing to the SHA-256 recorded at ingest.</summary>
    public IReadOnlyList<ArchiveIntegrityProblem> Problems { get; init; } = [];
    /// <summary>Objects read back and re-hashed, or found missing: every distinct original looked for, less the pending ones.</summary>
    public int Checked { get; init; }
    /// <summary>Objects not in the bucket yet whose originals were archived after the last completed sync pass (or before any): not a problem.</summary>
    public int Pending { get; init; }
}

/// <summary>
/// The WORM rules over the archive: each original in the bucket once, under its SHA-256, with
/// COMPLIANCE retain-until = the item's expiry (no retain-until while the item has none or its
/// expiry has passed: it is kept without end, and a later expiry is set by the next pass) and the legal-hold flag on exactly while
/// an active hold covers the item. Runs beside the archive (never before the SMTP 250).
/// </summary>
public static class WormOriginals
{
    /// <summary>Items whose retention facts and holds are read in one go.</summary>
    public const int BatchSize = 200;

    /// <summary>One pass that asks the bucket about every object and records nothing (no <see cref="IWormObjectStates"/>).</summary>
    public static WormSyncResult Sync(IJournalArchive archive, JournalLifecycle lifecycle, IOriginalObjectStore store, CancellationToken cancellation = default) =>
        Sync(archive, lifecycle, store, null, full: false, cancellation);

    /// <summary>
    /// One pass. With <paramref name="records"/>, an original whose recorded state in that bucket
    /// already is what it should be (<see cref="IsUpToDate"/>) is Skipped without a bucket call; every
    /// other one is asked (HEAD) and written or updated, and its state recorded once the bucket
    /// calls succeeded. <paramref name="full"/> asks the bucket about every object whatever is
    /// recorded (and records what it finds): the repair after objects were changed outside the module.
    /// </summary>
    /// <param name="beforeBatch">Called before each batch of <see cref="BatchSize"/> objects (the caller renews its lease there; an exception ends the pass).</param>
    public static WormSyncResult Sync(IJournalArchive archive, JournalLifecycle lifecycle, IOriginalObjectStore store, WormSyncRecords? records, bool full,
        CancellationToken cancellation = default, Action? beforeBatch = null)
    {
        var inventory = (IArchiveBlobInventory)archive;
        var originals = inventory.GetBlobReferences().Where(r => r.Kind == ArchiveBlobKind.Original).ToList();
        var covered = originals.Count == 0 ? 0 : originals.Max(r => r.Id);
        // S3 compares retain-until with its own clock; the rules compare with the lifecycle's.
        var now = lifecycle.Clock.GetUtcNow();
        var tally = new Tally();
        // One object per content hash: the same original archived twice is held while any of its
        // items is held, and locked until the latest of their expiries.
        var byHash = originals.GroupBy(r => r.Hash.ToLowerInvariant()).ToList();
        foreach (var batch in byHash.Chunk(Math.Max(1, BatchSize)))
        {
            cancellation.ThrowIfCancellationRequested();
            beforeBatch?.Invoke();
            var states = lifecycle.HoldStates(batch.SelectMany(g => g).Select(r => r.Id).ToList()).ToDictionary(s => s.Item.Id);
            var recorded = records is null
                ? new Dictionary<string, WormObjectState>()
                : records.States.ReadWormStates(records.StoreKey, batch.Select(g => g.Key).ToList());
            // What the bucket calls of this batch made of each object, recorded once they succeeded
            // (also when the pass stops or the bucket fails part way).
            var learned = new List<WormObjectState>();
            try
            {
                foreach (var group in batch)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var items = group.Where(r => states.ContainsKey(r.Id)).Select(r => states[r.Id]).ToList();
                    if (items.Count == 0)
                    {
                        continue; // removed meanwhile
                    }
                    var held = items.Any(i => i.Held);
                    // S3 refuses a retain-until in the past (and an expired item needs no lock).
                    var retainUntil = items.Select(i => i.Item.ExpiresOn).Where(e => e is { } x && x > now).Max();
                    var known = recorded.GetValueOrDefault(group.Key);
                    if (!full && IsUpToDate(known, held, retainUntil))
                    {
                        tally.Skipped++;
                    }
                    else if (Bring(store, inventory, group.Key, items[0].Item.Id, held, retainUntil, known, tally, cancellation) is { } state)
                    {
                        learned.Add(state);
                    }
                }
            }
            finally
            {
                if (records is not null && learned.Count > 0)
                {
                    records.States.SaveWormStates(records.StoreKey, learned, lifecycle.Clock.GetUtcNow());
                }
            }
        }
        return new WormSyncResult
        {
            Originals = originals.Count, Objects = byHash.Count, Written = tally.Written, AlreadyPresent = tally.Present, Skipped = tally.Skipped,
            HoldsSet = tally.HoldsSet, HoldsCleared = tally.HoldsCleared, RetentionExtended = tally.Extended, Failures = tally.Failures, CoveredThroughId = covered,
        };
    }

    /// <summary>
    /// Asks the bucket about one object (HEAD) and writes it, or sets its legal hold and extends its
    /// retain-until as <paramref name="held"/> and <paramref name="retainUntil"/> want; returns the
    /// state the object has now, or null when nothing can be recorded (a failure, counted in
    /// <paramref name="tally"/>, or an object another pass wrote meanwhile). A bucket that cannot be
    /// reached is thrown: it ends the pass instead of failing every object in turn.
    /// </summary>
    private static WormObjectState? Bring(IOriginalObjectStore store, IArchiveBlobInventory inventory, string hash, long firstItem, bool held,
        DateTimeOffset? retainUntil, WormObjectState? known, Tally tally, CancellationToken cancellation)
    {
        try
        {
            var head = store.HeadAsync(hash, cancellation).GetAwaiter().GetResult();
            if (head is null)
            {
                var bytes = inventory.ReadBlob(hash);
                if (bytes is null || ContentFingerprint.Sha256(bytes) != hash)
                {
                    tally.Failures.Add($"The original of item {firstItem} is missing or damaged in the archive; it was not copied to the bucket.");
                    return null;
                }
                if (store.PutOnceAsync(hash, bytes, retainUntil, held, cancellation).GetAwaiter().GetResult() == ObjectPutOutcome.Written)
                {
                    tally.Written++;
                    return new WormObjectState(hash, retainUntil, held, Written: true);
                }
                // Written meanwhile by another pass, with a lock of its own: asked again next pass.
                tally.Present++;
                return null;
            }
            tally.Present++;
            if (head.LegalHold != held)
            {
                store.SetLegalHoldAsync(hash, held, cancellation).GetAwaiter().GetResult();
                if (held) tally.HoldsSet++; else tally.HoldsCleared++;
            }
            var lockedUntil = head.RetainUntil;
            if (retainUntil is { } expiry && (head.RetainUntil is null || head.RetainUntil < expiry))
            {
                store.SetRetainUntilAsync(hash, expiry, cancellation).GetAwaiter().GetResult();
                tally.Extended++;
                lockedUntil = expiry;
            }
            return new WormObjectState(hash, lockedUntil, held, Written: known?.Written ?? false);
        }
        catch (ObjectStoreException e) when (e.Failure is not (ObjectStoreFailure.Unavailable or ObjectStoreFailure.NoSuchBucket))
        {
            tally.Failures.Add($"Item {firstItem}: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            tally.Failures.Add($"The original of item {firstItem} cannot be decoded in the archive ({e.Message}); it was not copied to the bucket.");
        }
        return null;
    }

    /// <summary>A pass's counts, as the objects go by.</summary>
    private sealed class Tally
    {
        public int Written, Present, Skipped, HoldsSet, HoldsCleared, Extended;
        public List<string> Failures { get; } = [];
    }

    /// <summary>
    /// The rule of what needs no bucket call: the object's recorded state (null: none) has the legal
    /// hold the holds want, and is locked at least until the retain-until wanted (none wanted: any
    /// lock will do, as a lock is never shortened). Anything else, including no record, is asked.
    /// </summary>
    public static bool IsUpToDate(WormObjectState? recorded, bool held, DateTimeOffset? retainUntil) =>
        recorded is not null && recorded.LegalHold == held
        && (retainUntil is not { } wanted || recorded.RetainUntil is { } until && until >= wanted);

    /// <summary>Every original whose object is missing from the bucket (and a completed sync pass covered it) or does not hash to the SHA-256 recorded at ingest.</summary>
    public static WormObjectCheck CheckObjects(IArchiveBlobInventory inventory, IOriginalObjectStore store, long? syncedThrough, CancellationToken cancellation = default) =>
        CheckObjects(inventory.GetBlobReferences(), store, syncedThrough, null, cancellation);

    /// <summary>
    /// The objects of the originals among <paramref name="references"/> (a sample), one read per
    /// distinct hash; a bucket that cannot be read is a failure (ObjectStoreException). Originals
    /// reach the bucket by a sync pass, not at ingest: an absent object is Missing only when its
    /// original (its earliest item) is at or below <paramref name="syncedThrough"/>, the highest item
    /// id the last completed pass covered; above it, or when no pass has completed (null), it is pending.
    /// </summary>
    public static WormObjectCheck CheckObjects(IEnumerable<ArchiveBlobReference> references, IOriginalObjectStore store, long? syncedThrough, Action<int, int>? progress, CancellationToken cancellation = default)
    {
        var problems = new List<ArchiveIntegrityProblem>();
        // The same original archived twice is one object, covered once its earliest item was.
        var originals = references.Where(r => r.Kind == ArchiveBlobKind.Original)
            .GroupBy(r => r.Hash.ToLowerInvariant()).Select(g => g.MinBy(r => r.Id)!).ToList();
        int done = 0, pending = 0;
        foreach (var reference in originals)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Invoke(done++, originals.Count);
            var bytes = store.GetAsync(reference.Hash, cancellation).GetAwaiter().GetResult();
            if (bytes is null)
            {
                if (syncedThrough is not { } watermark || reference.Id > watermark)
                {
                    pending++;
                    continue;
                }
                problems.Add(new(ArchiveIntegrityProblemKind.Missing, "Object", reference.Id, reference.Hash,
                    $"The WORM object of item {reference.Id} is missing from the bucket."));
            }
            else if (ContentFingerprint.Sha256(bytes) is var actual && !actual.Equals(reference.Hash, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(new(ArchiveIntegrityProblemKind.Damaged, "Object", reference.Id, reference.Hash,
                    $"The WORM object of item {reference.Id} hashes to {actual}, not to {reference.Hash} recorded at ingest."));
            }
        }
        return new WormObjectCheck { Problems = problems, Checked = originals.Count - pending, Pending = pending };
    }
}

/// <summary>
/// <see cref="IOriginalLock"/> over the bucket: an item's original may not be removed while its
/// object's COMPLIANCE retain-until is in the future or its legal-hold flag is on. When the bucket
/// cannot be asked, removal is refused too (the lock cannot be ruled out). Removing an item removes
/// its object first (every version), unless another item still refers to the same original.
/// </summary>
public sealed class WormOriginalLock(IArchiveBlobInventory inventory, IOriginalObjectStore store) : IOriginalLock
{
    public string? ForbidsRemoval(LifecycleItem item, DateTimeOffset now)
    {
        foreach (var reference in inventory.GetOriginalReferences([item.Id]).Where(r => r.Id == item.Id))
        {
            StoredObjectInfo? head;
            try
            {
                head = store.HeadAsync(reference.Hash).GetAwaiter().GetResult();
            }
            catch (ObjectStoreException e)
            {
                return $"the WORM bucket could not be asked whether the original is locked ({e.Message})";
            }
            if (head?.LegalHold == true)
            {
                return $"its WORM object {head.Key} is under an object legal hold.";
            }
            if (head?.RetainUntil is { } until && until > now)
            {
                return string.Create(CultureInfo.InvariantCulture, $"its WORM object {head.Key} is locked ({head.Mode}) until {until:u}.");
            }
        }
        return null;
    }

    public IReadOnlyDictionary<long, string> RemoveOriginals(IReadOnlyList<LifecycleItem> items)
    {
        var refused = new Dictionary<long, string>();
        if (items.Count == 0)
        {
            return refused;
        }
        var removing = items.Select(i => i.Id).ToHashSet();
        foreach (var group in inventory.GetOriginalReferences(removing).GroupBy(r => r.Hash.ToLowerInvariant()))
        {
            var mine = group.Where(r => removing.Contains(r.Id)).Select(r => r.Id).ToList();
            if (mine.Count == 0 || group.Any(r => !removing.Contains(r.Id)))
            {
                continue; // another item keeps this original, and its object with it
            }
            try
            {
                store.DeleteAsync(group.Key).GetAwaiter().GetResult();
            }
            catch (ObjectStoreException e)
            {
                var why = e.Failure == ObjectStoreFailure.AccessDenied
                    ? $"the WORM store refused to delete its original's object ({e.Message})."
                    : $"its original's object could not be deleted from the WORM store ({e.Message}).";
                foreach (var id in mine)
                {
                    refused[id] = why;
                }
            }
        }
        return refused;
    }
}
