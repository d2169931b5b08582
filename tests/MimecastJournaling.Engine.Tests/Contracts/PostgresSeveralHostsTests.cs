using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;
using Npgsql;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>What must hold with several listener hosts on one PostgreSQL store (each host is a backend object with its own pool).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSeveralHostsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private readonly string _location = PostgresServer.Shared.CreateDatabase();

    private static ArchiveSubmission Fork(int message, string tag, long? spoolId, params string[] recipients)
    {
        var original = Encoding.ASCII.GetBytes(
            $"From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: m{message}\r\nMessage-ID: <m{message}@contoso.com>\r\n\r\nbody {message}\r\n");
        return new ArchiveSubmission
        {
            Received = T0,
            Source = "smtp:192.0.2.10",
            Definition = "EXO",
            RawReport = Encoding.ASCII.GetBytes($"X-MS-Journal-Report:\r\nX-Fork: {tag}\r\n\r\n").Concat(original).ToArray(),
            Disposition = ArchiveDisposition.Accept,
            MessageId = $"m{message}@contoso.com",
            Sender = "alice@contoso.com",
            Original = original,
            SpoolId = spoolId,
            Recipients = recipients.Select(r => new ArchivedRecipient(r, "To")).ToList(),
            Mailboxes = recipients,
        };
    }

    [Fact]
    public async Task Two_forks_of_one_message_stored_at_two_hosts_at_the_same_moment_become_one_item_with_both_recipient_lists()
    {
        var hostA = JournalBackend.CreateUncached(_location);
        var hostB = JournalBackend.CreateUncached(_location);
        const int messages = 25;
        for (var m = 0; m < messages; m++)
        {
            using var start = new Barrier(2);
            var message = m;
            var a = Task.Run(() => { start.SignalAndWait(); return hostA.Archive.Store([Fork(message, "a", null, "bob@contoso.com")]).Single(); });
            var b = Task.Run(() => { start.SignalAndWait(); return hostB.Archive.Store([Fork(message, "b", null, "dave@contoso.com")]).Single(); });
            var outcomes = await Task.WhenAll(a, b);

            Assert.Equal([JournalOutcomeKind.Archived, JournalOutcomeKind.Merged], outcomes.Select(o => o.Outcome).Order());
            Assert.Equal(outcomes[0].ItemId, outcomes[1].ItemId);
        }
        var items = hostA.Archive.GetMessages(new JournalMessageQuery());
        Assert.Equal(messages, items.Count);
        Assert.All(items, i =>
        {
            Assert.Equal(["bob@contoso.com", "dave@contoso.com"], i.Recipients.Select(r => r.Address).Order());
            Assert.Equal(2, i.Reports.Count);
        });
    }

    [Fact]
    public async Task A_report_whose_item_another_host_commits_while_the_batch_runs_merges_into_that_item()
    {
        // Host A's item of message 7 is inserted but not committed when host B's batch reads ahead,
        // so B does not see it and inserts its own; B's insert waits for A's commit, meets A's row,
        // and B's batch is stored again, merging into A's item. Nothing of B's first try is left.
        var host = JournalBackend.CreateUncached(_location);
        host.Archive.Store([Fork(1, "warm-up", null, "carol@contoso.com")]);
        var fork = Fork(7, "b", null, "dave@contoso.com");
        var hash = ContentFingerprint.Sha256(fork.Original.Span);
        await using var other = new NpgsqlConnection(_location);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        long otherItem;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO blobs (hash, size, codec, data) VALUES (@h, 0, 'br', ''::bytea); " +
            "INSERT INTO items (message_id, message_key, fingerprint, original_hash, size, state, attempts, max_attempts, attempt_interval_seconds, first_received, updated) " +
            "VALUES ('m7@contoso.com', 'm7@contoso.com', @f, @h, 0, 'Archived', 0, 0, 0, now(), now()) RETURNING id", other, transaction))
        {
            insert.Parameters.AddWithValue("h", hash);
            insert.Parameters.AddWithValue("f", ContentFingerprint.Compute(fork.Original.Span));
            otherItem = (long)(await insert.ExecuteScalarAsync())!;
        }

        var stored = Task.Run(() => host.Archive.Store([Fork(8, "before", null, "erin@contoso.com"), fork]));
        // B waits on A's uncommitted row (its insert cannot finish before A's commit or rollback).
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(stored.IsCompleted);
        await transaction.CommitAsync();
        var outcomes = await stored;

        Assert.Equal([JournalOutcomeKind.Archived, JournalOutcomeKind.Merged], outcomes.Select(o => o.Outcome));
        Assert.Equal(otherItem, outcomes[1].ItemId);
        var item = host.Archive.GetMessage(otherItem)!;
        Assert.Equal(["dave@contoso.com"], item.Recipients.Select(r => r.Address));
        Assert.Equal(outcomes[1].ReportId, Assert.Single(item.Reports).ReportId);
        Assert.Equal(3, host.Archive.GetMessages(new JournalMessageQuery()).Count);
        Assert.Equal(3, host.Archive.GetOutcomes(new JournalOutcomeQuery()).Count);
    }

    [Fact]
    public async Task Spool_ids_are_unique_across_hosts_so_each_host_keeps_its_own_report()
    {
        var spoolA = JournalBackend.CreateUncached(_location).OpenSpool("node-a");
        var hostB = JournalBackend.CreateUncached(_location);
        var spoolB = hostB.OpenSpool("node-b");
        var appendA = Task.Run(() => Enumerable.Range(0, 20).SelectMany(i => spoolA.Append([MessageSpoolContract.Entry("a" + i)])).ToList());
        var appendB = Task.Run(() => Enumerable.Range(0, 20).SelectMany(i => spoolB.Append([MessageSpoolContract.Entry("b" + i)])).ToList());
        var ids = (await appendA).Concat(await appendB).ToList();

        Assert.Equal(40, ids.Distinct().Count());
        var outcomes = hostB.Archive.Store(ids.Select((id, i) => Fork(i, "r" + i, id, "bob@contoso.com")).ToList());
        Assert.All(outcomes, o => Assert.Equal(JournalOutcomeKind.Archived, o.Outcome));
        Assert.Equal(40, outcomes.Select(o => o.ReportId).Distinct().Count());
    }

    [Fact]
    public void A_dead_hosts_taken_entries_go_to_another_host_after_the_lease_and_are_archived_once()
    {
        var lease = TimeSpan.FromSeconds(30);
        var hostA = JournalBackend.CreateUncached(_location);
        var hostB = JournalBackend.CreateUncached(_location);
        var spoolA = hostA.OpenSpool("node-a", lease);
        var spoolB = hostB.OpenSpool("node-b", lease);
        var ids = spoolA.Append([MessageSpoolContract.Entry("one"), MessageSpoolContract.Entry("two")]);
        var now = DateTimeOffset.UtcNow;

        var takenByA = spoolA.TakeDue(now, 10, long.MaxValue);
        Assert.Equal(ids, takenByA.Select(m => m.Id));
        // Host A archives the first and dies before removing it from the spool; the second it never got to.
        hostA.Archive.Store([Fork(1, "one", ids[0], "bob@contoso.com")]);

        Assert.Empty(spoolB.TakeDue(now.AddSeconds(29), 10, long.MaxValue));   // A's lease holds
        var takenByB = spoolB.TakeDue(now.Add(lease).AddSeconds(1), 10, long.MaxValue);
        Assert.Equal(ids, takenByB.Select(m => m.Id));
        var outcomes = hostB.Archive.Store([Fork(1, "one", ids[0], "bob@contoso.com"), Fork(2, "two", ids[1], "bob@contoso.com")]);
        spoolB.Remove(ids);

        Assert.Equal(JournalOutcomeKind.Archived, outcomes[0].Outcome);   // the outcome recorded by A, not a second report
        Assert.Equal(2, hostB.Archive.GetOutcomes(new JournalOutcomeQuery()).Count);
        Assert.Equal(0, spoolB.Count());
    }

    [Fact]
    public async Task Hosts_starting_at_once_apply_each_migration_exactly_once()
    {
        var fresh = PostgresServer.Shared.CreateDatabase();
        using var start = new Barrier(6);
        var hosts = Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return JournalBackend.CreateUncached(fresh).Store.GetDefinitions().Count;
        }));
        Assert.All(await Task.WhenAll(hosts), count => Assert.Equal(0, count));

        var versions = PostgresServer.Shared.Scalar<string>(fresh, "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version");
        Assert.Equal(string.Join(',', Enumerable.Range(1, PostgresSchema.LatestVersion)), versions);
    }

    [Fact]
    public void A_read_only_role_can_run_every_read_and_is_refused_a_write_with_a_clear_error()
    {
        var host = JournalBackend.CreateUncached(_location);
        var configuration = new JournalConfiguration(host.Store, "admin");
        var definition = configuration.NewDefinition(new DefinitionSettings { Description = "EXO", ServiceEmailAddress = "journal@journal.contoso.test" });
        configuration.RegisterDomain("contoso.com");
        var stored = host.Archive.Store([Fork(1, "x", null, "bob@contoso.com") with { DefinitionId = definition.Id, ProcessAfter = T0.AddDays(1), WaitAttempts = 2 }]).Single();
        host.OpenSpool("node-a").Append([MessageSpoolContract.Entry("queued", definition.Id)]);

        var readOnly = JournalBackend.CreateUncached(PostgresServer.Shared.CreateReadOnlyRole(_location));
        var reader = new JournalConfiguration(readOnly.Store, "auditor");
        Assert.Equal("EXO", Assert.Single(reader.GetDefinitions()).Description);
        Assert.Equal(1, reader.GetDefinitions()[0].QueueLength);
        Assert.Single(reader.GetDomains());
        Assert.NotEmpty(reader.GetEvents());
        reader.GetListenerSettings();
        reader.GetInternalAddresses();
        Assert.Single(readOnly.Archive.GetMessages(new JournalMessageQuery()));
        Assert.NotNull(readOnly.Archive.GetOriginal(stored.ItemId!.Value));
        Assert.NotNull(readOnly.Archive.GetReport(stored.ReportId));
        Assert.Single(readOnly.Archive.GetOutcomes(new JournalOutcomeQuery()));
        Assert.Equal("queued", Assert.Single(readOnly.ListQueue(null, null)).Subject);

        var refused = Assert.Throws<JournalConfigurationException>(() => reader.RegisterDomain("fabrikam.com"));
        Assert.Equal("StorePermissionDenied", refused.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidOperation, refused.Kind);
    }

    [Fact]
    public void The_password_of_a_connection_string_never_shows_in_the_location_or_in_errors()
    {
        var server = PostgresServer.Shared;
        var uri = $"postgresql://{PostgresServer.SuperUser}:{Uri.EscapeDataString(server.Password)}@127.0.0.1:{server.Port}/{new NpgsqlConnectionStringBuilder(_location).Database}?sslmode=disable";
        var viaUri = JournalBackend.CreateUncached(uri);
        Assert.Empty(viaUri.Store.GetDefinitions());
        Assert.Equal($"postgresql://{PostgresServer.SuperUser}@127.0.0.1:{server.Port}/{new NpgsqlConnectionStringBuilder(_location).Database}?sslmode=disable", viaUri.Location);
        Assert.True(viaUri.IsShared);

        const string wrong = "Wrong-Secret-4711";
        var keywords = $"Host=127.0.0.1;Port={server.Port};Database=postgres;Username={PostgresServer.SuperUser};Password={wrong}";
        var error = Assert.Throws<JournalConfigurationException>(() => JournalBackend.CreateUncached(keywords));
        Assert.Equal("StoreAuthenticationFailed", error.ErrorId);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, error.Target?.ToString() ?? string.Empty);

        var unknown = Assert.Throws<JournalConfigurationException>(() => JournalBackend.CreateUncached($"Host=127.0.0.1;Password={wrong};Colour=blue"));
        Assert.Equal("InvalidStoreLocation", unknown.ErrorId);
        Assert.DoesNotContain(wrong, unknown.ToString());
    }
}
