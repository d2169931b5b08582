using System.Text.Json;
using Microsoft.Data.Sqlite;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Search;
using MimecastJournaling.Engine.Storage;
using static MimecastJournaling.Engine.Storage.SqliteDatabase;

namespace MimecastJournaling.Engine.Lifecycle;

/// <summary>Retention policies, holds and item expiry in the embedded SQLite store (a write transaction locks the file for writers).</summary>
internal sealed class SqliteLifecycleStore(SqliteDatabase db) : ILifecycleStore
{
    internal static readonly JsonSerializerOptions ScopeJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// The tables that hold rows of one item (item_id), deleted with it before the item itself.
    /// Another per-item table (the search index) is added here and only here.
    /// </summary>
    internal static readonly string[] PerItemTables = ["item_recipients", "item_mailboxes"];

    private const string PolicyColumns = "id, name, retain_ticks, definition_id, definition, domain, mailbox, created, modified";

    internal static IReadOnlyList<RetentionPolicy> ReadPolicies(SqliteConnection c, SqliteTransaction? t) =>
        Query(c, t, $"SELECT {PolicyColumns} FROM retention_policies ORDER BY created, name_key", r => new RetentionPolicy
        {
            Id = Guid.Parse(r.GetString(0)),
            Name = r.GetString(1),
            RetainFor = TimeSpan.FromTicks(r.GetInt64(2)),
            DefinitionId = r.IsDBNull(3) ? null : Guid.Parse(r.GetString(3)),
            Definition = GetStringOrNull(r, 4),
            Domain = GetStringOrNull(r, 5),
            Mailbox = GetStringOrNull(r, 6),
            Created = ParseTime(r, 7) ?? default,
            Modified = ParseTime(r, 8) ?? default,
        });

    public IReadOnlyList<RetentionPolicy> GetPolicies() => db.Guard(() =>
    {
        using var c = db.Open();
        return ReadPolicies(c, null);
    });

    public void InsertPolicy(RetentionPolicy p, IReadOnlyList<JournalEvent> events) => Write(events, (c, t) => Execute(c, t,
        $"INSERT INTO retention_policies (id, name, name_key, retain_ticks, definition_id, definition, domain, mailbox, created, modified) " +
        "VALUES ($id, $name, $key, $ticks, $did, $definition, $domain, $mailbox, $created, $modified)", PolicyParameters(p)));

    public void UpdatePolicy(RetentionPolicy p, IReadOnlyList<JournalEvent> events) => Write(events, (c, t) => Execute(c, t,
        "UPDATE retention_policies SET retain_ticks = $ticks, definition_id = $did, definition = $definition, domain = $domain, mailbox = $mailbox, modified = $modified WHERE id = $id",
        PolicyParameters(p)));

    private static (string, object?)[] PolicyParameters(RetentionPolicy p) =>
    [
        ("$id", p.Id.ToString()), ("$name", p.Name), ("$key", Key(p.Name)), ("$ticks", p.RetainFor.Ticks), ("$did", p.DefinitionId?.ToString()),
        ("$definition", p.Definition), ("$domain", p.Domain), ("$mailbox", p.Mailbox), ("$created", FormatTime(p.Created)), ("$modified", FormatTime(p.Modified)),
    ];

    public void DeletePolicy(Guid policyId, IReadOnlyList<JournalEvent> events) =>
        Write(events, (c, t) => Execute(c, t, "DELETE FROM retention_policies WHERE id = $id", ("$id", policyId.ToString())));

    private const string HoldColumns = "id, name, reason, scope, created_by, created, released_by, released, release_reason";

    private static JournalHold ReadHold(SqliteDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        Name = r.GetString(1),
        Reason = r.GetString(2),
        Scope = JsonSerializer.Deserialize<HoldScope>(r.GetString(3), ScopeJson) ?? new HoldScope(),
        CreatedBy = r.GetString(4),
        Created = ParseTime(r, 5) ?? default,
        ReleasedBy = GetStringOrNull(r, 6),
        Released = ParseTime(r, 7),
        ReleaseReason = GetStringOrNull(r, 8),
    };

    public IReadOnlyList<JournalHold> GetHolds() => db.Query($"SELECT {HoldColumns} FROM holds ORDER BY created, name_key", ReadHold);

