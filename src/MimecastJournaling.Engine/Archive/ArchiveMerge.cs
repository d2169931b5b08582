using MimecastJournaling.Engine.Lifecycle;

namespace MimecastJournaling.Engine.Archive;

/// <summary>An archive item as match and merge sees it.</summary>
internal sealed record ExistingItem(long Id, bool HasClearText);

/// <summary>A new archive item, before it has an id.</summary>
internal sealed record NewItem
{
    public string? MessageId { get; init; }
    public required string MessageKey { get; init; }
    public required string Fingerprint { get; init; }
    public required string OriginalHash { get; init; }
    public string? ClearTextHash { get; init; }
    public string? Sender { get; init; }
    public string? Subject { get; init; }
    public DateTimeOffset? Sent { get; init; }
    public long Size { get; init; }
    public Guid? DefinitionId { get; init; }
    public string? Definition { get; init; }
    public JournalItemState State { get; init; }
    public DateTimeOffset? ProcessAfter { get; init; }
    public int MaxAttempts { get; init; }
    public long AttemptIntervalSeconds { get; init; }
    public DateTimeOffset FirstReceived { get; init; }
    /// <summary>When its retention runs out (fixed now, from the policies that apply; null: no policy applies).</summary>
    public DateTimeOffset? ExpiresOn { get; init; }
    public string? RetentionPolicy { get; init; }
}

/// <summary>An item's stored retention: its expiry, the policy it came from, and its arrival.</summary>
internal sealed record ItemRetention(DateTimeOffset? ExpiresOn, string? Policy, DateTimeOffset FirstReceived);

/// <summary>
/// What a batch is about to look up, in order: the spool ids of its reports, the hashes of the
/// blobs it may store (reports, originals, clear-text copies) and the keys of the items it may
/// merge into. A backend may read all of it at once (PostgreSQL: one round trip for the batch
/// instead of one per lookup).
/// </summary>
internal sealed record ArchiveReadAhead(int Reports, IReadOnlyList<long> SpoolIds, IReadOnlyList<string> BlobHashes,
    IReadOnlyList<(string MessageKey, string Fingerprint)> ItemKeys);

/// <summary>A Pending item whose next match attempt is due.</summary>
internal sealed record DueItem(long Id, int Attempts, int MaxAttempts, long IntervalSeconds);

/// <summary>
/// What a backend offers match and merge inside one write transaction. Everything here runs in
/// that transaction; <see cref="FindItem"/> and <see cref="InsertItemIfAbsent"/> together make
/// sure two writers with reports of one message end with one item: the item row, once found, is
/// locked until the transaction ends (PostgreSQL: FOR UPDATE; SQLite: the whole file is), and
/// an insert that meets a row another writer inserted meanwhile returns null instead of failing.
/// </summary>
internal interface IArchiveWriteTransaction
{
    /// <summary>
    /// The batch's lookups before they are made (see <see cref="ArchiveReadAhead"/>). A backend may
    /// answer them from what it read here, as long as every answer is what the lookup itself would
    /// give in this transaction (an item read ahead is still locked by <see cref="FindItem"/>); a
    /// backend without round trips does nothing.
    /// </summary>
    void ReadAhead(ArchiveReadAhead batch);

    /// <summary>The outcome recorded for a spool entry before, or null.</summary>
    JournalOutcome? FindOutcomeBySpoolId(long spoolId);

    /// <summary>Whether a blob with this SHA-256 is stored.</summary>
    bool HasBlob(string hash);

    /// <summary>
    /// Stores a blob as given (what <see cref="ArchiveBlobs"/> encoded); a row another writer
    /// inserted meanwhile under the same hash serves both.
    /// </summary>
    void InsertBlob(string hash, long size, string codec, byte[] data);

    /// <summary>The item of this message and content, locked for the rest of the transaction; null when none.</summary>
    ExistingItem? FindItem(string messageKey, string fingerprint);

    /// <summary>Inserts the item and returns its id, or null when an item with its key exists already (another writer's).</summary>
    long? InsertItemIfAbsent(NewItem item);

    bool ItemHasReport(long itemId, string rawHash);
    void SetClearText(long itemId, string hash);
    void TouchItem(long itemId, DateTimeOffset updated);

    /// <summary>The item's recipients by lower-case address.</summary>
    IReadOnlyDictionary<string, ArchivedRecipient> GetRecipients(long itemId);
    void InsertRecipient(long itemId, ArchivedRecipient recipient);
    void UpdateRecipient(long itemId, ArchivedRecipient recipient);

    /// <summary>Adds the mailbox to the item (nothing when it is there already).</summary>
    void AddMailbox(long itemId, string mailbox);

    long InsertReport(ArchiveSubmission submission, string rawHash, JournalOutcomeKind outcome, long? itemId);

    IReadOnlyList<DueItem> DueItems(DateTimeOffset now);
    void SetAttempt(long itemId, int attempts, DateTimeOffset? processAfter, bool archived);

