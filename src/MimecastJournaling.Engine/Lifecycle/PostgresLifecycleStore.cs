using System.Text.Json;
using Npgsql;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Search;
using MimecastJournaling.Engine.Storage;
using static MimecastJournaling.Engine.Storage.PostgresDatabase;

namespace MimecastJournaling.Engine.Lifecycle;

/// <summary>
/// Retention policies, holds and item expiry in the shared PostgreSQL store. A lifecycle write
/// transaction first locks the holds table in SHARE mode: a hold being created or released on
/// another host (ROW EXCLUSIVE) waits until the removal commits, and a removal waits for a hold
/// that is being created, then sees it (READ COMMITTED: each statement sees what committed before it).
/// </summary>
internal sealed class PostgresLifecycleStore(PostgresDatabase db) : ILifecycleStore
{
    private const string PolicyColumns = "id, name, retain_ticks, definition_id, definition, domain, mailbox, created, modified";

    internal static IReadOnlyList<RetentionPolicy> ReadPolicies(NpgsqlConnection c, NpgsqlTransaction? t) =>
        Query(c, t, $"SELECT {PolicyColumns} FROM retention_policies ORDER BY created, name_key", r => new RetentionPolicy
        {
            Id = Guid.Parse(r.GetString(0)),
            Name = r.GetString(1),
            RetainFor = TimeSpan.FromTicks(r.GetInt64(2)),
            DefinitionId = r.IsDBNull(3) ? null : Guid.Parse(r.GetString(3)),
            Definition = GetStringOrNull(r, 4),
            Domain = GetStringOrNull(r, 5),
            Mailbox = GetStringOrNull(r, 6),
            Created = GetTime(r, 7) ?? default,
            Modified = GetTime(r, 8) ?? default,
        });

    public IReadOnlyList<RetentionPolicy> GetPolicies() => db.Read(c => ReadPolicies(c, null));

    public void InsertPolicy(RetentionPolicy p, IReadOnlyList<JournalEvent> events) => Write(events, (c, t) => Execute(c, t,
        "INSERT INTO retention_policies (id, name, name_key, retain_ticks, definition_id, definition, domain, mailbox, created, modified) " +
        "VALUES (@id, @name, @key, @ticks, @did, @definition, @domain, @mailbox, @created, @modified)", PolicyParameters(p)));

    public void UpdatePolicy(RetentionPolicy p, IReadOnlyList<JournalEvent> events) => Write(events, (c, t) => Execute(c, t,
        "UPDATE retention_policies SET retain_ticks = @ticks, definition_id = @did, definition = @definition, domain = @domain, mailbox = @mailbox, modified = @modified WHERE id = @id",
        PolicyParameters(p)));

    private static (string, object?)[] PolicyParameters(RetentionPolicy p) =>
    [
        ("@id", p.Id.ToString()), ("@name", p.Name), ("@key", Key(p.Name)), ("@ticks", p.RetainFor.Ticks), ("@did", p.DefinitionId?.ToString()),
        ("@definition", p.Definition), ("@domain", p.Domain), ("@mailbox", p.Mailbox), ("@created", p.Created), ("@modified", p.Modified),
    ];

    public void DeletePolicy(Guid policyId, IReadOnlyList<JournalEvent> events) =>
        Write(events, (c, t) => Execute(c, t, "DELETE FROM retention_policies WHERE id = @id", ("@id", policyId.ToString())));

    private const string HoldColumns = "id, name, reason, scope, created_by, created, released_by, released, release_reason";

    private static JournalHold ReadHold(NpgsqlDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        Name = r.GetString(1),
        Reason = r.GetString(2),
        Scope = JsonSerializer.Deserialize<HoldScope>(r.GetString(3), SqliteLifecycleStore.ScopeJson) ?? new HoldScope(),
        CreatedBy = r.GetString(4),
        Created = GetTime(r, 5) ?? default,
        ReleasedBy = GetStringOrNull(r, 6),
        Released = GetTime(r, 7),
        ReleaseReason = GetStringOrNull(r, 8),
    };

    public IReadOnlyList<JournalHold> GetHolds() => db.Query($"SELECT {HoldColumns} FROM holds ORDER BY created, name_key", ReadHold);

