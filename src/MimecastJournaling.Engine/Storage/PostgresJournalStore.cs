using System.Globalization;
using System.Text.Json;
using Npgsql;
using static MimecastJournaling.Engine.Storage.PostgresDatabase;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Storage;

/// <summary>
/// The shared store for several listener hosts: configuration, directory and event log in one
/// PostgreSQL database (the archive and the spool live there too). Every write runs in one
/// transaction with its events and bumps the counter row of what it changed (configuration or
/// directory), so the versions that listeners cache by are commit-ordered across hosts.
/// </summary>
internal sealed class PostgresJournalStore : IJournalStore, IEventChainSource, IStoreLeases
{
    private readonly PostgresDatabase _db;

    public PostgresJournalStore(PostgresDatabase database)
    {
        _db = database;
        PostgresSchema.Migrate(_db);
    }

    public string Location => _db.Location;

    public PostgresDatabase Database => _db;

    public void Dispose()
    {
        // The data source belongs to the backend, which outlives a store object.
    }

    // ---- definitions ----------------------------------------------------------------------

    private const string DefinitionColumns =
        "id, description, transport_type, disabled, service_address, source_ip_ranges, smtp_user, smtp_password_hash IS NOT NULL, " +
        "initial_delay_seconds, delivery_wait_attempts, inactivity_seconds, journal_type, encrypted, prefer_clear_text, " +
        "journal_non_internal, journal_unknown_internal, status, status_reason, last_received, created, modified, tenant_ids";

    public IReadOnlyList<JournalDefinition> GetDefinitions() =>
        Query($"SELECT {DefinitionColumns} FROM definitions ORDER BY description_key", ReadDefinition);

    public JournalDefinition? GetDefinition(string description) =>
        Query($"SELECT {DefinitionColumns} FROM definitions WHERE description_key = @k", ReadDefinition,
            ("@k", Key(description))).FirstOrDefault();

    public JournalDefinition? GetDefinitionByServiceAddress(string serviceEmailAddress) =>
        Query($"SELECT {DefinitionColumns} FROM definitions WHERE service_address_key = @k", ReadDefinition,
            ("@k", Key(serviceEmailAddress))).FirstOrDefault();

    public long GetConfigurationVersion() => ReadVersion("configuration");

    /// <summary>A listener's lookups answer from memory until a version moves (LISTEN/NOTIFY: <see cref="PostgresVersionWatch"/>).</summary>
    public IDisposable? WatchVersions() => _db.WatchVersions();

    /// <summary>How many times a version was read from the database (tests: the watch answers the rest).</summary>
    internal long VersionQueries => Interlocked.Read(ref _versionQueries);

    private long _versionQueries;

    private long ReadVersion(string name) =>
        _db.VersionWatch is { } watch ? watch.Read(name, () => QueryVersion(name)) : QueryVersion(name);

    private long QueryVersion(string name)
    {
        Interlocked.Increment(ref _versionQueries);
        return Query("SELECT value FROM store_versions WHERE name = @n", r => r.GetInt64(0), ("@n", name)).Single();
    }

    public string? GetSmtpPasswordHash(Guid definitionId) =>
        Query("SELECT smtp_password_hash FROM definitions WHERE id = @id", r => r.IsDBNull(0) ? null : r.GetString(0),
            ("@id", definitionId.ToString())).FirstOrDefault();

    public void InsertDefinition(JournalDefinition d, string? smtpPasswordHash, IReadOnlyList<JournalEvent> events) =>
        Write(events, (connection, transaction) => Execute(connection, transaction,
            "INSERT INTO definitions (id, description, description_key, transport_type, disabled, service_address, service_address_key, " +
            "source_ip_ranges, smtp_user, smtp_password_hash, initial_delay_seconds, delivery_wait_attempts, inactivity_seconds, " +
            "journal_type, encrypted, prefer_clear_text, journal_non_internal, journal_unknown_internal, status, status_reason, " +
            "last_received, created, modified, tenant_ids) VALUES (@id, @description, @description_key, @transport_type, @disabled, @service_address, " +
            "@service_address_key, @source_ip_ranges, @smtp_user, @smtp_password_hash, @initial_delay_seconds, @delivery_wait_attempts, " +
            "@inactivity_seconds, @journal_type, @encrypted, @prefer_clear_text, @journal_non_internal, @journal_unknown_internal, " +
            "@status, @status_reason, @last_received, @created, @modified, @tenant_ids)",
            DefinitionParameters(d).Append(("@smtp_password_hash", (object?)smtpPasswordHash)).ToArray()));

