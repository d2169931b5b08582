using System.Text.Json;
using MimecastJournaling.Engine.Storage;
using Npgsql;
using NpgsqlTypes;
using static MimecastJournaling.Engine.Storage.PostgresDatabase;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The spool in the shared PostgreSQL store: an entry is answered 250 only after PostgreSQL
/// committed it (a commit is durable there, so <see cref="Sync"/> has nothing left to do), and
/// every host can finish every entry. A host takes due entries under a lease (lease_owner,
/// lease_until; FOR UPDATE SKIP LOCKED, so two hosts never take the same row at once); when a
/// host dies, its leases run out and another host takes the entries over. Exactly once holds
/// even if a slow host's lease ran out meanwhile: the archive keeps at most one report per
/// spool id (a unique index), and the ids come from one sequence, unique across hosts.
/// </summary>
internal sealed class PostgresMessageSpool : IMessageSpool
{
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(2);

    private readonly PostgresDatabase _db;
    private readonly string _node;
    private readonly TimeSpan _lease;

    public PostgresMessageSpool(PostgresDatabase database, string node, TimeSpan? lease = null)
    {
        _db = database;
        _node = node;
        _lease = lease ?? DefaultLease;
    }

    public string Node => _node;

    /// <summary>
    /// Every entry's insert in one round trip (an <see cref="NpgsqlBatch"/>), then the commit: a
    /// group of concurrent DATA commands costs two round trips, not one per message and the commit.
    /// </summary>
    public IReadOnlyList<long> Append(IReadOnlyList<SpoolEntry> entries) =>
        _db.Write((c, t) =>
        {
            var files = new List<FileStream>();
            try
            {
                using var batch = new NpgsqlBatch(c, t);
                foreach (var e in entries)
                {
                    var command = BatchCommand(
                        "INSERT INTO spool (received, source, definition_id, definition, mail_from, recipients, size, data, node) " +
                        "VALUES (@received, @source, @did, @definition, @from, @rcpt, @size, @data, @node) RETURNING id",
                        ("received", e.Received), ("source", e.Source), ("did", e.DefinitionId.ToString()), ("definition", e.Definition),
                        ("from", e.MailFrom), ("rcpt", JsonSerializer.Serialize(e.Recipients)), ("size", e.Size), ("node", _node));
                    // A large message is streamed from its file, never whole in memory. No Size on the
                    // parameter: with one, Npgsql reads the stream into memory first (in a growing array:
                    // about two and a half times the message); without, it copies the file in chunks.
                    if (e.DataFile is { } dataFile)
                    {
                        var file = new FileStream(dataFile.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
                        files.Add(file);
                        command.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Bytea) { Value = file });
                    }
                    else
                    {
                        command.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Bytea) { Value = e.Data });
                    }
                    batch.BatchCommands.Add(command);
                }
                var ids = new List<long>(entries.Count);
                using var reader = batch.ExecuteReader();
                do
                {
                    while (reader.Read())
                    {
                        ids.Add(reader.GetInt64(0));
                    }
                }
                while (reader.NextResult());
                return ids;
            }
            finally
            {
                foreach (var file in files)
                {
                    file.Dispose();
                }
            }
        });

    /// <summary>Nothing to do: the commit in <see cref="Append"/> is PostgreSQL's durable commit.</summary>
    public void Sync()
    {
    }

    public int Count() => (int)_db.Query("SELECT COUNT(*) FROM spool", r => r.GetInt64(0)).Single();

    public DateTimeOffset? OldestReceived() => _db.Query("SELECT received FROM spool ORDER BY id LIMIT 1", r => GetTime(r, 0)).FirstOrDefault();

    public void Remove(IReadOnlyList<long> ids)
    {
        if (ids.Count > 0)
        {
            _db.Write((c, t) => Execute(c, t, "DELETE FROM spool WHERE id = ANY(@ids)", ("ids", ids.ToArray())));
        }
    }

    public IReadOnlyList<SpooledMessage> TakeDue(DateTimeOffset now, int maxCount, long maxBytes, Action<long>? beforeRead = null) =>
        _db.Write((c, t) =>
        {
            // Due, and not leased by a live host (this host's own leases are its to renew).
            var candidates = Query(c, t,
                "SELECT id, size FROM spool WHERE (next_attempt IS NULL OR next_attempt <= @now) " +
                "AND (lease_until IS NULL OR lease_until <= @now OR lease_owner = @node) ORDER BY id LIMIT @max FOR UPDATE SKIP LOCKED",
                r => (Id: r.GetInt64(0), Size: r.GetInt64(1)), ("now", now), ("node", _node), ("max", (long)maxCount));
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
                return (IReadOnlyList<SpooledMessage>)[];
            }
            // The rows stay locked (SKIP LOCKED: other hosts pass them by) while this waits.
            beforeRead?.Invoke(total);
            // Row by row as the rows arrive, the data last (see QuerySequential): one copy of each message.
            return QuerySequential(c, t,
                "UPDATE spool SET lease_owner = @node, lease_until = @until WHERE id = ANY(@ids) " +
                "RETURNING id, received, source, definition_id, definition, mail_from, recipients, attempts, node, data",
                r =>
                {
                    var id = r.GetInt64(0);
                    var received = GetTime(r, 1) ?? default;
                    var source = r.GetString(2);
                    var definitionId = Guid.Parse(r.GetString(3));
                    var definition = r.GetString(4);
                    var mailFrom = GetStringOrNull(r, 5);
                    var recipients = JsonSerializer.Deserialize<string[]>(r.GetString(6)) ?? [];
                    var attempts = r.GetInt32(7);
                    var node = GetStringOrNull(r, 8);
                    var data = r.GetFieldValue<byte[]>(9);
                    return new SpooledMessage(id, new SpoolEntry(received, source, definitionId, definition, mailFrom, recipients, data) { Node = node }, attempts);
                },
                ("node", _node), ("until", now + _lease), ("ids", chosen.ToArray())).OrderBy(m => m.Id).ToList();
        });

    public void RecordFailure(IReadOnlyList<long> ids, string error, DateTimeOffset nextAttempt) =>
        _db.Write((c, t) => Execute(c, t,
            "UPDATE spool SET attempts = attempts + 1, last_error = @e, next_attempt = @next, lease_owner = NULL, lease_until = NULL WHERE id = ANY(@ids)",
            ("e", error), ("next", nextAttempt), ("ids", ids.ToArray())));

    /// <summary>Makes this node's deferred entries due, and the entries of leases that ran out (another node's after it died).</summary>
    public void MakeAllDue() =>
        _db.Write((c, t) => Execute(c, t,
            "UPDATE spool SET next_attempt = NULL, lease_owner = NULL, lease_until = NULL WHERE next_attempt IS NOT NULL AND (node = @node OR lease_owner = @node OR lease_until IS NULL OR lease_until <= now())",
            ("node", _node)));

    public IReadOnlyList<QueuedReport> List(Guid? definitionId, int? first)
    {
        var sql = "SELECT id, received, source, definition, mail_from, recipients, size, attempts, next_attempt, last_error, node, data FROM spool"
            + (definitionId is null ? string.Empty : " WHERE definition_id = @did") + " ORDER BY id LIMIT @max";
        // Row by row, the data last (see QuerySequential): what the queue shows comes from the envelope.
        return _db.QuerySequential(sql, r =>
        {
            var id = r.GetInt64(0);
            var received = GetTime(r, 1) ?? default;
            var source = r.GetString(2);
            var definition = r.GetString(3);
            var mailFrom = GetStringOrNull(r, 4);
            var recipients = JsonSerializer.Deserialize<string[]>(r.GetString(5)) ?? [];
            var size = r.GetInt64(6);
            var attempts = r.GetInt32(7);
            var nextAttempt = GetTime(r, 8);
            var lastError = GetStringOrNull(r, 9);
            var node = GetStringOrNull(r, 10);
            var report = Parsing.JournalReportParser.Parse(r.GetFieldValue<byte[]>(11));
            return new QueuedReport
            {
                Id = id,
                Received = received,
                Source = source,
                Definition = definition,
                Sender = report.Sender ?? mailFrom,
                Recipient = string.Join(", ", recipients),
                Subject = report.Subject,
                Size = size,
                Attempts = attempts,
                NextAttempt = nextAttempt,
                LastError = lastError,
                State = attempts == 0 ? QueuedReportState.Waiting : QueuedReportState.Failed,
                Node = node,
            };
        }, ("did", definitionId?.ToString()), ("max", (long?)first ?? long.MaxValue));
    }
}
