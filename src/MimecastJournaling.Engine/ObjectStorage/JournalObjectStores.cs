using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Lifecycle;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.ObjectStorage;

/// <summary>
/// The WORM object store as the configuration store keeps it (Set-JournalObjectStore): where the
/// bucket is and how objects are named and locked. Never a credential: those come from the AWS
/// default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, an instance role).
/// </summary>
public sealed record JournalObjectStoreSettings
{
    public required string Bucket { get; init; }
    /// <summary>A non-AWS endpoint (http(s)://host:port), or null for AWS itself.</summary>
    public string? Endpoint { get; init; }
    public string Region { get; init; } = "us-east-1";
    public string KeyPrefix { get; init; } = "originals/";
    /// <summary>COMPLIANCE (nobody can shorten or remove a lock) or GOVERNANCE (a privileged user can).</summary>
    public string LockMode { get; init; } = "COMPLIANCE";
    public DateTimeOffset Updated { get; init; }
    public string? UpdatedBy { get; init; }

    public S3ObjectStoreOptions ToOptions() => new()
    {
        Bucket = Bucket,
        Endpoint = Endpoint is null ? null : new Uri(Endpoint),
        Region = Region,
        KeyPrefix = KeyPrefix,
        LockMode = LockMode,
    };
}

/// <summary>What the last WORM sync pass did (the listener's loop or Sync-JournalObjectStore).</summary>
public sealed record WormSyncStatus
{
    /// <summary>When the last completed pass finished; the node of the last pass, completed or not.</summary>
    public DateTimeOffset? LastSync { get; init; }
    public string? Node { get; init; }
    /// <summary>When the last completed pass started (the pass of <see cref="CoveredThroughId"/>).</summary>
    public DateTimeOffset? LastSyncStarted { get; init; }
    /// <summary>
    /// The highest item id the last completed pass covered, in the bucket of <see cref="Store"/>;
    /// null before any pass completed. Originals above it are pending, not missing, in the object check.
    /// </summary>
    public long? CoveredThroughId { get; init; }
    /// <summary>The bucket the watermark is about (endpoint, bucket, key prefix): a moved store starts without one.</summary>
    public string? Store { get; init; }
    /// <summary>When the pass under way (or the last one that did not complete) started, and on which node; null when none is.</summary>
    public DateTimeOffset? RunningSince { get; init; }
    public string? RunningNode { get; init; }
    /// <summary>Items with an original, and distinct originals (one object each), at the last pass.</summary>
    public int Originals { get; init; }
    public int Objects { get; init; }
    /// <summary>Objects in the bucket after the last pass, of them written by it.</summary>
    public int InBucket { get; init; }
    public int Written { get; init; }
    /// <summary>Objects the last pass made no bucket call for: their recorded state already was what it should be.</summary>
    public int Skipped { get; init; }
    public int Failed { get; init; }
    /// <summary>The last pass's first failure, or its store trouble; null when it had none.</summary>
    public string? LastError { get; init; }
}

/// <summary>What Get-JournalObjectStore shows: the setting and the sync status. No credential, ever.</summary>
public sealed record JournalObjectStoreInfo
{
    public required string Bucket { get; init; }
    public string? Endpoint { get; init; }
    public required string Region { get; init; }
    public required string KeyPrefix { get; init; }
    public required string LockMode { get; init; }
    public string Credentials { get; init; } = "AWS default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance role); never stored";
    public DateTimeOffset Updated { get; init; }
    public string? UpdatedBy { get; init; }
    public DateTimeOffset? LastSync { get; init; }
    public string? LastSyncNode { get; init; }
    /// <summary>When the last completed pass started; originals archived after it are pending.</summary>
    public DateTimeOffset? LastSyncStarted { get; init; }
    /// <summary>Distinct originals the archive holds now.</summary>
    public int Originals { get; init; }
    /// <summary>Objects in the bucket after the last pass.</summary>
    public int Written { get; init; }
    /// <summary>Distinct originals archived after the last completed pass (all of them before any): not copied to the bucket yet.</summary>
    public int Pending { get; init; }
    public int Failed { get; init; }
    public string? LastError { get; init; }
}