    public void UpdateDefinition(JournalDefinition d, PasswordHashChange passwordHash, IReadOnlyList<JournalEvent> events) =>
        Write(events, (connection, transaction) =>
        {
            var changed = Execute(connection, transaction,
                "UPDATE definitions SET description = @description, description_key = @description_key, transport_type = @transport_type, " +
                "disabled = @disabled, service_address = @service_address, service_address_key = @service_address_key, " +
                "source_ip_ranges = @source_ip_ranges, smtp_user = @smtp_user, initial_delay_seconds = @initial_delay_seconds, " +
                "delivery_wait_attempts = @delivery_wait_attempts, inactivity_seconds = @inactivity_seconds, journal_type = @journal_type, " +
                "encrypted = @encrypted, prefer_clear_text = @prefer_clear_text, journal_non_internal = @journal_non_internal, " +
                "journal_unknown_internal = @journal_unknown_internal, status = @status, status_reason = @status_reason, " +
                "last_received = @last_received, modified = @modified, tenant_ids = @tenant_ids WHERE id = @id",
                DefinitionParameters(d).ToArray());
            if (changed == 0)
            {
                throw new JournalConfigurationException("JournalDefinitionNotFound", JournalErrorKind.NotFound,
                    $"The journal definition '{d.Description}' no longer exists; another session removed it.", d.Description);
            }
            switch (passwordHash)
            {
                case PasswordHashChange.SetHash set:
                    Execute(connection, transaction, "UPDATE definitions SET smtp_password_hash = @h WHERE id = @id",
                        ("@h", set.Hash), ("@id", d.Id.ToString()));
                    break;
                case PasswordHashChange.ClearHash:
                    Execute(connection, transaction, "UPDATE definitions SET smtp_password_hash = NULL, smtp_user = NULL WHERE id = @id",
                        ("@id", d.Id.ToString()));
                    break;
            }
        });

    public void DeleteDefinition(Guid definitionId, IReadOnlyList<JournalEvent> events) =>
        Write(events, (connection, transaction) =>
            Execute(connection, transaction, "DELETE FROM definitions WHERE id = @id", ("@id", definitionId.ToString())));

    public void RecordDefinitionHealth(Guid definitionId, JournalStatus status, string? statusReason, DateTimeOffset? lastReceived, IReadOnlyList<JournalEvent> events) =>
        Write(events, (connection, transaction) => Execute(connection, transaction,
            "UPDATE definitions SET status = @status, status_reason = @reason, " +
            "last_received = CASE WHEN @last::timestamptz IS NOT NULL AND (last_received IS NULL OR last_received < @last::timestamptz) THEN @last::timestamptz ELSE last_received END " +
            "WHERE id = @id",
            ("@status", status.ToString()), ("@reason", statusReason), ("@last", lastReceived), ("@id", definitionId.ToString())));

    public bool RecordDefinitionDown(Guid definitionId, JournalStatus statusSeen, DateTimeOffset lastReceivedSeen, string statusReason, IReadOnlyList<JournalEvent> events) =>
        WriteIf(events, (connection, transaction) => Execute(connection, transaction,
            "UPDATE definitions SET status = @down, status_reason = @reason " +
            "WHERE id = @id AND status = @status_seen AND last_received = @seen",
            ("@down", JournalStatus.Down.ToString()), ("@status_seen", statusSeen.ToString()), ("@reason", statusReason), ("@seen", lastReceivedSeen.ToUniversalTime()), ("@id", definitionId.ToString())) == 1);

    private static IEnumerable<(string, object?)> DefinitionParameters(JournalDefinition d)
    {
        yield return ("@id", d.Id.ToString());
        yield return ("@description", d.Description);
        yield return ("@description_key", Key(d.Description));
        yield return ("@transport_type", d.TransportType.ToString());
        yield return ("@disabled", d.Disabled);
        yield return ("@service_address", d.ServiceEmailAddress);
        yield return ("@service_address_key", Key(d.ServiceEmailAddress));
        yield return ("@source_ip_ranges", JsonSerializer.Serialize(d.SourceIpRange));
        yield return ("@smtp_user", d.SmtpUserName);
        yield return ("@initial_delay_seconds", (long)d.InitialProcessDelay.TotalSeconds);
        yield return ("@delivery_wait_attempts", d.DeliveryWaitAttempts);
        yield return ("@inactivity_seconds", (long)d.InactivityPeriod.TotalSeconds);
        yield return ("@journal_type", d.JournalType.ToString());
        yield return ("@encrypted", d.Encrypted);
        yield return ("@prefer_clear_text", d.PreferClearText);
        yield return ("@journal_non_internal", d.JournalNonInternalAddresses);
        yield return ("@journal_unknown_internal", d.JournalUnknownInternalAddresses);
        yield return ("@status", d.Status.ToString());
        yield return ("@status_reason", d.StatusReason);
        yield return ("@last_received", d.LastReceived);
        yield return ("@created", d.Created);
        yield return ("@modified", d.Modified);
        yield return ("@tenant_ids", JsonSerializer.Serialize(d.TenantId));
    }

