using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using MimecastJournaling.Engine.Storage;
using static MimecastJournaling.Engine.Storage.SqliteDatabase;

namespace MimecastJournaling.Engine.Archive;

/// <summary>The archive in the embedded SQLite store (same file as the configuration).</summary>
public sealed class SqliteJournalArchive : IJournalArchive
{
    private readonly SqliteDatabase _db;

    public SqliteJournalArchive(SqliteDatabase database)
    {
        _db = database;
    }

    public IReadOnlyList<JournalOutcome> Store(IReadOnlyList<ArchiveSubmission> batch) =>
        _db.Write((connection, transaction) => batch.Select(s => StoreOne(connection, transaction, s)).ToList());

    private static JournalOutcome StoreOne(SqliteConnection c, SqliteTransaction t, ArchiveSubmission s)
    {
        if (s.SpoolId is { } spoolId
            && Query(c, t, $"SELECT {OutcomeColumns} FROM reports WHERE spool_id = $id", ReadOutcome, ("$id", spoolId)).FirstOrDefault() is { } earlier)
        {
            return earlier;
        }
        var rawHash = PutReport(c, t, s);
        long? itemId = null;
        var outcome = s.Disposition switch
        {
            ArchiveDisposition.Quarantine => JournalOutcomeKind.Quarantined,
            ArchiveDisposition.Reject => JournalOutcomeKind.Rejected,
            _ => JournalOutcomeKind.Archived,
        };
        if (s.Disposition == ArchiveDisposition.Accept)
        {
            (itemId, outcome) = MergeIntoItem(c, t, s, rawHash);
        }
        var reportId = InsertReturningId(c, t,
            "INSERT INTO reports (received, source, definition_id, definition, raw_hash, size, outcome, reason, rule, item_id, format, message_id, sender, subject, defects, spool_id) " +
            "VALUES ($received, $source, $did, $definition, $raw, $size, $outcome, $reason, $rule, $item, $format, $mid, $sender, $subject, $defects, $spool)",
            ("$received", FormatTime(s.Received)), ("$source", s.Source), ("$did", s.DefinitionId?.ToString()), ("$definition", s.Definition),
            ("$raw", rawHash), ("$size", (long)s.RawReport.Length), ("$outcome", outcome.ToString()), ("$reason", s.Reason), ("$rule", s.Rule),
            ("$item", itemId), ("$format", s.Format), ("$mid", s.MessageId), ("$sender", s.Sender), ("$subject", s.Subject),
            ("$defects", s.Defects.Count == 0 ? null : JsonSerializer.Serialize(s.Defects)), ("$spool", s.SpoolId));
        return new JournalOutcome
        {
            ReportId = reportId,
            Received = s.Received,
            Source = s.Source,
            Definition = s.Definition,
            Outcome = outcome,
            Reason = s.Reason,
            Rule = s.Rule,
            ItemId = itemId,
            Format = s.Format,
            MessageId = s.MessageId,
            Sender = s.Sender,
            Subject = s.Subject,
            Size = s.RawReport.Length,
            Defects = s.Defects,
        };
    }

