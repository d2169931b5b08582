using System.Globalization;
using MimecastJournaling.Engine.Configuration;
using Npgsql;

namespace MimecastJournaling.Engine.Storage;

/// <summary>How far a copy is: rows of <see cref="Table"/> copied so far of <see cref="Total"/>.</summary>
public sealed record StoreCopyProgress(string Table, long Copied, long Total);

/// <summary>One table after a copy: its rows in the source and in the destination.</summary>
public sealed record StoreCopyCount
{
    public required string Table { get; init; }
    public long SourceRows { get; init; }
    public long DestinationRows { get; init; }
    public bool Matches => SourceRows == DestinationRows;
}

/// <summary>
/// Moving up: copies a SQLite store (configuration, directory, events, archive and the spool
/// file beside it) into an empty PostgreSQL store, table by table in batches, each batch in one
/// transaction. Resumable: a copy that stopped is run again with the same source and continues
/// (rows already there are skipped; tables with integer ids start after the last one copied).
/// The destination must be empty, or hold an unfinished copy of this same source. At the end the
/// rows of every table are counted on both sides.
/// </summary>
internal static class JournalStoreCopy
{
    private const string MarkerSetting = "StoreCopy.Source";

    // Parents before children (foreign keys). Key: the conflict target; Ordered: an integer id to resume after.
    private static readonly (string Table, string Key, string? IntegerId, bool FromSpool)[] Tables =
    [
        ("definitions", "id", null, false),
        ("domains", "name", null, false),
        ("internal_addresses", "address_key", null, false),
        ("settings", "name", null, false),
        ("events", "id", "id", false),
        ("blobs", "hash", null, false),
        ("items", "id", "id", false),
        ("item_recipients", "item_id, address_key", null, false),
        ("item_mailboxes", "item_id, mailbox_key", null, false),
        ("reports", "id", "id", false),
        ("retention_policies", "id", null, false),
        ("holds", "id", null, false),
        ("worm_objects", "store_key, hash", null, false),
        ("spool", "id", "id", true),
    ];

    public static IReadOnlyList<StoreCopyCount> Copy(SqliteJournalStore source, PostgresJournalStore destination, int batchSize, Action<StoreCopyProgress> progress)
    {
        var target = destination.Database;
        CheckDestination(source, target);
        target.Write((c, t) => PostgresDatabase.Execute(c, t,
            "INSERT INTO settings (name, value, updated) VALUES (@n, @v, now()) ON CONFLICT (name) DO NOTHING",
            ("n", MarkerSetting), ("v", System.Text.Json.JsonSerializer.Serialize(source.Location))));
        var spool = File.Exists(source.SpoolLocation) ? new SqliteDatabase(source.SpoolLocation) : null;
        foreach (var table in Tables)
        {
            var from = table.FromSpool ? spool : source.Database;
            if (from is null || !HasTable(from, table.Table))
            {
                continue;
            }
            CopyTable(from, target, table.Table, table.Key, table.IntegerId, batchSize, progress);
        }
        target.Write((c, t) =>
        {
            foreach (var (table, column) in new[] { ("events", "id"), ("items", "id"), ("reports", "id"), ("item_recipients", "ordinal") })
            {
                PostgresDatabase.Execute(c, t, $"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), GREATEST((SELECT COALESCE(MAX({column}), 0) FROM {table}), 1))");
            }
            // Spool ids continue after every id the archive has seen, so "one report per spool id" still holds.
            PostgresDatabase.Execute(c, t, "SELECT setval(pg_get_serial_sequence('spool', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM spool), (SELECT COALESCE(MAX(spool_id), 0) FROM reports), 1))");
            PostgresDatabase.Execute(c, t, "UPDATE store_versions SET value = value + 1");
            foreach (var version in new[] { "configuration", "directory" })
            {
                PostgresDatabase.Execute(c, t, PostgresVersionWatch.NotifySql, ("@n", version));
            }
            // The copied events (with the hashes they had) join the destination's chain: the head
            // moves past them, each link recomputed by the same engine code.
            EventChain.ChainExisting(new PostgresEventChainTransaction(c, t));
            return true;
        });
        var counts = Tables
            .Where(x => (x.FromSpool ? spool : source.Database) is { } db && HasTable(db, x.Table))
            .Select(x => new StoreCopyCount
            {
                Table = x.Table,
                SourceRows = (x.FromSpool ? spool! : source.Database).Query($"SELECT COUNT(*) FROM {x.Table}", r => r.GetInt64(0)).Single(),
                DestinationRows = target.Query($"SELECT COUNT(*) FROM {x.Table}" + (x.Table == "settings" ? $" WHERE name <> '{MarkerSetting}'" : string.Empty), r => r.GetInt64(0)).Single(),
            }).ToList();
        if (counts.All(c => c.Matches))
        {
            target.Write((c, t) => PostgresDatabase.Execute(c, t, "DELETE FROM settings WHERE name = @n", ("n", MarkerSetting)));
        }
        return counts;
    }