    private static JournalDefinition ReadDefinition(NpgsqlDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        Description = r.GetString(1),
        TransportType = Enum.Parse<JournalTransportType>(r.GetString(2)),
        Disabled = r.GetBoolean(3),
        ServiceEmailAddress = r.GetString(4),
        SourceIpRange = JsonSerializer.Deserialize<string[]>(r.GetString(5)) ?? Array.Empty<string>(),
        SmtpUserName = r.IsDBNull(6) ? null : r.GetString(6),
        SmtpAuthentication = r.GetBoolean(7),
        InitialProcessDelay = TimeSpan.FromSeconds(r.GetInt64(8)),
        DeliveryWaitAttempts = r.GetInt32(9),
        InactivityPeriod = TimeSpan.FromSeconds(r.GetInt64(10)),
        JournalType = Enum.Parse<JournalType>(r.GetString(11)),
        Encrypted = r.GetBoolean(12),
        PreferClearText = r.GetBoolean(13),
        JournalNonInternalAddresses = r.GetBoolean(14),
        JournalUnknownInternalAddresses = r.GetBoolean(15),
        Status = Enum.Parse<JournalStatus>(r.GetString(16)),
        StatusReason = r.IsDBNull(17) ? null : r.GetString(17),
        LastReceived = GetTime(r, 18),
        Created = GetTime(r, 19) ?? default,
        Modified = GetTime(r, 20) ?? default,
        TenantId = JsonSerializer.Deserialize<string[]>(r.GetString(21)) ?? Array.Empty<string>(),
    };

    /// <summary>The shared spool's entries per definition, every node's.</summary>
    private IEnumerable<(Guid Definition, int Queued)> QueuedPerDefinition() =>
        Query("SELECT definition_id, COUNT(*) FROM spool GROUP BY definition_id", r => (Guid.Parse(r.GetString(0)), (int)r.GetInt64(1)));

    public IReadOnlyDictionary<Guid, DefinitionCounters> GetDefinitionCounters()
    {
        var counters = new Dictionary<Guid, DefinitionCounters>();
        DefinitionCounters For(Guid id) => counters.TryGetValue(id, out var c) ? c : counters[id] = new DefinitionCounters();
        foreach (var (id, queued) in QueuedPerDefinition())
        {
            counters[id] = For(id) with { QueueLength = For(id).QueueLength + queued };
        }
        foreach (var (id, outcome, count) in Query(
            "SELECT definition_id, outcome, COUNT(*) FROM reports WHERE definition_id IS NOT NULL GROUP BY definition_id, outcome",
            r => (Guid.Parse(r.GetString(0)), r.GetString(1), r.GetInt64(2))))
        {
            var c = For(id);
            counters[id] = outcome switch
            {
                "Archived" => c with { Archived = count },
                "Merged" => c with { Merged = count },
                "Duplicate" => c with { Duplicate = count },
                "Quarantined" => c with { Quarantined = count },
                "Rejected" => c with { Rejected = count },
                _ => c,
            };
        }
        return counters;
    }

    // ---- domains ----------------------------------------------------------------------------

    private const string DomainColumns = "name, verification_code, verified, verified_at, registered";

    public IReadOnlyList<JournalDomain> GetDomains() =>
        Query($"SELECT {DomainColumns} FROM domains ORDER BY name", ReadDomain);

    public JournalDomain? GetDomain(string name) =>
        Query($"SELECT {DomainColumns} FROM domains WHERE name = @n", ReadDomain, ("@n", Key(name))).FirstOrDefault();