    /// <summary>The retention policies, read once per transaction.</summary>
    IReadOnlyList<RetentionPolicy> RetentionPolicies();
    ItemRetention GetRetention(long itemId);
    void SetRetention(long itemId, DateTimeOffset? expiresOn, string? policy);
}

/// <summary>
/// Match and merge, the same for every backend: a report joins the item of its message
/// (Message-ID and content fingerprint) as Merged, or Duplicate when the very same bytes came
/// before; recipients are the union, and a later report may tell the type of an untyped one.
/// </summary>
internal static class ArchiveMerge
{
    /// <summary>Stores a batch in order, its lookups announced first (<see cref="IArchiveWriteTransaction.ReadAhead"/>).</summary>
    public static IReadOnlyList<JournalOutcome> StoreAll(IArchiveWriteTransaction t, IReadOnlyList<ArchiveSubmission> batch)
    {
        var keys = batch.Select(Keys).ToList();
        t.ReadAhead(new ArchiveReadAhead(
            batch.Count,
            batch.Select(s => s.SpoolId).OfType<long>().ToList(),
            batch.SelectMany((s, i) => ReportBlob.MessagesToStore(s).Select(m => ContentFingerprint.Sha256(m.Span)).Prepend(keys[i].RawHash)).Distinct().ToList(),
            keys.Where(k => k.Item is not null).Select(k => k.Item!.Value).Distinct().ToList()));
        return batch.Select((s, i) => Store(t, s, keys[i])).ToList();
    }

    /// <summary>What a submission is looked up by: its report's hash, and the key of its item (accepted reports only).</summary>
    private readonly record struct SubmissionKeys(string RawHash, (string MessageKey, string Fingerprint)? Item);

    private static SubmissionKeys Keys(ArchiveSubmission s) => new(
        ContentFingerprint.Sha256(s.RawReport.Span),
        s.Disposition == ArchiveDisposition.Accept ? (MessageKey(s), ContentFingerprint.Compute(s.Original.Span)) : null);

    private static string MessageKey(ArchiveSubmission s) => s.MessageId is null ? string.Empty : s.MessageId.ToLowerInvariant();