    public void InsertHold(JournalHold h, IReadOnlyList<JournalEvent> events) => Write(events, (c, t) => Execute(c, t,
        "INSERT INTO holds (id, name, name_key, reason, scope, created_by, created) VALUES ($id, $name, $key, $reason, $scope, $by, $created)",
        ("$id", h.Id.ToString()), ("$name", h.Name), ("$key", Key(h.Name)), ("$reason", h.Reason), ("$scope", JsonSerializer.Serialize(h.Scope, ScopeJson)),
        ("$by", h.CreatedBy), ("$created", FormatTime(h.Created))));

    public bool ReleaseHold(Guid holdId, string releasedBy, DateTimeOffset released, string reason, IReadOnlyList<JournalEvent> events) =>
        db.Write((c, t) =>
        {
            if (Execute(c, t, "UPDATE holds SET released_by = $by, released = $at, release_reason = $reason WHERE id = $id AND released IS NULL",
                    ("$by", releasedBy), ("$at", FormatTime(released)), ("$reason", reason), ("$id", holdId.ToString())) == 0)
            {
                return false;
            }
            SqliteJournalStore.InsertEvents(c, t, events);
            return true;
        });

    public long CountExpired(DateTimeOffset now) =>
        db.Query("SELECT COUNT(*) FROM items WHERE expires_on <= $now AND state = 'Archived'", r => r.GetInt64(0), ("$now", FormatTime(now))).Single();

    public IReadOnlyList<long> ExpiredItemIds(DateTimeOffset now, long afterId, int limit) =>
        db.Query("SELECT id FROM items WHERE expires_on <= $now AND state = 'Archived' AND id > $after ORDER BY id LIMIT $limit",
            r => r.GetInt64(0), ("$now", FormatTime(now)), ("$after", afterId), ("$limit", (long)limit));

    public long CountItems() => db.Query("SELECT COUNT(*) FROM items", r => r.GetInt64(0)).Single();

    public IReadOnlyList<LifecycleItem> GetItems(long afterId, int limit) => db.Guard(() =>
    {
        using var c = db.Open();
        var ids = Query(c, null, "SELECT id FROM items WHERE id > $after ORDER BY id LIMIT $limit", r => r.GetInt64(0), ("$after", afterId), ("$limit", (long)limit));
        return ReadItems(c, null, ids);
    });

    public IReadOnlyList<LifecycleItem> GetItems(IReadOnlyCollection<long> ids) => db.Guard(() =>
    {
        using var c = db.Open();
        return ReadItems(c, null, ids);
    });

