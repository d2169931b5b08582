namespace MimecastJournaling.Engine.Archive;

/// <summary>How a received report ended. Every report ends in exactly one.</summary>
public enum JournalOutcomeKind
{
    /// <summary>Started a new archive item.</summary>
    Archived,
    /// <summary>Joined an existing item (another report of the same message); its recipients were added.</summary>
    Merged,
    /// <summary>The very same report (identical bytes) had already been received; linked, nothing new.</summary>
    Duplicate,
    /// <summary>Could not be parsed; the raw bytes are kept with the reason.</summary>
    Quarantined,
    /// <summary>Refused by a rule of the definition (the rule is named); the raw bytes are kept.</summary>
    Rejected,
}

/// <summary>Pending while the merge window (InitialProcessDelay × DeliveryWaitAttempts) is open; then Archived.</summary>
public enum JournalItemState
{
    Pending,
    Archived,
}

/// <summary>One recipient of an archived message: who received it, and through which group or forward.</summary>
public sealed record ArchivedRecipient(string Address, string Type, string? ExpandedFrom = null, string? ForwardedFrom = null)
{
    public override string ToString() => Address;
}

/// <summary>A report that contributed to an archive item.</summary>
public sealed record JournalContribution
{
    public long ReportId { get; init; }
    public DateTimeOffset Received { get; init; }
    public required string Source { get; init; }
    public string? Definition { get; init; }
    public JournalOutcomeKind Outcome { get; init; }

    /// <summary>How a list of an item's reports reads: "Report 12 (Merged) from smtp:192.0.2.10 at …".</summary>
    public override string ToString() =>
        $"Report {ReportId} ({Outcome}) from {Source} at {Received.ToString("u", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>An archive item: one original message, once, with the union of its recipients.</summary>
public sealed record JournalMessage
{
    public long Id { get; init; }
    public string? MessageId { get; init; }
    public string? Sender { get; init; }
    public string? Subject { get; init; }
    public DateTimeOffset? Date { get; init; }
    public long Size { get; init; }
    public IReadOnlyList<ArchivedRecipient> Recipients { get; init; } = Array.Empty<ArchivedRecipient>();
    /// <summary>The internal mailboxes this message belongs to.</summary>
    public IReadOnlyList<string> Mailboxes { get; init; } = Array.Empty<string>();
    public string? Definition { get; init; }
    public JournalItemState State { get; init; }
    public bool HasClearTextCopy { get; init; }
    public IReadOnlyList<JournalContribution> Reports { get; init; } = Array.Empty<JournalContribution>();
    public DateTimeOffset FirstReceived { get; init; }
    public DateTimeOffset Updated { get; init; }
    public required string ContentHash { get; init; }
    /// <summary>When the item's retention runs out (fixed when it was archived; null: no retention policy applies, it is kept).</summary>
    public DateTimeOffset? ExpiresOn { get; init; }
    /// <summary>The retention policy that set <see cref="ExpiresOn"/>.</summary>
    public string? RetentionPolicy { get; init; }
    /// <summary>The active legal holds that cover the item, by name (Get-JournalMessage fills them in).</summary>
    public IReadOnlyList<string> Holds { get; init; } = Array.Empty<string>();

    public override string ToString() => MessageId ?? $"item {Id}";
}

/// <summary>The outcome record of one received report.</summary>
public sealed record JournalOutcome
{
    /// <summary>The report's number (Export-JournalMessage names report files by it). Not called Id, so that an
    /// outcome piped to Get-/Export-JournalMessage binds its ItemId rather than the report's number.</summary>
    public long ReportId { get; init; }
    public DateTimeOffset Received { get; init; }
    public required string Source { get; init; }
    public string? Definition { get; init; }
    public JournalOutcomeKind Outcome { get; init; }
    public string? Reason { get; init; }
    /// <summary>For a rejection, the definition setting that refused it.</summary>
    public string? Rule { get; init; }
    public long? ItemId { get; init; }
    public string? Format { get; init; }
    public string? MessageId { get; init; }
    public string? Sender { get; init; }
    public string? Subject { get; init; }
    public long Size { get; init; }
    public IReadOnlyList<string> Defects { get; init; } = Array.Empty<string>();
    /// <summary>The listener node that received the report (null: imported, or stored before nodes were recorded).</summary>
    public string? Node { get; init; }
}

/// <summary>What the ingest pipeline decided for a report, handed to the archive to store atomically.</summary>
public enum ArchiveDisposition
{
    Accept,
    Quarantine,
    Reject,
}

/// <summary>One report for the archive: raw bytes always, and when accepted the parsed facts.</summary>
public sealed record ArchiveSubmission
{
    public required DateTimeOffset Received { get; init; }
    /// <summary>Where it came from: "smtp:192.0.2.7" or "file:/path/report.eml".</summary>
    public required string Source { get; init; }
    public Guid? DefinitionId { get; init; }
    public string? Definition { get; init; }
    public required ReadOnlyMemory<byte> RawReport { get; init; }
    /// <summary>
    /// The listener's spool entry this report came from, or null. Spool ids are never reused, and
    /// the archive stores at most one report per spool id: offered again (a crash between the
    /// archive's commit and the spool's removal, or a second listener on the same store), it
    /// returns the outcome it recorded the first time and stores nothing.
    /// </summary>
    public long? SpoolId { get; init; }
    /// <summary>The listener node that received the report (null: imported).</summary>
    public string? Node { get; init; }
    public ArchiveDisposition Disposition { get; init; }
    public string? Reason { get; init; }
    public string? Rule { get; init; }
    public string? Format { get; init; }
    public string? MessageId { get; init; }
    public string? Sender { get; init; }
    public string? Subject { get; init; }
    public DateTimeOffset? Date { get; init; }
    public ReadOnlyMemory<byte> Original { get; init; }
    public ReadOnlyMemory<byte> ClearTextCopy { get; init; }
    public IReadOnlyList<ArchivedRecipient> Recipients { get; init; } = Array.Empty<ArchivedRecipient>();
    public IReadOnlyList<string> Mailboxes { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Defects { get; init; } = Array.Empty<string>();
    /// <summary>When a new item's first match attempt is due (null or not after Received: archive at once).</summary>
    public DateTimeOffset? ProcessAfter { get; init; }
    /// <summary>The definition's DeliveryWaitAttempts and InitialProcessDelay, kept with a new item.</summary>
    public int WaitAttempts { get; init; }
    public TimeSpan WaitInterval { get; init; }
}

/// <summary>Filters of Get-JournalMessage. Text filters take * and ? wildcards.</summary>
public sealed record JournalMessageQuery
{
    public string? MessageId { get; init; }
    public string? Mailbox { get; init; }
    public string? Sender { get; init; }
    public string? Recipient { get; init; }
    public string? Subject { get; init; }
    public DateTimeOffset? After { get; init; }
    public DateTimeOffset? Before { get; init; }
    public Guid? DefinitionId { get; init; }
    public int? First { get; init; }
    public int Skip { get; init; }
}

/// <summary>Filters of Get-JournalOutcome.</summary>
public sealed record JournalOutcomeQuery
{
    public JournalOutcomeKind? Outcome { get; init; }
    public Guid? DefinitionId { get; init; }
    public DateTimeOffset? After { get; init; }
    public int? First { get; init; }
}