    private static (long ItemId, JournalOutcomeKind Outcome) MergeIntoItem(SqliteConnection c, SqliteTransaction t, ArchiveSubmission s, string rawHash)
    {
        var fingerprint = ContentFingerprint.Compute(s.Original.Span);
        var messageKey = s.MessageId is null ? string.Empty : Key(s.MessageId);
        var existing = Query(c, t, "SELECT id, clear_text_hash FROM items WHERE message_key = $k AND fingerprint = $f",
            r => (Id: r.GetInt64(0), HasClearText: !r.IsDBNull(1)), ("$k", messageKey), ("$f", fingerprint)).FirstOrDefault();
        var now = FormatTime(s.Received);
        long itemId;
        JournalOutcomeKind outcome;
        if (existing.Id == 0)
        {
            // A plain message (stepped down, or imported EML) is its own original: stored and hashed once.
            var originalHash = s.Original.Span.SequenceEqual(s.RawReport.Span) ? rawHash : PutBlob(c, t, s.Original.Span);
            var clearTextHash = s.ClearTextCopy.IsEmpty ? null : PutBlob(c, t, s.ClearTextCopy.Span);
            var pending = s.ProcessAfter is { } after && after > s.Received;
            itemId = InsertReturningId(c, t,
                "INSERT INTO items (message_id, message_key, fingerprint, original_hash, clear_text_hash, sender, sender_key, subject, sent, size, " +
                "definition_id, definition, state, process_after, attempts, max_attempts, attempt_interval_seconds, first_received, updated) " +
                "VALUES ($mid, $k, $f, $orig, $clear, $sender, $skey, $subject, $sent, $size, $did, $definition, $state, $after, 0, $max, $interval, $now, $now)",
                ("$mid", s.MessageId), ("$k", messageKey), ("$f", fingerprint), ("$orig", originalHash), ("$clear", clearTextHash),
                ("$sender", s.Sender), ("$skey", s.Sender is null ? null : Key(s.Sender)), ("$subject", s.Subject), ("$sent", FormatTime(s.Date)),
                ("$size", (long)s.Original.Length), ("$did", s.DefinitionId?.ToString()), ("$definition", s.Definition),
                ("$state", (pending ? JournalItemState.Pending : JournalItemState.Archived).ToString()),
                ("$after", pending ? FormatTime(s.ProcessAfter) : null),
                ("$max", (long)s.WaitAttempts), ("$interval", (long)s.WaitInterval.TotalSeconds), ("$now", now));
            outcome = JournalOutcomeKind.Archived;
        }
        else
        {
            itemId = existing.Id;
            var sameReport = Query(c, t, "SELECT 1 FROM reports WHERE item_id = $id AND raw_hash = $raw LIMIT 1", r => true,
                ("$id", itemId), ("$raw", rawHash)).Count > 0;
            outcome = sameReport ? JournalOutcomeKind.Duplicate : JournalOutcomeKind.Merged;
            if (!existing.HasClearText && !s.ClearTextCopy.IsEmpty)
            {
                Execute(c, t, "UPDATE items SET clear_text_hash = $h WHERE id = $id", ("$h", PutBlob(c, t, s.ClearTextCopy.Span)), ("$id", itemId));
            }
            Execute(c, t, "UPDATE items SET updated = $now WHERE id = $id", ("$now", now), ("$id", itemId));
        }
        foreach (var r in s.Recipients)
        {
            // The union of recipients; a later report may tell the exact type of an untyped one.
            Execute(c, t,
                "INSERT INTO item_recipients (item_id, address, address_key, type, expanded_from, forwarded_from) VALUES ($id, $a, $k, $type, $e, $f) " +
                "ON CONFLICT (item_id, address_key) DO UPDATE SET type = CASE WHEN item_recipients.type = 'Recipient' THEN excluded.type ELSE item_recipients.type END, " +
                "expanded_from = COALESCE(item_recipients.expanded_from, excluded.expanded_from), forwarded_from = COALESCE(item_recipients.forwarded_from, excluded.forwarded_from)",
                ("$id", itemId), ("$a", r.Address), ("$k", Key(r.Address)), ("$type", r.Type), ("$e", r.ExpandedFrom), ("$f", r.ForwardedFrom));
        }
        foreach (var mailbox in s.Mailboxes)
        {
            Execute(c, t, "INSERT INTO item_mailboxes (item_id, mailbox_key, mailbox) VALUES ($id, $k, $m) ON CONFLICT DO NOTHING",
                ("$id", itemId), ("$k", Key(mailbox)), ("$m", mailbox));
        }
        return (itemId, outcome);
    }

    private static string PutBlob(SqliteConnection c, SqliteTransaction t, ReadOnlySpan<byte> data)
    {
        var hash = ContentFingerprint.Sha256(data);
        if (Query(c, t, "SELECT 1 FROM blobs WHERE hash = $h", r => true, ("$h", hash)).Count == 0)
        {
            Execute(c, t, "INSERT INTO blobs (hash, size, codec, data) VALUES ($h, $size, $codec, $data)",
                ("$h", hash), ("$size", (long)data.Length), ("$codec", BlobCodec.Brotli), ("$data", BlobCodec.Compress(data)));
        }
        return hash;
    }

