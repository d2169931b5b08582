using System.Text;
using System.Text.Json;
using Npgsql;
using MimecastJournaling.Engine.Storage;
using static MimecastJournaling.Engine.Storage.PostgresDatabase;

namespace MimecastJournaling.Engine.Archive;

/// <summary>
/// The archive in the shared PostgreSQL store. Match and merge is ArchiveMerge's; here are its
/// primitives: an item found is locked (FOR UPDATE) until the batch commits, and an item insert
/// that meets another host's row of the same message (the unique key waits for that host's
/// commit) yields to it, so two reports of one message at two hosts still become one item.
/// </summary>
internal sealed class PostgresJournalArchive : IJournalArchive, IArchiveBlobInventory, ObjectStorage.IWormObjectStates
{
    private readonly PostgresDatabase _db;
    private readonly TimeProvider _clock;

    /// <param name="clock">"Now" for the state readers see (see ArchiveMerge.EffectiveState).</param>
    public PostgresJournalArchive(PostgresDatabase database, TimeProvider? clock = null)
    {
        _db = database;
        _clock = clock ?? TimeProvider.System;
    }

    public IReadOnlyList<JournalOutcome> Store(IReadOnlyList<ArchiveSubmission> batch)
    {
        try
        {
            return Store(batch, speculate: true);
        }
        catch (ItemClash)
        {
            // Another host stored an item of one of these messages meanwhile: the batch again,
            // every new item's insert asking whether it won.
            return Store(batch, speculate: false);
        }
    }

    private IReadOnlyList<JournalOutcome> Store(IReadOnlyList<ArchiveSubmission> batch, bool speculate) =>
        _db.Write((connection, transaction) =>
        {
            var t = new WriteTransaction(connection, transaction, speculate);
            try
            {
                var outcomes = ArchiveMerge.StoreAll(t, batch);
                t.Flush();
                return outcomes;
            }
            catch (PostgresException e) when (speculate && e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == ItemKeyConstraint)
            {
                throw new ItemClash();
            }
        });

    /// <summary>The unique key of an item (message key and fingerprint), as PostgreSQL names it.</summary>
    private const string ItemKeyConstraint = "items_message_key_fingerprint_key";

    /// <summary>A speculative item insert met another host's item of the same message: nothing was committed.</summary>
    private sealed class ItemClash : Exception
    {
    }

    /// <summary>
    /// Match and merge's primitives in one READ COMMITTED transaction, with as few round trips as
    /// the answers allow: the batch's lookups are read ahead in one (<see cref="ReadAhead"/>), and a
    /// write waits in a queue and goes to the server with the next statement whose answer is
    /// needed, or at the end (<see cref="Flush"/>), in order, in the same transaction. A failed
    /// write fails the transaction as it did when sent on its own; nothing is committed before
    /// the batch is. With <paramref name="speculate"/>, a new item's insert is queued too, with an
    /// id read ahead from its sequence and no ON CONFLICT: when another host's item of the message
    /// won meanwhile, the insert fails on the unique key, the transaction with it, and
    /// <see cref="Store(IReadOnlyList{ArchiveSubmission})"/> runs the batch again without
    /// speculating (the insert then asks, and the report merges into the other host's item). A
    /// batch of new reports then costs a few round trips in all instead of dozens per report.
    /// </summary>
    private sealed class WriteTransaction(NpgsqlConnection c, NpgsqlTransaction t, bool speculate = false) : IArchiveWriteTransaction
    {
        // Queued blob data is sent once it reaches this much, so a batch of large messages is not held twice in memory.
        private const long FlushBytes = 8L * 1024 * 1024;

        private readonly List<NpgsqlBatchCommand> _queued = [];
        private long _queuedBytes;
        // Consecutive recipients and mailboxes of one item go as one statement each.
        private long _groupItem;
        private readonly List<ArchivedRecipient> _recipients = [];
        private readonly List<string> _mailboxes = [];

        // Read ahead: the outcomes of the batch's spool ids (null: none yet), which blobs exist,
        // item keys no row had (each answers one FindItem; the next one asks and locks), report ids.
        private readonly Dictionary<long, JournalOutcome?> _spoolOutcomes = [];
        private readonly Dictionary<string, bool> _blobs = new(StringComparer.Ordinal);
        private readonly HashSet<(string, string)> _itemsAbsent = [];
        private readonly Queue<long> _reportIds = new();
        private readonly Queue<long> _itemIds = new();