    public void InsertDomain(JournalDomain domain, IReadOnlyList<JournalEvent> events) =>
        Write(events, (connection, transaction) => Execute(connection, transaction,
            "INSERT INTO domains (name, verification_code, verified, verified_at, registered) VALUES (@n, @c, @v, @va, @r)",
            ("@n", Key(domain.Name)), ("@c", domain.VerificationCode), ("@v", domain.Verified),
            ("@va", domain.VerifiedAt), ("@r", domain.Registered)));

    public void UpdateDomain(JournalDomain domain, IReadOnlyList<JournalEvent> events) =>
        Write(events, (connection, transaction) => Execute(connection, transaction,
            "UPDATE domains SET verification_code = @c, verified = @v, verified_at = @va WHERE name = @n",
            ("@n", Key(domain.Name)), ("@c", domain.VerificationCode), ("@v", domain.Verified), ("@va", domain.VerifiedAt)));

    public void DeleteDomain(string name, IReadOnlyList<JournalEvent> events) =>
        Write(events, (connection, transaction) =>
        {
            Execute(connection, transaction, "DELETE FROM internal_addresses WHERE domain = @n", ("@n", Key(name)));
            Execute(connection, transaction, "DELETE FROM domains WHERE name = @n", ("@n", Key(name)));
        });

    private static JournalDomain ReadDomain(NpgsqlDataReader r) => new()
    {
        Name = r.GetString(0),
        VerificationCode = r.GetString(1),
        Verified = r.GetBoolean(2),
        VerifiedAt = GetTime(r, 3),
        Registered = GetTime(r, 4) ?? default,
    };

    // ---- internal directory ----------------------------------------------------------------

    private const string AddressColumns = "address, domain, type, mailbox, display_name, source, added, source_id";

    public IReadOnlyList<InternalAddress> GetInternalAddresses(string? domain = null) => domain is null
        ? Query($"SELECT {AddressColumns} FROM internal_addresses ORDER BY address_key", ReadAddress)
        : Query($"SELECT {AddressColumns} FROM internal_addresses WHERE domain = @d ORDER BY address_key", ReadAddress, ("@d", Key(domain)));

    public long GetDirectoryVersion() => ReadVersion("directory");

    public InternalAddress? GetInternalAddress(string address) =>
        Query($"SELECT {AddressColumns} FROM internal_addresses WHERE address_key = @k", ReadAddress, ("@k", Key(address))).FirstOrDefault();

    public int CountInternalAddresses(string domain) =>
        Query("SELECT COUNT(*) FROM internal_addresses WHERE domain = @d", r => (int)r.GetInt64(0), ("@d", Key(domain))).Single();

    public void SaveInternalAddress(InternalAddress a, IReadOnlyList<JournalEvent> events) =>
        Write(events, (connection, transaction) => SaveAddress(connection, transaction, a));

    private static void SaveAddress(NpgsqlConnection connection, NpgsqlTransaction transaction, InternalAddress a)
    {
        Execute(connection, transaction, "DELETE FROM internal_addresses WHERE address_key = @k", ("@k", Key(a.EmailAddress)));
        Execute(connection, transaction,
            "INSERT INTO internal_addresses (address, address_key, domain, type, mailbox, display_name, source, added, source_id) " +
            "VALUES (@a, @k, @d, @t, @m, @dn, @s, @added, @sid)",
            ("@a", a.EmailAddress), ("@k", Key(a.EmailAddress)), ("@d", Key(a.Domain)), ("@t", a.Type.ToString()), ("@m", a.Mailbox),
            ("@dn", a.DisplayName), ("@s", a.Source), ("@added", a.Added), ("@sid", a.SourceId));
    }

    public void ApplyDirectoryChanges(DirectoryChanges changes, IReadOnlyList<JournalEvent> events) =>
        Write(events, (connection, transaction) =>
        {
            foreach (var domain in changes.NewDomains)
            {
                Execute(connection, transaction,
                    "INSERT INTO domains (name, verification_code, verified, verified_at, registered) VALUES (@n, @c, @v, @va, @r)",
                    ("@n", Key(domain.Name)), ("@c", domain.VerificationCode), ("@v", domain.Verified),
                    ("@va", domain.VerifiedAt), ("@r", domain.Registered));
            }
            foreach (var address in changes.DeleteAddresses)
            {
                Execute(connection, transaction, "DELETE FROM internal_addresses WHERE address_key = @k", ("@k", Key(address)));
            }
            foreach (var address in changes.SaveAddresses)
            {
                SaveAddress(connection, transaction, address);
            }
            if (changes.SettingName is { } name)
            {
                Execute(connection, transaction,
                    "INSERT INTO settings (name, value, updated) VALUES (@n, @v, @u) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated = excluded.updated",
                    ("@n", name), ("@v", changes.SettingValue ?? ""), ("@u", changes.Updated));
            }
        });

