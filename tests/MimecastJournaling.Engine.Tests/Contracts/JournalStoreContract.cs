using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>The configuration store's contract (IJournalStore, through JournalConfiguration), run against every backend.</summary>
public abstract class JournalStoreContract : IDisposable
{
    private readonly BackendUnderTest _backend;
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly JournalBackend _host;
    private readonly JournalConfiguration _configuration;

    private protected JournalStoreContract(BackendUnderTest backend)
    {
        _backend = backend;
        _host = backend.Open();
        _configuration = new JournalConfiguration(_host.Store, TempStore.Actor, _clock);
    }

    public void Dispose() => _backend.Dispose();

    private JournalDefinition Define(string name = "Contoso EXO", string address = "journal@journal.contoso.test") =>
        _configuration.NewDefinition(new DefinitionSettings { Description = name, ServiceEmailAddress = address, SourceIpRange = ["192.0.2.0/24"] });

    [Fact]
    public void A_definition_round_trips_every_field_and_is_found_case_insensitively()
    {
        var created = _configuration.NewDefinition(new DefinitionSettings
        {
            Description = "Contoso EXO",
            ServiceEmailAddress = "Journal@Journal.Contoso.test",
            SourceIpRange = ["192.0.2.0/24", "2001:db8::/32"],
            InitialProcessDelay = TimeSpan.FromMinutes(5),
            DeliveryWaitAttempts = 4,
            InactivityPeriod = TimeSpan.FromMinutes(90),
            JournalType = JournalType.StandardEml,
            PreferClearText = true,
            SmtpCredential = SmtpCredentialChange.FromSecureString("exchange", TempStore.Secure("a long enough secret")),
            TenantId = ["6f2c1d4e-0b1a-4c3d-9e8f-112233445566"],
        });
        var read = _host.Store.GetDefinition("CONTOSO exo")!;

        Assert.Equal(created.Id, read.Id);
        Assert.Equal(["192.0.2.0/24", "2001:db8::/32"], read.SourceIpRange);
        Assert.Equal(TimeSpan.FromMinutes(5), read.InitialProcessDelay);
        Assert.Equal(4, read.DeliveryWaitAttempts);
        Assert.Equal(TimeSpan.FromMinutes(90), read.InactivityPeriod);
        Assert.Equal(JournalType.StandardEml, read.JournalType);
        Assert.True(read.PreferClearText);
        Assert.True(read.SmtpAuthentication);
        Assert.Equal("exchange", read.SmtpUserName);
        Assert.Equal(["6f2c1d4e-0b1a-4c3d-9e8f-112233445566"], read.TenantId);
        Assert.Equal(created.Created, read.Created);
        Assert.Equal(created.Id, _host.Store.GetDefinitionByServiceAddress("JOURNAL@journal.contoso.test")!.Id);
        Assert.True(_configuration.VerifySmtpPassword(read, "exchange", "a long enough secret"));
        Assert.False(_configuration.VerifySmtpPassword(read, "exchange", "wrong"));
    }

    [Fact]
    public void A_second_definition_with_the_same_name_or_address_is_refused_as_existing()
    {
        Define();
        var sameName = Assert.Throws<JournalConfigurationException>(() => Define("contoso exo", "other@journal.contoso.test"));
        var sameAddress = Assert.Throws<JournalConfigurationException>(() => Define("Other", "JOURNAL@journal.contoso.test"));

        Assert.Equal(JournalErrorKind.AlreadyExists, sameName.Kind);
        Assert.Equal(JournalErrorKind.AlreadyExists, sameAddress.Kind);
        // The same clash met in the store itself (another host inserted first) is AlreadyExists too.
        var again = Assert.Throws<JournalConfigurationException>(() => _host.Store.InsertDefinition(_host.Store.GetDefinitions()[0], null, []));
        Assert.Equal(JournalErrorKind.AlreadyExists, again.Kind);
    }

