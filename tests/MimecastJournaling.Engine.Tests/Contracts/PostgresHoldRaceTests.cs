using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Lifecycle;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;
using Npgsql;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>
/// A hold placed on one host while a retention run removes on another is never raced: whichever
/// commits second sees the first (the removal locks the holds table in SHARE mode).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHoldRaceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private readonly string _location = PostgresServer.Shared.CreateDatabase();

    private static ArchiveSubmission Old(string id)
    {
        var original = Encoding.ASCII.GetBytes($"From: <alice@contoso.com>\r\nSubject: {id}\r\nMessage-ID: <{id}@contoso.com>\r\n\r\n{id}\r\n");
        return new ArchiveSubmission
        {
            Received = T0.AddDays(-100),
            Source = "smtp:192.0.2.10",
            RawReport = original,
            Disposition = ArchiveDisposition.Accept,
            MessageId = id + "@contoso.com",
            Sender = "alice@contoso.com",
            Date = T0.AddDays(-100),
            Original = original,
            Mailboxes = ["alice@contoso.com"],
        };
    }

    /// <summary>Waits until some session of the database waits for a lock (what the other host does while it is blocked).</summary>
    private static async Task UntilASessionWaitsForALock(NpgsqlConnection observer)
    {
        for (var i = 0; i < 600; i++)
        {
            await using var command = new NpgsqlCommand(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", observer);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("No session ever waited for a lock: the removal did not wait for the hold being placed.");
    }

    [Fact]
    public async Task A_retention_run_waits_for_a_hold_being_placed_on_another_host_and_then_keeps_what_it_covers()
    {
        var hostA = JournalBackend.CreateUncached(_location);
        var clock = new ManualClock(T0);
        hostA.OpenLifecycle("a", clock).NewPolicy("Short", new() { RetainFor = TimeSpan.FromDays(30) });
        hostA.Archive.Store([Old("covered"), Old("other")]);

        // Host B places a hold in a transaction that has not committed yet.
        await using var hostB = new NpgsqlConnection(_location);
        await hostB.OpenAsync();
        await using var placing = await hostB.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO holds (id, name, name_key, reason, scope, created_by, created) VALUES (@id, 'Race', 'race', 'r', @scope, 'b', now())", hostB, placing))
        {
            insert.Parameters.AddWithValue("id", Guid.NewGuid().ToString());
            insert.Parameters.AddWithValue("scope", "{\"Sender\":\"alice@*\",\"Start\":null}");
            await insert.ExecuteNonQueryAsync();
        }
        var run = Task.Run(() => hostA.OpenLifecycle("a", clock).RunRetention(whatIf: false));
        await using var observer = new NpgsqlConnection(_location);
        await observer.OpenAsync();
        await UntilASessionWaitsForALock(observer);
        Assert.False(run.IsCompleted);
        await placing.CommitAsync();

        var result = await run;

        Assert.Equal((2L, 0L, 2L), (result.Expired, result.Removed, result.Held));
        Assert.Equal(2, hostA.Archive.GetMessages(new JournalMessageQuery()).Count);
    }

    [Fact]
    public async Task A_hold_placed_while_a_removal_is_open_waits_for_it()
    {
        var hostA = JournalBackend.CreateUncached(_location);
        var hostB = JournalBackend.CreateUncached(_location);
        var clock = new ManualClock(T0);
        hostA.OpenLifecycle("a", clock).NewPolicy("Short", new() { RetainFor = TimeSpan.FromDays(30) });
        var id = hostA.Archive.Store([Old("gone")]).Single().ItemId!.Value;
        using var holdsLocked = new ManualResetEventSlim();
        using var finish = new ManualResetEventSlim();

        var removal = Task.Run(() => hostA.LifecycleStore.Write(t =>
        {
            Assert.Empty(t.LockActiveHolds());
            holdsLocked.Set();
            finish.Wait(TimeSpan.FromSeconds(30));
            return t.DeleteItems([id]);
        }));
        holdsLocked.Wait(TimeSpan.FromSeconds(30));
        var hold = Task.Run(() => hostB.OpenLifecycle("b", clock).NewHold("Late", "placed during the removal", new HoldScope()));
        await using var observer = new NpgsqlConnection(_location);
        await observer.OpenAsync();
        await UntilASessionWaitsForALock(observer);
        Assert.False(hold.IsCompleted);
        finish.Set();

        Assert.Equal(1, (await removal).Items);
        Assert.Equal("Late", (await hold).Name);
        Assert.Null(hostB.Archive.GetMessage(id));
    }
}
