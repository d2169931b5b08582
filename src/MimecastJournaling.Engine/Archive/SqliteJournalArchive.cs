using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using MimecastJournaling.Engine.Storage;
using static MimecastJournaling.Engine.Storage.SqliteDatabase;

namespace MimecastJournaling.Engine.Archive;

/// <summary>The archive in the embedded SQLite store (same file as the configuration).</summary>
internal sealed class SqliteJournalArchive : IJournalArchive, IArchiveBlobInventory, ObjectStorage.IWormObjectStates
{
    private readonly SqliteDatabase _db;
    private readonly TimeProvider _clock;

    /// <param name="clock">"Now" for the state readers see (see ArchiveMerge.EffectiveState).</param>
    public SqliteJournalArchive(SqliteDatabase database, TimeProvider? clock = null)
    {
        _db = database;
        _clock = clock ?? TimeProvider.System;
    }

    public IReadOnlyList<JournalOutcome> Store(IReadOnlyList<ArchiveSubmission> batch) =>
        _db.Write((connection, transaction) =>
        {
            var t = new WriteTransaction(connection, transaction);
            return ArchiveMerge.StoreAll(t, batch);
        });

    /// <summary>Match and merge's primitives in one IMMEDIATE transaction (the file is locked for writers, so FindItem needs no row lock).</summary>
    private sealed class WriteTransaction(SqliteConnection c, SqliteTransaction t) : IArchiveWriteTransaction
    {
        /// <summary>Nothing to read ahead: a lookup in the file costs no round trip.</summary>
        public void ReadAhead(ArchiveReadAhead batch)
        {
        }

        public JournalOutcome? FindOutcomeBySpoolId(long spoolId) =>
            Query(c, t, $"SELECT {OutcomeColumns} FROM reports WHERE spool_id = $id", ReadOutcome, ("$id", spoolId)).FirstOrDefault();

        public bool HasBlob(string hash) =>
            Query(c, t, "SELECT 1 FROM blobs WHERE hash = $h", r => true, ("$h", hash)).Count > 0;

        public void InsertBlob(string hash, long size, string codec, byte[] data) =>
            Execute(c, t, "INSERT INTO blobs (hash, size, codec, data) VALUES ($h, $size, $codec, $data)",
                ("$h", hash), ("$size", size), ("$codec", codec), ("$data", data));

        public ExistingItem? FindItem(string messageKey, string fingerprint) =>
            Query(c, t, "SELECT id, clear_text_hash FROM items WHERE message_key = $k AND fingerprint = $f",
                r => new ExistingItem(r.GetInt64(0), !r.IsDBNull(1)), ("$k", messageKey), ("$f", fingerprint)).FirstOrDefault();

        public long? InsertItemIfAbsent(NewItem i)
        {
            var now = FormatTime(i.FirstReceived);
            return Query(c, t,
                "INSERT INTO items (message_id, message_key, fingerprint, original_hash, clear_text_hash, sender, sender_key, subject, sent, size, " +
                "definition_id, definition, state, process_after, attempts, max_attempts, attempt_interval_seconds, first_received, updated, expires_on, retention_policy) " +
                "VALUES ($mid, $k, $f, $orig, $clear, $sender, $skey, $subject, $sent, $size, $did, $definition, $state, $after, 0, $max, $interval, $now, $now, $expires, $policy) " +
                "ON CONFLICT (message_key, fingerprint) DO NOTHING RETURNING id",
                r => (long?)r.GetInt64(0),
                ("$mid", i.MessageId), ("$k", i.MessageKey), ("$f", i.Fingerprint), ("$orig", i.OriginalHash), ("$clear", i.ClearTextHash),
                ("$sender", i.Sender), ("$skey", i.Sender is null ? null : Key(i.Sender)), ("$subject", i.Subject), ("$sent", FormatTime(i.Sent)),
                ("$size", i.Size), ("$did", i.DefinitionId?.ToString()), ("$definition", i.Definition), ("$state", i.State.ToString()),
                ("$after", FormatTime(i.ProcessAfter)), ("$max", (long)i.MaxAttempts), ("$interval", i.AttemptIntervalSeconds), ("$now", now),
                ("$expires", FormatTime(i.ExpiresOn)), ("$policy", i.RetentionPolicy)).FirstOrDefault();
        }

        public bool ItemHasReport(long itemId, string rawHash) =>
            Query(c, t, "SELECT 1 FROM reports WHERE item_id = $id AND raw_hash = $raw LIMIT 1", r => true, ("$id", itemId), ("$raw", rawHash)).Count > 0;