    [Fact]
    public void Changes_from_another_host_move_the_configuration_version_and_the_directory_version()
    {
        var other = _backend.Open();
        var otherConfiguration = new JournalConfiguration(other.Store, "other", _clock);
        var configuration = _host.Store.GetConfigurationVersion();
        var directory = _host.Store.GetDirectoryVersion();

        otherConfiguration.NewDefinition(new DefinitionSettings { Description = "B", ServiceEmailAddress = "b@journal.contoso.test" });
        var afterDefinition = _host.Store.GetConfigurationVersion();
        otherConfiguration.SetListenerSettings(["198.51.100.0/24"], null);
        var afterSetting = _host.Store.GetConfigurationVersion();
        Assert.True(afterDefinition > configuration);
        Assert.True(afterSetting > afterDefinition);
        Assert.Equal(directory, _host.Store.GetDirectoryVersion());

        otherConfiguration.RegisterDomain("contoso.com");
        var afterDomain = _host.Store.GetDirectoryVersion();
        otherConfiguration.AddInternalAddress("alice@contoso.com");
        Assert.True(afterDomain > directory);
        Assert.True(_host.Store.GetDirectoryVersion() > afterDomain);
        Assert.Equal(afterSetting, _host.Store.GetConfigurationVersion());
    }

    [Fact]
    public void Health_updates_keep_the_newest_last_received_and_ignore_a_removed_definition()
    {
        var d = Define();
        var later = _clock.GetUtcNow().AddMinutes(5);
        _host.Store.RecordDefinitionHealth(d.Id, JournalStatus.OK, null, later, []);
        _host.Store.RecordDefinitionHealth(d.Id, JournalStatus.OK, null, later.AddMinutes(-3), []);
        Assert.Equal(later, _host.Store.GetDefinition(d.Description)!.LastReceived);
        _host.Store.RecordDefinitionHealth(d.Id, JournalStatus.Error, "TLS failed", null, []);
        var read = _host.Store.GetDefinition(d.Description)!;
        Assert.Equal(JournalStatus.Error, read.Status);
        Assert.Equal("TLS failed", read.StatusReason);
        Assert.Equal(later, read.LastReceived);

        _configuration.RemoveDefinition(d.Description);
        _host.Store.RecordDefinitionHealth(d.Id, JournalStatus.OK, null, later, []);
        Assert.Null(_host.Store.GetDefinition(d.Description));
    }

    [Fact]
    public void Reading_definitions_shows_a_silent_one_as_Down_without_writing()
    {
        var d = Define();
        _host.Store.RecordDefinitionHealth(d.Id, JournalStatus.OK, null, _clock.GetUtcNow(), []);
        _clock.Advance(TimeSpan.FromHours(4));
        var events = _host.Store.GetEvents(new JournalEventQuery()).Count;

        var shown = Assert.Single(_configuration.GetDefinitions());

        Assert.Equal(JournalStatus.Down, shown.Status);
        Assert.Contains("No journal report since", shown.StatusReason);
        Assert.Equal(JournalStatus.OK, _host.Store.GetDefinition(d.Description)!.Status);
        Assert.Equal(events, _host.Store.GetEvents(new JournalEventQuery()).Count);
        // The listener records it, with its event.
        Assert.Single(_configuration.MarkInactiveDefinitions());
        Assert.Equal(JournalStatus.Down, _host.Store.GetDefinition(d.Description)!.Status);
    }

    [Fact]
    public void Several_hosts_that_find_the_same_silence_at_once_write_one_Down_and_one_event()
    {
        var d = Define();
        _host.Store.RecordDefinitionHealth(d.Id, JournalStatus.OK, null, _clock.GetUtcNow(), []);
        _clock.Advance(TimeSpan.FromHours(4));
        // Four hosts: each its own store instance on the same database, each checking at the same moment.
        var hosts = Enumerable.Range(0, 4).Select(_ => _backend.Open()).ToArray();
        using var start = new Barrier(hosts.Length);
        var marked = hosts.AsParallel().WithDegreeOfParallelism(hosts.Length).Select(h =>
        {
            var configuration = new JournalConfiguration(h.Store, TempStore.Actor, _clock);
            start.SignalAndWait();
            return configuration.MarkInactiveDefinitions().Count;
        }).Sum();

        Assert.Equal(1, marked);
        Assert.Equal(JournalStatus.Down, _host.Store.GetDefinition(d.Description)!.Status);
        Assert.Single(_host.Store.GetEvents(new JournalEventQuery()), e => e.NewValue == nameof(JournalStatus.Down));
    }

