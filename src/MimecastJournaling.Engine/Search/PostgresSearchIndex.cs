using Npgsql;
using MimecastJournaling.Engine.Storage;
using static MimecastJournaling.Engine.Storage.PostgresDatabase;

namespace MimecastJournaling.Engine.Search;

/// <summary>
/// The index in the PostgreSQL store: item_text holds one tsvector per field (subject, body,
/// attachment names) and one over everything, each with a GIN index, built with the 'simple'
/// configuration from the engine's tokens; search_index as in SQLite. Schema migration 11.
/// Several hosts may index at once: a second write of an entry replaces the first.
/// </summary>
internal sealed class PostgresSearchIndex : IJournalSearchIndex
{
    private const string FieldBreak = "mjfieldbreak";
    private readonly PostgresDatabase _db;

    public PostgresSearchIndex(PostgresDatabase database) => _db = database;

    public IReadOnlyList<IndexCandidate> PendingItems(long afterId, int limit) =>
        _db.Query("SELECT i.id, i.subject, i.size FROM items i WHERE i.id > @after AND NOT EXISTS (SELECT 1 FROM search_index x WHERE x.item_id = i.id) ORDER BY i.id LIMIT @limit",
            r => new IndexCandidate(r.GetInt64(0), GetStringOrNull(r, 1), r.GetInt64(2)), ("@after", afterId), ("@limit", (long)limit));

    public IReadOnlyList<IndexCandidate> Items(long afterId, int limit) =>
        _db.Query("SELECT i.id, i.subject, i.size FROM items i WHERE i.id > @after ORDER BY i.id LIMIT @limit",
            r => new IndexCandidate(r.GetInt64(0), GetStringOrNull(r, 1), r.GetInt64(2)), ("@after", afterId), ("@limit", (long)limit));

    public void Write(IReadOnlyList<IndexedText> entries, DateTimeOffset indexed) => _db.Write((c, t) =>
    {
        foreach (var e in entries)
        {
            var written = Execute(c, t,
                "INSERT INTO item_text (item_id, subject_tsv, body_tsv, names_tsv, all_tsv, pairs_tsv) " +
                "SELECT @id, to_tsvector('simple', @s), to_tsvector('simple', @b), to_tsvector('simple', @n), " +
                // A break word between the fields, deleted again, leaves a gap in the positions: a phrase never spans two fields (as in FTS5).
                "ts_delete(to_tsvector('simple', @s || ' " + FieldBreak + " ' || @b || ' " + FieldBreak + " ' || @n || ' " + FieldBreak + " ' || @a), '" + FieldBreak + "'), " +
                // The pairs as lexemes, unparsed (a lexeme may hold a space); NULL when there are too many.
                "array_to_tsvector(@p) " +
                "WHERE EXISTS (SELECT 1 FROM items WHERE id = @id) " +
                "ON CONFLICT (item_id) DO UPDATE SET subject_tsv = excluded.subject_tsv, body_tsv = excluded.body_tsv, " +
                "names_tsv = excluded.names_tsv, all_tsv = excluded.all_tsv, pairs_tsv = excluded.pairs_tsv",
                ("@id", e.ItemId), ("@s", e.Subject), ("@b", e.Body), ("@n", e.AttachmentNames), ("@a", e.AttachmentText),
                ("@p", PhrasePairs.Of(e)));
            if (written == 0)
            {
                continue;
            }
            Execute(c, t, "INSERT INTO search_index (item_id, indexed, has_attachment, failure) VALUES (@id, @at, @has, @f) " +
                "ON CONFLICT (item_id) DO UPDATE SET indexed = excluded.indexed, has_attachment = excluded.has_attachment, failure = excluded.failure",
                ("@id", e.ItemId), ("@at", indexed), ("@has", e.HasAttachment), ("@f", e.Failure));
        }
        return 0;
    });

