using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Storage;

/// <summary>How a definition's stored SMTP password hash changes with an update.</summary>
public abstract record PasswordHashChange
{
    public static readonly PasswordHashChange Keep = new KeepHash();
    public static readonly PasswordHashChange Clear = new ClearHash();
    public static PasswordHashChange Set(string hash) => new SetHash(hash);

    public sealed record KeepHash : PasswordHashChange;
    public sealed record ClearHash : PasswordHashChange;
    public sealed record SetHash(string Hash) : PasswordHashChange
    {
        // The hash is not a password, but it is still nobody's business in logs.
        public override string ToString() => "SetHash { Hash = (hidden) }";
    }
}

/// <summary>What happened to a definition's reports: still queued, and each outcome so far.</summary>
public sealed record DefinitionCounters
{
    public int QueueLength { get; init; }
    public long Archived { get; init; }
    public long Merged { get; init; }
    public long Duplicate { get; init; }
    public long Quarantined { get; init; }
    public long Rejected { get; init; }
}

/// <summary>Which events to list: newest first.</summary>
public sealed record JournalEventQuery
{
    public JournalObjectType? ObjectType { get; init; }
    public string? ObjectId { get; init; }
    public DateTimeOffset? After { get; init; }
    public int? First { get; init; }
}

/// <summary>
/// One batch of a directory sync, written in one transaction with its events: domains to register,
/// addresses to delete, addresses to insert or replace (by address), and optionally a setting
/// (the sync's state, written with the last batch).
/// </summary>
public sealed record DirectoryChanges
{
    public IReadOnlyList<JournalDomain> NewDomains { get; init; } = Array.Empty<JournalDomain>();
    public IReadOnlyList<string> DeleteAddresses { get; init; } = Array.Empty<string>();
    public IReadOnlyList<InternalAddress> SaveAddresses { get; init; } = Array.Empty<InternalAddress>();
    public string? SettingName { get; init; }
    public string? SettingValue { get; init; }
    public DateTimeOffset Updated { get; init; }
}

/// <summary>
/// Persistence for configuration, directory and event log. Every write takes the events that
/// describe it and stores both atomically. Names are compared case-insensitively by the store
/// (it keeps a lower-case key), so implementations need no collation tricks. A unique-key
/// clash surfaces as <see cref="JournalErrorKind.AlreadyExists"/>; a busy or unavailable
/// database as <see cref="JournalErrorKind.ResourceUnavailable"/>.
/// </summary>
public interface IJournalStore : IDisposable
{
    /// <summary>Where the data lives, for display (never a password).</summary>
    string Location { get; }

    /// <summary>The configuration only: cheap enough for the listener to read on every connection.</summary>
    IReadOnlyList<JournalDefinition> GetDefinitions();

    /// <summary>Queue length and outcome counts per definition (for admins; not on the SMTP path).</summary>
    IReadOnlyDictionary<Guid, DefinitionCounters> GetDefinitionCounters();
    JournalDefinition? GetDefinition(string description);
    JournalDefinition? GetDefinitionByServiceAddress(string serviceEmailAddress);
    /// <summary>
    /// A number that grows whenever a definition or a listener setting changes (the newest event
    /// about one: every such change writes its event in the same transaction), so the listener can
    /// keep its copy of both until it moves instead of reading them for every SMTP command.
    /// </summary>
    long GetConfigurationVersion();

    /// <summary>
    /// For a long-lived reader (a listener): until the returned hold is disposed, the two versions
    /// may be answered without a query where the backend is told of every move (PostgreSQL:
    /// LISTEN/NOTIFY, on a connection of its own). Null where reading them costs nothing (a SQLite file).
    /// </summary>
    IDisposable? WatchVersions() => null;
    string? GetSmtpPasswordHash(Guid definitionId);
    void InsertDefinition(JournalDefinition definition, string? smtpPasswordHash, IReadOnlyList<JournalEvent> events);
    void UpdateDefinition(JournalDefinition definition, PasswordHashChange passwordHash, IReadOnlyList<JournalEvent> events);
    void DeleteDefinition(Guid definitionId, IReadOnlyList<JournalEvent> events);
    /// <summary>
    /// Sets only the listener-owned fields of a definition (Status, StatusReason, and LastReceived
    /// when given and later than the stored one), so it never overwrites an admin's concurrent
    /// change. A missing definition is not an error (it was removed meanwhile).
    /// </summary>
    void RecordDefinitionHealth(Guid definitionId, JournalStatus status, string? statusReason, DateTimeOffset? lastReceived, IReadOnlyList<JournalEvent> events);

    /// <summary>
    /// Sets a definition Down, with its events, only if its Status and LastReceived are still the
    /// ones the caller saw (nobody set it Down meanwhile and no report arrived, at any host), in one
    /// transaction; returns whether this caller made the change. However many checkers on however
    /// many hosts find the same silence, one of them writes the Down and its event.
    /// </summary>
    bool RecordDefinitionDown(Guid definitionId, JournalStatus statusSeen, DateTimeOffset lastReceivedSeen, string statusReason, IReadOnlyList<JournalEvent> events);

    IReadOnlyList<JournalDomain> GetDomains();
    JournalDomain? GetDomain(string name);
    void InsertDomain(JournalDomain domain, IReadOnlyList<JournalEvent> events);
    void UpdateDomain(JournalDomain domain, IReadOnlyList<JournalEvent> events);
    /// <summary>Deletes the domain and every internal address in it.</summary>
    void DeleteDomain(string name, IReadOnlyList<JournalEvent> events);

    IReadOnlyList<InternalAddress> GetInternalAddresses(string? domain = null);

    /// <summary>
    /// A number that grows whenever a domain or an internal address changes (the newest event about
    /// one: every such change writes its event in the same transaction), so readers of the whole
    /// directory can keep a copy until it moves.
    /// </summary>
    long GetDirectoryVersion();
    InternalAddress? GetInternalAddress(string address);
    int CountInternalAddresses(string domain);
    /// <summary>Inserts or replaces the address.</summary>
    void SaveInternalAddress(InternalAddress address, IReadOnlyList<JournalEvent> events);
    void DeleteInternalAddress(string address, IReadOnlyList<JournalEvent> events);
    /// <summary>A batch of a directory sync, all or nothing: new domains, deleted and saved addresses, and the sync's own setting.</summary>
    void ApplyDirectoryChanges(DirectoryChanges changes, IReadOnlyList<JournalEvent> events);

    /// <summary>An installation-wide setting (a JSON value), or null when never set.</summary>
    string? GetSetting(string name);
    void SetSetting(string name, string value, DateTimeOffset updated, IReadOnlyList<JournalEvent> events);

    IReadOnlyList<JournalEvent> GetEvents(JournalEventQuery query);

    /// <summary>
    /// Writes events that no configuration change carries (a search, an export, a retention run, an
    /// integrity check), all in one transaction.
    /// </summary>
    void RecordEvents(IReadOnlyList<JournalEvent> events);

    /// <summary>
    /// Inserts or replaces a running listener's record (by Id): its start and every heartbeat.
    /// Operational state, not configuration: no event is written.
    /// </summary>
    void UpsertListener(ListenerRecord listener);
    /// <summary>Removes a listener's record when it stops; a missing record is not an error.</summary>
    void RemoveListener(Guid listenerId);
    /// <summary>Every recorded listener, stale ones included (the reader decides; reading never writes).</summary>
    IReadOnlyList<ListenerRecord> GetListeners();
}
