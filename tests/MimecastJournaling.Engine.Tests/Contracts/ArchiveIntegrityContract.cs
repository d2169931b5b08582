using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>The event chain and the integrity check (ArchiveIntegrity), run against every backend; the damage is done with SQL, as someone with database access would.</summary>
public abstract class ArchiveIntegrityContract : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private readonly BackendUnderTest _backend;
    private readonly JournalBackend _host;
    private readonly ManualClock _clock = new(T0);

    private protected ArchiveIntegrityContract(BackendUnderTest backend)
    {
        _backend = backend;
        _host = backend.Open();
    }

    public void Dispose() => _backend.Dispose();

    private static byte[] Original(string subject) => Encoding.ASCII.GetBytes(
        "From: Alice <alice@contoso.com>\r\nTo: bob@contoso.com\r\n" +
        $"Subject: {subject}\r\nDate: Thu, 26 Nov 2026 08:59:00 +0000\r\nMessage-ID: <{subject.Replace(' ', '-')}@contoso.com>\r\n\r\n" +
        string.Concat(Enumerable.Repeat($"Body of {subject}, long enough to compress. ", 40)) + "\r\n");

    private static ArchiveSubmission Report(string subject) => new()
    {
        Received = T0,
        Source = "smtp:192.0.2.10",
        Definition = "EXO",
        RawReport = Encoding.ASCII.GetBytes("X-MS-Journal-Report:\r\nX-Test: " + subject + "\r\n\r\n").Concat(Original(subject)).ToArray(),
        Disposition = ArchiveDisposition.Accept,
        Format = "Envelope",
        MessageId = subject.Replace(' ', '-') + "@contoso.com",
        Sender = "alice@contoso.com",
        Subject = subject,
        Original = Original(subject),
        Recipients = [new ArchivedRecipient("bob@contoso.com", "To")],
        Mailboxes = ["alice@contoso.com", "bob@contoso.com"],
    };

    /// <summary>Three definitions (three Created events) and three archived messages.</summary>
    private IReadOnlyList<JournalOutcome> Populate()
    {
        var configuration = new JournalConfiguration(_host.Store, TempStore.Actor, _clock);
        foreach (var name in new[] { "One", "Two", "Three" })
        {
            configuration.NewDefinition(new DefinitionSettings { Description = name, ServiceEmailAddress = $"journal-{name.ToLowerInvariant()}@journal.contoso.com", SourceIpRange = ["192.0.2.0/24"] });
        }
        return _host.Archive.Store([Report("first message"), Report("second message"), Report("third message")]);
    }

    private ArchiveIntegrityResult Check(double sample = 100) =>
        ArchiveIntegrity.Run(_host.Store, _host.Archive, sample, TempStore.Actor, _clock, null, CancellationToken.None);

    private List<long> EventIds() => _host.Store.GetEvents(new JournalEventQuery()).Select(e => e.Id).OrderBy(id => id).ToList();

    /// <summary>Runs SQL against the store directly (the same text on both backends: no parameters but a byte array as $data / @data).</summary>
    private void Tamper(string sql, byte[]? data = null)
    {
        switch (_host.Store)
        {
            case SqliteJournalStore sqlite:
                sqlite.Database.Write((c, t) => data is null ? SqliteDatabase.Execute(c, t, sql) : SqliteDatabase.Execute(c, t, sql.Replace("@data", "$data"), ("$data", data)));
                break;
            case PostgresJournalStore postgres:
                postgres.Database.Write((c, t) => data is null ? PostgresDatabase.Execute(c, t, sql) : PostgresDatabase.Execute(c, t, sql, ("@data", data)));
                break;
            default:
                throw new InvalidOperationException("Unknown backend.");
        }
    }

    private byte[] StoredBlob(string hash) => _host.Store switch
    {
        SqliteJournalStore sqlite => sqlite.Database.Query("SELECT data FROM blobs WHERE hash = $h", r => (byte[])r.GetValue(0), ("$h", hash)).Single(),
        PostgresJournalStore postgres => postgres.Database.Query("SELECT data FROM blobs WHERE hash = @h", r => (byte[])r.GetValue(0), ("@h", hash)).Single(),
        _ => throw new InvalidOperationException("Unknown backend."),
    };

    [Fact]
    public void A_clean_archive_passes_and_the_run_is_logged()
    {
        Populate();

        var result = Check();

        Assert.True(result.Passed, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Empty(result.Problems);
        // Three originals and three reports (each report is its own blob; the originals are blobs of their own).
        Assert.Equal(6, result.BlobsTotal);
        Assert.Equal(6, result.BlobsChecked);
        Assert.Equal(3, result.EventsChecked);
        var logged = Assert.Single(_host.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Archive }));
        Assert.Equal(ArchiveIntegrity.EventAction, logged.Action);
        Assert.Equal("Passed", logged.Property);
        Assert.Contains("6 of 6", logged.NewValue);
        // The run's own event is chained too: a second run passes over four events.
        Assert.Equal(4, Check().EventsChecked);
    }

    [Fact]
    public void A_flipped_byte_in_a_stored_original_is_found_and_named_by_its_item()
    {
        var outcomes = Populate();
        var item = _host.Archive.GetMessage(outcomes[1].ItemId!.Value)!;
        var hash = ((IArchiveBlobInventory)_host.Archive).GetBlobReferences().Single(r => r.Kind == ArchiveBlobKind.Original && r.Id == item.Id).Hash;
        var stored = StoredBlob(hash);
        stored[stored.Length / 2] ^= 0x20;
        Tamper("UPDATE blobs SET data = @data WHERE hash = '" + hash + "'", stored);

        var result = Check();

        Assert.False(result.Passed);
        // The original, and the report that is stored as what the original does not hold (it rebuilds from it).
        Assert.Equal([$"Damaged Original {item.Id}", $"Damaged Report {outcomes[1].ReportId}"],
            result.Problems.Select(p => $"{p.Problem} {p.ObjectKind} {p.Id}").Order());
        Assert.Equal(2, result.Damaged);
        Assert.Contains("recorded at ingest", result.Problems.Single(p => p.ObjectKind == "Original").Message);
        Assert.Equal("Failed", _host.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Archive }).Single().Property);
    }

    [Fact]
    public void A_removed_event_is_found_at_the_event_after_it()
    {
        Populate();
        var ids = EventIds();
        Tamper($"DELETE FROM events WHERE id = {ids[1]}");

        var result = Check();

        var problem = Assert.Single(result.Problems);
        Assert.Equal(ArchiveIntegrityProblemKind.EventChainBroken, problem.Problem);
        Assert.Equal(ids[2], problem.Id);
    }

    [Fact]
    public void An_edited_event_is_found()
    {
        Populate();
        var ids = EventIds();
        Tamper($"UPDATE events SET user_name = 'someone-else' WHERE id = {ids[0]}");

        var result = Check();

        var problem = Assert.Single(result.Problems);
        Assert.Equal(ArchiveIntegrityProblemKind.EventAltered, problem.Problem);
        Assert.Equal(ids[0], problem.Id);
    }

    [Fact]
    public void Removing_the_newest_event_is_found_by_the_chain_head()
    {
        Populate();
        var ids = EventIds();
        Tamper($"DELETE FROM events WHERE id = {ids[^1]}");

        var problem = Assert.Single(Check().Problems);

        Assert.Equal(ArchiveIntegrityProblemKind.EventChainTruncated, problem.Problem);
    }

    [Fact]
    public void An_event_written_behind_the_stores_back_stays_unchained_after_later_writes()
    {
        Populate();
        Tamper("INSERT INTO events (time, user_name, object_type, object_name, action) VALUES ('2026-11-26T09:00:00.0000000Z', 'forger', 'Definition', 'One', 'Removed')");
        _host.Store.RecordEvents([new JournalEvent { Time = T0, User = TempStore.Actor, ObjectType = JournalObjectType.Archive, ObjectName = "Later", Action = "Noted" }]);

        var problems = Check().Problems;

        Assert.Contains(problems, p => p.Problem == ArchiveIntegrityProblemKind.EventNotChained);
        Assert.DoesNotContain(problems, p => p.Problem is ArchiveIntegrityProblemKind.EventAltered or ArchiveIntegrityProblemKind.Damaged);
    }

    [Fact]
    public void Several_writers_on_several_backend_objects_keep_one_unbroken_chain()
    {
        Populate();
        var hosts = Enumerable.Range(0, 4).Select(_ => _backend.Open()).ToList();
        Parallel.ForEach(hosts, new ParallelOptions { MaxDegreeOfParallelism = 4 }, (host, _, index) =>
        {
            for (var i = 0; i < 15; i++)
            {
                host.Store.RecordEvents([
                    new JournalEvent { Time = T0.AddSeconds(i), User = TempStore.Actor, ObjectType = JournalObjectType.Search, ObjectName = $"host{index}", Action = "Searched", NewValue = i.ToString() },
                    new JournalEvent { Time = T0.AddSeconds(i), User = TempStore.Actor, ObjectType = JournalObjectType.Export, ObjectName = $"host{index}", Action = "Exported", NewValue = i.ToString() },
                ]);
            }
        });

        var result = Check();

        Assert.True(result.Passed, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal(3 + 4 * 15 * 2, result.EventsChecked);
    }

    [Fact]
    public void Events_written_before_the_chain_existed_are_chained_by_the_migration()
    {
        Populate();
        // Back to the schema before the chain (12): no chain columns, no head; the events stay.
        foreach (var sql in new[]
        {
            "ALTER TABLE events DROP COLUMN prev_hash", "ALTER TABLE events DROP COLUMN hash",
            "DROP TABLE event_chain_head", "DELETE FROM schema_version WHERE version > 12",
        })
        {
            Tamper(sql);
        }

        var upgraded = _backend.Open();
        var result = ArchiveIntegrity.Run(upgraded.Store, upgraded.Archive, 100, TempStore.Actor, _clock, null, CancellationToken.None);

        Assert.True(result.Passed, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal(3, result.EventsChecked);
    }

    [Fact]
    public void The_listeners_daily_check_turns_definitions_to_Error_on_damage_and_raises_its_condition()
    {
        var outcomes = Populate();
        var watch = new MimecastJournaling.Engine.Listener.ArchiveIntegrityWatch(_host.Store, _host.Archive, TimeSpan.FromDays(1), 100, _clock);
        Assert.Null(watch.Check(CancellationToken.None));
        Assert.Empty(_host.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Archive }));

        var hash = ((IArchiveBlobInventory)_host.Archive).GetBlobReferences().First(r => r.Kind == ArchiveBlobKind.Original).Hash;
        var stored = StoredBlob(hash);
        stored[^1] ^= 0x01;
        Tamper("UPDATE blobs SET data = @data WHERE hash = '" + hash + "'", stored);
        _clock.Advance(TimeSpan.FromDays(1));

        var condition = watch.Check(CancellationToken.None);

        Assert.NotNull(condition);
        Assert.Equal(MimecastJournaling.Engine.Listener.ListenerConditionKind.IntegrityCheckFailed, condition.Kind);
        Assert.All(_host.Store.GetDefinitions(), d =>
        {
            Assert.Equal(JournalStatus.Error, d.Status);
            Assert.Contains("integrity check failed", d.StatusReason);
        });
        Assert.Equal(3, _host.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Definition }).Count(e => e.Action == "StatusChanged" && e.NewValue == "Error"));
        // Not due again within the day: no second run, and the condition holds.
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.NotNull(watch.Check(CancellationToken.None));
        Assert.Single(_host.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Archive }));
    }

    [Fact]
    public void A_sample_rehashes_part_of_the_archive()
    {
        Populate();

        var result = Check(sample: 10);

        Assert.True(result.Passed);
        Assert.Equal(1, result.BlobsChecked);
        Assert.Equal(6, result.BlobsTotal);
    }

    [Fact]
    public void Cancelling_stops_the_check()
    {
        Populate();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            ArchiveIntegrity.Run(_host.Store, _host.Archive, 100, TempStore.Actor, _clock, null, cancel.Token));
    }
}

public sealed class SqliteArchiveIntegrityContract() : ArchiveIntegrityContract(new SqliteBackendUnderTest());

[Collection(PostgresCollection.Name)]
public sealed class PostgresArchiveIntegrityContract() : ArchiveIntegrityContract(new PostgresBackendUnderTest());