        public void ReadAhead(ArchiveReadAhead batch)
        {
            using var read = new NpgsqlBatch(c, t);
            read.BatchCommands.Add(BatchCommand($"SELECT {OutcomeColumns}, spool_id FROM reports WHERE spool_id = ANY(@ids)", ("@ids", batch.SpoolIds.ToArray())));
            read.BatchCommands.Add(BatchCommand("SELECT hash FROM blobs WHERE hash = ANY(@h)", ("@h", batch.BlobHashes.ToArray())));
            read.BatchCommands.Add(BatchCommand(
                "SELECT i.message_key, i.fingerprint FROM unnest(@k::text[], @f::text[]) AS w(k, f) JOIN items i ON i.message_key = w.k AND i.fingerprint = w.f",
                ("@k", batch.ItemKeys.Select(k => k.MessageKey).ToArray()), ("@f", batch.ItemKeys.Select(k => k.Fingerprint).ToArray())));
            // Ids for the batch's reports from their sequence, so that a report's insert needs no answer.
            read.BatchCommands.Add(BatchCommand("SELECT nextval(pg_get_serial_sequence('reports', 'id')) FROM generate_series(1, @n)", ("@n", batch.Reports)));
            read.BatchCommands.Add(BatchCommand("SELECT nextval(pg_get_serial_sequence('items', 'id')) FROM generate_series(1, @n)",
                ("@n", speculate ? batch.ItemKeys.Count : 0)));
            using var r = read.ExecuteReader();
            foreach (var id in batch.SpoolIds)
            {
                _spoolOutcomes[id] = null;
            }
            while (r.Read())
            {
                _spoolOutcomes[r.GetInt64(15)] = ReadOutcome(r);
            }
            r.NextResult();
            foreach (var hash in batch.BlobHashes)
            {
                _blobs[hash] = false;
            }
            while (r.Read())
            {
                _blobs[r.GetString(0)] = true;
            }
            r.NextResult();
            _itemsAbsent.UnionWith(batch.ItemKeys);
            while (r.Read())
            {
                _itemsAbsent.Remove((r.GetString(0), r.GetString(1)));
            }
            r.NextResult();
            while (r.Read())
            {
                _reportIds.Enqueue(r.GetInt64(0));
            }
            r.NextResult();
            while (r.Read())
            {
                _itemIds.Enqueue(r.GetInt64(0));
            }
        }

        public JournalOutcome? FindOutcomeBySpoolId(long spoolId) =>
            _spoolOutcomes.TryGetValue(spoolId, out var known)
                ? known
                : Ask($"SELECT {OutcomeColumns} FROM reports WHERE spool_id = @id", ReadOutcome, ("@id", spoolId)).FirstOrDefault();

        public bool HasBlob(string hash) =>
            _blobs.TryGetValue(hash, out var known) ? known : Ask("SELECT 1 FROM blobs WHERE hash = @h", r => true, ("@h", hash)).Count > 0;

        public void InsertBlob(string hash, long size, string codec, byte[] data)
        {
            // Another host may store the same bytes at the same moment: the first one's row serves both.
            Queue("INSERT INTO blobs (hash, size, codec, data) VALUES (@h, @size, @codec, @data) ON CONFLICT (hash) DO NOTHING",
                ("@h", hash), ("@size", size), ("@codec", codec), ("@data", data));
            _blobs[hash] = true;
            _queuedBytes += data.Length;
            if (_queuedBytes >= FlushBytes)
            {
                Flush();
            }
        }

        public ExistingItem? FindItem(string messageKey, string fingerprint) =>
            _itemsAbsent.Remove((messageKey, fingerprint))
                ? null
                : Ask("SELECT id, clear_text_hash FROM items WHERE message_key = @k AND fingerprint = @f FOR UPDATE",
                    r => new ExistingItem(r.GetInt64(0), !r.IsDBNull(1)), ("@k", messageKey), ("@f", fingerprint)).FirstOrDefault();

