using System.Collections.Concurrent;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Lifecycle;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Search;

namespace MimecastJournaling.Engine.Storage;

/// <summary>
/// The one place that turns a store location into its backend: a file path is the embedded SQLite
/// store (configuration and archive in the file, the spool in a file beside it); a PostgreSQL
/// connection string is the shared store of several listener hosts (configuration, archive and
/// spool in one database). Nothing else constructs a backend class. One backend object per
/// location and process: the schema check runs once, connections are pooled.
/// </summary>
public sealed class JournalBackend
{
    private static readonly ConcurrentDictionary<string, JournalBackend> Opened = new(StringComparer.Ordinal);

    private readonly SqliteJournalStore? _sqlite;
    private readonly PostgresJournalStore? _postgres;

    private JournalBackend(SqliteJournalStore store)
    {
        _sqlite = store;
        Store = store;
        Archive = new SqliteJournalArchive(store.Database);
        LifecycleStore = new SqliteLifecycleStore(store.Database);
        SearchIndex = new SqliteSearchIndex(store.Database);
        Location = store.Location;
    }

    private JournalBackend(PostgresJournalStore store)
    {
        _postgres = store;
        Store = store;
        Archive = new PostgresJournalArchive(store.Database);
        LifecycleStore = new PostgresLifecycleStore(store.Database);
        SearchIndex = new PostgresSearchIndex(store.Database);
        Location = store.Location;
    }

    /// <summary>
    /// Opens the store at <paramref name="location"/> (a path, a connection string, or null for
    /// $env:MIMECASTJOURNALING_STORE and then the per-user default file), creating or upgrading its
    /// schema as needed.
    /// </summary>
    public static JournalBackend Open(string? location)
    {
        var resolved = StoreLocation.Resolve(location);
        if (StoreLocation.IsConnectionString(resolved))
        {
            return Opened.GetOrAdd(resolved, CreateUncached);
        }
        // A file deleted behind our back (a test's temporary store) must be re-created with its schema.
        if (Opened.TryGetValue(resolved, out var cached) && File.Exists(resolved))
        {
            return cached;
        }
        var backend = CreateUncached(resolved);
        Opened[resolved] = backend;
        return backend;
    }

    /// <summary>A backend object of its own (its own connection pool), as another process or host would have.</summary>
    internal static JournalBackend CreateUncached(string location) =>
        StoreLocation.IsConnectionString(location)
            ? new JournalBackend(new PostgresJournalStore(new PostgresDatabase(PostgresLocation.Parse(location))))
            : new JournalBackend(new SqliteJournalStore(Path.GetFullPath(location)));

    /// <summary>The archive with another clock for what readers see (tests).</summary>
    internal IJournalArchive ArchiveWithClock(TimeProvider clock) =>
        _postgres is not null ? new PostgresJournalArchive(_postgres.Database, clock) : new SqliteJournalArchive(_sqlite!.Database, clock);

    /// <summary>True when the location names a store that exists (completion must not create one); a PostgreSQL location counts as existing.</summary>
    public static bool Exists(string? location)
    {
        var resolved = StoreLocation.Resolve(location);
        return StoreLocation.IsConnectionString(resolved) || File.Exists(resolved);
    }

    /// <summary>Where the data lives, for display: a full path, or postgresql://user@host:port/db (never a password).</summary>
    public string Location { get; }

    /// <summary>True for a store that several listener hosts share (PostgreSQL).</summary>
    public bool IsShared => _postgres is not null;

    public IJournalStore Store { get; }

    public IJournalArchive Archive { get; }

    internal ILifecycleStore LifecycleStore { get; }

    /// <summary>
    /// Retention policies, legal holds, retention runs and erasure over this store, acting as
    /// <paramref name="actor"/> (the event log's user). <paramref name="originalLock"/> is the
    /// WORM seam: a lock that may forbid removing an original before its retention ends.
    /// </summary>
    public JournalLifecycle OpenLifecycle(string actor, TimeProvider? clock = null, IOriginalLock? originalLock = null) =>
        new(LifecycleStore, Store, actor, clock, originalLock);

    /// <summary>
    /// The WORM lock of the object store this store's setting names at each call (Set-JournalObjectStore);
    /// with none set it locks nothing. Cmdlets and the listener open their lifecycle with it.
    /// </summary>
    public IOriginalLock ObjectStoreLock => new ObjectStorage.ConfiguredOriginalLock(Store, (IArchiveBlobInventory)Archive);

    /// <summary>The full-text index in the same database (SQLite FTS5 or PostgreSQL tsvector).</summary>
    public IJournalSearchIndex SearchIndex { get; }

    /// <summary>Brings the index up to date (the listener runs one; so does Update-JournalIndex).</summary>
    public JournalIndexer CreateIndexer(TimeProvider? clock = null) => new(Archive, SearchIndex, clock);

    /// <summary>Search-JournalMessage over this store's index and archive.</summary>
    public JournalSearch CreateSearch(TimeProvider? clock = null) => new(Archive, SearchIndex, Store, clock);

    /// <summary>The spool as a listener node uses it (SQLite: the file beside the store; PostgreSQL: the shared table).</summary>
    public IMessageSpool OpenSpool(string? node = null, TimeSpan? lease = null) =>
        _postgres is not null
            ? new PostgresMessageSpool(_postgres.Database, node ?? System.Net.Dns.GetHostName(), lease)
            : new SqliteMessageSpool(_sqlite!, node);

    /// <summary>The queue as Get-JournalQueue shows it: every node's reports waiting in this store.</summary>
    public IReadOnlyList<QueuedReport> ListQueue(Guid? definitionId, int? first) => OpenSpool().List(definitionId, first);

    /// <summary>A journal listener over this store, its archive and its spool.</summary>
    public JournalListener CreateListener(ListenerOptions options, TimeProvider? clock = null)
    {
        var spool = OpenSpool(options.NodeName, options.SpoolLease);
        var temporary = options.TemporaryDirectory ?? _sqlite?.IncomingLocation;
        return new JournalListener(Store, Archive, spool, options with { TemporaryDirectory = temporary }, clock, CreateIndexer(clock))
        {
            Lifecycle = OpenLifecycle(JournalLifecycle.ListenerActor, clock, ObjectStoreLock),
        };
    }

    /// <summary>
    /// Copies this SQLite store into <paramref name="destination"/>, an empty PostgreSQL store
    /// (see JournalStoreCopy: batches, resumable, counted at the end).
    /// </summary>
    public IReadOnlyList<StoreCopyCount> CopyTo(JournalBackend destination, int batchSize, Action<StoreCopyProgress> progress)
    {
        if (_sqlite is null || destination._postgres is null)
        {
            throw new Configuration.JournalConfigurationException("StoreCopyUnsupported", Configuration.JournalErrorKind.InvalidArgument,
                "Copy-JournalStore copies a SQLite store (a file) into a PostgreSQL store (a connection string). Give the file as -Store and the connection string as -Destination.");
        }
        return JournalStoreCopy.Copy(_sqlite, destination._postgres, batchSize, progress);
    }
}