        public void SetClearText(long itemId, string hash) =>
            Execute(c, t, "UPDATE items SET clear_text_hash = $h WHERE id = $id", ("$h", hash), ("$id", itemId));

        public void TouchItem(long itemId, DateTimeOffset updated) =>
            Execute(c, t, "UPDATE items SET updated = $now WHERE id = $id", ("$now", FormatTime(updated)), ("$id", itemId));

        public IReadOnlyDictionary<string, ArchivedRecipient> GetRecipients(long itemId) =>
            Query(c, t, "SELECT address_key, address, type, expanded_from, forwarded_from FROM item_recipients WHERE item_id = $id",
                r => (Key: r.GetString(0), Recipient: new ArchivedRecipient(r.GetString(1), r.GetString(2), GetStringOrNull(r, 3), GetStringOrNull(r, 4))),
                ("$id", itemId)).ToDictionary(x => x.Key, x => x.Recipient, StringComparer.Ordinal);

        public void InsertRecipient(long itemId, ArchivedRecipient r) =>
            Execute(c, t,
                "INSERT INTO item_recipients (item_id, address, address_key, type, expanded_from, forwarded_from) VALUES ($id, $a, $k, $type, $e, $f)",
                ("$id", itemId), ("$a", r.Address), ("$k", Key(r.Address)), ("$type", r.Type), ("$e", r.ExpandedFrom), ("$f", r.ForwardedFrom));

        public void UpdateRecipient(long itemId, ArchivedRecipient r) =>
            Execute(c, t, "UPDATE item_recipients SET type = $type, expanded_from = $e, forwarded_from = $f WHERE item_id = $id AND address_key = $k",
                ("$id", itemId), ("$k", Key(r.Address)), ("$type", r.Type), ("$e", r.ExpandedFrom), ("$f", r.ForwardedFrom));

        public void AddMailbox(long itemId, string mailbox) =>
            Execute(c, t, "INSERT INTO item_mailboxes (item_id, mailbox_key, mailbox) VALUES ($id, $k, $m) ON CONFLICT DO NOTHING",
                ("$id", itemId), ("$k", Key(mailbox)), ("$m", mailbox));

        public long InsertReport(ArchiveSubmission s, string rawHash, JournalOutcomeKind outcome, long? itemId) =>
            InsertReturningId(c, t,
                "INSERT INTO reports (received, source, definition_id, definition, raw_hash, size, outcome, reason, rule, item_id, format, message_id, sender, subject, defects, spool_id, node) " +
                "VALUES ($received, $source, $did, $definition, $raw, $size, $outcome, $reason, $rule, $item, $format, $mid, $sender, $subject, $defects, $spool, $node)",
                ("$received", FormatTime(s.Received)), ("$source", s.Source), ("$did", s.DefinitionId?.ToString()), ("$definition", s.Definition),
                ("$raw", rawHash), ("$size", (long)s.RawReport.Length), ("$outcome", outcome.ToString()), ("$reason", s.Reason), ("$rule", s.Rule),
                ("$item", itemId), ("$format", s.Format), ("$mid", s.MessageId), ("$sender", s.Sender), ("$subject", s.Subject),
                ("$defects", s.Defects.Count == 0 ? null : JsonSerializer.Serialize(s.Defects)), ("$spool", s.SpoolId), ("$node", s.Node));

        public IReadOnlyList<DueItem> DueItems(DateTimeOffset now) =>
            Query(c, t, "SELECT id, attempts, max_attempts, attempt_interval_seconds FROM items WHERE state = 'Pending' AND process_after <= $now",
                r => new DueItem(r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetInt64(3)), ("$now", FormatTime(now)));

        public void SetAttempt(long itemId, int attempts, DateTimeOffset? processAfter, bool archived) =>
            Execute(c, t, archived
                    ? "UPDATE items SET state = 'Archived', attempts = $a, process_after = NULL WHERE id = $id"
                    : "UPDATE items SET attempts = $a, process_after = $next WHERE id = $id",
                ("$a", attempts), ("$next", FormatTime(processAfter)), ("$id", itemId));

        private IReadOnlyList<MimecastJournaling.Engine.Lifecycle.RetentionPolicy>? _policies;

        public IReadOnlyList<MimecastJournaling.Engine.Lifecycle.RetentionPolicy> RetentionPolicies() =>
            _policies ??= MimecastJournaling.Engine.Lifecycle.SqliteLifecycleStore.ReadPolicies(c, t);