    /// <summary>
    /// ANALYZE of the index tables. Until it runs, the planner does not know how selective the word
    /// pairs are and walks the items newest first instead (measured at 274,000 items: a phrase page
    /// 646 ms before, 63–129 ms after). A role that does not own the tables gets a warning from
    /// PostgreSQL, not an error, and autovacuum analyzes later.
    /// </summary>
    public void RefreshStatistics() => _db.Write((c, t) => Execute(c, t, "ANALYZE item_text, search_index"));

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
        var text = $"SELECT i.id FROM items i WHERE {where} {SearchSql.NewestFirst} LIMIT {sql.Add((long?)scope.First ?? long.MaxValue)} OFFSET {sql.Add((long)scope.Skip)}";
        return (text, sql.Parameters.ToArray());
    }

    /// <summary>The items among <paramref name="ids"/> that the condition matches (a query hold's scope: the search's own SQL).</summary>
    internal static IReadOnlySet<long> Matching(NpgsqlConnection c, NpgsqlTransaction? t, SearchCondition condition, IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0)
        {
            return new HashSet<long>();
        }
        var sql = new Sql();
        var where = sql.Where(condition, new SearchScope());
        return Query(c, t, $"SELECT i.id FROM items i WHERE i.id = ANY(@holdids) AND {where}", r => r.GetInt64(0),
            [.. sql.Parameters, ("@holdids", ids.ToArray())]).ToHashSet();
    }

    /// <summary>The items among <paramref name="ids"/> with an index entry whose text was read.</summary>
    internal static IReadOnlySet<long> Indexed(NpgsqlConnection c, NpgsqlTransaction? t, IReadOnlyCollection<long> ids) =>
        ids.Count == 0
            ? new HashSet<long>()
            : Query(c, t, "SELECT item_id FROM search_index WHERE item_id = ANY(@ids) AND failure IS NULL", r => r.GetInt64(0), ("@ids", ids.ToArray())).ToHashSet();

    public IndexCounts GetCounts() => _db.Read(c =>
    {
        var items = Query(c, null, "SELECT COUNT(*) FROM items", r => r.GetInt64(0)).Single();
        var (indexed, failed, last) = Query(c, null, "SELECT COUNT(*), COUNT(failure), MAX(indexed) FROM search_index",
            r => (r.GetInt64(0), r.GetInt64(1), GetTime(r, 2))).Single();
        var oldest = Query(c, null,
            "SELECT MIN(i.first_received) FROM items i WHERE NOT EXISTS (SELECT 1 FROM search_index x WHERE x.item_id = i.id)",
            r => GetTime(r, 0)).Single();
        return new IndexCounts(items, indexed, failed, oldest, last);
    });

    public IReadOnlyList<JournalIndexFailure> GetFailures(int first) =>
        _db.Query("SELECT x.item_id, i.message_id, i.subject, x.indexed, x.failure FROM search_index x JOIN items i ON i.id = x.item_id " +
            "WHERE x.failure IS NOT NULL ORDER BY x.item_id DESC LIMIT @n",
            r => new JournalIndexFailure
            {
                ItemId = r.GetInt64(0),
                MessageId = GetStringOrNull(r, 1),
                Subject = GetStringOrNull(r, 2),
                Indexed = GetTime(r, 3) ?? default,
                Reason = r.GetString(4),
            }, ("@n", (long)first));

    private sealed class Sql : SearchSql
    {
        protected override string ParameterPrefix => "@";
        // E'\\\\' is one backslash (see PostgresJournalArchive.GetMessages).
        protected override string LikeEscape => "ESCAPE E'\\\\'";
        protected override object TimeValue(DateTimeOffset time) => time;
        protected override object BoolValue(bool value) => value;
        protected override string TextCondition(TextMatch match)
        {
            var column = match.Field switch
            {
                SearchTextField.Subject => "subject_tsv",
                SearchTextField.Body => "body_tsv",
                SearchTextField.AttachmentNames => "names_tsv",
                _ => "all_tsv",
            };
            var text = $"{column} @@ to_tsquery('simple', {Add(TsQueryExpression(match))})";
            // A phrase: first the items holding each of its word pairs (or without pairs), then its positions.
            return PhrasePairs.Query(match) is { } pairs
                ? $"i.id IN (SELECT item_id FROM item_text WHERE (pairs_tsv @@ {Add(pairs)}::tsquery OR pairs_tsv IS NULL) AND {text})"
                : $"i.id IN (SELECT item_id FROM item_text WHERE {text})";
        }
    }
}
