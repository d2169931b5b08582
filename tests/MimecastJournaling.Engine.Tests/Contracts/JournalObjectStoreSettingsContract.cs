using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.ObjectStorage;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>The WORM object store setting (JournalObjectStores over IJournalStore's settings), run against every backend.</summary>
public abstract class JournalObjectStoreSettingsContract : IDisposable
{
    private readonly BackendUnderTest _backend;
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly JournalBackend _host;

    private protected JournalObjectStoreSettingsContract(BackendUnderTest backend)
    {
        _backend = backend;
        _host = backend.Open();
    }

    public void Dispose() => _backend.Dispose();

    private static JournalObjectStoreSettings Settings(string bucket = "contoso-journal", string? endpoint = "HTTP://127.0.0.1:9000", string prefix = "originals/") => new()
    {
        Bucket = bucket,
        Endpoint = endpoint,
        Region = "EU-Central-1",
        KeyPrefix = prefix,
        LockMode = "compliance",
    };

    [Fact]
    public void Nothing_is_set_until_it_is_saved_then_another_host_reads_it_normalized_with_an_event_per_field()
    {
        Assert.Null(JournalObjectStores.Read(_host.Store));
        Assert.Null(JournalObjectStores.OpenConfigured(_host.Store));

        JournalObjectStores.Save(_host.Store, Settings(), TempStore.Actor, force: false, _clock);

        var read = JournalObjectStores.Read(_backend.Open().Store)!;
        Assert.Equal(("contoso-journal", "http://127.0.0.1:9000/", "eu-central-1", "originals/", "COMPLIANCE"), (read.Bucket, read.Endpoint, read.Region, read.KeyPrefix, read.LockMode));
        Assert.Equal((_clock.GetUtcNow(), TempStore.Actor), (read.Updated, read.UpdatedBy));
        var events = _host.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.ObjectStore });
        Assert.Equal(["Bucket", "Endpoint", "KeyPrefix", "LockMode", "Region"], events.Select(e => e.Property!).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Equal("Created", e.Action));
        Assert.NotNull(JournalObjectStores.OpenConfigured(_host.Store));
    }

    [Fact]
    public void Moving_a_setting_in_use_needs_force_and_logs_what_changed()
    {
        JournalObjectStores.Save(_host.Store, Settings(), TempStore.Actor, force: false, _clock);

        var e = Assert.Throws<JournalConfigurationException>(() => JournalObjectStores.Save(_host.Store, Settings(bucket: "other-bucket"), TempStore.Actor, force: false, _clock));
        Assert.Equal("SetJournalObjectStoreChangeNeedsForce", e.ErrorId);
        Assert.Equal("contoso-journal", JournalObjectStores.Read(_host.Store)!.Bucket);
        // The region alone is no move.
        JournalObjectStores.Save(_host.Store, Settings() with { Region = "us-east-1" }, TempStore.Actor, force: false, _clock);

        JournalObjectStores.Save(_host.Store, Settings(bucket: "other-bucket"), TempStore.Actor, force: true, _clock);

        Assert.Equal("other-bucket", JournalObjectStores.Read(_host.Store)!.Bucket);
        var changed = _host.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.ObjectStore }).Where(x => x.Action == "Changed").ToList();
        Assert.Contains(changed, x => x.Property == "Bucket" && x.OldValue == "contoso-journal" && x.NewValue == "other-bucket");
        Assert.Contains(changed, x => x.Property == "Region" && x.OldValue == "eu-central-1" && x.NewValue == "us-east-1");
    }

    [Theory]
    [InlineData("Contoso_Journal", null, "originals/", "SetJournalObjectStoreBucketInvalid")]
    [InlineData("ab", null, "originals/", "SetJournalObjectStoreBucketInvalid")]
    [InlineData("contoso-journal", "ftp://127.0.0.1/", "originals/", "SetJournalObjectStoreEndpointInvalid")]
    [InlineData("contoso-journal", "http://AKIAEXAMPLE:s3cr3t-key@127.0.0.1:9000/", "originals/", "SetJournalObjectStoreEndpointInvalid")]
    [InlineData("contoso-journal", null, "/originals", "SetJournalObjectStoreKeyPrefixInvalid")]
    public void A_bad_setting_is_refused_with_what_to_give_and_nothing_is_stored(string bucket, string? endpoint, string prefix, string errorId)
    {
        var e = Assert.Throws<JournalConfigurationException>(() => JournalObjectStores.Save(_host.Store, Settings(bucket, endpoint, prefix), TempStore.Actor, force: false, _clock));

        Assert.Equal(errorId, e.ErrorId);
        Assert.DoesNotContain("s3cr3t-key", e.Message + e.Target);
        Assert.Null(JournalObjectStores.Read(_host.Store));
    }

    [Fact]
    public void A_lock_mode_or_region_that_does_not_exist_is_refused()
    {
        Assert.Equal("SetJournalObjectStoreLockModeInvalid",
            Assert.Throws<JournalConfigurationException>(() => JournalObjectStores.Save(_host.Store, Settings() with { LockMode = "Forever" }, TempStore.Actor, false, _clock)).ErrorId);
        Assert.Equal("SetJournalObjectStoreRegionInvalid",
            Assert.Throws<JournalConfigurationException>(() => JournalObjectStores.Save(_host.Store, Settings() with { Region = "eu central" }, TempStore.Actor, false, _clock)).ErrorId);
    }

    [Fact]
    public void The_sync_status_is_kept_without_an_event_and_pending_counts_what_the_bucket_lacks()
    {
        JournalObjectStores.Save(_host.Store, Settings(), TempStore.Actor, force: false, _clock);
        var before = _host.Store.GetEvents(new JournalEventQuery()).Count;

        JournalObjectStores.WriteStatus(_host.Store, new WormSyncStatus { LastSync = _clock.GetUtcNow(), Node = "node-a", Originals = 3, Objects = 3, InBucket = 2, Written = 2, Failed = 1, LastError = "Item 3: refused" }, _clock.GetUtcNow());

        Assert.Equal(before, _host.Store.GetEvents(new JournalEventQuery()).Count);
        var status = JournalObjectStores.ReadStatus(_backend.Open().Store)!;
        Assert.Equal(("node-a", 2, 1, "Item 3: refused"), (status.Node, status.InBucket, status.Failed, status.LastError));
        var info = JournalObjectStores.Describe(_host.Store, (IArchiveBlobInventory)_host.Archive)!;
        // An empty archive: nothing is pending whatever the last pass saw.
        Assert.Equal((0, 2, 0, 1), (info.Originals, info.Written, info.Pending, info.Failed));
        Assert.Equal("contoso-journal", info.Bucket);
    }
}

public sealed class SqliteJournalObjectStoreSettingsContract() : JournalObjectStoreSettingsContract(new SqliteBackendUnderTest());

[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalObjectStoreSettingsContract() : JournalObjectStoreSettingsContract(new PostgresBackendUnderTest());
