using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.Listener;
using MimecastJournaling.Engine.Tests.TestSupport;
using Npgsql;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>
/// A listener host on PostgreSQL answers the configuration and directory versions from memory
/// (LISTEN/NOTIFY) instead of with a query for every SMTP command, and still sees every change
/// another host commits. Each host is a backend object of its own, as another process would have.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresVersionWatchTests : IDisposable
{
    private readonly string _location = PostgresServer.Shared.CreateDatabase();

    private readonly List<IDisposable> _holds = [];

    public void Dispose() => _holds.ForEach(h => h.Dispose());

    private async Task<PostgresVersionWatch> Watch(JournalBackend host)
    {
        var store = (PostgresJournalStore)host.Store;
        _holds.Add(store.WatchVersions()!);
        var watch = store.Database.VersionWatch!;
        // Only a notification can explain a new answer within the test (not the age limit).
        watch.MaxAge = TimeSpan.FromHours(1);
        await ListenerHarness.WaitUntilAsync(() => watch.Listening, "the LISTEN connection is up");
        return watch;
    }

    [Fact]
    public async Task Repeated_reads_are_answered_from_memory_and_a_change_at_another_host_is_seen_through_its_notification()
    {
        var listenerHost = JournalBackend.CreateUncached(_location);
        var adminHost = JournalBackend.CreateUncached(_location);
        var admin = new JournalConfiguration(adminHost.Store, "admin", TimeProvider.System);
        var store = (PostgresJournalStore)listenerHost.Store;
        await Watch(listenerHost);
        using var lookup = new DefinitionLookup(listenerHost.Store);
        Assert.Null(lookup.FindForRecipient("b@journal.contoso.test", System.Net.IPAddress.Loopback).Definition);

        var configuration = store.GetConfigurationVersion();
        var directory = store.GetDirectoryVersion();
        var queries = store.VersionQueries;
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(configuration, store.GetConfigurationVersion());
            Assert.Equal(directory, store.GetDirectoryVersion());
        }
        Assert.Equal(queries, store.VersionQueries);

        admin.NewDefinition(new DefinitionSettings { Description = "B", ServiceEmailAddress = "b@journal.contoso.test" });
        await ListenerHarness.WaitUntilAsync(() => store.GetConfigurationVersion() > configuration, "the listener host sees the new definition's version");
        Assert.Equal(adminHost.Store.GetConfigurationVersion(), store.GetConfigurationVersion());
        // The listener's lookup is told too: it answers the new service address.
        Assert.Equal("B", lookup.FindForRecipient("b@journal.contoso.test", System.Net.IPAddress.Loopback).Definition?.Description);

        admin.RegisterDomain("contoso.com");
        await ListenerHarness.WaitUntilAsync(() => store.GetDirectoryVersion() > directory, "the listener host sees the directory move");
        Assert.Equal(adminHost.Store.GetDirectoryVersion(), store.GetDirectoryVersion());

        // Settled again (a notification makes both versions be read once more): answered from memory.
        store.GetConfigurationVersion();
        store.GetDirectoryVersion();
        queries = store.VersionQueries;
        for (var i = 0; i < 100; i++)
        {
            store.GetConfigurationVersion();
            store.GetDirectoryVersion();
        }
        Assert.Equal(queries, store.VersionQueries);
    }

    [Fact]
    public async Task The_watch_runs_while_a_listener_holds_it_and_gives_its_connection_back_after_the_last_hold()
    {
        var host = JournalBackend.CreateUncached(_location);
        var store = (PostgresJournalStore)host.Store;
        var first = store.WatchVersions()!;
        var second = store.WatchVersions()!;
        var watch = store.Database.VersionWatch!;
        await ListenerHarness.WaitUntilAsync(() => watch.Listening, "the LISTEN connection is up");
        var pid = watch.ListenerProcessId!.Value;
        Assert.True(BackendIsConnected(pid));

        first.Dispose();
        Assert.Same(watch, store.Database.VersionWatch);
        Assert.True(watch.Listening);
        second.Dispose();
        Assert.Null(store.Database.VersionWatch);
        Assert.False(watch.Listening);
        // The LISTEN connection is closed, not left idle in the database.
        await ListenerHarness.WaitUntilAsync(() => !BackendIsConnected(pid), "the LISTEN connection is gone from pg_stat_activity");
        // Nothing holds it: every read asks the database again.
        var queries = store.VersionQueries;
        store.GetConfigurationVersion();
        store.GetConfigurationVersion();
        Assert.Equal(queries + 2, store.VersionQueries);
    }

    private bool BackendIsConnected(int pid)
    {
        using var connection = new NpgsqlConnection(_location);
        connection.Open();
        using var query = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE pid = @pid", connection);
        query.Parameters.AddWithValue("pid", pid);
        return (long)query.ExecuteScalar()! > 0;
    }

    [Fact]
    public async Task A_change_committed_through_the_same_database_object_is_seen_at_once()
    {
        var host = JournalBackend.CreateUncached(_location);
        var store = (PostgresJournalStore)host.Store;
        await Watch(host);
        var before = store.GetConfigurationVersion();

        new JournalConfiguration(host.Store, "admin", TimeProvider.System)
            .NewDefinition(new DefinitionSettings { Description = "C", ServiceEmailAddress = "c@journal.contoso.test" });

        // No wait: the commit itself tells this process's readers, before any notification.
        Assert.True(store.GetConfigurationVersion() > before);
    }

    [Fact]
    public async Task While_the_listen_connection_is_down_every_read_asks_the_database_and_the_watch_comes_back()
    {
        var listenerHost = JournalBackend.CreateUncached(_location);
        var adminHost = JournalBackend.CreateUncached(_location);
        var admin = new JournalConfiguration(adminHost.Store, "admin", TimeProvider.System);
        var store = (PostgresJournalStore)listenerHost.Store;
        var watch = await Watch(listenerHost);
        var before = store.GetConfigurationVersion();
        var pid = watch.ListenerProcessId!.Value;
        // Long enough that the reads below happen while there is no LISTEN.
        watch.ReconnectDelay = TimeSpan.FromSeconds(3);

        // What a failover or a restart does to the LISTEN connection.
        using (var killer = new NpgsqlConnection(_location))
        {
            killer.Open();
            using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", killer);
            kill.Parameters.AddWithValue("pid", pid);
            Assert.True((bool)kill.ExecuteScalar()!);
        }
        await ListenerHarness.WaitUntilAsync(() => !watch.Listening, "the watch notices the broken connection");

        admin.NewDefinition(new DefinitionSettings { Description = "D", ServiceEmailAddress = "d@journal.contoso.test" });
        var queries = store.VersionQueries;
        // Nobody could have told the listener host, so it must have asked.
        Assert.False(watch.Listening);
        Assert.True(store.GetConfigurationVersion() > before);
        Assert.True(store.VersionQueries > queries);

        await ListenerHarness.WaitUntilAsync(() => watch.Listening && watch.ListenerProcessId != pid, "the watch listens again on a new connection");
        var settled = store.GetConfigurationVersion();
        admin.NewDefinition(new DefinitionSettings { Description = "E", ServiceEmailAddress = "e@journal.contoso.test" });
        await ListenerHarness.WaitUntilAsync(() => store.GetConfigurationVersion() > settled, "the new LISTEN delivers the next change");
    }
}