    public void InsertHold(JournalHold h, IReadOnlyList<JournalEvent> events) => Write(events, (c, t) => Execute(c, t,
        "INSERT INTO holds (id, name, name_key, reason, scope, created_by, created) VALUES (@id, @name, @key, @reason, @scope, @by, @created)",
        ("@id", h.Id.ToString()), ("@name", h.Name), ("@key", Key(h.Name)), ("@reason", h.Reason), ("@scope", JsonSerializer.Serialize(h.Scope, SqliteLifecycleStore.ScopeJson)),
        ("@by", h.CreatedBy), ("@created", h.Created)));

    public bool ReleaseHold(Guid holdId, string releasedBy, DateTimeOffset released, string reason, IReadOnlyList<JournalEvent> events) =>
        db.Write((c, t) =>
        {
            if (Execute(c, t, "UPDATE holds SET released_by = @by, released = @at, release_reason = @reason WHERE id = @id AND released IS NULL",
                    ("@by", releasedBy), ("@at", released), ("@reason", reason), ("@id", holdId.ToString())) == 0)
            {
                return false;
            }
            PostgresJournalStore.InsertEvents(c, t, events);
            return true;
        });

    public long CountExpired(DateTimeOffset now) =>
        db.Query("SELECT COUNT(*) FROM items WHERE expires_on <= @now AND state = 'Archived'", r => r.GetInt64(0), ("@now", now)).Single();

    public IReadOnlyList<long> ExpiredItemIds(DateTimeOffset now, long afterId, int limit) =>
        db.Query("SELECT id FROM items WHERE expires_on <= @now AND state = 'Archived' AND id > @after ORDER BY id LIMIT @limit",
            r => r.GetInt64(0), ("@now", now), ("@after", afterId), ("@limit", (long)limit));

    public long CountItems() => db.Query("SELECT COUNT(*) FROM items", r => r.GetInt64(0)).Single();

    public IReadOnlyList<LifecycleItem> GetItems(long afterId, int limit) => db.Read(c =>
    {
        var ids = Query(c, null, "SELECT id FROM items WHERE id > @after ORDER BY id LIMIT @limit", r => r.GetInt64(0), ("@after", afterId), ("@limit", (long)limit));
        return ReadItems(c, null, ids, lockRows: false);
    });

    public IReadOnlyList<LifecycleItem> GetItems(IReadOnlyCollection<long> ids) => db.Read(c => ReadItems(c, null, ids, lockRows: false));