    private static JournalOutcome Store(IArchiveWriteTransaction t, ArchiveSubmission s, SubmissionKeys keys)
    {
        if (s.SpoolId is { } spoolId && t.FindOutcomeBySpoolId(spoolId) is { } earlier)
        {
            return earlier;
        }
        var rawHash = ArchiveBlobs.PutReport(t, s, keys.RawHash);
        long? itemId = null;
        var outcome = s.Disposition switch
        {
            ArchiveDisposition.Quarantine => JournalOutcomeKind.Quarantined,
            ArchiveDisposition.Reject => JournalOutcomeKind.Rejected,
            _ => JournalOutcomeKind.Archived,
        };
        if (s.Disposition == ArchiveDisposition.Accept)
        {
            (itemId, outcome) = MergeIntoItem(t, s, rawHash, keys.Item!.Value);
        }
        var reportId = t.InsertReport(s, rawHash, outcome, itemId);
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
            Node = s.Node,
        };
    }

    private static (long ItemId, JournalOutcomeKind Outcome) MergeIntoItem(IArchiveWriteTransaction t, ArchiveSubmission s, string rawHash,
        (string MessageKey, string Fingerprint) key)
    {
        var (messageKey, fingerprint) = key;
        var existing = t.FindItem(messageKey, fingerprint);
        long itemId;
        JournalOutcomeKind outcome;
        if (existing is null)
        {
            // A plain message (stepped down, or imported EML) is its own original: stored and hashed once.
            var originalHash = s.Original.Span.SequenceEqual(s.RawReport.Span) ? rawHash : ArchiveBlobs.PutMessage(t, s.Original.Span);
            var clearTextHash = s.ClearTextCopy.IsEmpty ? null : ArchiveBlobs.PutMessage(t, s.ClearTextCopy.Span);
            var pending = s.ProcessAfter is { } after && after > s.Received;
            var (expiresOn, policy) = RetentionRules.Expiry(t.RetentionPolicies(), Facts(s, s.Received));
            var inserted = t.InsertItemIfAbsent(new NewItem
            {
                MessageId = s.MessageId,
                MessageKey = messageKey,
                Fingerprint = fingerprint,
                OriginalHash = originalHash,
                ClearTextHash = clearTextHash,
                Sender = s.Sender,
                Subject = s.Subject,
                Sent = s.Date,
                Size = s.Original.Length,
                DefinitionId = s.DefinitionId,
                Definition = s.Definition,
                State = pending ? JournalItemState.Pending : JournalItemState.Archived,
                ProcessAfter = pending ? s.ProcessAfter : null,
                MaxAttempts = s.WaitAttempts,
                AttemptIntervalSeconds = (long)s.WaitInterval.TotalSeconds,
                FirstReceived = s.Received,
                ExpiresOn = expiresOn,
                RetentionPolicy = policy,
            });
            if (inserted is { } id)
            {
                itemId = id;
                outcome = JournalOutcomeKind.Archived;
                // A new item has no recipients yet: nothing to read.
                AddRecipientsAndMailboxes(t, itemId, s, new Dictionary<string, ArchivedRecipient>(StringComparer.Ordinal));
                return (itemId, outcome);
            }
            // Another host stored a report of this message at the same moment and committed first.
            existing = t.FindItem(messageKey, fingerprint)
                ?? throw new InvalidOperationException("The archive item clashed with another writer's but cannot be found.");
        }
        itemId = existing.Id;
        outcome = t.ItemHasReport(itemId, rawHash) ? JournalOutcomeKind.Duplicate : JournalOutcomeKind.Merged;
        if (!existing.HasClearText && !s.ClearTextCopy.IsEmpty)
        {
            t.SetClearText(itemId, ArchiveBlobs.PutMessage(t, s.ClearTextCopy.Span));
        }
        t.TouchItem(itemId, s.Received);
        AddRecipientsAndMailboxes(t, itemId, s, new Dictionary<string, ArchivedRecipient>(t.GetRecipients(itemId), StringComparer.Ordinal));
        if (t.RetentionPolicies().Count > 0)
        {
            // The mailboxes this report brings may put the item under a longer policy; never a shorter one.
            var stored = t.GetRetention(itemId);
            var merged = RetentionRules.Merge((stored.ExpiresOn, stored.Policy), RetentionRules.Expiry(t.RetentionPolicies(), Facts(s, stored.FirstReceived)));
            if (merged != (stored.ExpiresOn, stored.Policy))
            {
                t.SetRetention(itemId, merged.ExpiresOn, merged.Policy);
            }
        }
        return (itemId, outcome);
    }

    /// <summary>What retention decides on, from a report (its item's arrival given).</summary>
    private static LifecycleItem Facts(ArchiveSubmission s, DateTimeOffset firstReceived) => new()
    {
        MessageId = s.MessageId,
        DefinitionId = s.DefinitionId,
        Date = s.Date,
        FirstReceived = firstReceived,
        Sender = s.Sender,
        Mailboxes = s.Mailboxes,
        Recipients = s.Recipients.Select(r => r.Address).ToList(),
    };

    /// <param name="known">The item's recipients so far, by lower-case address.</param>
    private static void AddRecipientsAndMailboxes(IArchiveWriteTransaction t, long itemId, ArchiveSubmission s, Dictionary<string, ArchivedRecipient> known)
    {
        foreach (var r in s.Recipients)
        {
            var key = r.Address.ToLowerInvariant();
            if (!known.TryGetValue(key, out var had))
            {
                t.InsertRecipient(itemId, r);
                known[key] = r;
                continue;
            }
            // The union of recipients; a later report may tell the exact type of an untyped one.
            var merged = had with
            {
                Type = had.Type == "Recipient" ? r.Type : had.Type,
                ExpandedFrom = had.ExpandedFrom ?? r.ExpandedFrom,
                ForwardedFrom = had.ForwardedFrom ?? r.ForwardedFrom,
            };
            if (merged != had)
            {
                t.UpdateRecipient(itemId, merged);
                known[key] = merged;
            }
        }
        foreach (var mailbox in s.Mailboxes)
        {
            t.AddMailbox(itemId, mailbox);
        }
    }

    /// <summary>One match attempt for every due Pending item (see IJournalArchive.CompleteDueItems).</summary>
    public static IReadOnlyList<long> CompleteDue(IArchiveWriteTransaction t, DateTimeOffset now)
    {
        var archived = new List<long>();
        foreach (var item in t.DueItems(now))
        {
            // Reports of the message merge the moment they arrive; an attempt only asks whether
            // the wait is over. After the last attempt the item is final (later reports still merge).
            var attempts = item.Attempts + 1;
            if (attempts >= Math.Max(1, item.MaxAttempts))
            {
                t.SetAttempt(item.Id, attempts, null, archived: true);
                archived.Add(item.Id);
            }
            else
            {
                t.SetAttempt(item.Id, attempts, now.AddSeconds(item.IntervalSeconds), archived: false);
            }
        }
        return archived;
    }

    /// <summary>
    /// The state a reader sees without writing: a Pending item whose last match attempt is due
    /// (InitialProcessDelay × DeliveryWaitAttempts has passed) is final, so it reads as Archived
    /// even before a writer has recorded that.
    /// </summary>
    public static JournalItemState EffectiveState(JournalItemState stored, DateTimeOffset? processAfter, int attempts, int maxAttempts,
        long intervalSeconds, DateTimeOffset now)
    {
        if (stored != JournalItemState.Pending || processAfter is not { } after)
        {
            return stored;
        }
        var remaining = Math.Max(1, maxAttempts) - attempts - 1;
        var final = after.AddSeconds(Math.Max(0, remaining) * (double)intervalSeconds);
        return final <= now ? JournalItemState.Archived : JournalItemState.Pending;
    }
}