    public void DeleteInternalAddress(string address, IReadOnlyList<JournalEvent> events) =>
        Write(events, (connection, transaction) =>
            Execute(connection, transaction, "DELETE FROM internal_addresses WHERE address_key = @k", ("@k", Key(address))));

    private static InternalAddress ReadAddress(NpgsqlDataReader r) => new()
    {
        EmailAddress = r.GetString(0),
        Domain = r.GetString(1),
        Type = Enum.Parse<InternalAddressType>(r.GetString(2)),
        Mailbox = r.GetString(3),
        DisplayName = r.IsDBNull(4) ? null : r.GetString(4),
        Source = r.GetString(5),
        Added = GetTime(r, 6) ?? default,
        SourceId = r.IsDBNull(7) ? null : r.GetString(7),
    };

    // ---- settings -------------------------------------------------------------------------

    public string? GetSetting(string name) =>
        Query("SELECT value FROM settings WHERE name = @n", r => r.GetString(0), ("@n", name)).FirstOrDefault();

    public void SetSetting(string name, string value, DateTimeOffset updated, IReadOnlyList<JournalEvent> events) =>
        Write(events, (connection, transaction) => Execute(connection, transaction,
            "INSERT INTO settings (name, value, updated) VALUES (@n, @v, @u) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated = excluded.updated",
            ("@n", name), ("@v", value), ("@u", updated)));

    // ---- events ---------------------------------------------------------------------------

    public void RecordEvents(IReadOnlyList<JournalEvent> events) => Write(events, (_, _) => { });