/// <summary>
/// Reads and writes the object store setting and the sync status (two settings rows; the status is
/// written without an event), opens the S3 store of a setting (one client per setting and process),
/// and runs one sync pass.
/// </summary>
public static partial class JournalObjectStores
{
    internal const string SettingName = "objectstore";
    internal const string StatusName = "objectstore.sync";
    private static readonly ConcurrentDictionary<S3ObjectStoreOptions, S3OriginalObjectStore> Clients = new();

    public static JournalObjectStoreSettings? Read(IJournalStore store) =>
        store.GetSetting(SettingName) is { } json ? JsonSerializer.Deserialize<JournalObjectStoreSettings>(json) : null;

    public static WormSyncStatus? ReadStatus(IJournalStore store) =>
        store.GetSetting(StatusName) is { } json ? JsonSerializer.Deserialize<WormSyncStatus>(json) : null;

    public static void WriteStatus(IJournalStore store, WormSyncStatus status, DateTimeOffset now) =>
        store.SetSetting(StatusName, JsonSerializer.Serialize(status), now, []);

    /// <summary>The setting and status as Get-JournalObjectStore shows them, or null when none is set.</summary>
    public static JournalObjectStoreInfo? Describe(IJournalStore store, IArchiveBlobInventory inventory)
    {
        if (Read(store) is not { } s)
        {
            return null;
        }
        var status = ReadStatus(store);
        var watermark = SyncedThrough(s, status);
        // One object per distinct original, covered once its earliest item was.
        var earliest = inventory.GetBlobReferences().Where(r => r.Kind == ArchiveBlobKind.Original)
            .GroupBy(r => r.Hash.ToLowerInvariant()).Select(g => g.Min(r => r.Id)).ToList();
        var originals = earliest.Count;
        var pending = earliest.Count(id => watermark is not { } w || id > w);
        var inBucket = status?.InBucket ?? 0;
        return new JournalObjectStoreInfo
        {
            Bucket = s.Bucket, Endpoint = s.Endpoint, Region = s.Region, KeyPrefix = s.KeyPrefix, LockMode = s.LockMode,
            Updated = s.Updated, UpdatedBy = s.UpdatedBy,
            LastSync = status?.LastSync, LastSyncNode = status?.Node, LastSyncStarted = watermark is null ? null : status?.LastSyncStarted,
            Originals = originals, Written = inBucket, Pending = pending, Failed = status?.Failed ?? 0, LastError = status?.LastError,
        };
    }

    /// <summary>
    /// Validates and stores the setting, logging each change. Changing the bucket, endpoint or key
    /// prefix of a setting already in use needs <paramref name="force"/>: the objects written so far
    /// stay where they are and are no longer checked or removed with their items.
    /// </summary>
    public static JournalObjectStoreSettings Save(IJournalStore store, JournalObjectStoreSettings settings, string user, bool force, TimeProvider? clock = null)
    {
        var s = Validate(settings);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var old = Read(store);
        if (old is not null && !force && (old.Bucket != s.Bucket || old.Endpoint != s.Endpoint || old.KeyPrefix != s.KeyPrefix))
        {
            throw new JournalConfigurationException("SetJournalObjectStoreChangeNeedsForce", JournalErrorKind.InvalidOperation,
                $"The object store is set to bucket {old.Bucket} (prefix '{old.KeyPrefix}'). Moving it leaves the originals written there unchecked and undeleted by retention; " +
                "add -Force to move it anyway, after copying the objects across if they must stay under watch.", s.Bucket);
        }
        s = s with { Updated = now, UpdatedBy = user };
        var changes = new SettingChanges(now, user, JournalObjectType.ObjectStore, "objectstore", created: old is null);
        changes.Record(nameof(s.Bucket), old?.Bucket, s.Bucket);
        changes.Record(nameof(s.Endpoint), old?.Endpoint, s.Endpoint);
        changes.Record(nameof(s.Region), old?.Region, s.Region);
        changes.Record(nameof(s.KeyPrefix), old?.KeyPrefix, s.KeyPrefix);
        changes.Record(nameof(s.LockMode), old?.LockMode, s.LockMode);
        store.SetSetting(SettingName, JsonSerializer.Serialize(s), now, changes.Events);
        return s;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex("^[a-z0-9-]{2,32}$")]
    private static partial Regex RegionName();