        public long? InsertItemIfAbsent(NewItem i)
        {
            var now = i.FirstReceived;
            var parameters = new (string, object?)[]
            {
                ("@mid", i.MessageId), ("@k", i.MessageKey), ("@f", i.Fingerprint), ("@orig", i.OriginalHash), ("@clear", i.ClearTextHash),
                ("@sender", i.Sender), ("@skey", i.Sender is null ? null : Key(i.Sender)), ("@subject", i.Subject), ("@sent", i.Sent),
                ("@size", i.Size), ("@did", i.DefinitionId?.ToString()), ("@definition", i.Definition), ("@state", i.State.ToString()),
                ("@after", i.ProcessAfter), ("@max", (long)i.MaxAttempts), ("@interval", i.AttemptIntervalSeconds), ("@now", now),
                ("@expires", i.ExpiresOn), ("@policy", i.RetentionPolicy),
            };
            const string Columns = "message_id, message_key, fingerprint, original_hash, clear_text_hash, sender, sender_key, subject, sent, size, " +
                "definition_id, definition, state, process_after, attempts, max_attempts, attempt_interval_seconds, first_received, updated, expires_on, retention_policy";
            const string Values = "@mid, @k, @f, @orig, @clear, @sender, @skey, @subject, @sent, @size, @did, @definition, @state, @after, 0, @max, @interval, @now, @now, @expires, @policy";
            if (_itemIds.TryDequeue(out var id))
            {
                // Speculating (see the class): a clash with another host's item fails the transaction.
                Queue($"INSERT INTO items (id, {Columns}) VALUES (@id, {Values})", [.. parameters, ("@id", id)]);
                return id;
            }
            return Ask($"INSERT INTO items ({Columns}) VALUES ({Values}) ON CONFLICT (message_key, fingerprint) DO NOTHING RETURNING id",
                r => (long?)r.GetInt64(0), parameters).FirstOrDefault();
        }

        public bool ItemHasReport(long itemId, string rawHash) =>
            Ask("SELECT 1 FROM reports WHERE item_id = @id AND raw_hash = @raw LIMIT 1", r => true, ("@id", itemId), ("@raw", rawHash)).Count > 0;

        public void SetClearText(long itemId, string hash) =>
            Queue("UPDATE items SET clear_text_hash = @h WHERE id = @id", ("@h", hash), ("@id", itemId));

        public void TouchItem(long itemId, DateTimeOffset updated) =>
            Queue("UPDATE items SET updated = @now WHERE id = @id", ("@now", updated), ("@id", itemId));

        public IReadOnlyDictionary<string, ArchivedRecipient> GetRecipients(long itemId) =>
            Ask("SELECT address_key, address, type, expanded_from, forwarded_from FROM item_recipients WHERE item_id = @id",
                r => (Key: r.GetString(0), Recipient: new ArchivedRecipient(r.GetString(1), r.GetString(2), GetStringOrNull(r, 3), GetStringOrNull(r, 4))),
                ("@id", itemId)).ToDictionary(x => x.Key, x => x.Recipient, StringComparer.Ordinal);

        public void InsertRecipient(long itemId, ArchivedRecipient r)
        {
            if (_groupItem != itemId || _mailboxes.Count > 0)
            {
                CloseGroup();
                _groupItem = itemId;
            }
            _recipients.Add(r);
        }

        public void UpdateRecipient(long itemId, ArchivedRecipient r) =>
            Queue("UPDATE item_recipients SET type = @type, expanded_from = @e, forwarded_from = @f WHERE item_id = @id AND address_key = @k",
                ("@id", itemId), ("@k", Key(r.Address)), ("@type", r.Type), ("@e", r.ExpandedFrom), ("@f", r.ForwardedFrom));

        public void AddMailbox(long itemId, string mailbox)
        {
            if (_groupItem != itemId)
            {
                CloseGroup();
                _groupItem = itemId;
            }
            _mailboxes.Add(mailbox);
        }

