namespace MimecastJournaling.Engine.Listener;

/// <summary>A received message on its way into the spool.</summary>
public sealed record SpoolEntry(
    DateTimeOffset Received,
    string Source,
    Guid DefinitionId,
    string Definition,
    string? MailFrom,
    IReadOnlyList<string> Recipients,
    ReadOnlyMemory<byte> Data)
{
    /// <summary>
    /// A message too large to keep in memory: its content is in this file instead of
    /// <see cref="Data"/>, and is copied into the spool in chunks.
    /// </summary>
    public FileInfo? DataFile { get; init; }

    public long Size => DataFile?.Length ?? Data.Length;

    /// <summary>The listener node that received it (set by the spool from its own node name).</summary>
    public string? Node { get; init; }
}

/// <summary>Waiting: not tried yet. Failed: archiving failed at least once; it is retried at NextAttempt.</summary>
public enum QueuedReportState
{
    Waiting,
    Failed,
}

/// <summary>
/// A report in the queue (answered 250, not archived yet). As in the seed's Queue Details, an
/// envelope report shows the journaled sender as Sender and the journal address as Recipient.
/// </summary>
public sealed record QueuedReport
{
    public long Id { get; init; }
    public DateTimeOffset Received { get; init; }
    public required string Source { get; init; }
    public required string Definition { get; init; }
    public string? Sender { get; init; }
    public required string Recipient { get; init; }
    public string? Subject { get; init; }
    public long Size { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? NextAttempt { get; init; }
    public string? LastError { get; init; }
    public QueuedReportState State { get; init; }
    /// <summary>The listener node that received it (with a shared store, every node's reports are listed).</summary>
    public string? Node { get; init; }
}

/// <summary>A message in the spool, answered 250 and not archived yet.</summary>
public sealed record SpooledMessage(long Id, SpoolEntry Entry, int Attempts);

/// <summary>
/// Durable storage of messages between the 250 and the archive. An entry is removed only after the
/// archive committed its report; the archive ignores a spool id it has stored already
/// (ArchiveSubmission.SpoolId), so an entry offered twice is archived once.
/// </summary>
public interface IMessageSpool
{
    /// <summary>
    /// Stores all entries in one transaction; returns their ids in order. They are durable once
    /// <see cref="Sync"/> has returned (a kill of the process loses nothing even before).
    /// </summary>
    IReadOnlyList<long> Append(IReadOnlyList<SpoolEntry> entries);

    /// <summary>Makes every entry appended so far durable (fsync).</summary>
    void Sync();

    int Count();

    /// <summary>
    /// When the oldest entry still spooled (the lowest id) was received; null when the spool is
    /// empty. Reads no entry's data: the listener's watch asks every minute, and the oldest entry
    /// may be a large report waiting for the archive.
    /// </summary>
    DateTimeOffset? OldestReceived();

    /// <summary>Removes entries whose reports the archive has committed.</summary>
    void Remove(IReadOnlyList<long> ids);

    /// <summary>The oldest entries due for an attempt, up to about <paramref name="maxBytes"/> of data (at least one).</summary>
    /// <param name="beforeRead">
    /// Called with the total size of the entries chosen before their data is read (once, and only
    /// when some are due): the listener reserves that much of its <see cref="MessageMemoryBudget"/> there.
    /// </param>
    IReadOnlyList<SpooledMessage> TakeDue(DateTimeOffset now, int maxCount, long maxBytes, Action<long>? beforeRead = null);

    /// <summary>Counts a failed attempt and defers the entries until <paramref name="nextAttempt"/>.</summary>
    void RecordFailure(IReadOnlyList<long> ids, string error, DateTimeOffset nextAttempt);

    /// <summary>Makes every entry due now (a restart retries what an earlier run deferred).</summary>
    void MakeAllDue();

    /// <summary>The queue as an admin sees it, oldest first (Get-JournalQueue).</summary>
    IReadOnlyList<QueuedReport> List(Guid? definitionId, int? first);
}
