using System.Globalization;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Lifecycle;

namespace MimecastJournaling.Engine.ObjectStorage;

/// <summary>What one pass of <see cref="WormOriginals.Sync"/> did.</summary>
public sealed record WormSyncResult
{
    public int Originals { get; init; }
    public int Written { get; init; }
    public int AlreadyPresent { get; init; }
    public int HoldsSet { get; init; }
    public int HoldsCleared { get; init; }
    public int RetentionExtended { get; init; }
    /// <summary>Originals not (yet) in the bucket as they should be, with why.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];
}

/// <summary>
/// The WORM rules over the archive: each original in the bucket once, under its SHA-256, with
/// COMPLIANCE retain-until = the item's expiry (no retain-until while the item has none or its
/// expiry has passed: it is kept without end, and a later expiry is set by the next pass) and the legal-hold flag on exactly while
/// an active hold covers the item. Runs beside the archive (never before the SMTP 250).
/// </summary>
public static class WormOriginals
{
    public static WormSyncResult Sync(IJournalArchive archive, JournalLifecycle lifecycle, IOriginalObjectStore store, CancellationToken cancellation = default)
    {
        var inventory = (IArchiveBlobInventory)archive;
        var originals = inventory.GetBlobReferences().Where(r => r.Kind == ArchiveBlobKind.Original).ToList();
        int written = 0, present = 0, set = 0, cleared = 0, extended = 0;
        var failures = new List<string>();
        foreach (var reference in originals)
        {
            cancellation.ThrowIfCancellationRequested();
            var message = archive.GetMessage(reference.Id);
            if (message is null)
            {
                continue;
            }
            message = lifecycle.WithHolds([message]).Single();
            var held = message.Holds.Count > 0;
            // S3 refuses a retain-until in the past (and an expired item needs no lock).
            var retainUntil = message.ExpiresOn is { } expires && expires > DateTimeOffset.UtcNow ? expires : (DateTimeOffset?)null;
            try
            {
                var head = store.HeadAsync(reference.Hash, cancellation).GetAwaiter().GetResult();
                if (head is null)
                {
                    var bytes = inventory.ReadBlob(reference.Hash);
                    if (bytes is null || ContentFingerprint.Sha256(bytes) != reference.Hash.ToLowerInvariant())
                    {
                        failures.Add($"The original of item {reference.Id} is missing or damaged in the archive; it was not copied to the bucket.");
                        continue;
                    }
                    if (store.PutOnceAsync(reference.Hash, bytes, retainUntil, held, cancellation).GetAwaiter().GetResult() == ObjectPutOutcome.Written)
                    {
                        written++;
                    }
                    else
                    {
                        present++;
                    }
                    continue;
                }
                present++;
                if (head.LegalHold != held)
                {
                    store.SetLegalHoldAsync(reference.Hash, held, cancellation).GetAwaiter().GetResult();
                    if (held) set++; else cleared++;
                }
                if (retainUntil is { } expiry && (head.RetainUntil is null || head.RetainUntil < expiry))
                {
                    store.SetRetainUntilAsync(reference.Hash, expiry, cancellation).GetAwaiter().GetResult();
                    extended++;
                }
            }
            catch (ObjectStoreException e)
            {
                failures.Add($"Item {reference.Id}: {e.Message}");
            }
        }
        return new WormSyncResult
        {
            Originals = originals.Count, Written = written, AlreadyPresent = present,
            HoldsSet = set, HoldsCleared = cleared, RetentionExtended = extended, Failures = failures,
        };
    }

    /// <summary>Every original whose object is missing from the bucket or does not hash to the SHA-256 recorded at ingest.</summary>
    public static IReadOnlyList<ArchiveIntegrityProblem> CheckObjects(IArchiveBlobInventory inventory, IOriginalObjectStore store, CancellationToken cancellation = default)
    {
        var problems = new List<ArchiveIntegrityProblem>();
        foreach (var reference in inventory.GetBlobReferences().Where(r => r.Kind == ArchiveBlobKind.Original).DistinctBy(r => r.Hash))
        {
            cancellation.ThrowIfCancellationRequested();
            var bytes = store.GetAsync(reference.Hash, cancellation).GetAwaiter().GetResult();
            if (bytes is null)
            {
                problems.Add(new(ArchiveIntegrityProblemKind.Missing, "Object", reference.Id, reference.Hash,
                    $"The WORM object of item {reference.Id} is missing from the bucket."));
            }
            else if (ContentFingerprint.Sha256(bytes) is var actual && !actual.Equals(reference.Hash, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(new(ArchiveIntegrityProblemKind.Damaged, "Object", reference.Id, reference.Hash,
                    $"The WORM object of item {reference.Id} hashes to {actual}, not to {reference.Hash} recorded at ingest."));
            }
        }
        return problems;
    }
}

/// <summary>
/// <see cref="IOriginalLock"/> over the bucket: an item's original may not be removed while its
/// object's COMPLIANCE retain-until is in the future or its legal-hold flag is on. When the bucket
/// cannot be asked, removal is refused too (the lock cannot be ruled out).
/// </summary>
public sealed class WormOriginalLock(IArchiveBlobInventory inventory, IOriginalObjectStore store) : IOriginalLock
{
    public string? ForbidsRemoval(LifecycleItem item, DateTimeOffset now)
    {
        foreach (var reference in inventory.GetBlobReferences().Where(r => r.Kind == ArchiveBlobKind.Original && r.Id == item.Id))
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
}