    [Fact]
    public void A_Down_found_before_a_report_arrived_elsewhere_is_not_written()
    {
        var d = Define();
        var seen = _clock.GetUtcNow();
        _host.Store.RecordDefinitionHealth(d.Id, JournalStatus.OK, null, seen, []);
        // Another host archives a report after this checker read LastReceived.
        _host.Store.RecordDefinitionHealth(d.Id, JournalStatus.OK, null, seen.AddHours(3), []);
        var events = _host.Store.GetEvents(new JournalEventQuery()).Count;

        Assert.False(_host.Store.RecordDefinitionDown(d.Id, JournalStatus.OK, seen, "No journal report since ...", []));
        Assert.Equal(JournalStatus.OK, _host.Store.GetDefinition(d.Description)!.Status);
        Assert.Equal(events, _host.Store.GetEvents(new JournalEventQuery()).Count);
        // With what it holds now, the change is made once.
        Assert.True(_host.Store.RecordDefinitionDown(d.Id, JournalStatus.OK, seen.AddHours(3), "No journal report since ...", []));
        Assert.False(_host.Store.RecordDefinitionDown(d.Id, JournalStatus.OK, seen.AddHours(3), "No journal report since ...", []));
    }

    [Fact]
    public void Events_without_a_change_are_written_together_and_read_back_newest_first()
    {
        var time = _clock.GetUtcNow();
        _host.Store.RecordEvents(
        [
            new JournalEvent { Time = time, User = "alice", ObjectType = JournalObjectType.Search, ObjectName = "from:bob", Action = "Search", NewValue = "3" },
            new JournalEvent { Time = time, User = "alice", ObjectType = JournalObjectType.Export, ObjectName = "/tmp/out", Action = "Export", NewValue = "3" },
        ]);

        var events = _host.Store.GetEvents(new JournalEventQuery());
        Assert.Equal([JournalObjectType.Export, JournalObjectType.Search], events.Take(2).Select(e => e.ObjectType));
        Assert.Equal("from:bob", events[1].ObjectName);
        Assert.Single(_host.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Export }));
    }

    [Fact]
    public void Domains_addresses_settings_and_events_round_trip()
    {
        _configuration.RegisterDomain("Contoso.com");
        _configuration.AddInternalAddress("Alice@contoso.com");
        _configuration.AddInternalAddress("sales@contoso.com", InternalAddressType.Alias, "alice@contoso.com");
        _host.Store.ApplyDirectoryChanges(new DirectoryChanges
        {
            NewDomains = [new JournalDomain { Name = "fabrikam.com", VerificationCode = "x", Registered = _clock.GetUtcNow() }],
            DeleteAddresses = ["sales@contoso.com"],
            SettingName = "sync",
            SettingValue = "{\"cursor\":1}",
            Updated = _clock.GetUtcNow(),
        }, []);

        Assert.Equal(["contoso.com", "fabrikam.com"], _host.Store.GetDomains().Select(x => x.Name));
        Assert.Equal("Alice@contoso.com", Assert.Single(_host.Store.GetInternalAddresses("CONTOSO.COM")).EmailAddress);
        Assert.Equal(1, _host.Store.CountInternalAddresses("contoso.com"));
        Assert.Equal("{\"cursor\":1}", _host.Store.GetSetting("sync"));
        Assert.Null(_host.Store.GetSetting("never"));

        var events = _host.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.InternalAddress });
        Assert.Equal(2, events.Count);
        Assert.True(events[0].Id > events[1].Id);   // newest first
        Assert.Equal(TempStore.Actor, events[0].User);
        Assert.Single(_host.Store.GetEvents(new JournalEventQuery { First = 1 }));

        _configuration.UnregisterDomain("contoso.com", removeAddresses: true);
        Assert.Empty(_host.Store.GetInternalAddresses("contoso.com"));
    }

    [Fact]
    public void The_store_keeps_replaces_and_removes_a_listener_record()
    {
        var store = _host.Store;
        var started = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var record = new ListenerRecord
        {
            Id = Guid.NewGuid(), Node = "archive01", ProcessId = 4242, Endpoints = ["0.0.0.0:25", "0.0.0.0:465 (implicit TLS)"],
            ServerName = "archive.contoso.com", Started = started, LastHeartbeat = started, HeartbeatInterval = TimeSpan.FromSeconds(5),
            Received = 1, Accepted = 1, Refused = new Dictionary<string, long> { ["TlsRequired"] = 2 },
        };
        store.UpsertListener(record);
        store.UpsertListener(record with { LastHeartbeat = started.AddSeconds(5), Received = 7, Accepted = 6 });

        var seen = Assert.Single(_backend.Open().Store.GetListeners());
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
}

public sealed class SqliteJournalStoreContract() : JournalStoreContract(new SqliteBackendUnderTest());

[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalStoreContract() : JournalStoreContract(new PostgresBackendUnderTest());
