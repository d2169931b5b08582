using MimecastJournaling.Engine.Archive;

namespace MimecastJournaling.Engine.Export;

/// <summary>What an export writes: one .eml file per message, one mbox file, or one zip of .eml files.</summary>
public enum JournalExportFormat
{
    Eml,
    Mbox,
    Zip,
}

/// <summary>What Export-JournalMessage asked for.</summary>
public sealed record JournalExportOptions
{
    public JournalExportFormat Format { get; init; }
    /// <summary>Eml: the folder (it must exist). Mbox and Zip: the file, or an existing folder to create a named file in.</summary>
    public required string Path { get; init; }
    /// <summary>Also write the manifest (CSV and JSON) beside the export.</summary>
    public bool Manifest { get; init; }
    /// <summary>List Bcc recipients (and mailboxes that only a Bcc made recipients) in the manifest; allow content that reveals them.</summary>
    public bool IncludeBcc { get; init; }
    /// <summary>Export every journal report of an item (with its envelope) instead of the original message.</summary>
    public bool IncludeEnvelope { get; init; }
    /// <summary>Replace files that exist already.</summary>
    public bool Force { get; init; }
}

/// <summary>One recipient as the manifest lists it.</summary>
public sealed record JournalExportRecipient(string Address, string Type, string? ExpandedFrom = null, string? ForwardedFrom = null)
{
    public override string ToString() => $"{Type}:{Address}";
}

/// <summary>One exported message (an original, or with -IncludeEnvelope one journal report): a manifest line.</summary>
public sealed record JournalExportEntry
{
    public long ItemId { get; init; }
    /// <summary>The journal report exported (with -IncludeEnvelope), else null: the original.</summary>
    public long? ReportId { get; init; }
    public string? MessageId { get; init; }
    public DateTimeOffset? Date { get; init; }
    public string? Sender { get; init; }
    public IReadOnlyList<JournalExportRecipient> Recipients { get; init; } = Array.Empty<JournalExportRecipient>();
    public IReadOnlyList<string> Mailboxes { get; init; } = Array.Empty<string>();
    /// <summary>The exported file that holds this message (its name, relative to the export).</summary>
    public required string File { get; init; }
    /// <summary>Zip: the entry name; mbox: the message's number in the file (1 = first); eml: null.</summary>
    public string? Entry { get; init; }
    /// <summary>Size of the message's bytes as exported (for mbox: before the mboxrd quoting).</summary>
    public long Size { get; init; }
    /// <summary>SHA-256 (lower-case hex) of the message's bytes: for an original, the archive's content hash.</summary>
    public required string Sha256 { get; init; }
}

/// <summary>A file the export wrote, with its size and SHA-256.</summary>
public sealed record JournalExportFile(string Name, string FullName, long Size, string Sha256)
{
    public override string ToString() => FullName;
}

/// <summary>A finished, verified export: what Export-JournalMessage returns.</summary>
public sealed record JournalExportResult
{
    public JournalExportFormat Format { get; init; }
    /// <summary>The folder (Eml) or file (Mbox, Zip) written.</summary>
    public required string Path { get; init; }
    /// <summary>Archive items exported.</summary>
    public int Items { get; init; }
    /// <summary>Messages written: one per item, or with -IncludeEnvelope one per journal report.</summary>
    public int Messages { get; init; }
    /// <summary>Bytes of the exported messages.</summary>
    public long Bytes { get; init; }
    /// <summary>Every file written (content, then manifest), each with size and SHA-256.</summary>
    public IReadOnlyList<JournalExportFile> Files { get; init; } = Array.Empty<JournalExportFile>();
    /// <summary>The manifest files (CSV, JSON), or empty without -Manifest.</summary>
    public IReadOnlyList<string> Manifest { get; init; } = Array.Empty<string>();
    public bool IncludeBcc { get; init; }
    public bool IncludeEnvelope { get; init; }
    /// <summary>True: every file was read back after writing, and the count and every message's SHA-256 matched.</summary>
    public bool Verified { get; init; }
    public IReadOnlyList<JournalExportEntry> Entries { get; init; } = Array.Empty<JournalExportEntry>();

    public override string ToString() => $"{Messages} message(s) of {Items} item(s) as {Format} at {Path}";
}