        public long InsertReport(ArchiveSubmission s, string rawHash, JournalOutcomeKind outcome, long? itemId)
        {
            if (s.SpoolId is { } spoolId)
            {
                // From now on this transaction holds the spool id's report: ask for it.
                _spoolOutcomes.Remove(spoolId);
            }
            var parameters = new (string, object?)[]
            {
                ("@received", s.Received), ("@source", s.Source), ("@did", s.DefinitionId?.ToString()), ("@definition", s.Definition),
                ("@raw", rawHash), ("@size", (long)s.RawReport.Length), ("@outcome", outcome.ToString()), ("@reason", s.Reason), ("@rule", s.Rule),
                ("@item", itemId), ("@format", s.Format), ("@mid", s.MessageId), ("@sender", s.Sender), ("@subject", s.Subject),
                ("@defects", s.Defects.Count == 0 ? null : JsonSerializer.Serialize(s.Defects)), ("@spool", s.SpoolId), ("@node", s.Node),
            };
            const string Columns = "received, source, definition_id, definition, raw_hash, size, outcome, reason, rule, item_id, format, message_id, sender, subject, defects, spool_id, node";
            const string Values = "@received, @source, @did, @definition, @raw, @size, @outcome, @reason, @rule, @item, @format, @mid, @sender, @subject, @defects, @spool, @node";
            if (_reportIds.TryDequeue(out var id))
            {
                Queue($"INSERT INTO reports (id, {Columns}) VALUES (@id, {Values})", [.. parameters, ("@id", id)]);
                return id;
            }
            return Ask($"INSERT INTO reports ({Columns}) VALUES ({Values}) RETURNING id", r => r.GetInt64(0), parameters).Single();
        }

        public IReadOnlyList<DueItem> DueItems(DateTimeOffset now) =>
            Ask("SELECT id, attempts, max_attempts, attempt_interval_seconds FROM items WHERE state = 'Pending' AND process_after <= @now",
                r => new DueItem(r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetInt64(3)), ("@now", now));

        public void SetAttempt(long itemId, int attempts, DateTimeOffset? processAfter, bool archived) =>
            Queue(archived
                    ? "UPDATE items SET state = 'Archived', attempts = @a, process_after = NULL WHERE id = @id"
                    : "UPDATE items SET attempts = @a, process_after = @next WHERE id = @id",
                ("@a", attempts), ("@next", processAfter), ("@id", itemId));

        private IReadOnlyList<MimecastJournaling.Engine.Lifecycle.RetentionPolicy>? _policies;

        public IReadOnlyList<MimecastJournaling.Engine.Lifecycle.RetentionPolicy> RetentionPolicies() =>
            _policies ??= Policies();

        private IReadOnlyList<MimecastJournaling.Engine.Lifecycle.RetentionPolicy> Policies()
        {
            Flush();
            return MimecastJournaling.Engine.Lifecycle.PostgresLifecycleStore.ReadPolicies(c, t);
        }

        public ItemRetention GetRetention(long itemId) =>
            Ask("SELECT expires_on, retention_policy, first_received FROM items WHERE id = @id",
                r => new ItemRetention(GetTime(r, 0), GetStringOrNull(r, 1), GetTime(r, 2) ?? default), ("@id", itemId)).Single();

        public void SetRetention(long itemId, DateTimeOffset? expiresOn, string? policy) =>
            Queue("UPDATE items SET expires_on = @e, retention_policy = @p WHERE id = @id", ("@e", expiresOn), ("@p", policy), ("@id", itemId));

        /// <summary>Sends the queued writes (the end of the batch; before the commit).</summary>
        public void Flush()
        {
            CloseGroup();
            if (_queued.Count == 0)
            {
                return;
            }
            using var batch = Take();
            batch.ExecuteNonQuery();
        }

        private void Queue(string sql, params (string Name, object? Value)[] parameters)
        {
            CloseGroup();
            _queued.Add(BatchCommand(sql, parameters));
        }

