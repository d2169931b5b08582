using System.Security.Cryptography;

namespace MimecastJournaling.Engine.Parsing;

/// <summary>What kind of input the parser recognised.</summary>
public enum JournalReportFormat
{
    /// <summary>Exchange 2007 and later, Exchange Online: marker header <c>X-MS-Journal-Report</c>.</summary>
    Envelope,

    /// <summary>Exchange 2000/2003: marker <c>Content-Identifier: ExJournalReport</c> (or the misspelling <c>Content-Identifer</c>).</summary>
    Envelope2003,

    /// <summary>No envelope: a plain EML message; recipients come from its To/Cc/Bcc headers.</summary>
    Standard,
}

/// <summary>Which messages that carry a journal report inside them are unwrapped to it.</summary>
public enum WrappedReportHandling
{
    /// <summary>Only a delivery status notification (multipart/report with a delivery-status part), as Exchange sends to the alternate journaling mailbox.</summary>
    DeliveryStatusOnly,

    /// <summary>Any message carrying a report (files an administrator vouches for, such as a saved alternate-mailbox backlog).</summary>
    Any,

    /// <summary>None: the input is read as what it is at the top.</summary>
    Never,
}

/// <summary>How a recipient was listed. <see cref="Recipient"/> means "type not known" (inbound mail, Exchange 2003).</summary>
public enum JournalRecipientType
{
    To,
    Cc,
    Bcc,
    Recipient,
}

/// <summary>
/// One envelope recipient. <see cref="Address"/> is the address that received the message; a
/// distribution group or forwarding address it came through is in <see cref="ExpandedFrom"/> or
/// <see cref="ForwardedFrom"/> and is not itself a recipient.
/// </summary>
public sealed record JournalRecipient
{
    public required string Address { get; init; }
    public JournalRecipientType Type { get; init; }
    public string? ExpandedFrom { get; init; }
    public string? ForwardedFrom { get; init; }

    public override string ToString() =>
        ExpandedFrom is not null ? $"{Type}: {Address} (expanded from {ExpandedFrom})"
        : ForwardedFrom is not null ? $"{Type}: {Address} (forwarded from {ForwardedFrom})"
        : $"{Type}: {Address}";
}

/// <summary>
/// A message carried by a report: the original, or the clear-text copy that journal report
/// decryption attached. <see cref="Content"/> is the message exactly as it appears in the report
/// (a slice of the parsed bytes where possible, so no copy is made).
/// </summary>
public sealed class EmbeddedMessage
{
    private string? _contentHash;

    public ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>Address of the first From mailbox.</summary>
    public string? From { get; init; }

    public DateTimeOffset? Date { get; init; }

    /// <summary>Decoded Subject.</summary>
    public string? Subject { get; init; }

    /// <summary>Message-ID without angle brackets.</summary>
    public string? MessageId { get; init; }

    /// <summary>Length of <see cref="Content"/> in bytes.</summary>
    public long Size => Content.Length;

    /// <summary>SHA-256 of <see cref="Content"/>, lowercase hex; computed on first use.</summary>
    public string ContentHash => _contentHash ??= Convert.ToHexString(SHA256.HashData(Content.Span)).ToLowerInvariant();

    /// <summary>A copy of <see cref="Content"/>.</summary>
    public byte[] ToArray() => Content.ToArray();

    public override string ToString() => Subject ?? MessageId ?? $"{Size} bytes";
}

/// <summary>
/// A parsed journal report (or plain EML). Produced by <see cref="JournalReportParser"/>, which never
/// throws: anything odd is described in <see cref="Defects"/>.
/// </summary>
public sealed class JournalReport
{
    public JournalReportFormat Format { get; init; }

    /// <summary>The original's sender as the envelope states it (for Standard: Sender header, else From).</summary>
    public string? Sender { get; init; }

    /// <summary>The From address when the message was sent on behalf of someone (Sender differs from From).</summary>
    public string? OnBehalfOf { get; init; }

    /// <summary>Decoded subject of the original.</summary>
    public string? Subject { get; init; }

    /// <summary>The original's Message-ID, without angle brackets.</summary>
    public string? MessageId { get; init; }

    public IReadOnlyList<JournalRecipient> Recipients { get; init; } = Array.Empty<JournalRecipient>();

    /// <summary>The decrypted copy that journal report decryption attached as a second embedded message, if any.</summary>
    public EmbeddedMessage? ClearTextCopy { get; init; }

    /// <summary>The original message (for Standard: the whole input). Null when the report carries none.</summary>
    public EmbeddedMessage? OriginalMessage { get; init; }

    /// <summary>Non-fatal oddities, each a short sentence.</summary>
    public IReadOnlyList<string> Defects { get; init; } = Array.Empty<string>();

    /// <summary>The decoded envelope part (reveals Bcc recipients: keep it from end users). Null for Standard.</summary>
    public string? EnvelopeText { get; init; }

    /// <summary>Message-ID of the report itself (for Standard: of the message).</summary>
    public string? ReportMessageId { get; init; }

    /// <summary>Date header of the report itself.</summary>
    public DateTimeOffset? ReportDate { get; init; }

    /// <summary>True when the report arrived wrapped in another message (an NDR from the alternate journaling mailbox) and was unwrapped.</summary>
    public bool Unwrapped { get; init; }

    /// <summary>For an unwrapped report: the From (or Sender) address of the message that carried it.</summary>
    public string? WrapperSender { get; internal set; }

    /// <summary>
    /// True when the input was not parsed as MIME at all (the parser failed, or a header block was
    /// too large to parse safely): the report then holds only the raw bytes and a defect saying why.
    /// A listener should quarantine such input.
    /// </summary>
    public bool ParseFailed { get; init; }

    /// <summary>Size of the input in bytes.</summary>
    public long Size { get; init; }

    /// <summary>SHA-256 of the original message's bytes (for dedup); null when there is no original.</summary>
    public string? ContentHash => OriginalMessage?.ContentHash;

    public override string ToString() => $"{Format} {MessageId ?? "(no Message-ID)"} {Subject}";
}