    public IReadOnlyList<JournalEvent> GetEvents(JournalEventQuery query)
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        if (query.ObjectType is { } type)
        {
            where.Add("object_type = @type");
            parameters.Add(("@type", type.ToString()));
        }
        if (query.ObjectId is { } id)
        {
            where.Add("object_id = @oid");
            parameters.Add(("@oid", id));
        }
        if (query.After is { } after)
        {
            where.Add("time > @after");
            parameters.Add(("@after", after));
        }
        var sql = "SELECT id, time, user_name, object_type, object_name, object_id, action, property, old_value, new_value FROM events"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty)
            + " ORDER BY id DESC"
            + (query.First is { } first ? " LIMIT " + first.ToString(CultureInfo.InvariantCulture) : string.Empty);
        return Query(sql, PostgresEventChainTransaction.ReadEvent, parameters.ToArray());
    }

    internal static void InsertEvents(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<JournalEvent> events) =>
        EventChain.Append(new PostgresEventChainTransaction(connection, transaction), events);

    public EventChainHead GetEventChainHead() =>
        Query("SELECT last_id, last_hash, count FROM event_chain_head WHERE name = 'events'", r => new EventChainHead(r.GetInt64(0), r.GetString(1), r.GetInt64(2))).Single();

    public IReadOnlyList<ChainedEvent> GetEventChain(long afterId, int count) =>
        Query("SELECT id, time, user_name, object_type, object_name, object_id, action, property, old_value, new_value, prev_hash, hash FROM events " +
              "WHERE id > @after ORDER BY id LIMIT @count",
              r => new ChainedEvent(PostgresEventChainTransaction.ReadEvent(r), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11)),
              ("@after", afterId), ("@count", count));

    // ---- running listeners -----------------------------------------------------------------

    public void UpsertListener(ListenerRecord l) =>
        _db.Write((connection, transaction) => Execute(connection, transaction,
            "INSERT INTO listeners (id, node, process_id, endpoints, server_name, started, last_heartbeat, heartbeat_seconds, connections_open, received, accepted, refused) " +
            "VALUES (@id, @node, @pid, @endpoints, @server, @started, @beat, @interval, @open, @received, @accepted, @refused) " +
            "ON CONFLICT (id) DO UPDATE SET endpoints = excluded.endpoints, last_heartbeat = excluded.last_heartbeat, heartbeat_seconds = excluded.heartbeat_seconds, " +
            "connections_open = excluded.connections_open, received = excluded.received, accepted = excluded.accepted, refused = excluded.refused",
            ("@id", l.Id), ("@node", l.Node), ("@pid", l.ProcessId), ("@endpoints", JsonSerializer.Serialize(l.Endpoints)),
            ("@server", l.ServerName), ("@started", l.Started), ("@beat", l.LastHeartbeat),
            ("@interval", l.HeartbeatInterval.TotalSeconds), ("@open", l.ConnectionsOpen), ("@received", l.Received),
            ("@accepted", l.Accepted), ("@refused", JsonSerializer.Serialize(l.Refused))));

    public void RemoveListener(Guid listenerId) =>
        _db.Write((connection, transaction) => Execute(connection, transaction, "DELETE FROM listeners WHERE id = @id", ("@id", listenerId)));

    public bool TryTakeLease(string name, string holder, DateTimeOffset now, DateTimeOffset until) =>
        _db.Write((c, t) => Execute(c, t,
            "INSERT INTO leases (name, holder, until) VALUES (@n, @h, @u) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until " +
            "WHERE leases.holder = excluded.holder OR leases.until <= @now",
            ("@n", name), ("@h", holder), ("@u", until), ("@now", now))) > 0;

    public void ReleaseLease(string name, string holder) =>
        _db.Write((c, t) => Execute(c, t, "DELETE FROM leases WHERE name = @n AND holder = @h", ("@n", name), ("@h", holder)));

    public StoreLease? GetLease(string name) =>
        Query("SELECT name, holder, until FROM leases WHERE name = @n", r => new StoreLease(r.GetString(0), r.GetString(1), GetTime(r, 2)!.Value), ("@n", name)).FirstOrDefault();

    public IReadOnlyList<ListenerRecord> GetListeners() =>
        Query("SELECT id, node, process_id, endpoints, server_name, started, last_heartbeat, heartbeat_seconds, connections_open, received, accepted, refused " +
              "FROM listeners ORDER BY started, id", r => new ListenerRecord
              {
                  Id = r.GetGuid(0),
                  Node = r.GetString(1),
                  ProcessId = r.GetInt32(2),
                  Endpoints = JsonSerializer.Deserialize<string[]>(r.GetString(3)) ?? [],
                  ServerName = r.GetString(4),
                  Started = r.GetFieldValue<DateTimeOffset>(5),
                  LastHeartbeat = r.GetFieldValue<DateTimeOffset>(6),
                  HeartbeatInterval = TimeSpan.FromSeconds(r.GetDouble(7)),
                  ConnectionsOpen = r.GetInt64(8),
                  Received = r.GetInt64(9),
                  Accepted = r.GetInt64(10),
                  Refused = JsonSerializer.Deserialize<Dictionary<string, long>>(r.GetString(11)) ?? new Dictionary<string, long>(),
              });

    // ---- plumbing --------------------------------------------------------------------------

    private List<T> Query<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object? Value)[] parameters) =>
        _db.Query(sql, read, parameters);

    private void Write(IReadOnlyList<JournalEvent> events, Action<NpgsqlConnection, NpgsqlTransaction> change) =>
        WriteIf(events, (connection, transaction) =>
        {
            change(connection, transaction);
            return true;
        });

    /// <summary>A conditional change: its events (and the cache versions they move) are written only when it reports that it changed something.</summary>
    private bool WriteIf(IReadOnlyList<JournalEvent> events, Func<NpgsqlConnection, NpgsqlTransaction, bool> change)
    {
        var moved = events.Select(e => VersionOf(e.ObjectType)).OfType<string>().Distinct().ToList();
        var changed = _db.Write((connection, transaction) =>
        {
            if (!change(connection, transaction))
            {
                return false;
            }
            InsertEvents(connection, transaction, events);
            foreach (var version in moved)
            {
                Execute(connection, transaction, "UPDATE store_versions SET value = value + 1 WHERE name = @n", ("@n", version));
                // Delivered at the commit: every listener host forgets the version it keeps.
                Execute(connection, transaction, PostgresVersionWatch.NotifySql, ("@n", version));
            }
            return true;
        });
        if (changed && moved.Count > 0)
        {
            // Committed: this process's own readers need not wait for the notification.
            _db.VersionWatch?.Moved();
        }
        return changed;
    }

    /// <summary>Which cached version a change of this kind moves (as SQLite's versions follow the events of these types).</summary>
    internal static string? VersionOf(JournalObjectType type) => type switch
    {
        JournalObjectType.Definition or JournalObjectType.ListenerSetting => "configuration",
        JournalObjectType.Domain or JournalObjectType.InternalAddress => "directory",
        _ => null,
    };

    private static int Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters) =>
        PostgresDatabase.Execute(connection, transaction, sql, parameters);
}
