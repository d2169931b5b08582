using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Lifecycle;
using MimecastJournaling.Engine.ObjectStorage;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>
/// WORM originals over each backend's archive and lifecycle, against moto_server: copies with
/// retain-until = expiry and legal hold while held, the lock refusing -Force, the object check.
/// moto compares retention with the real clock, so the archive's clock is the real time here.
/// </summary>
public abstract class WormOriginalsContract : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    private readonly BackendUnderTest _backend;
    private readonly JournalBackend _store;
    private readonly ManualClock _clock = new(T0);
    private readonly IJournalArchive _archive;
    private readonly JournalLifecycle _lifecycle;
    private readonly MotoServer _moto;
    private readonly S3ObjectStoreOptions _options;
    private readonly S3OriginalObjectStore _bucket;
    private readonly ITestOutputHelper _output;

    private protected WormOriginalsContract(BackendUnderTest backend, MotoServer moto, ITestOutputHelper output)
    {
        _backend = backend;
        _moto = moto;
        _output = output;
        _store = backend.Open();
        _archive = _store.ArchiveWithClock(_clock);
        _lifecycle = _store.OpenLifecycle("worm-admin", _clock);
        _options = moto.NewLockedBucket();
        _bucket = new S3OriginalObjectStore(_options);
    }

    public void Dispose()
    {
        _bucket.Dispose();
        _backend.Dispose();
    }

    private static byte[] Original(string id, string mailbox) =>
        Encoding.ASCII.GetBytes($"From: <alice@contoso.com>\r\nTo: <{mailbox}>\r\nSubject: {id}\r\nMessage-ID: <{id}@contoso.com>\r\n\r\nBody of {id} {Guid.NewGuid()}.\r\n");

    private long Store(string id, string mailbox, DateTimeOffset date, byte[]? content = null)
    {
        var original = content ?? Original(id, mailbox);
        return _archive.Store([new ArchiveSubmission
        {
            Received = T0,
            Source = "smtp:192.0.2.10",
            Definition = "EXO",
            RawReport = Encoding.ASCII.GetBytes("X-MS-Journal-Report:\r\n\r\n").Concat(original).ToArray(),
            Disposition = ArchiveDisposition.Accept,
            Format = "Envelope",
            MessageId = id + "@contoso.com",
            Sender = "alice@contoso.com",
            Subject = id,
            Date = date,
            Original = original,
            Recipients = [new ArchivedRecipient(mailbox, "To")],
            Mailboxes = [mailbox],
        }]).Single().ItemId!.Value;
    }

    private string HashOf(long id) => ((IArchiveBlobInventory)_archive).GetBlobReferences().Single(r => r.Kind == ArchiveBlobKind.Original && r.Id == id).Hash;

    [Fact]
    public async Task Originals_are_copied_once_locked_until_their_expiry_and_held_while_a_hold_covers_them()
    {
        _lifecycle.NewPolicy("Year", new() { RetainFor = TimeSpan.FromDays(365), Mailbox = "bob@*" });
        var locked = Store("locked", "bob@contoso.com", T0.AddDays(-1));
        var held = Store("held", "dave@contoso.com", T0.AddDays(-2));
        var free = Store("free", "carol@contoso.com", T0.AddDays(-3));
        _lifecycle.NewHold("Case 1", "Litigation", new HoldScope { Mailbox = "dave@*" });

        var first = WormOriginals.Sync(_archive, _lifecycle, _bucket);
        var again = WormOriginals.Sync(_archive, _lifecycle, _bucket);

        Assert.Equal((3, 3, 0), (first.Originals, first.Written, first.AlreadyPresent));
        Assert.Empty(first.Failures);
        Assert.Equal((0, 3, 0, 0), (again.Written, again.AlreadyPresent, again.HoldsSet, again.HoldsCleared));
        var lockedHead = (await _bucket.HeadAsync(HashOf(locked)))!;
        Assert.Equal(_archive.GetMessage(locked)!.ExpiresOn, lockedHead.RetainUntil);
        Assert.Equal(T0.AddDays(364), lockedHead.RetainUntil);
        Assert.Equal("COMPLIANCE", lockedHead.Mode);
        Assert.False(lockedHead.LegalHold);
        Assert.True((await _bucket.HeadAsync(HashOf(held)))!.LegalHold);
        var freeHead = (await _bucket.HeadAsync(HashOf(free)))!;
        Assert.Null(freeHead.RetainUntil);
        Assert.False(freeHead.LegalHold);

        _lifecycle.ReleaseHold("Case 1", "Settled");
        var released = WormOriginals.Sync(_archive, _lifecycle, _bucket);
        Assert.Equal((0, 1), (released.HoldsSet, released.HoldsCleared));
        Assert.False((await _bucket.HeadAsync(HashOf(held)))!.LegalHold);
    }

    [Fact]
    public async Task The_worm_lock_refuses_an_early_erasure_with_force_and_the_bucket_refuses_the_delete()
    {
        _lifecycle.NewPolicy("Year", new() { RetainFor = TimeSpan.FromDays(365) });
        var id = Store("locked", "bob@contoso.com", T0.AddDays(-1));
        WormOriginals.Sync(_archive, _lifecycle, _bucket);
        var worm = _store.OpenLifecycle("worm-admin", _clock, new WormOriginalLock((IArchiveBlobInventory)_archive, _bucket));

        var e = Assert.Throws<JournalConfigurationException>(() => worm.RemoveMessage(id, "GDPR request 7", force: true));
        var denied = await Assert.ThrowsAsync<ObjectStoreException>(() => _bucket.DeleteAsync(HashOf(id)));

        Assert.Equal("JournalMessageLocked", e.ErrorId);
        Assert.Contains("COMPLIANCE", e.Message);
        Assert.Equal(ObjectStoreFailure.AccessDenied, denied.Failure);
        Assert.NotNull(_archive.GetMessage(id));
        Assert.NotNull(await _bucket.GetAsync(HashOf(id)));
    }

    [Fact]
    public async Task An_unlocked_original_can_be_erased_with_force()
    {
        var id = Store("free", "carol@contoso.com", T0.AddDays(-1));
        WormOriginals.Sync(_archive, _lifecycle, _bucket);
        var worm = _store.OpenLifecycle("worm-admin", _clock, new WormOriginalLock((IArchiveBlobInventory)_archive, _bucket));

        worm.RemoveMessage(id, "GDPR request 8", force: true);

        Assert.Null(_archive.GetMessage(id));
    }

    [Fact]
    public async Task The_object_check_passes_then_finds_a_missing_and_a_damaged_object()
    {
        var gone = Store("gone", "carol@contoso.com", T0.AddDays(-1));
        var damaged = Store("damaged", "carol@contoso.com", T0.AddDays(-2));
        Store("intact", "carol@contoso.com", T0.AddDays(-3));
        var pass = WormOriginals.Sync(_archive, _lifecycle, _bucket);
        var inventory = (IArchiveBlobInventory)_archive;
        var clean = WormOriginals.CheckObjects(inventory, _bucket, pass.CoveredThroughId);
        Assert.Empty(clean.Problems);
        Assert.Equal((3, 0), (clean.Checked, clean.Pending));

        await _bucket.DeleteAsync(HashOf(gone));
        await _bucket.DeleteAsync(HashOf(damaged));
        // Damage from outside the seam: other bytes under the original's key.
        using (var raw = new AmazonS3Client(MotoServer.Credentials, new AmazonS3Config { ServiceURL = _moto.Endpoint.ToString(), ForcePathStyle = true, UseHttp = true, AuthenticationRegion = "us-east-1" }))
        {
            await raw.PutObjectAsync(new PutObjectRequest { BucketName = _options.Bucket, Key = _options.KeyFor(HashOf(damaged)), ContentBody = "tampered" });
        }

        var problems = WormOriginals.CheckObjects(inventory, _bucket, pass.CoveredThroughId).Problems;

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Id == gone && p.Problem == ArchiveIntegrityProblemKind.Missing);
        Assert.Contains(problems, p => p.Id == damaged && p.Problem == ArchiveIntegrityProblemKind.Damaged);
    }

    [Fact]
    public async Task An_absent_object_is_pending_above_the_last_pass_s_watermark_and_missing_at_or_below_it()
    {
        var covered = Store("covered", "carol@contoso.com", T0.AddDays(-1));
        var pass = WormOriginals.Sync(_archive, _lifecycle, _bucket);
        var later = Store("later", "carol@contoso.com", T0.AddDays(-1));
        await _bucket.DeleteAsync(HashOf(covered));
        var inventory = (IArchiveBlobInventory)_archive;

        var before = WormOriginals.CheckObjects(inventory, _bucket, syncedThrough: null);
        var after = WormOriginals.CheckObjects(inventory, _bucket, pass.CoveredThroughId);

        Assert.Equal(covered, pass.CoveredThroughId);
        // No completed pass: nothing absent can be told apart from not copied yet.
        Assert.Equal((0, 2, 0), (before.Problems.Count, before.Pending, before.Checked));
        Assert.Equal((1, 1), (after.Pending, after.Checked));
        Assert.Equal((ArchiveIntegrityProblemKind.Missing, covered), (after.Problems.Single().Problem, after.Problems.Single().Id));
        Assert.DoesNotContain(after.Problems, p => p.Id == later);
    }

    [Fact]
    public async Task The_integrity_check_counts_objects_archived_after_the_last_pass_as_pending_and_passes()
    {
        JournalObjectStores.Save(_store.Store, new JournalObjectStoreSettings { Bucket = _options.Bucket, Endpoint = _options.Endpoint!.ToString(), Region = "us-east-1" }, "worm-admin", force: false, _clock);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", MotoServer.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", MotoServer.SecretKey);
        var ids = new[] { Store("a", "carol@contoso.com", T0.AddDays(-1)), Store("b", "carol@contoso.com", T0.AddDays(-2)), Store("c", "carol@contoso.com", T0.AddDays(-3)) };
        ArchiveIntegrityResult Check() => ArchiveIntegrity.Run(_store.Store, _archive, 100, "worm-admin", _clock, null, CancellationToken.None, objects: JournalObjectStores.OpenConfigured(_store.Store));

        var unsynced = Check();
        var pendingBefore = JournalObjectStores.Describe(_store.Store, (IArchiveBlobInventory)_archive)!.Pending;
        JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a");
        var status = JournalObjectStores.ReadStatus(_store.Store)!;
        var synced = Check();
        await _bucket.DeleteAsync(HashOf(ids[1]));
        var removed = Check();
        var late = Store("d", "carol@contoso.com", T0.AddDays(-1));
        var afterLate = Check();
        var info = JournalObjectStores.Describe(_store.Store, (IArchiveBlobInventory)_archive)!;

        Assert.Equal((true, 3, 0, 0), (unsynced.Passed, unsynced.ObjectsPending, unsynced.ObjectsChecked, unsynced.Missing));
        Assert.Contains("3 WORM objects pending", ArchiveIntegrity.Summary(unsynced));
        Assert.Equal(3, pendingBefore);
        Assert.Equal((ids[2], (DateTimeOffset?)null), (status.CoveredThroughId!.Value, status.RunningSince));
        Assert.NotNull(status.LastSyncStarted);
        Assert.Equal((true, 0, 3, 0), (synced.Passed, synced.ObjectsPending, synced.ObjectsChecked, synced.Missing));
        Assert.DoesNotContain("pending", ArchiveIntegrity.Summary(synced));
        Assert.Equal((false, 0, 3, 1), (removed.Passed, removed.ObjectsPending, removed.ObjectsChecked, removed.Missing));
        Assert.Equal(ids[1], removed.Problems.Single().Id);
        // Archived after the pass: pending, not a second missing object.
        Assert.Equal((false, 1, 3, 1), (afterLate.Passed, afterLate.ObjectsPending, afterLate.ObjectsChecked, afterLate.Missing));
        Assert.DoesNotContain(afterLate.Problems, p => p.Id == late);
        Assert.Equal(1, info.Pending);
    }

    [Fact]
    public void Moving_the_store_drops_the_watermark_of_the_old_bucket()
    {
        JournalObjectStores.Save(_store.Store, new JournalObjectStoreSettings { Bucket = _options.Bucket, Endpoint = _options.Endpoint!.ToString(), Region = "us-east-1" }, "worm-admin", force: false, _clock);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", MotoServer.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", MotoServer.SecretKey);
        var id = Store("moved", "carol@contoso.com", T0.AddDays(-1));
        JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a");
        Assert.Equal(id, JournalObjectStores.SyncedThrough(_store.Store));

        JournalObjectStores.Save(_store.Store, new JournalObjectStoreSettings { Bucket = _options.Bucket, Endpoint = _options.Endpoint!.ToString(), Region = "us-east-1", KeyPrefix = "elsewhere/" }, "worm-admin", force: true, _clock);

        Assert.Null(JournalObjectStores.SyncedThrough(_store.Store));
        Assert.Equal(1, JournalObjectStores.Describe(_store.Store, (IArchiveBlobInventory)_archive)!.Pending);
    }

    private JournalLifecycle Worm() => _store.OpenLifecycle("worm-admin", _clock, new WormOriginalLock((IArchiveBlobInventory)_archive, _bucket));

    [Fact]
    public async Task Retention_deletes_the_object_of_an_expired_unlocked_item_before_the_item()
    {
        _lifecycle.NewPolicy("Month", new() { RetainFor = TimeSpan.FromDays(30) });
        var expired = Store("expired", "carol@contoso.com", T0.AddDays(-40));
        var kept = Store("kept", "carol@contoso.com", T0.AddDays(-1));
        WormOriginals.Sync(_archive, _lifecycle, _bucket);
        var expiredHash = HashOf(expired);
        Assert.NotNull(await _bucket.HeadAsync(expiredHash));

        var run = Worm().RunRetention(whatIf: false);

        Assert.Equal((1L, 1L, 0L), (run.Expired, run.Removed, run.Refused));
        Assert.Null(_archive.GetMessage(expired));
        Assert.Null(await _bucket.HeadAsync(expiredHash));
        Assert.NotNull(await _bucket.HeadAsync(HashOf(kept)));
    }

    [Fact]
    public async Task Retention_keeps_an_expired_item_whose_object_the_bucket_still_locks_and_says_so()
    {
        // Locked in the bucket for a year; then the policy is shortened and recalculated, so the
        // archive holds the item expired while COMPLIANCE mode keeps its object locked.
        _lifecycle.NewPolicy("Year", new() { RetainFor = TimeSpan.FromDays(365) });
        var id = Store("locked", "bob@contoso.com", T0.AddDays(-10));
        WormOriginals.Sync(_archive, _lifecycle, _bucket);
        _lifecycle.SetPolicy("Year", new() { RetainFor = TimeSpan.FromDays(5) });
        _lifecycle.Recalculate(whatIf: false);

        var whatIf = Worm().RunRetention(whatIf: true);
        var run = Worm().RunRetention(whatIf: false);

        Assert.Equal((1L, 0L, 1L), (whatIf.Expired, whatIf.Removed, whatIf.Refused));
        Assert.Equal((1L, 0L, 1L), (run.Expired, run.Removed, run.Refused));
        Assert.Equal(id, run.Refusals.Single().Id);
        Assert.Contains("refused", run.Refusals.Single().Reason);
        Assert.NotNull(_archive.GetMessage(id));
        Assert.NotNull(await _bucket.GetAsync(HashOf(id)));
        var events = _store.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Archive });
        Assert.Contains(events, e => e.Action == "Kept" && e.Property == "ObjectLock" && e.NewValue!.Contains($"ids {id}"));
    }

    [Fact]
    public async Task Erasing_an_expired_item_whose_object_legal_hold_is_still_on_is_refused_until_a_sync_clears_it()
    {
        _lifecycle.NewPolicy("Month", new() { RetainFor = TimeSpan.FromDays(30) });
        var id = Store("held", "dave@contoso.com", T0.AddDays(-40));
        _lifecycle.NewHold("Case 2", "Litigation", new HoldScope { Mailbox = "dave@*" });
        WormOriginals.Sync(_archive, _lifecycle, _bucket);
        _lifecycle.ReleaseHold("Case 2", "Settled");

        var e = Assert.Throws<JournalConfigurationException>(() => Worm().RemoveMessage(id, "GDPR request 9", force: false));
        Assert.Equal("JournalMessageLocked", e.ErrorId);
        Assert.NotNull(_archive.GetMessage(id));

        var hash = HashOf(id);
        WormOriginals.Sync(_archive, _lifecycle, _bucket);
        Worm().RemoveMessage(id, "GDPR request 9", force: false);

        Assert.Null(_archive.GetMessage(id));
        Assert.Null(await _bucket.HeadAsync(hash));
    }

    [Fact]
    public async Task The_configured_store_syncs_with_its_status_and_integrity_re_hashes_its_objects()
    {
        JournalObjectStores.Save(_store.Store, new JournalObjectStoreSettings { Bucket = _options.Bucket, Endpoint = _options.Endpoint!.ToString(), Region = "us-east-1" }, "worm-admin", force: false, _clock);
        var first = Store("one", "carol@contoso.com", T0.AddDays(-1));
        Store("two", "carol@contoso.com", T0.AddDays(-2));
        // The configured store takes its credentials from the AWS default chain: the environment, as in production.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", MotoServer.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", MotoServer.SecretKey);

        var result = JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a")!;
        Store("three", "carol@contoso.com", T0.AddDays(-3));
        var info = JournalObjectStores.Describe(_store.Store, (IArchiveBlobInventory)_archive)!;
        var passed = ArchiveIntegrity.Run(_store.Store, _archive, 100, "worm-admin", _clock, null, CancellationToken.None, objects: JournalObjectStores.OpenConfigured(_store.Store));
        await _bucket.DeleteAsync(HashOf(first));
        var failed = ArchiveIntegrity.Run(_store.Store, _archive, 100, "worm-admin", _clock, null, CancellationToken.None, objects: JournalObjectStores.OpenConfigured(_store.Store));

        Assert.Equal((2, 2, 0), (result.Objects, result.Written, result.Failures.Count));
        Assert.Equal((3, 2, 1, 0, "node-a"), (info.Originals, info.Written, info.Pending, info.Failed, info.LastSyncNode));
        // "three" was archived after the pass: its object is pending (the next pass copies it), not missing.
        Assert.Equal((true, 2, 1), (passed.Passed, passed.ObjectsChecked, passed.ObjectsPending));
        Assert.Empty(passed.Problems);
        Assert.Equal(first, failed.Problems.Single(p => p.ObjectKind == "Object" && p.Problem == ArchiveIntegrityProblemKind.Missing).Id);
        Assert.Equal(1, failed.ObjectsPending);
    }

    [Fact]
    public async Task The_listeners_daily_check_reads_the_objects_back_and_raises_its_condition_for_a_missing_one()
    {
        JournalObjectStores.Save(_store.Store, new JournalObjectStoreSettings { Bucket = _options.Bucket, Endpoint = _options.Endpoint!.ToString(), Region = "us-east-1" }, "worm-admin", force: false, _clock);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", MotoServer.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", MotoServer.SecretKey);
        var gone = Store("daily-1", "carol@contoso.com", T0.AddDays(-1));
        Store("daily-2", "carol@contoso.com", T0.AddDays(-2));
        JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a");
        var watch = new MimecastJournaling.Engine.Listener.ArchiveIntegrityWatch(_store.Store, _archive, TimeSpan.FromDays(1), 100, _clock);

        _clock.Advance(TimeSpan.FromDays(1));
        var clean = watch.Check(CancellationToken.None);
        await _bucket.DeleteAsync(HashOf(gone));
        _clock.Advance(TimeSpan.FromDays(1));
        var damaged = watch.Check(CancellationToken.None);

        Assert.Null(clean);
        var checks = _store.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Archive }).Where(e => e.Action == ArchiveIntegrity.EventAction).ToList();
        Assert.Equal(2, checks.Count);
        Assert.Contains(checks, e => e.NewValue!.Contains("2 WORM objects re-hashed"));
        Assert.NotNull(damaged);
        Assert.Contains("1 missing", damaged!.Message);
    }

    [Fact]
    public async Task The_listener_loop_copies_the_originals_once_a_store_is_set_and_records_its_status()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", MotoServer.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", MotoServer.SecretKey);
        var id = Store("loop", "carol@contoso.com", T0.AddDays(-1));
        var loop = new MimecastJournaling.Engine.Listener.WormSyncLoop(_store.Store, _archive, _lifecycle, "node-loop", TimeSpan.FromMilliseconds(200));
        WormSyncStatus? status = null;
        loop.Start();
        try
        {
            // Started before any store is set: its passes do nothing and record nothing.
            await Task.Delay(600);
            Assert.Null(JournalObjectStores.ReadStatus(_store.Store));

            JournalObjectStores.Save(_store.Store, new JournalObjectStoreSettings { Bucket = _options.Bucket, Endpoint = _options.Endpoint!.ToString(), Region = "us-east-1" }, "worm-admin", force: false, _clock);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((status = JournalObjectStores.ReadStatus(_store.Store)) is not { InBucket: 1 } && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        finally
        {
            await loop.StopAsync();
        }

        Assert.NotNull(status);
        Assert.Equal((1, 1, 0, "node-loop"), (status!.InBucket, status.Objects, status.Failed, status.Node));
        Assert.NotNull(await _bucket.HeadAsync(HashOf(id)));
    }

    private void ConfigureStore()
    {
        JournalObjectStores.Save(_store.Store, new JournalObjectStoreSettings { Bucket = _options.Bucket, Endpoint = _options.Endpoint!.ToString(), Region = "us-east-1" }, "worm-admin", force: false, _clock);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", MotoServer.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", MotoServer.SecretKey);
    }

    [Fact]
    public async Task A_recorded_pass_calls_the_bucket_only_for_objects_whose_lock_or_hold_changed_and_a_full_pass_asks_about_every_one()
    {
        _lifecycle.NewPolicy("Year", new() { RetainFor = TimeSpan.FromDays(365), Mailbox = "bob@*" });
        var bob = new[] { Store("bob-1", "bob@contoso.com", T0.AddDays(-1)), Store("bob-2", "bob@contoso.com", T0.AddDays(-2)) };
        var dave = new[] { Store("dave-1", "dave@contoso.com", T0.AddDays(-3)), Store("dave-2", "dave@contoso.com", T0.AddDays(-4)) };
        var carol = new[] { Store("carol-1", "carol@contoso.com", T0.AddDays(-5)), Store("carol-2", "carol@contoso.com", T0.AddDays(-6)) };
        var all = bob.Concat(dave).Concat(carol).Select(HashOf).ToHashSet();
        var counting = new CountingObjectStore(_bucket);
        var records = new WormSyncRecords((IWormObjectStates)_archive, $"{_options.Endpoint}|{_options.Bucket}|{_options.KeyPrefix}");
        (WormSyncResult Result, IReadOnlyList<(string Operation, string Key)> Calls) Pass(bool full = false, WormSyncRecords? into = null)
        {
            counting.Reset();
            var result = WormOriginals.Sync(_archive, _lifecycle, counting, into ?? records, full);
            Assert.Empty(result.Failures);
            _output.WriteLine($"{(full ? "full" : "pass")}: {counting.Count("Head")} HEAD, {counting.Count("Put")} PUT, {counting.Count("SetLegalHold")} legal hold, " +
                $"{counting.Count("SetRetainUntil")} retain-until calls; written {result.Written}, present {result.AlreadyPresent}, skipped {result.Skipped}");
            return (result, counting.Calls);
        }
        static int Count(IReadOnlyList<(string Operation, string Key)> calls, string operation) => calls.Count(c => c.Operation == operation);
        static HashSet<string> Keys(IReadOnlyList<(string Operation, string Key)> calls, string operation) => calls.Where(c => c.Operation == operation).Select(c => c.Key).ToHashSet();

        var first = Pass();
        var second = Pass();
        _lifecycle.NewHold("Case 3", "Litigation", new HoldScope { Mailbox = "dave@*" });
        var held = Pass();
        var quiet = Pass();
        // bob's year becomes 400 days: only bob's objects are locked longer.
        _lifecycle.SetPolicy("Year", new() { RetainFor = TimeSpan.FromDays(400) });
        _lifecycle.Recalculate(whatIf: false);
        var longer = Pass();
        var full = Pass(full: true);
        var afterFull = Pass();
        // Another store identity (a moved bucket) has nothing recorded: every object is asked again.
        var moved = Pass(into: records with { StoreKey = records.StoreKey + "moved/" });

        Assert.Equal((6, 6, 0, 0), (Count(first.Calls, "Head"), Count(first.Calls, "Put"), Count(first.Calls, "SetLegalHold"), Count(first.Calls, "SetRetainUntil")));
        Assert.Equal(all, Keys(first.Calls, "Put"));
        Assert.Equal((6, 0, 6, 0), (first.Result.Written, first.Result.AlreadyPresent, first.Result.InBucket, first.Result.Skipped));
        Assert.Empty(second.Calls);
        Assert.Equal((0, 0, 6, 6), (second.Result.Written, second.Result.AlreadyPresent, second.Result.Skipped, second.Result.InBucket));
        // The new hold: a HEAD and a legal-hold call for each of dave's objects, nothing else.
        var daveHashes = dave.Select(HashOf).ToHashSet();
        Assert.Equal(4, held.Calls.Count);
        Assert.Equal(daveHashes, Keys(held.Calls, "Head"));
        Assert.Equal(daveHashes, Keys(held.Calls, "SetLegalHold"));
        Assert.Equal((2, 0, 2, 4), (held.Result.HoldsSet, held.Result.HoldsCleared, held.Result.AlreadyPresent, held.Result.Skipped));
        foreach (var id in dave)
        {
            Assert.True((await _bucket.HeadAsync(HashOf(id)))!.LegalHold);
        }
        Assert.Empty(quiet.Calls);
        Assert.Equal(6, quiet.Result.Skipped);
        var bobHashes = bob.Select(HashOf).ToHashSet();
        Assert.Equal(bobHashes, Keys(longer.Calls, "Head"));
        Assert.Equal(bobHashes, Keys(longer.Calls, "SetRetainUntil"));
        Assert.Equal(4, longer.Calls.Count);
        Assert.Equal((2, 4), (longer.Result.RetentionExtended, longer.Result.Skipped));
        Assert.Equal(_archive.GetMessage(bob[0])!.ExpiresOn, (await _bucket.HeadAsync(HashOf(bob[0])))!.RetainUntil);
        Assert.Equal(T0.AddDays(399), _archive.GetMessage(bob[0])!.ExpiresOn);
        // -Full: a HEAD for every object, nothing to change, nothing skipped.
        Assert.Equal(6, full.Calls.Count);
        Assert.Equal(all, Keys(full.Calls, "Head"));
        Assert.Equal((0, 6, 0, 6), (full.Result.Written, full.Result.AlreadyPresent, full.Result.Skipped, full.Result.InBucket));
        Assert.Empty(afterFull.Calls);
        Assert.Equal(6, afterFull.Result.Skipped);
        Assert.Equal(all, Keys(moved.Calls, "Head"));
        Assert.Equal((6, 0), (moved.Result.AlreadyPresent, moved.Result.Skipped));
    }

    [Fact]
    public async Task An_original_removed_with_its_object_and_archived_again_is_written_again()
    {
        ConfigureStore();
        _lifecycle.NewPolicy("Month", new() { RetainFor = TimeSpan.FromDays(30) });
        var content = Original("again", "carol@contoso.com");
        var expired = Store("again", "carol@contoso.com", T0.AddDays(-40), content);
        var hash = HashOf(expired);
        var first = JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a")!;
        Assert.Equal(1, first.Written);

        var run = _store.OpenLifecycle("worm-admin", _clock, _store.ObjectStoreLock).RunRetention(whatIf: false);
        Assert.Equal(1L, run.Removed);
        Assert.Null(await _bucket.HeadAsync(hash));
        // Expired again and unheld: the lock it wants is the one recorded for it before, so only
        // the records going with its removal make this pass ask the bucket.
        var back = Store("again", "carol@contoso.com", T0.AddDays(-45), content);
        var again = JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a")!;

        Assert.Equal(hash, HashOf(back));
        Assert.Equal((1, 0, 0), (again.Written, again.Skipped, again.Failures.Count));
        Assert.NotNull(await _bucket.HeadAsync(hash));
    }

    [Fact]
    public async Task An_object_removed_outside_the_module_is_written_again_by_the_pass_after_the_integrity_check_found_it_missing_or_by_a_full_pass()
    {
        ConfigureStore();
        var ids = new[] { Store("x-1", "carol@contoso.com", T0.AddDays(-1)), Store("x-2", "carol@contoso.com", T0.AddDays(-2)), Store("x-3", "carol@contoso.com", T0.AddDays(-3)) };
        JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a");
        await _bucket.DeleteAsync(HashOf(ids[0]));

        // The records say the object is there: the pass trusts them.
        var unnoticed = JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a")!;
        var check = ArchiveIntegrity.Run(_store.Store, _archive, 100, "worm-admin", _clock, null, CancellationToken.None, objects: JournalObjectStores.OpenConfigured(_store.Store));
        var repaired = JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a")!;
        await _bucket.DeleteAsync(HashOf(ids[1]));
        var full = JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a", full: true)!;
        var status = JournalObjectStores.ReadStatus(_store.Store)!;

        Assert.Equal((0, 3), (unnoticed.Written, unnoticed.Skipped));
        Assert.Equal(ids[0], check.Problems.Single(p => p.Problem == ArchiveIntegrityProblemKind.Missing).Id);
        Assert.Equal((1, 2), (repaired.Written, repaired.Skipped));
        Assert.Equal((1, 2, 0), (full.Written, full.AlreadyPresent, full.Skipped));
        Assert.Equal((3, 1, 0), (status.InBucket, status.Written, status.Skipped));
        foreach (var id in ids)
        {
            Assert.NotNull(await _bucket.HeadAsync(HashOf(id)));
        }
    }

    [Fact]
    public async Task A_pass_does_not_start_while_another_host_s_pass_holds_the_lease_and_does_once_it_ran_out()
    {
        ConfigureStore();
        var id = Store("leased", "carol@contoso.com", T0.AddDays(-1));
        var leases = (IStoreLeases)_store.Store;
        var now = _clock.GetUtcNow();
        Assert.True(leases.TryTakeLease(JournalObjectStores.SyncLease, "node-b|4242|pass", now, now + JournalObjectStores.SyncLeaseLength));

        var busy = Assert.Throws<WormSyncBusyException>(() => JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a"));
        var loop = new MimecastJournaling.Engine.Listener.WormSyncLoop(_store.Store, _archive, _lifecycle, "node-a", TimeSpan.FromMinutes(5));
        loop.Start();
        await Task.Delay(500);
        await loop.StopAsync();

        Assert.Equal("node-b", busy.Node);
        Assert.Contains("running on node-b", busy.Message);
        // Neither the pass nor the listener's round did anything: no status, no object, the other host's lease untouched.
        Assert.Null(JournalObjectStores.ReadStatus(_store.Store));
        Assert.Null(await _bucket.HeadAsync(HashOf(id)));
        Assert.Equal("node-b|4242|pass", leases.GetLease(JournalObjectStores.SyncLease)!.Holder);

        // node-b died in its pass: once its lease ran out, a pass runs and gives the lease back.
        _clock.Advance(JournalObjectStores.SyncLeaseLength);
        var result = JournalObjectStores.SyncConfigured(_store.Store, _archive, _lifecycle, "node-a")!;

        Assert.Equal(1, result.Written);
        Assert.Null(leases.GetLease(JournalObjectStores.SyncLease));
        Assert.Equal("node-a", JournalObjectStores.ReadStatus(_store.Store)!.Node);
    }
}

public sealed class SqliteWormOriginalsContract(MotoServer moto, ITestOutputHelper output) : WormOriginalsContract(new SqliteBackendUnderTest(), moto, output), IClassFixture<MotoServer>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresWormOriginalsContract(MotoServer moto, ITestOutputHelper output) : WormOriginalsContract(new PostgresBackendUnderTest(), moto, output), IClassFixture<MotoServer>;
