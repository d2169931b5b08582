using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Lifecycle;
using MimecastJournaling.Engine.ObjectStorage;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>
/// <see cref="IWormObjectStates"/> on each backend (table worm_objects, migration SQLite 15 /
/// PostgreSQL 16): states kept per object store and content hash, read for a batch, replaced,
/// forgotten, and dropped with the last item that refers to their original.
/// </summary>
public abstract class WormObjectStatesContract : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 30, 15, TimeSpan.Zero);
    private const string StoreA = "http://127.0.0.1:9000/|bucket-a|originals/";
    private const string StoreB = "http://127.0.0.1:9000/|bucket-b|originals/";
    private readonly BackendUnderTest _backend;
    private readonly JournalBackend _store;
    private readonly IWormObjectStates _states;

    private protected WormObjectStatesContract(BackendUnderTest backend)
    {
        _backend = backend;
        _store = backend.Open();
        _states = (IWormObjectStates)_store.Archive;
    }

    public void Dispose() => _backend.Dispose();

    private static string Hash(char c) => new(c, 64);

    private long Store(string id, byte[] original) => _store.Archive.Store([new ArchiveSubmission
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
        Date = T0.AddDays(-1),
        Original = original,
        Recipients = [new ArchivedRecipient("carol@contoso.com", "To")],
        Mailboxes = ["carol@contoso.com"],
    }]).Single().ItemId!.Value;

    [Fact]
    public void States_are_kept_per_store_and_hash_read_for_a_batch_replaced_and_forgotten()
    {
        _states.SaveWormStates(StoreA, [
            new WormObjectState(Hash('a'), T0.AddDays(365), LegalHold: false, Written: true),
            new WormObjectState(Hash('b'), null, LegalHold: true, Written: false),
        ], T0);
        _states.SaveWormStates(StoreB, [new WormObjectState(Hash('a'), null, LegalHold: true, Written: true)], T0);

        var a = _states.ReadWormStates(StoreA, [Hash('a'), Hash('b'), Hash('c')]);
        var b = _states.ReadWormStates(StoreB, [Hash('a'), Hash('b')]);
        Assert.Equal(2, a.Count);
        Assert.Equal(new WormObjectState(Hash('a'), T0.AddDays(365), false, true), a[Hash('a')]);
        Assert.Equal(new WormObjectState(Hash('b'), null, true, false), a[Hash('b')]);
        Assert.Equal(new WormObjectState(Hash('a'), null, true, true), Assert.Single(b).Value);
        Assert.Empty(_states.ReadWormStates(StoreA, []));
        Assert.Empty(_states.ReadWormStates("elsewhere", [Hash('a')]));

        // Replaced by store and hash; the other store's state stays.
        _states.SaveWormStates(StoreA, [new WormObjectState(Hash('a'), T0.AddDays(400), LegalHold: true, Written: true)], T0.AddMinutes(5));
        Assert.Equal(new WormObjectState(Hash('a'), T0.AddDays(400), true, true), _states.ReadWormStates(StoreA, [Hash('a')])[Hash('a')]);
        Assert.Equal(new WormObjectState(Hash('a'), null, true, true), _states.ReadWormStates(StoreB, [Hash('a')])[Hash('a')]);

        _states.ForgetWormStates(StoreA, [Hash('a'), Hash('z')]);
        _states.ForgetWormStates(StoreA, []);
        Assert.Equal([Hash('b')], _states.ReadWormStates(StoreA, [Hash('a'), Hash('b')]).Keys);
        Assert.Single(_states.ReadWormStates(StoreB, [Hash('a')]));

        // Another backend object on the same store (another process or host) reads the same.
        var other = (IWormObjectStates)_backend.Open().Archive;
        Assert.Equal(new WormObjectState(Hash('b'), null, true, false), other.ReadWormStates(StoreA, [Hash('b')])[Hash('b')]);
    }

    /// <summary>Runs SQL against the store directly.</summary>
    private void Execute(string sql)
    {
        switch (_store.Store)
        {
            case SqliteJournalStore sqlite:
                sqlite.Database.Write((c, t) => SqliteDatabase.Execute(c, t, sql));
                break;
            case PostgresJournalStore postgres:
                postgres.Database.Write((c, t) => PostgresDatabase.Execute(c, t, sql));
                break;
            default:
                throw new InvalidOperationException("Unknown backend.");
        }
    }

    [Fact]
    public void A_store_of_the_schema_before_the_table_is_upgraded_and_keeps_its_data()
    {
        var (latest, states) = _store.Store is SqliteJournalStore ? (SqliteSchema.LatestVersion, 15) : (PostgresSchema.LatestVersion, 16);
        Assert.Equal(states, latest);
        var id = Store("before", Encoding.ASCII.GetBytes("From: <alice@contoso.com>\r\nSubject: before\r\n\r\nArchived before the upgrade.\r\n"));
        Execute("DROP TABLE worm_objects");
        Execute("DROP TABLE leases");
        Execute($"DELETE FROM schema_version WHERE version >= {states}");

        var upgraded = _backend.Open();
        var upgradedStates = (IWormObjectStates)upgraded.Archive;
        upgradedStates.SaveWormStates(StoreA, [new WormObjectState(Hash('d'), T0, LegalHold: true, Written: true)], T0);

        Assert.NotNull(upgraded.Archive.GetMessage(id));
        Assert.True(((IStoreLeases)upgraded.Store).TryTakeLease("sync", "host-a", T0, T0.AddMinutes(10)));
        Assert.Equal(new WormObjectState(Hash('d'), T0, true, true), upgradedStates.ReadWormStates(StoreA, [Hash('d')])[Hash('d')]);
    }

    [Fact]
    public void Removing_the_last_item_of_an_original_drops_its_states_and_a_shared_original_keeps_them()
    {
        var single = Encoding.ASCII.GetBytes("From: <alice@contoso.com>\r\nSubject: single\r\nMessage-ID: <single@contoso.com>\r\n\r\nOnly one item has me.\r\n");
        var shared = Encoding.ASCII.GetBytes("From: <alice@contoso.com>\r\nSubject: shared\r\nMessage-ID: <shared@contoso.com>\r\n\r\nTwo items have me.\r\n");
        var alone = Store("single", single);
        var sharedFirst = Store("shared-1", shared);
        Store("shared-2", shared);
        var inventory = (IArchiveBlobInventory)_store.Archive;
        string HashOf(long id) => inventory.GetBlobReferences().Single(r => r.Kind == ArchiveBlobKind.Original && r.Id == id).Hash.ToLowerInvariant();
        var singleHash = HashOf(alone);
        var sharedHash = HashOf(sharedFirst);
        Assert.Equal(2, inventory.GetBlobReferences().Count(r => r.Kind == ArchiveBlobKind.Original && r.Hash.Equals(sharedHash, StringComparison.OrdinalIgnoreCase)));
        foreach (var key in new[] { StoreA, StoreB })
        {
            _states.SaveWormStates(key, [new WormObjectState(singleHash, null, false, true), new WormObjectState(sharedHash, null, false, true)], T0);
        }
        var lifecycle = _store.OpenLifecycle("states-admin", new ManualClock(T0));

        lifecycle.RemoveMessage(alone, "GDPR request 11", force: true);
        lifecycle.RemoveMessage(sharedFirst, "GDPR request 12", force: true);

        foreach (var key in new[] { StoreA, StoreB })
        {
            Assert.Equal([sharedHash], _states.ReadWormStates(key, [singleHash, sharedHash]).Keys);
        }
    }
}

public sealed class SqliteWormObjectStatesContract() : WormObjectStatesContract(new SqliteBackendUnderTest());

[Collection(PostgresCollection.Name)]
public sealed class PostgresWormObjectStatesContract() : WormObjectStatesContract(new PostgresBackendUnderTest());
