namespace MimecastJournaling.Engine.Archive;

/// <summary>
/// How both archives complete a page of items with their recipients, mailboxes and reports: one
/// query per table for a chunk of items (<c>item_id IN …</c>) instead of three per item, so a page
/// of 50 search results costs a handful of round trips, not 150.
/// </summary>
internal static class ItemDetails
{
    /// <summary>How many items one detail query covers (keeps each statement's id list small).</summary>
    public const int ChunkSize = 500;

    /// <summary>The items with their details attached, read per chunk by <paramref name="read"/> (recipients, mailboxes and reports of the chunk's ids, each in its item's order).</summary>
    public static List<JournalMessage> Complete(IReadOnlyList<JournalMessage> items,
        Func<long[], (IEnumerable<(long ItemId, ArchivedRecipient Recipient)> Recipients, IEnumerable<(long ItemId, string Mailbox)> Mailboxes,
            IEnumerable<(long ItemId, JournalContribution Report)> Reports)> read)
    {
        var completed = new List<JournalMessage>(items.Count);
        foreach (var chunk in items.Chunk(ChunkSize))
        {
            var (recipients, mailboxes, reports) = read(chunk.Select(i => i.Id).Distinct().ToArray());
            var recipientsOf = recipients.ToLookup(r => r.ItemId, r => r.Recipient);
            var mailboxesOf = mailboxes.ToLookup(m => m.ItemId, m => m.Mailbox);
            var reportsOf = reports.ToLookup(r => r.ItemId, r => r.Report);
            completed.AddRange(chunk.Select(i => i with
            {
                Recipients = recipientsOf[i.Id].ToList(),
                Mailboxes = mailboxesOf[i.Id].ToList(),
                Reports = reportsOf[i.Id].ToList(),
            }));
        }
        return completed;
    }

    /// <summary>The items in the order of <paramref name="ids"/>; an id with no item is left out.</summary>
    public static List<JournalMessage> InOrder(IReadOnlyList<long> ids, IEnumerable<JournalMessage> items)
    {
        var byId = items.ToDictionary(i => i.Id);
        return ids.Select(id => byId.GetValueOrDefault(id)).OfType<JournalMessage>().ToList();
    }
}
