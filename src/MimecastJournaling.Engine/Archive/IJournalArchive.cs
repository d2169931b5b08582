namespace MimecastJournaling.Engine.Archive;

/// <summary>
/// The archive: stores reports with their outcome, merges reports of one message into one item,
/// and answers queries. <see cref="Store"/> is atomic and durable for the whole batch, so callers
/// can group many reports into one commit. Implementations: SQLite now, PostgreSQL later; nothing
/// here assumes either.
/// </summary>
public interface IJournalArchive
{
    /// <summary>Stores the batch in one durable transaction and returns one outcome per submission, in order.</summary>
    IReadOnlyList<JournalOutcome> Store(IReadOnlyList<ArchiveSubmission> batch);

    IReadOnlyList<JournalMessage> GetMessages(JournalMessageQuery query);
    JournalMessage? GetMessage(long itemId);

    /// <summary>
    /// The items of <paramref name="itemIds"/> in that order, each with its recipients, mailboxes and
    /// reports; an id with no item is left out. The backends read a page in a few queries, not a few per item.
    /// </summary>
    IReadOnlyList<JournalMessage> GetMessagesById(IReadOnlyList<long> itemIds) => itemIds.Select(GetMessage).OfType<JournalMessage>().ToList();

    /// <summary>The original message bytes of an item (null when no such item).</summary>
    byte[]? GetOriginal(long itemId);

    /// <summary>The raw bytes of a received report, as they arrived (null when no such report).</summary>
    byte[]? GetReport(long reportId);

    IReadOnlyList<JournalOutcome> GetOutcomes(JournalOutcomeQuery query);

    /// <summary>
    /// One match attempt for every pending item whose wait is over: an item that has had its
    /// attempts becomes Archived, the others wait another interval. Returns the items archived.
    /// </summary>
    IReadOnlyList<long> CompleteDueItems(DateTimeOffset now);
}
