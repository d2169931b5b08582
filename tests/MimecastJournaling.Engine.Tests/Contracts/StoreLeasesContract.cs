using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>
/// <see cref="IStoreLeases"/> on each backend (table leases, migration SQLite 15 / PostgreSQL 16):
/// one holder per name, renewed by its holder, taken over once it ran out, given back only by its holder.
/// </summary>
public abstract class StoreLeasesContract : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 30, 15, TimeSpan.Zero);
    private readonly BackendUnderTest _backend;
    private readonly IStoreLeases _leases;

    private protected StoreLeasesContract(BackendUnderTest backend)
    {
        _backend = backend;
        _leases = (IStoreLeases)backend.Open().Store;
    }

    public void Dispose() => _backend.Dispose();

    [Fact]
    public void A_lease_has_one_holder_until_it_runs_out_or_is_given_back()
    {
        Assert.Null(_leases.GetLease("sync"));
        Assert.True(_leases.TryTakeLease("sync", "host-a", T0, T0.AddMinutes(10)));
        Assert.False(_leases.TryTakeLease("sync", "host-b", T0.AddMinutes(1), T0.AddMinutes(11)));
        // Another name is another lease.
        Assert.True(_leases.TryTakeLease("other", "host-b", T0, T0.AddMinutes(10)));
        // Renewed by its holder.
        Assert.True(_leases.TryTakeLease("sync", "host-a", T0.AddMinutes(5), T0.AddMinutes(15)));
        Assert.Equal(new StoreLease("sync", "host-a", T0.AddMinutes(15)), _leases.GetLease("sync"));
        Assert.False(_leases.TryTakeLease("sync", "host-b", T0.AddMinutes(14), T0.AddMinutes(24)));
        // Run out: taken over, and the old holder cannot renew it.
        Assert.True(_leases.TryTakeLease("sync", "host-b", T0.AddMinutes(15), T0.AddMinutes(25)));
        Assert.False(_leases.TryTakeLease("sync", "host-a", T0.AddMinutes(16), T0.AddMinutes(26)));
        // Given back only by its holder.
        _leases.ReleaseLease("sync", "host-a");
        Assert.Equal("host-b", _leases.GetLease("sync")!.Holder);
        _leases.ReleaseLease("sync", "host-b");
        Assert.Null(_leases.GetLease("sync"));
        Assert.True(_leases.TryTakeLease("sync", "host-a", T0.AddMinutes(17), T0.AddMinutes(27)));
        Assert.Equal("host-b", _leases.GetLease("other")!.Holder);
    }

    [Fact]
    public async Task Hosts_asking_at_once_get_the_lease_exactly_once()
    {
        const int hosts = 6;
        var stores = Enumerable.Range(0, hosts).Select(_ => (IStoreLeases)_backend.Open().Store).ToList();
        using var start = new Barrier(hosts);
        var taken = await Task.WhenAll(stores.Select((store, i) => Task.Run(() =>
        {
            start.SignalAndWait();
            return store.TryTakeLease("sync", $"host-{i}", T0, T0.AddMinutes(10));
        })));

        Assert.Equal(1, taken.Count(t => t));
        Assert.Equal($"host-{Array.IndexOf(taken, true)}", _leases.GetLease("sync")!.Holder);
    }
}

public sealed class SqliteStoreLeasesContract() : StoreLeasesContract(new SqliteBackendUnderTest());

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreLeasesContract() : StoreLeasesContract(new PostgresBackendUnderTest());
