using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Tests.Listener;

/// <summary>
/// The store's record of running listeners: written at start, refreshed with counters on every
/// heartbeat, seen by another store instance on the same file (another session), removed at stop.
/// </summary>
public sealed class ListenerRecordTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private readonly ListenerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public void The_store_keeps_replaces_and_removes_a_listener_record()
    {
        var store = _h.Temp.Store;
        var started = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var record = new ListenerRecord
        {
            Id = Guid.NewGuid(), Node = "archive01", ProcessId = 4242, Endpoints = ["0.0.0.0:25", "0.0.0.0:465 (implicit TLS)"],
            ServerName = "archive.contoso.com", Started = started, LastHeartbeat = started, HeartbeatInterval = TimeSpan.FromSeconds(5),
            Received = 1, Accepted = 1, Refused = new Dictionary<string, long> { ["TlsRequired"] = 2 },
        };
        store.UpsertListener(record);
        store.UpsertListener(record with { LastHeartbeat = started.AddSeconds(5), Received = 7, Accepted = 6 });

        var seen = Assert.Single(_h.Temp.OpenAnotherStore().GetListeners());
        Assert.Equal(record.Id, seen.Id);
        Assert.Equal("archive01", seen.Node);
        Assert.Equal(4242, seen.ProcessId);
        Assert.Equal(record.Endpoints, seen.Endpoints);
        Assert.Equal(started, seen.Started);
        Assert.Equal(started.AddSeconds(5), seen.LastHeartbeat);
        Assert.Equal(TimeSpan.FromSeconds(5), seen.HeartbeatInterval);
        Assert.Equal((7L, 6L), (seen.Received, seen.Accepted));
        Assert.Equal(2, seen.Refused["TlsRequired"]);
        Assert.False(seen.IsStale(started.AddSeconds(20)));
        Assert.True(seen.IsStale(started.AddSeconds(21)));

        store.RemoveListener(record.Id);
        store.RemoveListener(record.Id);   // already gone: not an error
        Assert.Empty(store.GetListeners());
    }

    [Fact]
    public async Task A_running_listener_is_recorded_with_its_counters_and_removed_when_it_stops()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        var listener = await _h.StartAsync(o => o with { Node = "archive01", HeartbeatInterval = TimeSpan.FromMilliseconds(200) });
        var other = _h.Temp.OpenAnotherStore();

        var record = Assert.Single(other.GetListeners());
        Assert.Equal(listener.Id, record.Id);
        Assert.Equal("archive01", record.Node);
        Assert.Equal(Environment.ProcessId, record.ProcessId);
        Assert.Equal([$"127.0.0.1:{_h.Port}"], record.Endpoints);
        Assert.Equal(ListenerHarness.ServerName, record.ServerName);

        var transcript = await _h.SwaksAsync("--to", Service, "--data", Path.Combine(Parsing.Fixtures.Root, "Reports", "synthetic-bifurcated-fork1.eml"));
        Assert.Contains("250 2.0.0 Queued", transcript);
        await ListenerHarness.WaitUntilAsync(() => other.GetListeners().Single().Accepted == 1, "the heartbeat carries the accepted count");
        Assert.True(other.GetListeners().Single().LastHeartbeat > record.LastHeartbeat);

        await listener.StopAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(other.GetListeners());
    }

    [Fact]
    public async Task A_running_listener_marks_a_silent_definition_Down_without_anyone_reading_it()
    {
        var d = _h.Define("Silent", Service, s => s with { Encrypted = false });
        _h.Temp.Store.RecordDefinitionHealth(d.Id, Configuration.JournalStatus.OK, null, DateTimeOffset.UtcNow.AddHours(-4), []);
        await _h.StartAsync(o => o with { HeartbeatInterval = TimeSpan.FromMilliseconds(200) });

        await ListenerHarness.WaitUntilAsync(() => _h.Temp.OpenAnotherStore().GetDefinition("Silent")!.Status == Configuration.JournalStatus.Down,
            "the listener's inactivity check marks it Down");
        var events = _h.Temp.Store.GetEvents(new JournalEventQuery());
        var e = Assert.Single(events, x => x.Action == "StatusChanged" && x.NewValue == "Down" && x.User == Configuration.JournalConfiguration.InactivityCheckActor);
        Assert.True(events.Count(x => x.NewValue == "Down") == 1, string.Join("\n", events.Select(x => $"{x.Time:O} {x.User} {x.Action} {x.Property} {x.OldValue} {x.NewValue}")));
        Assert.Equal(Configuration.JournalConfiguration.InactivityCheckActor, e.User);
    }
}