    private static IReadOnlyList<LifecycleItem> ReadItems(NpgsqlConnection c, NpgsqlTransaction? t, IReadOnlyCollection<long> ids, bool lockRows)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var array = ids.ToArray();
        // Locked first (a merge into one of them waits), then read with what it added.
        var found = Query(c, t,
            "SELECT id, message_id, definition_id, sent, first_received, sender, expires_on, retention_policy FROM items WHERE id = ANY(@ids) ORDER BY id"
            + (lockRows ? " FOR UPDATE" : string.Empty),
            r => new LifecycleItem
            {
                Id = r.GetInt64(0),
                MessageId = GetStringOrNull(r, 1),
                DefinitionId = r.IsDBNull(2) ? null : Guid.Parse(r.GetString(2)),
                Date = GetTime(r, 3),
                FirstReceived = GetTime(r, 4) ?? default,
                Sender = GetStringOrNull(r, 5),
                ExpiresOn = GetTime(r, 6),
                RetentionPolicy = GetStringOrNull(r, 7),
            }, ("@ids", array));
        var mailboxes = Query(c, t, "SELECT item_id, mailbox FROM item_mailboxes WHERE item_id = ANY(@ids)", r => (r.GetInt64(0), r.GetString(1)), ("@ids", array))
            .ToLookup(x => x.Item1, x => x.Item2);
        var recipients = Query(c, t, "SELECT item_id, address FROM item_recipients WHERE item_id = ANY(@ids)", r => (r.GetInt64(0), r.GetString(1)), ("@ids", array))
            .ToLookup(x => x.Item1, x => x.Item2);
        return found.Select(i => i with { Mailboxes = mailboxes[i.Id].ToList(), Recipients = recipients[i.Id].ToList() }).ToList();
    }

    public IReadOnlySet<long> Matching(SearchCondition condition, IReadOnlyCollection<long> ids) =>
        db.Read(c => PostgresSearchIndex.Matching(c, null, condition, ids));

    public IReadOnlySet<long> Indexed(IReadOnlyCollection<long> ids) => db.Read(c => PostgresSearchIndex.Indexed(c, null, ids));

    public T Write<T>(Func<ILifecycleWriteTransaction, T> work) => db.Write((c, t) => work(new WriteTransaction(c, t)));

    private void Write(IReadOnlyList<JournalEvent> events, Action<NpgsqlConnection, NpgsqlTransaction> change) =>
        db.Write((c, t) =>
        {
            change(c, t);
            PostgresJournalStore.InsertEvents(c, t, events);
            return true;
        });

    private sealed class WriteTransaction(NpgsqlConnection c, NpgsqlTransaction t) : ILifecycleWriteTransaction
    {
        public IReadOnlyList<JournalHold> LockActiveHolds()
        {
            Execute(c, t, "LOCK TABLE holds IN SHARE MODE");
            return Query(c, t, $"SELECT {HoldColumns} FROM holds WHERE released IS NULL ORDER BY created", ReadHold);
        }

        public IReadOnlyList<LifecycleItem> GetItems(IReadOnlyCollection<long> ids) => ReadItems(c, t, ids, lockRows: true);

        public IReadOnlySet<long> Matching(SearchCondition condition, IReadOnlyCollection<long> ids) => PostgresSearchIndex.Matching(c, t, condition, ids);

        public IReadOnlySet<long> Indexed(IReadOnlyCollection<long> ids) => PostgresSearchIndex.Indexed(c, t, ids);

        public RemovalCounts DeleteItems(IReadOnlyCollection<long> ids)
        {
            if (ids.Count == 0)
            {
                return RemovalCounts.None;
            }
            var array = ids.ToArray();
            // Column by column, in order (see QuerySequential): no row buffer as large as a report.
            var reports = QuerySequential(c, t, "SELECT r.raw_hash, b.codec, b.data FROM reports r JOIN blobs b ON b.hash = r.raw_hash WHERE r.item_id = ANY(@ids)",
                r => (Hash: r.GetString(0), Codec: r.GetString(1), Data: r.GetFieldValue<byte[]>(2)), ("@ids", array));
            var candidates = RemovedBlobs.Candidates(reports, Query(c, t, "SELECT original_hash, clear_text_hash FROM items WHERE id = ANY(@ids)",
                         r => (r.GetString(0), GetStringOrNull(r, 1)), ("@ids", array)));
            long recipients = 0;
            foreach (var table in SqliteLifecycleStore.PerItemTables)
            {
                var deleted = Execute(c, t, $"DELETE FROM {table} WHERE item_id = ANY(@ids)", ("@ids", array));
                if (table == "item_recipients")
                {
                    recipients = deleted;
                }
            }
            var reportCount = Execute(c, t, "DELETE FROM reports WHERE item_id = ANY(@ids)", ("@ids", array));
            var items = Execute(c, t, "DELETE FROM items WHERE id = ANY(@ids)", ("@ids", array));
            long blobs = 0, bytes = 0;
            if (candidates.Count > 0)
            {
                var hashes = candidates.ToArray();
                // An original no item refers to any more takes what the WORM sync recorded of its object with it
                // (its object was deleted with the item): archived again later, it is written again.
                Execute(c, t, "DELETE FROM worm_objects w WHERE w.hash = ANY(@h) AND NOT EXISTS (SELECT 1 FROM items i WHERE i.original_hash = w.hash)", ("@h", hashes));
                // Locked first: an ingest on another host that is about to refer to one of these
                // blobs (its foreign key takes a share lock) either committed before (its reference
                // is seen below and the blob stays) or waits and then finds it gone (its batch fails
                // with 451 and is retried, storing the bytes again).
                Execute(c, t, "SELECT 1 FROM blobs WHERE hash = ANY(@h) ORDER BY hash FOR UPDATE", ("@h", hashes));
                foreach (var size in Query(c, t,
                             "DELETE FROM blobs b WHERE b.hash = ANY(@h) " +
                             "AND NOT EXISTS (SELECT 1 FROM items i WHERE i.original_hash = b.hash OR i.clear_text_hash = b.hash) " +
                             "AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.raw_hash = b.hash) RETURNING b.size",
                             r => r.GetInt64(0), ("@h", hashes)))
                {
                    blobs++;
                    bytes += size;
                }
            }
            return new RemovalCounts(items, reportCount, recipients, blobs, bytes);
        }

        public void SetRetention(long itemId, DateTimeOffset? expiresOn, string? policy) =>
            Execute(c, t, "UPDATE items SET expires_on = @e, retention_policy = @p WHERE id = @id", ("@e", expiresOn), ("@p", policy), ("@id", itemId));

        public void InsertEvents(IReadOnlyList<JournalEvent> events) => PostgresJournalStore.InsertEvents(c, t, events);
    }
}