    /// <summary>The report's blob: only what its original and clear-text copy (stored as blobs first) do not hold.</summary>
    private static string PutReport(SqliteConnection c, SqliteTransaction t, ArchiveSubmission s)
    {
        var hash = ContentFingerprint.Sha256(s.RawReport.Span);
        if (Query(c, t, "SELECT 1 FROM blobs WHERE hash = $h", r => true, ("$h", hash)).Count == 0)
        {
            var messages = ReportBlob.MessagesToStore(s).Select(m => new ReportResidue.Part(PutBlob(c, t, m.Span), m)).ToList();
            var (codec, data) = ReportBlob.Encode(s.RawReport.Span, messages);
            Execute(c, t, "INSERT INTO blobs (hash, size, codec, data) VALUES ($h, $size, $codec, $data)",
                ("$h", hash), ("$size", (long)s.RawReport.Length), ("$codec", codec), ("$data", data));
        }
        return hash;
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
            return Query(connection, null, sql, ReadItem, p.ToArray()).Select(i => Complete(connection, i)).ToList();
        });
    }

    public JournalMessage? GetMessage(long itemId) => _db.Guard(() =>
    {
        using var connection = _db.Open();
        return Query(connection, null, $"SELECT {ItemColumns} FROM items WHERE id = $id", ReadItem, ("$id", itemId))
            .Select(i => Complete(connection, i)).FirstOrDefault();
    });

    private const string ItemColumns =
        "items.id, items.message_id, items.sender, items.subject, items.sent, items.size, items.definition, items.state, " +
        "items.clear_text_hash IS NOT NULL, items.first_received, items.updated, items.original_hash";

    private static JournalMessage ReadItem(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        MessageId = GetStringOrNull(r, 1),
        Sender = GetStringOrNull(r, 2),
        Subject = GetStringOrNull(r, 3),
        Date = ParseTime(r, 4),
        Size = r.GetInt64(5),
        Definition = GetStringOrNull(r, 6),
        State = Enum.Parse<JournalItemState>(r.GetString(7)),
        HasClearTextCopy = r.GetBoolean(8),
        FirstReceived = ParseTime(r, 9) ?? default,
        Updated = ParseTime(r, 10) ?? default,
        ContentHash = r.GetString(11),
    };

    private static JournalMessage Complete(SqliteConnection c, JournalMessage item) => item with
    {
        Recipients = Query(c, null, "SELECT address, type, expanded_from, forwarded_from FROM item_recipients WHERE item_id = $id ORDER BY rowid",
            r => new ArchivedRecipient(r.GetString(0), r.GetString(1), GetStringOrNull(r, 2), GetStringOrNull(r, 3)), ("$id", item.Id)),
        Mailboxes = Query(c, null, "SELECT mailbox FROM item_mailboxes WHERE item_id = $id ORDER BY mailbox_key", r => r.GetString(0), ("$id", item.Id)),
        Reports = Query(c, null, "SELECT id, received, source, definition, outcome FROM reports WHERE item_id = $id ORDER BY id",
            r => new JournalContribution
            {
                ReportId = r.GetInt64(0),
                Received = ParseTime(r, 1) ?? default,
                Source = r.GetString(2),
                Definition = GetStringOrNull(r, 3),
                Outcome = Enum.Parse<JournalOutcomeKind>(r.GetString(4)),
            }, ("$id", item.Id)),
    };

    public byte[]? GetOriginal(long itemId) =>
        ReadBlob("SELECT b.codec, b.data, b.size, b.hash FROM items i JOIN blobs b ON b.hash = i.original_hash WHERE i.id = $id", itemId);

    public byte[]? GetReport(long reportId) =>
        ReadBlob("SELECT b.codec, b.data, b.size, b.hash FROM reports r JOIN blobs b ON b.hash = r.raw_hash WHERE r.id = $id", reportId);

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

    private const string OutcomeColumns = "id, received, source, definition, outcome, reason, rule, item_id, format, message_id, sender, subject, size, defects";

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
    };

    public IReadOnlyList<long> CompleteDueItems(DateTimeOffset now) => _db.Write((c, t) =>
    {
        var due = Query(c, t, "SELECT id, attempts, max_attempts, attempt_interval_seconds FROM items WHERE state = 'Pending' AND process_after <= $now",
            r => (Id: r.GetInt64(0), Attempts: r.GetInt32(1), Max: r.GetInt32(2), Interval: r.GetInt64(3)), ("$now", FormatTime(now)));
        var archived = new List<long>();
        foreach (var item in due)
        {
            // Reports of the message merge the moment they arrive; an attempt only asks whether
            // the wait is over. After the last attempt the item is final (later reports still merge).
            var attempts = item.Attempts + 1;
            if (attempts >= Math.Max(1, item.Max))
            {
                Execute(c, t, "UPDATE items SET state = 'Archived', attempts = $a, process_after = NULL WHERE id = $id", ("$a", attempts), ("$id", item.Id));
                archived.Add(item.Id);
            }
            else
            {
                Execute(c, t, "UPDATE items SET attempts = $a, process_after = $next WHERE id = $id",
                    ("$a", attempts), ("$next", FormatTime(now.AddSeconds(item.Interval))), ("$id", item.Id));
            }
        }
        return archived;
    });

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