    /// <summary>The setting checked and normalized (lower-case bucket and region, upper-case lock mode), or a JournalConfigurationException saying what to give.</summary>
    public static JournalObjectStoreSettings Validate(JournalObjectStoreSettings s)
    {
        var bucket = (s.Bucket ?? string.Empty).Trim();
        if (!BucketName().IsMatch(bucket) || bucket.Contains(".."))
        {
            throw new JournalConfigurationException("SetJournalObjectStoreBucketInvalid", JournalErrorKind.InvalidArgument,
                $"'{s.Bucket}' is not an S3 bucket name: give 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.", s.Bucket);
        }
        string? endpoint = null;
        if (!string.IsNullOrWhiteSpace(s.Endpoint))
        {
            if (!Uri.TryCreate(s.Endpoint.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0
                || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            {
                // Never echoes the value: it might carry a key in its user part.
                throw new JournalConfigurationException("SetJournalObjectStoreEndpointInvalid", JournalErrorKind.InvalidArgument,
                    "-Endpoint must be the store's address as http(s)://host:port, without user name, password or query (credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE). Leave it out for AWS itself.");
            }
            endpoint = uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/";
        }
        var region = (s.Region ?? string.Empty).Trim().ToLowerInvariant();
        if (!RegionName().IsMatch(region))
        {
            throw new JournalConfigurationException("SetJournalObjectStoreRegionInvalid", JournalErrorKind.InvalidArgument,
                $"'{s.Region}' is not a region name: give one such as eu-central-1 (non-AWS stores usually take us-east-1).", s.Region);
        }
        var prefix = s.KeyPrefix ?? string.Empty;
        if (prefix.Length > 256 || prefix.StartsWith('/') || prefix.Any(char.IsControl) || prefix.Contains('\\'))
        {
            throw new JournalConfigurationException("SetJournalObjectStoreKeyPrefixInvalid", JournalErrorKind.InvalidArgument,
                $"-KeyPrefix must be at most 256 characters without control characters or backslashes and must not start with '/'; for example originals/.", s.KeyPrefix);
        }
        var mode = (s.LockMode ?? string.Empty).Trim().ToUpperInvariant();
        if (mode is not ("COMPLIANCE" or "GOVERNANCE"))
        {
            throw new JournalConfigurationException("SetJournalObjectStoreLockModeInvalid", JournalErrorKind.InvalidArgument,
                $"-LockMode must be Compliance (nobody can shorten a lock) or Governance (a privileged user can); '{s.LockMode}' is neither.", s.LockMode);
        }
        return s with { Bucket = bucket, Endpoint = endpoint, Region = region, KeyPrefix = prefix, LockMode = mode };
    }

    /// <summary>The S3 store of a setting; one client per setting and process (the SDK client is thread-safe).</summary>
    public static IOriginalObjectStore Open(JournalObjectStoreSettings settings) => Clients.GetOrAdd(settings.ToOptions(), o => new S3OriginalObjectStore(o));

    /// <summary>The configured store, or null when no object store is set.</summary>
    public static IOriginalObjectStore? OpenConfigured(IJournalStore store) => Read(store) is { } s ? Open(s) : null;

    /// <summary>
    /// Names the bucket a watermark and the recorded object states (<see cref="IWormObjectStates"/>) are
    /// about: moving the store (endpoint, bucket or key prefix) leaves both behind, so the first pass
    /// into the new bucket asks it about every object.
    /// </summary>
    public static string StoreKey(JournalObjectStoreSettings s) => $"{s.Endpoint}|{s.Bucket}|{s.KeyPrefix}";

    /// <summary>
    /// The highest item id the last completed sync pass into the configured bucket covered, or null
    /// when no store is set or no pass into it has completed: the object check's watermark.
    /// </summary>
    public static long? SyncedThrough(IJournalStore store) => Read(store) is { } s ? SyncedThrough(s, ReadStatus(store)) : null;

    private static long? SyncedThrough(JournalObjectStoreSettings settings, WormSyncStatus? status) =>
        status?.Store == StoreKey(settings) ? status.CoveredThroughId : null;

    /// <summary>
    /// One sync pass when an object store is configured (null otherwise): <see cref="WormOriginals.Sync"/>
    /// and its status in the store, written when the pass starts (RunningSince) and when it completes
    /// (the counts and the watermark). Store trouble of the bucket as a whole (unreachable, missing) is
    /// recorded as the status's LastError and thrown; the watermark stays that of the last completed pass.
    /// </summary>
    public static WormSyncResult? SyncConfigured(IJournalStore store, IJournalArchive archive, JournalLifecycle lifecycle, string node, CancellationToken cancellation = default) =>
        SyncConfigured(store, archive, lifecycle, node, full: false, cancellation);

    /// <summary>
    /// As <see cref="SyncConfigured(IJournalStore, IJournalArchive, JournalLifecycle, string, CancellationToken)"/>; the pass
    /// records what it set on each object in the archive's database (per <see cref="StoreKey"/>) and skips
    /// the objects already as they should be, unless <paramref name="full"/>: then every object is asked
    /// (HEAD) and the records are repaired (Sync-JournalObjectStore -Full).
    /// </summary>
    public static WormSyncResult? SyncConfigured(IJournalStore store, IJournalArchive archive, JournalLifecycle lifecycle, string node, bool full, CancellationToken cancellation = default)
    {
        if (Read(store) is not { } settings)
        {
            return null;
        }
        var objects = Open(settings);
        var started = lifecycle.Clock.GetUtcNow();
        // One pass at a time across the hosts of the store: the lease, renewed before every batch.
        var leases = store as IStoreLeases;
        var holder = $"{node}|{Environment.ProcessId}|{Guid.NewGuid():N}";
        if (leases is not null && !leases.TryTakeLease(SyncLease, holder, started, started + SyncLeaseLength))
        {
            throw Busy(leases, started);
        }
        try
        {
            return SyncLeased(store, archive, lifecycle, node, full, settings, objects, started, cancellation, leases is null ? null : () =>
            {
                var now = lifecycle.Clock.GetUtcNow();
                if (!leases.TryTakeLease(SyncLease, holder, now, now + SyncLeaseLength))
                {
                    throw Busy(leases, now);
                }
            });
        }
        finally
        {
            leases?.ReleaseLease(SyncLease, holder);
        }
    }

    /// <summary>The lease one WORM sync pass holds (<see cref="IStoreLeases"/>), renewed before each batch.</summary>
    public const string SyncLease = "objectstore.sync";

    /// <summary>How long the lease lasts without a renewal: a host that died in a pass holds up the others this long at most.</summary>
    public static readonly TimeSpan SyncLeaseLength = TimeSpan.FromMinutes(10);

    private static WormSyncBusyException Busy(IStoreLeases leases, DateTimeOffset now)
    {
        var lease = leases.GetLease(SyncLease);
        var node = lease?.Holder.Split('|')[0];
        return new WormSyncBusyException(node, lease?.Until,
            lease is null
                ? "Another WORM sync pass took over the object store's lease; this pass stopped."
                : string.Create(CultureInfo.InvariantCulture, $"A WORM sync pass is running on {node} (its lease runs until {lease.Until:u} unless renewed); one pass runs at a time. Run Sync-JournalObjectStore again once it has finished."));
    }

    private static WormSyncResult SyncLeased(IJournalStore store, IJournalArchive archive, JournalLifecycle lifecycle, string node, bool full,
        JournalObjectStoreSettings settings, IOriginalObjectStore objects, DateTimeOffset started, CancellationToken cancellation, Action? renew)
    {
        WriteStatus(store, (ReadStatus(store) ?? new WormSyncStatus()) with { RunningSince = started, RunningNode = node }, started);
        var key = StoreKey(settings);
        var records = archive is IWormObjectStates states ? new WormSyncRecords(states, key) : null;
        var result = WormOriginals.Sync(archive, lifecycle, objects, records, full, cancellation, renew);
        // Another node's pass may have completed meanwhile with a higher watermark: the higher one stands (both passes covered what they saw).
        var current = ReadStatus(store);
        var (coveredThrough, coveredStarted) = current?.Store == key && current.CoveredThroughId is { } other && other > result.CoveredThroughId
            ? (other, current.LastSyncStarted)
            : (result.CoveredThroughId, started);
        WriteStatus(store, new WormSyncStatus
        {
            LastSync = lifecycle.Clock.GetUtcNow(),
            Node = node,
            LastSyncStarted = coveredStarted,
            CoveredThroughId = coveredThrough,
            Store = key,
            Originals = result.Originals,
            Objects = result.Objects,
            InBucket = result.InBucket,
            Written = result.Written,
            Skipped = result.Skipped,
            Failed = result.Failures.Count,
            LastError = result.Failures.Count > 0 ? result.Failures[0] : null,
        }, lifecycle.Clock.GetUtcNow());
        return result;
    }

    /// <summary>
    /// Drops what sync passes recorded of <paramref name="hashes"/>' objects in the configured bucket
    /// (the integrity check found them missing there), so the next pass asks the bucket and writes them again.
    /// </summary>
    public static void ForgetRecords(IJournalStore store, IJournalArchive archive, IReadOnlyCollection<string> hashes)
    {
        if (hashes.Count > 0 && archive is IWormObjectStates states && Read(store) is { } settings)
        {
            states.ForgetWormStates(StoreKey(settings), hashes);
        }
    }

    /// <summary>Records a pass that could not run at all (the status keeps the last counts).</summary>
    public static void RecordSyncError(IJournalStore store, string node, string error, DateTimeOffset now)
    {
        var status = ReadStatus(store) ?? new WormSyncStatus();
        WriteStatus(store, status with { Node = node, RunningSince = null, RunningNode = null, LastError = string.Create(CultureInfo.InvariantCulture, $"{now:u}: {error}") }, now);
    }
}

/// <summary>
/// A WORM sync pass could not start (or could not go on) because another pass, on this host or
/// another, holds the store-wide lease. <see cref="Node"/> names the node that holds it.
/// </summary>
public sealed class WormSyncBusyException(string? node, DateTimeOffset? until, string message) : Exception(message)
{
    public string? Node { get; } = node;
    public DateTimeOffset? Until { get; } = until;
}

/// <summary>
/// The <see cref="IOriginalLock"/> of whatever object store the configuration store names at the
/// moment of each call (none: nothing is locked), so a listener started before Set-JournalObjectStore
/// honours it too.
/// </summary>
public sealed class ConfiguredOriginalLock(IJournalStore store, IArchiveBlobInventory inventory) : IOriginalLock
{
    private WormOriginalLock? Current => JournalObjectStores.OpenConfigured(store) is { } objects ? new WormOriginalLock(inventory, objects) : null;

    public string? ForbidsRemoval(LifecycleItem item, DateTimeOffset now) => Current?.ForbidsRemoval(item, now);

    public IReadOnlyDictionary<long, string> RemoveOriginals(IReadOnlyList<LifecycleItem> items) =>
        Current?.RemoveOriginals(items) ?? new Dictionary<long, string>();
}
