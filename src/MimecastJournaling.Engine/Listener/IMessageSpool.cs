namespace MimecastJournaling.Engine.Listener;

/// <summary>A received message on its way into the spool.</summary>
public sealed record SpoolEntry(
    DateTimeOffset Received,
    string Source,
    Guid DefinitionId,
    string Definition,
    string? MailFrom,
    IReadOnlyList<string> Recipients,
    ReadOnlyMemory<byte> Data);

/// <summary>A message in the spool, answered 250 and not archived yet.</summary>
public sealed record SpooledMessage(long Id, SpoolEntry Entry, int Attempts);

/// <summary>
/// Durable storage of messages between the 250 and the archive. Removal is not here: the archive
/// deletes an entry in the same transaction that stores its report (ArchiveSubmission.SpoolId).
/// </summary>
public interface IMessageSpool
{
    /// <summary>Stores all entries in one durable (fsync'd) transaction; returns their ids in order.</summary>
    IReadOnlyList<long> Append(IReadOnlyList<SpoolEntry> entries);

    int Count();

    /// <summary>The oldest entries due for an attempt, up to about <paramref name="maxBytes"/> of data (at least one).</summary>
    IReadOnlyList<SpooledMessage> TakeDue(DateTimeOffset now, int maxCount, long maxBytes);

    /// <summary>Counts a failed attempt and defers the entries until <paramref name="nextAttempt"/>.</summary>
    void RecordFailure(IReadOnlyList<long> ids, string error, DateTimeOffset nextAttempt);

    /// <summary>Makes every entry due now (a restart retries what an earlier run deferred).</summary>
    void MakeAllDue();
}
