using System.Text;
using Microsoft.Data.Sqlite;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests;

public sealed class SqliteJournalStoreTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private List<string> ReadColumn(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _temp.FilePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }
        return values;
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _temp.FilePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Every migration applied once: "1", "2", … up to the latest.</summary>
    private static readonly string[] AllVersions = Enumerable.Range(1, SqliteSchema.LatestVersion).Select(v => v.ToString()).ToArray();

    [Fact]
    public void A_fresh_file_gets_the_schema_in_wal_mode()
    {
        Assert.Equal(_temp.FilePath, _temp.Store.Location);
        Assert.True(File.Exists(_temp.FilePath));
        // item_text is the FTS5 index (its shadow tables item_text_* belong to it).
        var tables = ReadColumn("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'item_text_%' ORDER BY name");
        Assert.Equal(["blobs", "definitions", "domains", "event_chain_head", "events", "holds", "internal_addresses", "item_mailboxes", "item_recipients", "item_text", "items", "leases", "listeners", "reports", "retention_policies", "schema_version", "search_index", "settings", "spool", "worm_objects"], tables);
        Assert.Equal(AllVersions, ReadColumn("SELECT version FROM schema_version ORDER BY version"));
        Assert.Equal(["wal"], ReadColumn("PRAGMA journal_mode"));
        Assert.Empty(_temp.Store.GetDefinitions());
        Assert.Empty(_temp.Store.GetDomains());
        Assert.Empty(_temp.Store.GetEvents(new JournalEventQuery()));
    }

    [Fact]
    public void Reopening_keeps_the_data_and_does_not_migrate_again()
    {
        _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");
        _temp.Configuration.RegisterDomain("contoso.test");
        _temp.Configuration.AddInternalAddress("ceo@contoso.test", displayName: "The CEO");

        using var reopened = _temp.OpenAnotherStore();

        var definition = Assert.Single(reopened.GetDefinitions());
        Assert.Equal("Contoso EXO", definition.Description);
        Assert.Equal("journal@journal.contoso.test", definition.ServiceEmailAddress);
        Assert.Equal("contoso.test", Assert.Single(reopened.GetDomains()).Name);
        Assert.Equal("The CEO", reopened.GetInternalAddress("CEO@contoso.test")!.DisplayName);
        Assert.Equal(3, reopened.GetEvents(new JournalEventQuery()).Count);
        Assert.Equal(AllVersions, ReadColumn("SELECT version FROM schema_version ORDER BY version"));
    }

    [Fact]
    public void A_store_of_schema_14_is_upgraded_to_the_worm_object_states_and_leases_and_keeps_its_data()
    {
        _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");
        // Back to schema 14: no worm_objects table.
        Execute("DROP TABLE worm_objects");
        Execute("DROP TABLE leases");
        Execute("DELETE FROM schema_version WHERE version > 14");

        using var reopened = _temp.OpenAnotherStore();

        Assert.Equal("Contoso EXO", Assert.Single(reopened.GetDefinitions()).Description);
        Assert.Equal(AllVersions, ReadColumn("SELECT version FROM schema_version ORDER BY version"));
        Assert.Equal(15, SqliteSchema.LatestVersion);
        Assert.Equal(["hash", "legal_hold", "retain_until", "store_key", "updated", "written"],
            ReadColumn("SELECT name FROM pragma_table_info('worm_objects') ORDER BY name"));
        Assert.Equal(["holder", "name", "until"], ReadColumn("SELECT name FROM pragma_table_info('leases') ORDER BY name"));
    }

    [Fact]
    public void A_store_written_by_a_newer_version_is_refused()
    {
        Execute("INSERT INTO schema_version (version) VALUES (99)");

        var e = Assert.Throws<JournalConfigurationException>(() => new SqliteJournalStore(_temp.FilePath));
        Assert.Equal("StoreSchemaTooNew", e.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidOperation, e.Kind);
        Assert.Contains("schema 99", e.Message);
        Assert.Contains("Update the module", e.Message);
        // The refusal did not touch the data.
        Assert.Equal([.. AllVersions, "99"], ReadColumn("SELECT version FROM schema_version ORDER BY version"));
    }

    [Fact]
    public void Store_file_its_wal_and_shm_and_the_new_folder_are_private()
    {
        // Unix permissions only: Windows gives a per-user folder its ACL, there is no mode to check.
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        // A write leaves the -wal and -shm files behind while pooled connections are open.
        _temp.NewDefinition();
        using var other = _temp.OpenAnotherStore();
        Assert.Single(other.GetDefinitions());

        const UnixFileMode ownerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_temp.FolderPath));
        Assert.Equal(ownerReadWrite, File.GetUnixFileMode(_temp.FilePath));
        // The listener's spool, a file of its own, holds whole reports: the same modes.
        var spool = new MimecastJournaling.Engine.Listener.SqliteMessageSpool(_temp.Store);
        Assert.Equal(_temp.Store.SpoolLocation, spool.Location);
        Assert.Equal(ownerReadWrite, File.GetUnixFileMode(spool.Location));
        var companions = new[] { "-wal", "-shm" }.SelectMany(s => new[] { _temp.FilePath + s, spool.Location + s }).Where(File.Exists).ToList();
        Assert.Equal(4, companions.Count);
        foreach (var file in companions)
        {
            Assert.True(ownerReadWrite == File.GetUnixFileMode(file), $"{file} has mode {File.GetUnixFileMode(file)}");
        }
    }

    [Fact]
    public void An_existing_folder_keeps_its_permissions_and_the_file_is_still_private()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var path = Path.Combine(_temp.Root, "second.db");   // the folder exists already
        using var store = new SqliteJournalStore(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Concurrent_writers_on_one_file_lose_nothing_and_raise_nothing()
    {
        const int threads = 8;
        const int perThread = 50;
        _temp.Configuration.RegisterDomain("contoso.test");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                // Each thread is its own session: its own store instance, opened at the same moment.
                start.SignalAndWait();
                using var store = new SqliteJournalStore(_temp.FilePath);
                var configuration = new JournalConfiguration(store, $"worker{t}");
                for (var i = 0; i < perThread; i++)
                {
                    configuration.AddInternalAddress($"user{t}-{i}@contoso.test", displayName: $"User {t}/{i}");
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.True(errors.IsEmpty, "Writers failed:\n" + string.Join("\n", errors.Select(e => e.ToString())));
        using var reader = _temp.OpenAnotherStore();
        var addresses = reader.GetInternalAddresses("contoso.test").Select(a => a.EmailAddress).ToHashSet();
        Assert.Equal(threads * perThread, addresses.Count);
        for (var t = 0; t < threads; t++)
        {
            for (var i = 0; i < perThread; i++)
            {
                Assert.Contains($"user{t}-{i}@contoso.test", addresses);
            }
        }
        var created = reader.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.InternalAddress });
        Assert.Equal(threads * perThread, created.Count);
        Assert.All(created, e => Assert.Equal("Created", e.Action));
        Assert.Equal(threads * perThread, created.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void The_store_files_never_contain_the_smtp_password_but_do_contain_its_hash()
    {
        const string password = "Journal-Relay-P@ssw0rd-7f3e";
        var credential = SmtpCredentialChange.FromSecureString("journal-relay", TempStore.Secure(password));
        var definition = _temp.Configuration.NewDefinition(new DefinitionSettings
        {
            Description = "Contoso EXO",
            ServiceEmailAddress = "journal@journal.contoso.test",
            SmtpCredential = credential,
        });

        var hash = _temp.Store.GetSmtpPasswordHash(definition.Id);
        Assert.NotNull(hash);
        Assert.StartsWith("pbkdf2-sha256$600000$", hash, StringComparison.Ordinal);

        var bytes = _temp.ReadStoreFileBytes();
        Assert.True(TempStore.Contains(bytes, hash, Encoding.UTF8), "the hash should be in the store files; the search looks in the wrong place");
        Assert.True(TempStore.Contains(bytes, "journal-relay", Encoding.UTF8));
        Assert.False(TempStore.Contains(bytes, password, Encoding.UTF8), "the SMTP password is in the store (UTF-8)");
        Assert.False(TempStore.Contains(bytes, password, Encoding.Unicode), "the SMTP password is in the store (UTF-16LE)");
        Assert.False(TempStore.Contains(bytes, password, Encoding.BigEndianUnicode), "the SMTP password is in the store (UTF-16BE)");
        Assert.DoesNotContain(password, credential.ToString(), StringComparison.Ordinal);
        Assert.All(_temp.Configuration.GetEvents(), e =>
        {
            Assert.DoesNotContain(password, e.OldValue ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain(password, e.NewValue ?? string.Empty, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Names_are_looked_up_case_insensitively()
    {
        var definition = _temp.NewDefinition("Contoso EXO", "Journal@Journal.Contoso.test");
        Assert.Equal(definition.Id, _temp.Store.GetDefinition("CONTOSO exo")!.Id);
        Assert.Equal(definition.Id, _temp.Store.GetDefinitionByServiceAddress("JOURNAL@journal.contoso.TEST")!.Id);
        Assert.Equal("Journal@journal.contoso.test", definition.ServiceEmailAddress);
        Assert.Null(_temp.Store.GetDefinition("Contoso"));
    }

    [Fact]
    public void A_definition_round_trips_every_field()
    {
        var received = new DateTimeOffset(2026, 2, 28, 23, 59, 58, 123, TimeSpan.FromHours(2));
        var definition = new JournalDefinition
        {
            Id = Guid.NewGuid(),
            Description = "Round trip",
            Disabled = true,
            ServiceEmailAddress = "rt@journal.contoso.test",
            SourceIpRange = ["40.92.0.0/15", "2a01:111:f400::/48"],
            SmtpAuthentication = true,
            SmtpUserName = "relay",
            InitialProcessDelay = TimeSpan.FromMinutes(5),
            DeliveryWaitAttempts = 7,
            InactivityPeriod = TimeSpan.FromHours(6),
            JournalType = JournalType.StandardEml,
            Encrypted = false,
            PreferClearText = true,
            JournalNonInternalAddresses = true,
            JournalUnknownInternalAddresses = true,
            TenantId = ["9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60"],
            Status = JournalStatus.Down,
            StatusReason = "Nothing for 6 hours",
            LastReceived = received,
            Created = _temp.Clock.GetUtcNow(),
            Modified = _temp.Clock.GetUtcNow(),
        };
        _temp.Store.InsertDefinition(definition, "pbkdf2-sha256$1$AA==$AA==", []);

        var read = _temp.Store.GetDefinition("round trip")!;
        Assert.Equal(definition.SourceIpRange, read.SourceIpRange);
        Assert.Equal(received, read.LastReceived);
        Assert.Equal(TimeSpan.Zero, read.LastReceived!.Value.Offset);
        Assert.Equal(definition.TenantId, read.TenantId);
        Assert.Equal(definition with { SourceIpRange = read.SourceIpRange, TenantId = read.TenantId, LastReceived = read.LastReceived }, read);
        Assert.Equal("pbkdf2-sha256$1$AA==$AA==", _temp.Store.GetSmtpPasswordHash(definition.Id));
    }

    [Fact]
    public void A_unique_key_clash_is_reported_as_already_exists()
    {
        var first = _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");
        var clash = first with { Id = Guid.NewGuid(), ServiceEmailAddress = "other@journal.contoso.test", Description = "contoso exo" };

        var e = Assert.Throws<JournalConfigurationException>(() => _temp.Store.InsertDefinition(clash, null, []));
        Assert.Equal("StoreConstraintViolation", e.ErrorId);
        Assert.Equal(JournalErrorKind.AlreadyExists, e.Kind);
        Assert.Single(_temp.Store.GetDefinitions());
    }

    [Fact]
    public void Updating_a_definition_another_session_removed_says_so()
    {
        var definition = _temp.NewDefinition();
        using var other = _temp.OpenAnotherStore();
        other.DeleteDefinition(definition.Id, []);

        var e = Assert.Throws<JournalConfigurationException>(() =>
            _temp.Store.UpdateDefinition(definition with { DeliveryWaitAttempts = 5 }, PasswordHashChange.Keep, []));
        Assert.Equal("JournalDefinitionNotFound", e.ErrorId);
        Assert.Contains("another session removed it", e.Message);
    }
}
