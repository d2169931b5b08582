using System.Text.Json;
using Microsoft.Data.Sqlite;
using MimecastJournaling.Engine.Storage;
using static MimecastJournaling.Engine.Storage.SqliteDatabase;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The spool: its own SQLite file beside the store (journaling.db → journaling.spool.db), in WAL
/// mode. Appends commit without an fsync (synchronous = NORMAL); <see cref="Sync"/> fsyncs the log,
/// so the writer can commit the next group while the last one reaches the disk. A file of its own keeps
/// the group commit from waiting behind the archive's transactions (they are fsync'd in parallel)
/// and keeps the spool on the listener's own disk when the store is elsewhere.
/// Exactly once across the two files: the archive stores at most one report per spool id, and an
/// entry leaves the spool only after the archive committed it. Ids are never reused: a new spool
/// file continues after every id the archive has seen.
/// </summary>
internal sealed class SqliteMessageSpool : IMessageSpool
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS spool (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            received TEXT NOT NULL,
            source TEXT NOT NULL,
            definition_id TEXT NOT NULL,
            definition TEXT NOT NULL,
            mail_from TEXT NULL,
            recipients TEXT NOT NULL,
            size INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt TEXT NULL,
            last_error TEXT NULL,
            node TEXT NULL,
            -- Last, so INSERT ... zeroblob(size) stays a zero tail instead of 25 MB of zeros in memory.
            data BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS spool_definition ON spool(definition_id, id);
        """;

    private const string Columns = "id, received, source, definition_id, definition, mail_from, recipients, size, data, attempts, next_attempt, last_error";

    private readonly SqliteDatabase _db;
    private readonly string _node;

    /// <summary>Opens (or creates, 0600) the spool of <paramref name="store"/>, and moves in what an older version spooled inside the store.</summary>
    /// <param name="node">The listener node whose entries these are (shown by Get-JournalQueue and outcomes).</param>
    public SqliteMessageSpool(SqliteJournalStore store, string? node = null)
    {
        _node = node ?? System.Net.Dns.GetHostName();
        _db = new SqliteDatabase(store.SpoolLocation, syncAtCheckpointsOnly: true);
        _db.CreateFilePrivately();
        _db.Guard(() =>
        {
            using var connection = _db.Open();
            Execute(connection, null, "PRAGMA journal_mode = WAL;");
        });
        _db.Write((c, t) => Execute(c, t, Schema));
        _db.Write((c, t) =>
        {
            // A spool file from before nodes were recorded.
            if (SqliteDatabase.Query(c, t, "SELECT 1 FROM pragma_table_info('spool') WHERE name = 'node'", r => true).Count == 0)
            {
                Execute(c, t, "ALTER TABLE spool ADD COLUMN node TEXT NULL");
            }
            return true;
        });
        ContinueIdsAfter(store.Database);
        MoveInOlderSpool(store.Database);
    }

    public string Location => _db.Location;

    private void ContinueIdsAfter(SqliteDatabase store)
    {
        var floor = store.Query("SELECT MAX(COALESCE((SELECT MAX(spool_id) FROM reports), 0), COALESCE((SELECT MAX(id) FROM spool), 0))", r => r.GetInt64(0)).Single();
        _db.Write((c, t) =>
        {
            // sqlite_sequence exists once the AUTOINCREMENT table does; its row appears with the first insert.
            if (Execute(c, t, "UPDATE sqlite_sequence SET seq = MAX(seq, $floor) WHERE name = 'spool'", ("$floor", floor)) == 0)
            {
                Execute(c, t, "INSERT INTO sqlite_sequence (name, seq) VALUES ('spool', MAX($floor, COALESCE((SELECT MAX(id) FROM spool), 0)))", ("$floor", floor));
            }
            return true;
        });
    }

    /// <summary>Schema 3 kept the spool inside the store: copy each entry here (same id) first, then remove it there.</summary>
    private void MoveInOlderSpool(SqliteDatabase store)
    {
        while (true)
        {
            var older = store.Query($"SELECT {Columns} FROM spool ORDER BY id LIMIT 16", r => Enumerable.Range(0, 12).Select(r.GetValue).ToArray());
            if (older.Count == 0)
            {
                return;
            }
            _db.Write((c, t) =>
            {
                foreach (var row in older)
                {
                    Execute(c, t, $"INSERT OR IGNORE INTO spool ({Columns}) VALUES ($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        row.Select((value, i) => ("$" + i, value is DBNull ? null : value)).ToArray());
                }
                return true;
            });
            store.Write((c, t) => Execute(c, t, $"DELETE FROM spool WHERE id IN ({string.Join(',', older.Select(r => (long)r[0]))})"));
        }
    }

    public IReadOnlyList<long> Append(IReadOnlyList<SpoolEntry> entries) =>
        _db.Write((c, t) =>
        {
            // The Write transaction keeps the INSERT prepared across the group.
            var ids = new List<long>(entries.Count);
            foreach (var e in entries)
            {
                var id = InsertReturningId(c, t,
                    "INSERT INTO spool (received, source, definition_id, definition, mail_from, recipients, size, node, data) " +
                    "VALUES ($received, $source, $did, $definition, $from, $rcpt, $size, $node, COALESCE($data, zeroblob($size)))",
                    ("$received", FormatTime(e.Received)), ("$source", e.Source), ("$did", e.DefinitionId.ToString()),
                    ("$definition", e.Definition), ("$from", e.MailFrom), ("$rcpt", JsonSerializer.Serialize(e.Recipients)),
                    ("$size", e.Size), ("$node", _node), ("$data", e.DataFile is null ? DataOf(e) : null));
                if (e.DataFile is { } file)
                {
                    // A large message goes in by chunks, never whole in memory.
                    using var source = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
                    using var blob = new SqliteBlob(c, "spool", "data", id);
                    source.CopyTo(blob, 64 * 1024);
                }
                ids.Add(id);
            }
            return ids;
        });

    // The writer's entries own their arrays; copy only when the memory is a slice of something larger.
    private static byte[] DataOf(SpoolEntry entry) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(entry.Data, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : entry.Data.ToArray();

    public void Sync() => _db.SyncLog();

    public int Count() => _db.Query("SELECT COUNT(*) FROM spool", r => r.GetInt32(0)).Single();

    public DateTimeOffset? OldestReceived() => _db.Query("SELECT received FROM spool ORDER BY id LIMIT 1", r => ParseTime(r, 0)).FirstOrDefault();

    public void Remove(IReadOnlyList<long> ids) =>
        _db.Write((c, t) => Execute(c, t, $"DELETE FROM spool WHERE id IN ({string.Join(',', ids)})"));

    public IReadOnlyList<SpooledMessage> TakeDue(DateTimeOffset now, int maxCount, long maxBytes, Action<long>? beforeRead = null)
    {
        var candidates = _db.Query(
            "SELECT id, size FROM spool WHERE next_attempt IS NULL OR next_attempt <= $now ORDER BY id LIMIT $max",
            r => (Id: r.GetInt64(0), Size: r.GetInt64(1)), ("$now", FormatTime(now)), ("$max", (long)maxCount));
        var chosen = new List<long>();
        long total = 0;
        foreach (var (id, size) in candidates)
        {
            if (chosen.Count > 0 && total + size > maxBytes)
            {
                break;
            }
            chosen.Add(id);
            total += size;
        }
        if (chosen.Count == 0)
        {
            return [];
        }
        beforeRead?.Invoke(total);
        return _db.Guard(() =>
        {
            using var connection = _db.Open();
            // One read for the whole batch (ids are integers, so they go into the statement as such).
            // Not the data column: SQLite would load the whole value into its own memory for the
            // row, a second copy of a large message beside the array it is read into.
            var rows = Query(connection, null,
                $"SELECT id, received, source, definition_id, definition, mail_from, recipients, attempts, node FROM spool WHERE id IN ({string.Join(',', chosen)}) ORDER BY id",
                r => (Id: r.GetInt64(0),
                    Entry: new SpoolEntry(
                        ParseTime(r, 1) ?? default,
                        r.GetString(2),
                        Guid.Parse(r.GetString(3)),
                        r.GetString(4),
                        GetStringOrNull(r, 5),
                        JsonSerializer.Deserialize<string[]>(r.GetString(6)) ?? [],
                        ReadOnlyMemory<byte>.Empty)
                    {
                        Node = GetStringOrNull(r, 8),
                    },
                    Attempts: r.GetInt32(7)));
            return (IReadOnlyList<SpooledMessage>)rows
                .Select(row => new SpooledMessage(row.Id, row.Entry with { Data = ReadData(connection, row.Id) }, row.Attempts))
                .ToList();
        });
    }

    /// <summary>
    /// The content of an entry straight from the database file into one array, through SQLite's
    /// incremental blob I/O (selecting the column would hold a copy in SQLite's memory too).
    /// </summary>
    private static byte[] ReadData(SqliteConnection connection, long id)
    {
        using var blob = new SqliteBlob(connection, "spool", "data", id, readOnly: true);
        var data = GC.AllocateUninitializedArray<byte>(checked((int)blob.Length));
        blob.ReadExactly(data);
        return data;
    }

    public void RecordFailure(IReadOnlyList<long> ids, string error, DateTimeOffset nextAttempt) =>
        _db.Write((c, t) =>
        {
            foreach (var id in ids)
            {
                Execute(c, t, "UPDATE spool SET attempts = attempts + 1, last_error = $e, next_attempt = $next WHERE id = $id",
                    ("$e", error), ("$next", FormatTime(nextAttempt)), ("$id", id));
            }
            return true;
        });

    public IReadOnlyList<QueuedReport> List(Guid? definitionId, int? first)
    {
        var sql = "SELECT id, received, source, definition, mail_from, recipients, size, attempts, next_attempt, last_error, node FROM spool"
            + (definitionId is null ? string.Empty : " WHERE definition_id = $did") + " ORDER BY id LIMIT $max";
        return _db.Guard(() =>
        {
            using var connection = _db.Open();
            return (IReadOnlyList<QueuedReport>)Query(connection, null, sql, r =>
            {
                var attempts = r.GetInt32(7);
                return new QueuedReport
                {
                    Id = r.GetInt64(0),
                    Received = ParseTime(r, 1) ?? default,
                    Source = r.GetString(2),
                    Definition = r.GetString(3),
                    Sender = GetStringOrNull(r, 4),
                    Recipient = string.Join(", ", JsonSerializer.Deserialize<string[]>(r.GetString(5)) ?? []),
                    Size = r.GetInt64(6),
                    Attempts = attempts,
                    NextAttempt = ParseTime(r, 8),
                    LastError = GetStringOrNull(r, 9),
                    State = attempts == 0 ? QueuedReportState.Waiting : QueuedReportState.Failed,
                    Node = GetStringOrNull(r, 10),
                };
            }, ("$did", definitionId?.ToString()), ("$max", (long?)first ?? -1))
                // What the queue shows of a report comes from its envelope: whom it journals, and its subject.
                .Select(q =>
                {
                    var report = Parsing.JournalReportParser.Parse(ReadData(connection, q.Id));
                    return q with { Sender = report.Sender ?? q.Sender, Subject = report.Subject };
                })
                .ToList();
        });
    }

    public void MakeAllDue() =>
        _db.Write((c, t) => Execute(c, t, "UPDATE spool SET next_attempt = NULL WHERE next_attempt IS NOT NULL"));
}
