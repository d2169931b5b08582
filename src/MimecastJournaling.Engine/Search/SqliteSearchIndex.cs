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

    /// <summary>
    /// Nothing to do: SQLite plans a search by its MATCH and the items' indexes, without
    /// sqlite_stat1, and the search targets were measured so. An ANALYZE here could change those plans.
    /// </summary>
    public void RefreshStatistics()
    {
    }

    /// <summary>
    /// How many of the newest items the first attempt at a page looks through (see <see cref="SearchTexts"/>).
    /// 20,000 balances the two attempts on a million items: the window costs a few milliseconds to
    /// scan, and a word or address with fewer than 50 matches in it has at most a few thousand in
    /// the whole archive to sort. Tests set a small window to exercise the bound.
    /// </summary>
    internal int NewestWindow { get; set; } = DefaultNewestWindow;

    internal const int DefaultNewestWindow = 20_000;

    public IReadOnlyList<long> Search(SearchCondition condition, SearchScope scope)
    {
        var texts = SearchTexts(condition, scope, NewestWindow);
        for (var k = 0; k < texts.Count; k++)
        {
            var ids = _db.Query(texts[k].Sql, r => r.GetInt64(0), texts[k].Parameters);
            // The windowed attempt is the answer only when it filled the page.
            if (k == texts.Count - 1 || ids.Count == scope.First)
            {
                return ids;
            }
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>
    /// The SQL of a search and its parameters, in the order they are tried (the benchmark shows
    /// their plans). SQLite plans without statistics of how often an address or word occurs, and
    /// either plan alone is slow for half the queries on a large archive: a scan newest first that
    /// stops at the first page takes seconds for a rare address, and starting from the address or
    /// word and sorting the matches takes as long for a common one. So a page (<c>-First</c>) is
    /// first looked for among the <see cref="NewestWindow"/> newest items, scanned newest first with
    /// a probe per item; a page filled there is exactly the page of the whole archive, because every
    /// item outside the window is older than every item in it. Otherwise the search runs over the
    /// whole archive, starting from the indexes, where the matches are few by then.
    /// </summary>
    internal static IReadOnlyList<(string Sql, (string Name, object? Value)[] Parameters)> SearchTexts(SearchCondition condition, SearchScope scope,
        int newestWindow = DefaultNewestWindow)
    {
        var whole = new Sql { ProbePerItem = false };
        var where = whole.Where(condition, scope);
        var all = ($"SELECT i.id FROM items i WHERE {where} {SearchSql.NewestFirst} LIMIT {whole.Add((long?)scope.First ?? -1L)} OFFSET {whole.Add((long)scope.Skip)}",
            whole.Parameters.ToArray());
        if (scope.First is not > 0)
        {
            return [all];
        }
        var newest = new Sql { ProbePerItem = true };
        var bound = $"COALESCE((SELECT COALESCE(sent, first_received) FROM items ORDER BY COALESCE(sent, first_received) DESC LIMIT 1 OFFSET {newest.Add((long)newestWindow - 1)}), '')";
        // Every item of the window has an id at least the window's smallest, so the full-text index
        // is read only from there: a common word's matches are not all read to test a few thousand items.
        newest.TextRowidFloor = $"(SELECT COALESCE(MIN(id), 0) FROM items INDEXED BY items_search_order WHERE COALESCE(sent, first_received) >= {bound})";
        var windowed = newest.Where(condition, scope);
        var order = "COALESCE(i.sent, i.first_received)";
        var window = ($"SELECT i.id FROM items i INDEXED BY items_search_order WHERE {order} >= {bound} AND {windowed} {SearchSql.NewestFirst} " +
            $"LIMIT {newest.Add((long)scope.First)} OFFSET {newest.Add((long)scope.Skip)}", newest.Parameters.ToArray());
        return [window, all];
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
        /// <summary>A lower bound of the items' ids that full-text conditions need to read, or null.</summary>
        public string? TextRowidFloor { get; set; }

        protected override string TextCondition(TextMatch match) =>
            $"i.id IN (SELECT rowid FROM item_text WHERE item_text MATCH {Add(Fts5Expression(match))}" +
            (TextRowidFloor is null ? ")" : $" AND rowid >= {TextRowidFloor})");
    }
}