        public ItemRetention GetRetention(long itemId) =>
            Query(c, t, "SELECT expires_on, retention_policy, first_received FROM items WHERE id = $id",
                r => new ItemRetention(ParseTime(r, 0), GetStringOrNull(r, 1), ParseTime(r, 2) ?? default), ("$id", itemId)).Single();

        public void SetRetention(long itemId, DateTimeOffset? expiresOn, string? policy) =>
            Execute(c, t, "UPDATE items SET expires_on = $e, retention_policy = $p WHERE id = $id", ("$e", FormatTime(expiresOn)), ("$p", policy), ("$id", itemId));
    }

    public IReadOnlyList<JournalMessage> GetMessages(JournalMessageQuery q)
    {
        var where = new List<string>();
        var p = new List<(string, object?)>();
        void Like(string column, string? pattern, string name)
        {
            if (pattern is null)
            {
                return;
            }
            where.Add($"{column} LIKE ${name} ESCAPE '\\'");
            p.Add(("$" + name, ToLike(pattern)));
        }
        Like("items.message_key", q.MessageId?.Trim('<', '>').ToLowerInvariant(), "mid");
        Like("items.sender_key", q.Sender?.ToLowerInvariant(), "sender");
        Like("items.subject", q.Subject, "subject");
        if (q.Recipient is not null)
        {
            where.Add("EXISTS (SELECT 1 FROM item_recipients r WHERE r.item_id = items.id AND r.address_key LIKE $rcpt ESCAPE '\\')");
            p.Add(("$rcpt", ToLike(q.Recipient.ToLowerInvariant())));
        }
        if (q.Mailbox is not null)
        {
            where.Add("EXISTS (SELECT 1 FROM item_mailboxes m WHERE m.item_id = items.id AND m.mailbox_key LIKE $mbx ESCAPE '\\')");
            p.Add(("$mbx", ToLike(q.Mailbox.ToLowerInvariant())));
        }
        if (q.After is { } after)
        {
            where.Add("COALESCE(items.sent, items.first_received) > $after");
            p.Add(("$after", FormatTime(after)));
        }
        if (q.Before is { } before)
        {
            where.Add("COALESCE(items.sent, items.first_received) < $before");
            p.Add(("$before", FormatTime(before)));
        }
        if (q.DefinitionId is { } definitionId)
        {
            where.Add("items.definition_id = $did");
            p.Add(("$did", definitionId.ToString()));
        }
        var sql = $"SELECT {ItemColumns} FROM items" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty)
            + " ORDER BY items.id LIMIT $limit OFFSET $skip";
        p.Add(("$limit", (long?)q.First ?? -1));
        p.Add(("$skip", (long)q.Skip));
        return _db.Guard(() =>
        {
            using var connection = _db.Open();
            return Complete(connection, Query(connection, null, sql, r => ReadItem(_clock.GetUtcNow(), r), p.ToArray()));
        });
    }

    public JournalMessage? GetMessage(long itemId) => GetMessagesById([itemId]).FirstOrDefault();

    public IReadOnlyList<JournalMessage> GetMessagesById(IReadOnlyList<long> itemIds) => itemIds.Count == 0 ? [] : _db.Guard(() =>
    {
        using var connection = _db.Open();
        var items = new List<JournalMessage>();
        foreach (var chunk in itemIds.Distinct().Chunk(ItemDetails.ChunkSize))
        {
            items.AddRange(Query(connection, null, $"SELECT {ItemColumns} FROM items WHERE id IN (SELECT value FROM json_each($ids))",
                r => ReadItem(_clock.GetUtcNow(), r), ("$ids", JsonSerializer.Serialize(chunk))));
        }
        return ItemDetails.InOrder(itemIds, Complete(connection, items));
    });

    private const string ItemColumns =
        "items.id, items.message_id, items.sender, items.subject, items.sent, items.size, items.definition, items.state, " +
        "items.clear_text_hash IS NOT NULL, items.first_received, items.updated, items.original_hash, " +
        "items.process_after, items.attempts, items.max_attempts, items.attempt_interval_seconds, items.expires_on, items.retention_policy";

    private static JournalMessage ReadItem(DateTimeOffset now, SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        MessageId = GetStringOrNull(r, 1),
        Sender = GetStringOrNull(r, 2),
        Subject = GetStringOrNull(r, 3),
        Date = ParseTime(r, 4),
        Size = r.GetInt64(5),
        Definition = GetStringOrNull(r, 6),
        State = ArchiveMerge.EffectiveState(Enum.Parse<JournalItemState>(r.GetString(7)), ParseTime(r, 12), r.GetInt32(13), r.GetInt32(14),
            r.GetInt64(15), now),
        HasClearTextCopy = r.GetBoolean(8),
        FirstReceived = ParseTime(r, 9) ?? default,
        Updated = ParseTime(r, 10) ?? default,
        ContentHash = r.GetString(11),
        ExpiresOn = ParseTime(r, 16),
        RetentionPolicy = GetStringOrNull(r, 17),
    };

    private static List<JournalMessage> Complete(SqliteConnection c, IReadOnlyList<JournalMessage> items) => ItemDetails.Complete(items, ids =>
    {
        var idList = ("$ids", (object?)JsonSerializer.Serialize(ids));
        return (
            Query(c, null, "SELECT item_id, address, type, expanded_from, forwarded_from FROM item_recipients " +
                "WHERE item_id IN (SELECT value FROM json_each($ids)) ORDER BY item_id, rowid",
                r => (r.GetInt64(0), new ArchivedRecipient(r.GetString(1), r.GetString(2), GetStringOrNull(r, 3), GetStringOrNull(r, 4))), idList),
            Query(c, null, "SELECT item_id, mailbox FROM item_mailboxes WHERE item_id IN (SELECT value FROM json_each($ids)) ORDER BY item_id, mailbox_key",
                r => (r.GetInt64(0), r.GetString(1)), idList),
            Query(c, null, "SELECT item_id, id, received, source, definition, outcome FROM reports " +
                "WHERE item_id IN (SELECT value FROM json_each($ids)) ORDER BY item_id, id",
                r => (r.GetInt64(0), new JournalContribution
                {
                    ReportId = r.GetInt64(1),
                    Received = ParseTime(r, 2) ?? default,
                    Source = r.GetString(3),
                    Definition = GetStringOrNull(r, 4),
                    Outcome = Enum.Parse<JournalOutcomeKind>(r.GetString(5)),
                }), idList));
    });

    public byte[]? GetOriginal(long itemId) =>
        ReadBlob("SELECT b.codec, b.data, b.size, b.hash FROM items i JOIN blobs b ON b.hash = i.original_hash WHERE i.id = $id", itemId);

    public byte[]? GetReport(long reportId) =>
        ReadBlob("SELECT b.codec, b.data, b.size, b.hash FROM reports r JOIN blobs b ON b.hash = r.raw_hash WHERE r.id = $id", reportId);

    public IReadOnlyList<ArchiveBlobReference> GetBlobReferences() =>
        _db.Query("SELECT 0, id, original_hash FROM items UNION ALL SELECT 1, id, clear_text_hash FROM items WHERE clear_text_hash IS NOT NULL " +
                  "UNION ALL SELECT 2, id, raw_hash FROM reports ORDER BY 1, 2",
            r => new ArchiveBlobReference((ArchiveBlobKind)r.GetInt32(0), r.GetInt64(1), r.GetString(2)));

    public IReadOnlyList<ArchiveBlobReference> GetOriginalReferences(IReadOnlyCollection<long> itemIds) =>
        itemIds.Count == 0 ? [] : _db.Query(
            "SELECT id, original_hash FROM items WHERE original_hash IN (SELECT original_hash FROM items WHERE id IN (SELECT value FROM json_each($ids))) ORDER BY id",
            r => new ArchiveBlobReference(ArchiveBlobKind.Original, r.GetInt64(0), r.GetString(1)), ("$ids", System.Text.Json.JsonSerializer.Serialize(itemIds)));

    public byte[]? ReadBlob(string hash) => ReadBlob("SELECT codec, data, size, hash FROM blobs WHERE hash = $id", hash);

    public IReadOnlyDictionary<string, ObjectStorage.WormObjectState> ReadWormStates(string storeKey, IReadOnlyCollection<string> hashes) =>
        hashes.Count == 0 ? new Dictionary<string, ObjectStorage.WormObjectState>() : _db.Query(
            "SELECT hash, retain_until, legal_hold, written FROM worm_objects WHERE store_key = $k AND hash IN (SELECT value FROM json_each($h))",
            r => new ObjectStorage.WormObjectState(r.GetString(0), ParseTime(r, 1), r.GetInt64(2) != 0, r.GetInt64(3) != 0),
            ("$k", storeKey), ("$h", JsonSerializer.Serialize(hashes))).ToDictionary(s => s.Hash, StringComparer.Ordinal);

    public void SaveWormStates(string storeKey, IReadOnlyCollection<ObjectStorage.WormObjectState> states, DateTimeOffset updated)
    {
        if (states.Count == 0)
        {
            return;
        }
        _db.Write((c, t) =>
        {
            foreach (var s in states)
            {
                Execute(c, t, "INSERT INTO worm_objects (store_key, hash, retain_until, legal_hold, written, updated) VALUES ($k, $h, $r, $l, $w, $u) " +
                    "ON CONFLICT (store_key, hash) DO UPDATE SET retain_until = excluded.retain_until, legal_hold = excluded.legal_hold, written = excluded.written, updated = excluded.updated",
                    ("$k", storeKey), ("$h", s.Hash), ("$r", FormatTime(s.RetainUntil)), ("$l", s.LegalHold ? 1L : 0L), ("$w", s.Written ? 1L : 0L), ("$u", FormatTime(updated)));
            }
            return true;
        });
    }

    public void ForgetWormStates(string storeKey, IReadOnlyCollection<string> hashes)
    {
        if (hashes.Count == 0)
        {
            return;
        }
        _db.Write((c, t) => Execute(c, t, "DELETE FROM worm_objects WHERE store_key = $k AND hash IN (SELECT value FROM json_each($h))",
            ("$k", storeKey), ("$h", JsonSerializer.Serialize(hashes))));
    }

    // A report stored as a residue is rebuilt from the message blobs it refers to.
    private byte[]? ReadBlob(string sql, object id) =>
        _db.Query(sql, r => (Codec: r.GetString(0), Data: (byte[])r.GetValue(1), Size: r.GetInt64(2), Hash: r.GetString(3)), ("$id", id))
            .Select(b => ReportBlob.Decode(b.Codec, b.Data, b.Size, b.Hash, hash => ReadBlob("SELECT codec, data, size, hash FROM blobs WHERE hash = $id", hash)))
            .FirstOrDefault();

    public IReadOnlyList<JournalOutcome> GetOutcomes(JournalOutcomeQuery q)
    {
        var where = new List<string>();
        var p = new List<(string, object?)>();
        if (q.Outcome is { } outcome)
        {
            where.Add("outcome = $outcome");
            p.Add(("$outcome", outcome.ToString()));
        }
        if (q.DefinitionId is { } definitionId)
        {
            where.Add("definition_id = $did");
            p.Add(("$did", definitionId.ToString()));
        }
        if (q.After is { } after)
        {
            where.Add("received > $after");
            p.Add(("$after", FormatTime(after)));
        }
        p.Add(("$limit", (long?)q.First ?? -1));
        var sql = $"SELECT {OutcomeColumns} FROM reports"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty) + " ORDER BY id DESC LIMIT $limit";
        return _db.Query(sql, ReadOutcome, p.ToArray());
    }

    private const string OutcomeColumns = "id, received, source, definition, outcome, reason, rule, item_id, format, message_id, sender, subject, size, defects, node";

    private static JournalOutcome ReadOutcome(SqliteDataReader r) => new()
    {
        ReportId = r.GetInt64(0),
        Received = ParseTime(r, 1) ?? default,
        Source = r.GetString(2),
        Definition = GetStringOrNull(r, 3),
        Outcome = Enum.Parse<JournalOutcomeKind>(r.GetString(4)),
        Reason = GetStringOrNull(r, 5),
        Rule = GetStringOrNull(r, 6),
        ItemId = r.IsDBNull(7) ? null : r.GetInt64(7),
        Format = GetStringOrNull(r, 8),
        MessageId = GetStringOrNull(r, 9),
        Sender = GetStringOrNull(r, 10),
        Subject = GetStringOrNull(r, 11),
        Size = r.GetInt64(12),
        Defects = r.IsDBNull(13) ? Array.Empty<string>() : JsonSerializer.Deserialize<string[]>(r.GetString(13)) ?? Array.Empty<string>(),
        Node = GetStringOrNull(r, 14),
    };

    public IReadOnlyList<long> CompleteDueItems(DateTimeOffset now) =>
        _db.Write((c, t) => ArchiveMerge.CompleteDue(new WriteTransaction(c, t), now));

    /// <summary>PowerShell wildcards (* and ?) to a LIKE pattern; %, _ and \ are literal.</summary>
    internal static string ToLike(string pattern)
    {
        var like = new StringBuilder(pattern.Length + 4);
        foreach (var ch in pattern)
        {
            like.Append(ch switch
            {
                '*' => "%",
                '?' => "_",
                '%' or '_' or '\\' => "\\" + ch,
                _ => ch.ToString(),
            });
        }
        return like.ToString();
    }
}