        /// <summary>A statement whose answer is needed now: it goes after the queued writes, in one round trip.</summary>
        private List<T> Ask<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object? Value)[] parameters)
        {
            CloseGroup();
            using var batch = Take();
            batch.BatchCommands.Add(BatchCommand(sql, parameters));
            using var reader = batch.ExecuteReader();
            // The queued writes return no rows; the reader stands on the last statement's.
            var results = new List<T>();
            while (reader.Read())
            {
                results.Add(read(reader));
            }
            return results;
        }

        private NpgsqlBatch Take()
        {
            var batch = new NpgsqlBatch(c, t);
            foreach (var command in _queued)
            {
                batch.BatchCommands.Add(command);
            }
            _queued.Clear();
            _queuedBytes = 0;
            return batch;
        }

        private void CloseGroup()
        {
            if (_recipients.Count > 0)
            {
                // WITH ORDINALITY: the recipients keep their order (the ordinal column).
                _queued.Add(BatchCommand(
                    "INSERT INTO item_recipients (item_id, address, address_key, type, expanded_from, forwarded_from) " +
                    "SELECT @id, a, k, ty, e, f FROM unnest(@a::text[], @k::text[], @ty::text[], @e::text[], @f::text[]) WITH ORDINALITY AS r(a, k, ty, e, f, n) ORDER BY n",
                    ("@id", _groupItem), ("@a", _recipients.Select(r => r.Address).ToArray()), ("@k", _recipients.Select(r => Key(r.Address)).ToArray()),
                    ("@ty", _recipients.Select(r => r.Type).ToArray()), ("@e", _recipients.Select(r => r.ExpandedFrom).ToArray()),
                    ("@f", _recipients.Select(r => r.ForwardedFrom).ToArray())));
                _recipients.Clear();
            }
            if (_mailboxes.Count > 0)
            {
                _queued.Add(BatchCommand(
                    "INSERT INTO item_mailboxes (item_id, mailbox_key, mailbox) SELECT @id, k, m FROM unnest(@k::text[], @m::text[]) AS b(k, m) ON CONFLICT DO NOTHING",
                    ("@id", _groupItem), ("@k", _mailboxes.Select(Key).ToArray()), ("@m", _mailboxes.ToArray())));
                _mailboxes.Clear();
            }
        }
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
            // E'\\\\' is one backslash; with a plain '\\' Npgsql takes the backslash as an escape and stops reading parameters.
            where.Add($"{column} LIKE @{name} ESCAPE E'\\\\'");
            p.Add(("@" + name, SqliteJournalArchive.ToLike(pattern)));
        }
        Like("items.message_key", q.MessageId?.Trim('<', '>').ToLowerInvariant(), "mid");
        Like("items.sender_key", q.Sender?.ToLowerInvariant(), "sender");
        Like("items.subject", q.Subject, "subject");
        if (q.Recipient is not null)
        {
            where.Add("EXISTS (SELECT 1 FROM item_recipients r WHERE r.item_id = items.id AND r.address_key LIKE @rcpt ESCAPE E'\\\\')");
            p.Add(("@rcpt", SqliteJournalArchive.ToLike(q.Recipient.ToLowerInvariant())));
        }
        if (q.Mailbox is not null)
        {
            where.Add("EXISTS (SELECT 1 FROM item_mailboxes m WHERE m.item_id = items.id AND m.mailbox_key LIKE @mbx ESCAPE E'\\\\')");
            p.Add(("@mbx", SqliteJournalArchive.ToLike(q.Mailbox.ToLowerInvariant())));
        }
        if (q.After is { } after)
        {
            where.Add("COALESCE(items.sent, items.first_received) > @after");
            p.Add(("@after", after));
        }
        if (q.Before is { } before)
        {
            where.Add("COALESCE(items.sent, items.first_received) < @before");
            p.Add(("@before", before));
        }
        if (q.DefinitionId is { } definitionId)
        {
            where.Add("items.definition_id = @did");
            p.Add(("@did", definitionId.ToString()));
        }
        var sql = $"SELECT {ItemColumns} FROM items" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty)
            + " ORDER BY items.id LIMIT @limit OFFSET @skip";
        p.Add(("@limit", (long?)q.First ?? long.MaxValue));
        p.Add(("@skip", (long)q.Skip));
        return _db.Read(connection =>
        {
            return Complete(connection, Query(connection, null, sql, r => ReadItem(_clock.GetUtcNow(), r), p.ToArray()));
        });
    }

    public JournalMessage? GetMessage(long itemId) => GetMessagesById([itemId]).FirstOrDefault();

    public IReadOnlyList<JournalMessage> GetMessagesById(IReadOnlyList<long> itemIds) => itemIds.Count == 0 ? [] : _db.Read(connection =>
    {
        var items = new List<JournalMessage>();
        foreach (var chunk in itemIds.Distinct().Chunk(ItemDetails.ChunkSize))
        {
            items.AddRange(Query(connection, null, $"SELECT {ItemColumns} FROM items WHERE id = ANY(@ids)", r => ReadItem(_clock.GetUtcNow(), r), ("@ids", chunk)));
        }
        return ItemDetails.InOrder(itemIds, Complete(connection, items));
    });

    private const string ItemColumns =
        "items.id, items.message_id, items.sender, items.subject, items.sent, items.size, items.definition, items.state, " +
        "items.clear_text_hash IS NOT NULL, items.first_received, items.updated, items.original_hash, " +
        "items.process_after, items.attempts, items.max_attempts, items.attempt_interval_seconds, items.expires_on, items.retention_policy";

    private static JournalMessage ReadItem(DateTimeOffset now, NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        MessageId = GetStringOrNull(r, 1),
        Sender = GetStringOrNull(r, 2),
        Subject = GetStringOrNull(r, 3),
        Date = GetTime(r, 4),
        Size = r.GetInt64(5),
        Definition = GetStringOrNull(r, 6),
        State = ArchiveMerge.EffectiveState(Enum.Parse<JournalItemState>(r.GetString(7)), GetTime(r, 12), r.GetInt32(13), r.GetInt32(14),
            r.GetInt64(15), now),
        HasClearTextCopy = r.GetBoolean(8),
        FirstReceived = GetTime(r, 9) ?? default,
        Updated = GetTime(r, 10) ?? default,
        ContentHash = r.GetString(11),
        ExpiresOn = GetTime(r, 16),
        RetentionPolicy = GetStringOrNull(r, 17),
    };

    private static List<JournalMessage> Complete(NpgsqlConnection c, IReadOnlyList<JournalMessage> items) => ItemDetails.Complete(items, ids =>
    (
        Query(c, null, "SELECT item_id, address, type, expanded_from, forwarded_from FROM item_recipients WHERE item_id = ANY(@ids) ORDER BY item_id, ordinal",
            r => (r.GetInt64(0), new ArchivedRecipient(r.GetString(1), r.GetString(2), GetStringOrNull(r, 3), GetStringOrNull(r, 4))), ("@ids", ids)),
        Query(c, null, "SELECT item_id, mailbox FROM item_mailboxes WHERE item_id = ANY(@ids) ORDER BY item_id, mailbox_key",
            r => (r.GetInt64(0), r.GetString(1)), ("@ids", ids)),
        Query(c, null, "SELECT item_id, id, received, source, definition, outcome FROM reports WHERE item_id = ANY(@ids) ORDER BY item_id, id",
            r => (r.GetInt64(0), new JournalContribution
            {
                ReportId = r.GetInt64(1),
                Received = GetTime(r, 2) ?? default,
                Source = r.GetString(3),
                Definition = GetStringOrNull(r, 4),
                Outcome = Enum.Parse<JournalOutcomeKind>(r.GetString(5)),
            }), ("@ids", ids))
    ));

    public byte[]? GetOriginal(long itemId) =>
        ReadBlob("SELECT b.codec, b.data, b.size, b.hash FROM items i JOIN blobs b ON b.hash = i.original_hash WHERE i.id = @id", itemId);

    public byte[]? GetReport(long reportId) =>
        ReadBlob("SELECT b.codec, b.data, b.size, b.hash FROM reports r JOIN blobs b ON b.hash = r.raw_hash WHERE r.id = @id", reportId);

    public IReadOnlyList<ArchiveBlobReference> GetBlobReferences() =>
        _db.Query("SELECT 0, id, original_hash FROM items UNION ALL SELECT 1, id, clear_text_hash FROM items WHERE clear_text_hash IS NOT NULL " +
                  "UNION ALL SELECT 2, id, raw_hash FROM reports ORDER BY 1, 2",
            r => new ArchiveBlobReference((ArchiveBlobKind)r.GetInt32(0), r.GetInt64(1), r.GetString(2)));

    public IReadOnlyList<ArchiveBlobReference> GetOriginalReferences(IReadOnlyCollection<long> itemIds) =>
        itemIds.Count == 0 ? [] : _db.Query(
            "SELECT id, original_hash FROM items WHERE original_hash IN (SELECT original_hash FROM items WHERE id = ANY(@ids)) ORDER BY id",
            r => new ArchiveBlobReference(ArchiveBlobKind.Original, r.GetInt64(0), r.GetString(1)), ("@ids", itemIds.ToArray()));

    public byte[]? ReadBlob(string hash) => ReadBlob("SELECT codec, data, size, hash FROM blobs WHERE hash = @id", hash);

    public IReadOnlyDictionary<string, ObjectStorage.WormObjectState> ReadWormStates(string storeKey, IReadOnlyCollection<string> hashes) =>
        hashes.Count == 0 ? new Dictionary<string, ObjectStorage.WormObjectState>() : _db.Query(
            "SELECT hash, retain_until, legal_hold, written FROM worm_objects WHERE store_key = @k AND hash = ANY(@h)",
            r => new ObjectStorage.WormObjectState(r.GetString(0), GetTime(r, 1), r.GetBoolean(2), r.GetBoolean(3)),
            ("@k", storeKey), ("@h", hashes.ToArray())).ToDictionary(s => s.Hash, StringComparer.Ordinal);

    public void SaveWormStates(string storeKey, IReadOnlyCollection<ObjectStorage.WormObjectState> states, DateTimeOffset updated)
    {
        if (states.Count == 0)
        {
            return;
        }
        _db.Write((c, t) =>
        {
            // One round trip for the batch.
            using var write = new NpgsqlBatch(c, t);
            foreach (var s in states.OrderBy(s => s.Hash, StringComparer.Ordinal))
            {
                write.BatchCommands.Add(BatchCommand(
                    "INSERT INTO worm_objects (store_key, hash, retain_until, legal_hold, written, updated) VALUES (@k, @h, @r, @l, @w, @u) " +
                    "ON CONFLICT (store_key, hash) DO UPDATE SET retain_until = excluded.retain_until, legal_hold = excluded.legal_hold, written = excluded.written, updated = excluded.updated",
                    ("@k", storeKey), ("@h", s.Hash), ("@r", s.RetainUntil), ("@l", s.LegalHold), ("@w", s.Written), ("@u", updated)));
            }
            write.ExecuteNonQuery();
            return true;
        });
    }

    public void ForgetWormStates(string storeKey, IReadOnlyCollection<string> hashes)
    {
        if (hashes.Count == 0)
        {
            return;
        }
        _db.Write((c, t) => Execute(c, t, "DELETE FROM worm_objects WHERE store_key = @k AND hash = ANY(@h)", ("@k", storeKey), ("@h", hashes.ToArray())));
    }

    // A report stored as a residue is rebuilt from the message blobs it refers to. The row is read
    // column by column, in order (see QuerySequential): one copy of the stored bytes.
    private byte[]? ReadBlob(string sql, object id) =>
        _db.QuerySequential(sql, r => (Codec: r.GetString(0), Data: r.GetFieldValue<byte[]>(1), Size: r.GetInt64(2), Hash: r.GetString(3)), ("@id", id))
            .Select(b => ReportBlob.Decode(b.Codec, b.Data, b.Size, b.Hash, hash => ReadBlob("SELECT codec, data, size, hash FROM blobs WHERE hash = @id", hash)))
            .FirstOrDefault();

    public IReadOnlyList<JournalOutcome> GetOutcomes(JournalOutcomeQuery q)
    {
        var where = new List<string>();
        var p = new List<(string, object?)>();
        if (q.Outcome is { } outcome)
        {
            where.Add("outcome = @outcome");
            p.Add(("@outcome", outcome.ToString()));
        }
        if (q.DefinitionId is { } definitionId)
        {
            where.Add("definition_id = @did");
            p.Add(("@did", definitionId.ToString()));
        }
        if (q.After is { } after)
        {
            where.Add("received > @after");
            p.Add(("@after", after));
        }
        p.Add(("@limit", (long?)q.First ?? long.MaxValue));
        var sql = $"SELECT {OutcomeColumns} FROM reports"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty) + " ORDER BY id DESC LIMIT @limit";
        return _db.Query(sql, ReadOutcome, p.ToArray());
    }

    private const string OutcomeColumns = "id, received, source, definition, outcome, reason, rule, item_id, format, message_id, sender, subject, size, defects, node";

    private static JournalOutcome ReadOutcome(NpgsqlDataReader r) => new()
    {
        ReportId = r.GetInt64(0),
        Received = GetTime(r, 1) ?? default,
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
        _db.Write((c, t) =>
        {
            var transaction = new WriteTransaction(c, t);
            var archived = ArchiveMerge.CompleteDue(transaction, now);
            transaction.Flush();
            return archived;
        });
}