    private static string IdList(IEnumerable<long> ids) => string.Join(",", ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    internal static IReadOnlyList<LifecycleItem> ReadItems(SqliteConnection c, SqliteTransaction? t, IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var list = IdList(ids);
        var mailboxes = Query(c, t, $"SELECT item_id, mailbox FROM item_mailboxes WHERE item_id IN ({list})", r => (r.GetInt64(0), r.GetString(1)))
            .ToLookup(x => x.Item1, x => x.Item2);
        var recipients = Query(c, t, $"SELECT item_id, address FROM item_recipients WHERE item_id IN ({list})", r => (r.GetInt64(0), r.GetString(1)))
            .ToLookup(x => x.Item1, x => x.Item2);
        return Query(c, t,
            $"SELECT id, message_id, definition_id, sent, first_received, sender, expires_on, retention_policy FROM items WHERE id IN ({list}) ORDER BY id",
            r => new LifecycleItem
            {
                Id = r.GetInt64(0),
                MessageId = GetStringOrNull(r, 1),
                DefinitionId = r.IsDBNull(2) ? null : Guid.Parse(r.GetString(2)),
                Date = ParseTime(r, 3),
                FirstReceived = ParseTime(r, 4) ?? default,
                Sender = GetStringOrNull(r, 5),
                ExpiresOn = ParseTime(r, 6),
                RetentionPolicy = GetStringOrNull(r, 7),
            }).Select(i => i with { Mailboxes = mailboxes[i.Id].ToList(), Recipients = recipients[i.Id].ToList() }).ToList();
    }

    public IReadOnlySet<long> Matching(SearchCondition condition, IReadOnlyCollection<long> ids) =>
        db.Guard(() => { using var c = db.Open(); return SqliteSearchIndex.Matching(c, null, condition, ids); });

    public IReadOnlySet<long> Indexed(IReadOnlyCollection<long> ids) => db.Guard(() => { using var c = db.Open(); return SqliteSearchIndex.Indexed(c, null, ids); });

    public T Write<T>(Func<ILifecycleWriteTransaction, T> work) => db.Write((c, t) => work(new WriteTransaction(c, t)));

    private void Write(IReadOnlyList<JournalEvent> events, Action<SqliteConnection, SqliteTransaction> change) =>
        db.Write((c, t) =>
        {
            change(c, t);
            SqliteJournalStore.InsertEvents(c, t, events);
            return true;
        });

    /// <summary>An IMMEDIATE transaction: the file is locked for every other writer, holds included, until it ends.</summary>
    private sealed class WriteTransaction(SqliteConnection c, SqliteTransaction t) : ILifecycleWriteTransaction
    {
        public IReadOnlyList<JournalHold> LockActiveHolds() =>
            Query(c, t, $"SELECT {HoldColumns} FROM holds WHERE released IS NULL ORDER BY created", ReadHold);

        public IReadOnlyList<LifecycleItem> GetItems(IReadOnlyCollection<long> ids) => ReadItems(c, t, ids);

        public IReadOnlySet<long> Matching(SearchCondition condition, IReadOnlyCollection<long> ids) => SqliteSearchIndex.Matching(c, t, condition, ids);

        public IReadOnlySet<long> Indexed(IReadOnlyCollection<long> ids) => SqliteSearchIndex.Indexed(c, t, ids);

        public RemovalCounts DeleteItems(IReadOnlyCollection<long> ids)
        {
            if (ids.Count == 0)
            {
                return RemovalCounts.None;
            }
            var list = IdList(ids);
            var reports = Query(c, t, $"SELECT r.raw_hash, b.codec, b.data FROM reports r JOIN blobs b ON b.hash = r.raw_hash WHERE r.item_id IN ({list})",
                r => (Hash: r.GetString(0), Codec: r.GetString(1), Data: (byte[])r.GetValue(2)));
            var candidates = RemovedBlobs.Candidates(reports, Query(c, t, $"SELECT original_hash, clear_text_hash FROM items WHERE id IN ({list})", r => (r.GetString(0), GetStringOrNull(r, 1))));
            long recipients = 0;
            foreach (var table in PerItemTables)
            {
                var deleted = Execute(c, t, $"DELETE FROM {table} WHERE item_id IN ({list})");
                if (table == "item_recipients")
                {
                    recipients = deleted;
                }
            }
            var reportCount = Execute(c, t, $"DELETE FROM reports WHERE item_id IN ({list})");
            var items = Execute(c, t, $"DELETE FROM items WHERE id IN ({list})");
            long blobs = 0, bytes = 0;
            foreach (var hash in candidates)
            {
                // An original no item refers to any more takes what the WORM sync recorded of its object with it
                // (its object was deleted with the item): archived again later, it is written again.
                Execute(c, t, "DELETE FROM worm_objects WHERE hash = $h AND NOT EXISTS (SELECT 1 FROM items WHERE original_hash = $h)", ("$h", hash));
                // Content-addressed: another item, report or residue may still refer to the same bytes.
                var size = Query(c, t,
                    "SELECT size FROM blobs WHERE hash = $h AND NOT EXISTS (SELECT 1 FROM items WHERE original_hash = $h OR clear_text_hash = $h) " +
                    "AND NOT EXISTS (SELECT 1 FROM reports WHERE raw_hash = $h)", r => r.GetInt64(0), ("$h", hash)).FirstOrDefault(-1);
                if (size >= 0 && Execute(c, t, "DELETE FROM blobs WHERE hash = $h", ("$h", hash)) > 0)
                {
                    blobs++;
                    bytes += size;
                }
            }
            return new RemovalCounts(items, reportCount, recipients, blobs, bytes);
        }

        public void SetRetention(long itemId, DateTimeOffset? expiresOn, string? policy) =>
            Execute(c, t, "UPDATE items SET expires_on = $e, retention_policy = $p WHERE id = $id", ("$e", FormatTime(expiresOn)), ("$p", policy), ("$id", itemId));

        public void InsertEvents(IReadOnlyList<JournalEvent> events) => SqliteJournalStore.InsertEvents(c, t, events);
    }
}
