using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Tests.Listener;

/// <summary>
/// A running listener's record in the store: written at start, refreshed with counters on every
/// heartbeat, seen by another store instance on the same file (another session), removed at stop.
/// (The store's own part is in the store contract, on every backend.)
/// </summary>
public sealed class ListenerRecordTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private readonly ListenerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_running_listener_is_recorded_with_its_counters_and_removed_when_it_stops()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        var listener = await _h.StartAsync(o => o with { NodeName = "archive01", HeartbeatInterval = TimeSpan.FromMilliseconds(200) });
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
