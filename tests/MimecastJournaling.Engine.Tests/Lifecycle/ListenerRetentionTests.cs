using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Lifecycle;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Tests.Contracts;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Lifecycle;

/// <summary>The listener's watch runs retention at its first round and then once a day (a test clock, no sleeps).</summary>
public sealed class ListenerRetentionTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private readonly SqliteBackendUnderTest _backend = new();

    public void Dispose() => _backend.Dispose();

    private static ArchiveSubmission Message(string id, DateTimeOffset date)
    {
        var original = Encoding.ASCII.GetBytes($"From: <alice@contoso.com>\r\nSubject: {id}\r\nMessage-ID: <{id}@contoso.com>\r\n\r\n{id}\r\n");
        return new ArchiveSubmission
        {
            Received = date,
            Source = "smtp:192.0.2.10",
            RawReport = original,
            Disposition = ArchiveDisposition.Accept,
            MessageId = id + "@contoso.com",
            Date = date,
            Original = original,
            Mailboxes = ["alice@contoso.com"],
        };
    }

    [Fact]
    public async Task The_watch_runs_retention_at_its_first_round_and_then_once_a_day()
    {
        var clock = new ManualClock(T0);
        var backend = _backend.Open();
        var lifecycle = backend.OpenLifecycle(JournalLifecycle.ListenerActor, clock);
        lifecycle.NewPolicy("Ten days", new() { RetainFor = TimeSpan.FromDays(10) });
        backend.Archive.Store([Message("old", T0.AddDays(-20)), Message("day-9", T0.AddDays(-9).AddHours(-1))]);
        var watch = new ListenerWatch(backend.Store, backend.OpenSpool(), null, TimeSpan.FromMinutes(1), clock, _ => { })
        {
            Retention = lifecycle,
        };

        watch.Check();
        await watch.RetentionRun!;
        Assert.Equal(1, watch.LastRetention!.Removed);
        var firstRun = watch.RetentionRun;

        // Next round, a minute later: no second run. A day later: the item of day 9 is due and goes.
        clock.Advance(TimeSpan.FromMinutes(1));
        watch.Check();
        Assert.Same(firstRun, watch.RetentionRun);
        clock.Advance(TimeSpan.FromDays(1));
        watch.Check();
        Assert.NotSame(firstRun, watch.RetentionRun);
        await watch.RetentionRun!;
        Assert.Equal(1, watch.LastRetention!.Removed);
        Assert.Empty(backend.Archive.GetMessages(new JournalMessageQuery()));
        Assert.Equal(2, backend.Store.GetEvents(new()).Count(e => e.Action == "RetentionRun" && e.User == JournalLifecycle.ListenerActor));
    }
}
