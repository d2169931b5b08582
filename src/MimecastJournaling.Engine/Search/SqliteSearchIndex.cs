using Microsoft.Data.Sqlite;
using MimecastJournaling.Engine.Storage;
using static MimecastJournaling.Engine.Storage.SqliteDatabase;

namespace MimecastJournaling.Engine.Search;

/// <summary>
/// The index in the SQLite store: a contentless FTS5 table item_text (rowid = item id; columns
/// subject, body, attachment_names, attachment_text) and search_index (one row per indexed item:
/// when, has_attachment, failure). Schema migration 11.
/// </summary>
internal sealed class SqliteSearchIndex : IJournalSearchIndex
{
    private readonly SqliteDatabase _db;

    public SqliteSearchIndex(SqliteDatabase database) => _db = database;

    public IReadOnlyList<IndexCandidate> PendingItems(long afterId, int limit) =>
        _db.Query("SELECT i.id, i.subject, i.size FROM items i WHERE i.id > $after AND NOT EXISTS (SELECT 1 FROM search_index x WHERE x.item_id = i.id) ORDER BY i.id LIMIT $limit",
            r => new IndexCandidate(r.GetInt64(0), GetStringOrNull(r, 1), r.GetInt64(2)), ("$after", afterId), ("$limit", (long)limit));

    public IReadOnlyList<IndexCandidate> Items(long afterId, int limit) =>
        _db.Query("SELECT i.id, i.subject, i.size FROM items i WHERE i.id > $after ORDER BY i.id LIMIT $limit",
            r => new IndexCandidate(r.GetInt64(0), GetStringOrNull(r, 1), r.GetInt64(2)), ("$after", afterId), ("$limit", (long)limit));

    public void Write(IReadOnlyList<IndexedText> entries, DateTimeOffset indexed) => _db.Write((c, t) =>
    {
        foreach (var e in entries)
        {
            if (Query(c, t, "SELECT 1 FROM items WHERE id = $id", r => true, ("$id", e.ItemId)).Count == 0)
            {
                continue;
            }
            Execute(c, t, "DELETE FROM item_text WHERE rowid = $id", ("$id", e.ItemId));
            Execute(c, t, "INSERT INTO item_text (rowid, subject, body, attachment_names, attachment_text) VALUES ($id, $s, $b, $n, $a)",
                ("$id", e.ItemId), ("$s", e.Subject), ("$b", e.Body), ("$n", e.AttachmentNames), ("$a", e.AttachmentText));
            Execute(c, t, "INSERT INTO search_index (item_id, indexed, has_attachment, failure) VALUES ($id, $at, $has, $f) " +
                "ON CONFLICT (item_id) DO UPDATE SET indexed = excluded.indexed, has_attachment = excluded.has_attachment, failure = excluded.failure",
                ("$id", e.ItemId), ("$at", FormatTime(indexed)), ("$has", e.HasAttachment ? 1L : 0L), ("$f", e.Failure));
        }
        return 0;
    });

    public IReadOnlyList<long> Search(SearchCondition condition, SearchScope scope)
    {
        var (text, parameters) = SearchText(condition, scope);
        return _db.Query(text, r => r.GetInt64(0), parameters);
    }

    /// <summary>The SQL of a search and its parameters (the benchmark shows its plan).</summary>
    internal static (string Sql, (string Name, object? Value)[] Parameters) SearchText(SearchCondition condition, SearchScope scope)
    {
        var sql = new Sql();
        var where = sql.Where(condition, scope);
        var text = $"SELECT i.id FROM items i WHERE {where} {SearchSql.NewestFirst} LIMIT {sql.Add((long?)scope.First ?? -1L)} OFFSET {sql.Add((long)scope.Skip)}";
        return (text, sql.Parameters.ToArray());
    }

    /// <summary>The items among <paramref name="ids"/> that the condition matches (a query hold's scope: the search's own SQL).</summary>
    internal static IReadOnlySet<long> Matching(SqliteConnection c, SqliteTransaction? t, SearchCondition condition, IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0)
        {
            return new HashSet<long>();
        }
        var sql = new Sql();
        var where = sql.Where(condition, new SearchScope());
        return Query(c, t, $"SELECT i.id FROM items i WHERE i.id IN ({IdList(ids)}) AND {where}", r => r.GetInt64(0), sql.Parameters.ToArray()).ToHashSet();
    }

    /// <summary>The items among <paramref name="ids"/> with an index entry whose text was read.</summary>
    internal static IReadOnlySet<long> Indexed(SqliteConnection c, SqliteTransaction? t, IReadOnlyCollection<long> ids) =>
        ids.Count == 0
            ? new HashSet<long>()
            : Query(c, t, $"SELECT item_id FROM search_index WHERE item_id IN ({IdList(ids)}) AND failure IS NULL", r => r.GetInt64(0)).ToHashSet();

    private static string IdList(IReadOnlyCollection<long> ids) => string.Join(",", ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public IndexCounts GetCounts() => _db.Guard(() =>
    {
        using var c = _db.Open();
        var items = Query(c, null, "SELECT COUNT(*) FROM items", r => r.GetInt64(0)).Single();
        var (indexed, failed, last) = Query(c, null, "SELECT COUNT(*), COUNT(failure), MAX(indexed) FROM search_index",
            r => (r.GetInt64(0), r.GetInt64(1), ParseTime(r, 2))).Single();
        var oldest = Query(c, null,
            "SELECT MIN(i.first_received) FROM items i WHERE NOT EXISTS (SELECT 1 FROM search_index x WHERE x.item_id = i.id)",
            r => ParseTime(r, 0)).Single();
        return new IndexCounts(items, indexed, failed, oldest, last);
    });

    public IReadOnlyList<JournalIndexFailure> GetFailures(int first) =>
        _db.Query("SELECT x.item_id, i.message_id, i.subject, x.indexed, x.failure FROM search_index x JOIN items i ON i.id = x.item_id " +
            "WHERE x.failure IS NOT NULL ORDER BY x.item_id DESC LIMIT $n",
            r => new JournalIndexFailure
            {
                ItemId = r.GetInt64(0),
                MessageId = GetStringOrNull(r, 1),
                Subject = GetStringOrNull(r, 2),
                Indexed = ParseTime(r, 3) ?? default,
                Reason = r.GetString(4),
            }, ("$n", (long)first));

    private sealed class Sql : SearchSql
    {
        protected override string ParameterPrefix => "$";
        protected override string LikeEscape => "ESCAPE '\\'";
        protected override object TimeValue(DateTimeOffset time) => FormatTime(time)!;
        protected override object BoolValue(bool value) => value ? 1L : 0L;
        protected override string TextCondition(TextMatch match) =>
            $"i.id IN (SELECT rowid FROM item_text WHERE item_text MATCH {Add(Fts5Expression(match))})";
    }
}