    private static void CheckDestination(SqliteJournalStore source, PostgresDatabase target)
    {
        var marker = target.Query("SELECT value FROM settings WHERE name = @n", r => r.GetString(0), ("n", MarkerSetting)).FirstOrDefault();
        if (marker is not null)
        {
            if (System.Text.Json.JsonSerializer.Deserialize<string>(marker) != source.Location)
            {
                throw new JournalConfigurationException("StoreCopyOtherSource", JournalErrorKind.InvalidOperation,
                    $"The destination '{target.Location}' holds an unfinished copy of another store. Finish that copy, or copy into an empty database.", target.Location);
            }
            return;
        }
        var used = target.Query(
            "SELECT (SELECT COUNT(*) FROM definitions) + (SELECT COUNT(*) FROM domains) + (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM reports) + (SELECT COUNT(*) FROM spool)",
            r => r.GetInt64(0)).Single();
        if (used > 0)
        {
            throw new JournalConfigurationException("StoreCopyDestinationNotEmpty", JournalErrorKind.InvalidOperation,
                $"The destination '{target.Location}' is not empty. Copy-JournalStore copies into an empty PostgreSQL database only (create one with CREATE DATABASE).", target.Location);
        }
    }

    private static bool HasTable(SqliteDatabase database, string table) =>
        database.Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $n", r => true, ("$n", table)).Count > 0;

    private static void CopyTable(SqliteDatabase from, PostgresDatabase target, string table, string key, string? integerId, int batchSize,
        Action<StoreCopyProgress> progress)
    {
        var sourceColumns = from.Query($"SELECT name FROM pragma_table_info('{table}')", r => r.GetString(0)).ToHashSet(StringComparer.Ordinal);
        var targetTypes = target.Query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t",
            r => (Name: r.GetString(0), Type: r.GetString(1)), ("t", table)).ToDictionary(x => x.Name, x => x.Type, StringComparer.Ordinal);
        var columns = targetTypes.Keys.Where(sourceColumns.Contains).OrderBy(c => c, StringComparer.Ordinal).ToList();
        // item_recipients keeps its order (SQLite's rowid) in PostgreSQL's ordinal.
        var withOrdinal = table == "item_recipients" && targetTypes.ContainsKey("ordinal");
        var total = from.Query($"SELECT COUNT(*) FROM {table}", r => r.GetInt64(0)).Single();
        long after = integerId is null ? long.MinValue : target.Query($"SELECT COALESCE(MAX({integerId}), -1) FROM {table}", r => r.GetInt64(0)).Single();
        var copied = integerId is null ? 0 : from.Query($"SELECT COUNT(*) FROM {table} WHERE {integerId} <= $a", r => r.GetInt64(0), ("$a", after)).Single();
        progress(new StoreCopyProgress(table, copied, total));
        var select = $"SELECT rowid, {string.Join(", ", columns)} FROM {table} WHERE rowid > $after ORDER BY rowid LIMIT $n";
        var insertColumns = withOrdinal ? columns.Append("ordinal").ToList() : columns;
        var insert = $"INSERT INTO {table} ({string.Join(", ", insertColumns)}) VALUES ({string.Join(", ", insertColumns.Select((_, i) => "@p" + i))}) ON CONFLICT ({key}) DO NOTHING";
        var rowCursor = integerId is null ? long.MinValue : after;
        while (true)
        {
            var rows = from.Query(select, r => Enumerable.Range(0, columns.Count + 1).Select(r.GetValue).ToArray(), ("$after", rowCursor), ("$n", (long)batchSize));
            if (rows.Count == 0)
            {
                break;
            }
            target.Write((c, t) =>
            {
                foreach (var row in rows)
                {
                    var values = columns.Select((column, i) => (Name: "p" + i, Value: Convert(row[i + 1], targetTypes[column]))).ToList();
                    if (withOrdinal)
                    {
                        values.Add(("p" + columns.Count, (object?)(long)row[0]));
                    }
                    PostgresDatabase.Execute(c, t, insert, values.ToArray());
                }
                return true;
            });
            rowCursor = (long)rows[^1][0];
            copied += rows.Count;
            progress(new StoreCopyProgress(table, Math.Min(copied, total), total));
        }
    }

    /// <summary>A SQLite value (text times, 0/1 flags) as the PostgreSQL column's type wants it.</summary>
    private static object? Convert(object value, string type) => value switch
    {
        DBNull => null,
        string text when type.StartsWith("timestamp", StringComparison.Ordinal) =>
            DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        long number when type == "boolean" => number != 0,
        long number when type == "integer" => checked((int)number),
        _ => value,
    };
}
