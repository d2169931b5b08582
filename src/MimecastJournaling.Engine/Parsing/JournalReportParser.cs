using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using MimeKit;

namespace MimecastJournaling.Engine.Parsing;

/// <summary>
/// Parses an Exchange envelope journal report (2007+/Exchange Online or 2003) or a plain EML into a
/// <see cref="JournalReport"/>. Raw bytes in, a report out, never an exception out: whatever is odd
/// ends up in <see cref="JournalReport.Defects"/>. The MIME is parsed once, without copying bodies;
/// the original message is a slice of the input, so the caller must not change the input buffer
/// while the report is in use.
/// </summary>
public static class JournalReportParser
{
    private const string EnvelopeMarker = "X-MS-Journal-Report";
    private const string GccEnvelopeMarker = "X-MS-Gcc-Journal-Report";
    private const int MaxUnwrapDepth = 3;
    private const int MaxEmbeddedMessages = 2;

    // Envelope parts come in the charset Exchange picked for the subject (iso-2022-jp,
    // windows-125x, …); .NET knows only a few without the code-pages provider. It must be
    // registered before MimeKit's charset tables initialise, hence before Options below.
    private static readonly bool CodePagesRegistered = RegisterCodePages();

    private static readonly ParserOptions Options = new()
    {
        // Bounds recursion for hostile nesting; journal reports nest three levels at most (NDR → report → original).
        MaxMimeDepth = 64,
    };

    private static bool RegisterCodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    }

    /// <summary>Parses a report held in memory. Never throws. A wrapped report is unwrapped only from a delivery status notification.</summary>
    public static JournalReport Parse(ReadOnlyMemory<byte> raw) => Parse(raw, WrappedReportHandling.DeliveryStatusOnly);

    /// <summary>Parses a report held in memory, unwrapping a report carried inside another message as <paramref name="wrapped"/> says. Never throws.</summary>
    public static JournalReport Parse(ReadOnlyMemory<byte> raw, WrappedReportHandling wrapped) => Parse(raw, wrapped, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Parses within a time budget: a parse that takes longer is given up, and the report comes
    /// back with <see cref="JournalReport.ParseFailed"/> and a defect that says so (never an exception).
    /// </summary>
    public static JournalReport Parse(ReadOnlyMemory<byte> raw, WrappedReportHandling wrapped, TimeSpan budget)
    {
        using var deadline = budget == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(budget);
        try
        {
            return ParseCore(raw, wrapped, deadline?.Token ?? CancellationToken.None);
        }
        catch (OperationCanceledException) when (deadline is { IsCancellationRequested: true })
        {
            return NotParsed(raw, $"Parsing took longer than its budget of {budget.TotalSeconds:0.#} s and was given up; the input was not parsed as MIME.");
        }
#pragma warning disable CA1031 // the contract is "never an exception out"; the failure becomes a defect
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Unparseable(raw, e);
        }
    }

    /// <summary>Reads the stream to its end and parses it. Only I/O errors of the stream itself are thrown.</summary>
    public static JournalReport Parse(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] bytes;
        if (stream.CanSeek)
        {
            var remaining = stream.Length - stream.Position;
            bytes = new byte[remaining];
            stream.ReadExactly(bytes);
        }
        else
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }
        return Parse(bytes);
    }

    private static JournalReport Unparseable(ReadOnlyMemory<byte> raw, Exception e) =>
        NotParsed(raw, $"The input could not be parsed as a MIME message: {OneLine(e.Message)}");

    /// <summary>The input kept as it is, not parsed as MIME, with the one defect that says why.</summary>
    private static JournalReport NotParsed(ReadOnlyMemory<byte> raw, string defect) => new()
    {
        Format = JournalReportFormat.Standard,
        OriginalMessage = new EmbeddedMessage { Content = raw },
        ParseFailed = true,
        Defects = new[] { defect },
        Size = raw.Length,
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static JournalReport ParseCore(ReadOnlyMemory<byte> raw, WrappedReportHandling wrapped, CancellationToken cancellationToken)
    {
        _ = CodePagesRegistered;
        if (HeaderBlockGuard.HasOversizedHeaderBlock(raw.Span))
        {
            return NotParsed(raw, $"A header block is larger than {HeaderBlockGuard.MaxHeaderBlockBytes / 1024} KiB; the input was not parsed as MIME.");
        }
        if (!MemoryMarshal.TryGetArray(raw, out var segment) || segment.Array is null)
        {
            // Not array-backed: one copy, and every slice refers to it.
            raw = raw.ToArray();
            MemoryMarshal.TryGetArray(raw, out segment);
        }
        var offsets = new Dictionary<MimeMessage, (long Begin, long End)>(ReferenceEqualityComparer.Instance);
        // Persistent parsing: part contents are views of this stream, not copies. It must stay open
        // until every part has been read, i.e. until the report is built.
        using var stream = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false, publiclyVisible: true);
        var parser = new MimeParser(Options, stream, MimeFormat.Entity, persistent: true);
        parser.MimeMessageEnd += (_, e) => offsets[e.Message] = (e.BeginOffset, e.EndOffset);
        var top = parser.ParseMessage(cancellationToken);
        // MimeKit looks at the token only between entities: one huge header block is parsed in a
        // single step, so the budget is checked again as soon as the top level is read.
        cancellationToken.ThrowIfCancellationRequested();
        var defects = new DefectList();
        var context = new Context(raw, offsets, defects, cancellationToken);

        var format = DetectFormat(top);
        var report = top;
        var unwrapped = false;
        if (format == JournalReportFormat.Standard && wrapped != WrappedReportHandling.Never)
        {
            var found = FindWrappedReport(top);
            if (found is not null)
            {
                if (IsDeliveryStatusNotification(top) || wrapped == WrappedReportHandling.Any)
                {
                    report = found.Value.Message;
                    format = found.Value.Format;
                    unwrapped = true;
                    defects.Add(IsDeliveryStatusNotification(top)
                        ? "The journal report arrived wrapped in a non-delivery report and was unwrapped."
                        : "The journal report arrived wrapped in another message and was unwrapped.");
                }
                else
                {
                    // Anyone can attach a journal report to a message: only Exchange's own
                    // non-delivery reports (from the alternate journaling mailbox) carry real ones.
                    defects.Add(CarriesReportNotUnwrappedDefect);
                }
            }
        }

        var built = format == JournalReportFormat.Standard
            ? BuildStandard(top, context)
            : BuildEnvelope(report, format, unwrapped, context);
        return unwrapped ? WithWrapper(built, top) : built;
    }

    /// <summary>The defect of a plain message that carries a journal report but is no delivery status notification.</summary>
    public const string CarriesReportNotUnwrappedDefect =
        "The message carries a journal report as an attachment but is not a delivery status notification (multipart/report with a delivery-status part); it is archived as the plain message it is, not as the report it carries.";

    private static JournalReport WithWrapper(JournalReport built, MimeMessage top)
    {
        built.WrapperSender = FirstAddress(top.From) ?? NullIfEmpty(top.Sender?.Address);
        return built;
    }

    /// <summary>RFC 3464: a multipart/report (report-type delivery-status) with a message/delivery-status part.</summary>
    private static bool IsDeliveryStatusNotification(MimeMessage message)
    {
        if (message.Body is not Multipart multipart || !multipart.ContentType.IsMimeType("multipart", "report"))
        {
            return false;
        }
        var reportType = multipart.ContentType.Parameters["report-type"];
        if (reportType is not null && !reportType.Equals("delivery-status", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return multipart.Any(part => part.ContentType.IsMimeType("message", "delivery-status")
            || part.ContentType.IsMimeType("message", "global-delivery-status"));
    }

    private sealed record Context(
        ReadOnlyMemory<byte> Raw,
        Dictionary<MimeMessage, (long Begin, long End)> Offsets,
        DefectList Defects,
        CancellationToken CancellationToken);

    private static JournalReportFormat DetectFormat(MimeMessage message)
    {
        var format = MarkerIn(message.Headers);
        if (format == JournalReportFormat.Standard && message.Body is not null)
        {
            // MimeKit files every Content-* header (Content-Identifier too) under the body entity.
            format = MarkerIn(message.Body.Headers);
        }
        if (format == JournalReportFormat.Standard && message.Body is Multipart multipart && multipart.Count > 0)
        {
            // Some Exchange 2003 reports carry the Content-Identifier on the first part.
            var first = MarkerIn(multipart[0].Headers);
            if (first == JournalReportFormat.Envelope2003)
            {
                format = first;
            }
        }
        return format;
    }

    private static JournalReportFormat MarkerIn(HeaderList headers)
    {
        var format = JournalReportFormat.Standard;
        foreach (var header in headers)
        {
            var field = header.Field;
            // Presence only: the value is empty in real reports and made up by some tools.
            if (field.Equals(EnvelopeMarker, StringComparison.OrdinalIgnoreCase)
                || field.Equals(GccEnvelopeMarker, StringComparison.OrdinalIgnoreCase))
            {
                return JournalReportFormat.Envelope;
            }
            if ((field.Equals("Content-Identifier", StringComparison.OrdinalIgnoreCase)
                    || field.Equals("Content-Identifer", StringComparison.OrdinalIgnoreCase))
                && header.Value.Trim().Equals("ExJournalReport", StringComparison.OrdinalIgnoreCase))
            {
                format = JournalReportFormat.Envelope2003;
            }
        }
        return format;
    }

    /// <summary>Looks for a journal report carried inside the message (NDR from the alternate journaling mailbox).</summary>
    private static (MimeMessage Message, JournalReportFormat Format)? FindWrappedReport(MimeMessage top)
    {
        var queue = new Queue<(MimeMessage Message, int Depth)>();
        queue.Enqueue((top, 0));
        while (queue.Count > 0)
        {
            var (message, depth) = queue.Dequeue();
            if (depth >= MaxUnwrapDepth)
            {
                continue;
            }
            var parts = Collect(message.Body);
            foreach (var part in parts.Messages)
            {
                if (part.Message is null)
                {
                    continue;
                }
                var format = DetectFormat(part.Message);
                if (format != JournalReportFormat.Standard)
                {
                    return (part.Message, format);
                }
                queue.Enqueue((part.Message, depth + 1));
            }
        }
        return null;
    }

    private sealed class Parts
    {
        public readonly List<TextPart> Texts = new();
        public readonly List<MessagePart> Messages = new();
        public readonly List<MimePart> Files = new();
    }

    /// <summary>The parts of one message, in order, not descending into embedded messages.</summary>
    private static Parts Collect(MimeEntity? body)
    {
        var parts = new Parts();
        if (body is null)
        {
            return parts;
        }
        var stack = new Stack<MimeEntity>();
        stack.Push(body);
        while (stack.Count > 0)
        {
            var entity = stack.Pop();
            switch (entity)
            {
                case Multipart multipart:
                    for (var i = multipart.Count - 1; i >= 0; i--)
                    {
                        stack.Push(multipart[i]);
                    }
                    break;
                case MessagePart messagePart:
                    parts.Messages.Add(messagePart);
                    break;
                case MimePart part when IsMessageFile(part):
                    parts.Files.Add(part);
                    break;
                case TextPart text:
                    parts.Texts.Add(text);
                    break;
            }
        }
        return parts;
    }

    private static bool IsMessageFile(MimePart part) =>
        part.ContentType.IsMimeType("message", "rfc822")
        || (part.FileName?.EndsWith(".eml", StringComparison.OrdinalIgnoreCase) ?? false);

    private static JournalReport BuildStandard(MimeMessage message, Context context)
    {
        var recipients = new List<JournalRecipient>();
        AddHeaderRecipients(message.To, JournalRecipientType.To, recipients);
        AddHeaderRecipients(message.Cc, JournalRecipientType.Cc, recipients);
        AddHeaderRecipients(message.Bcc, JournalRecipientType.Bcc, recipients);
        var from = FirstAddress(message.From);
        var sender = message.Sender?.Address;
        string? onBehalfOf = null;
        if (!string.IsNullOrEmpty(sender) && from is not null && !sender.Equals(from, StringComparison.OrdinalIgnoreCase))
        {
            onBehalfOf = from;
        }
        else
        {
            sender = from ?? (string.IsNullOrEmpty(sender) ? null : sender);
        }
        var original = Describe(message, context.Raw);
        return new JournalReport
        {
            Format = JournalReportFormat.Standard,
            Sender = sender,
            OnBehalfOf = onBehalfOf,
            Subject = message.Subject,
            MessageId = AddressText.MessageId(message.MessageId),
            Recipients = recipients,
            OriginalMessage = original,
            Defects = context.Defects.ToList(),
            ReportMessageId = AddressText.MessageId(message.MessageId),
            ReportDate = DateOf(message),
            Size = context.Raw.Length,
        };
    }

    private static void AddHeaderRecipients(InternetAddressList list, JournalRecipientType type, List<JournalRecipient> into)
    {
        foreach (var mailbox in list.Mailboxes)
        {
            if (!string.IsNullOrWhiteSpace(mailbox.Address))
            {
                into.Add(new JournalRecipient { Address = mailbox.Address, Type = type });
            }
        }
    }

    private static JournalReport BuildEnvelope(MimeMessage report, JournalReportFormat format, bool unwrapped, Context context)
    {
        var defects = context.Defects;
        var parts = Collect(report.Body);

        // The original is the first embedded message; journal report decryption adds the clear-text copy second.
        EmbeddedMessage? original = null;
        EmbeddedMessage? clearText = null;
        if (parts.Messages.Count > 0)
        {
            original = Describe(parts.Messages[0], context);
            if (parts.Messages.Count > 1)
            {
                clearText = Describe(parts.Messages[1], context);
            }
            if (parts.Messages.Count > MaxEmbeddedMessages)
            {
                defects.Add($"The report carries {parts.Messages.Count} embedded messages; only the first two were read.");
            }
        }
        else if (parts.Files.Count > 0)
        {
            var file = parts.Files[0];
            defects.Add(file.ContentType.IsMimeType("message", "rfc822")
                ? $"The original message is {file.ContentTransferEncoding.ToString().ToLowerInvariant()}-encoded inside its message/rfc822 part."
                : $"The original message was attached as a file ({file.FileName ?? file.ContentType.MimeType}), not as message/rfc822.");
            original = DescribeFile(file, context);
        }
        else
        {
            defects.Add("The report carries no original message.");
        }

        // The envelope part: the first text part that names a Sender, plain text before HTML.
        EnvelopeFields? fields = null;
        string? envelopeText = null;
        DefectList? envelopeDefects = null;
        foreach (var html in new[] { false, true })
        {
            foreach (var text in parts.Texts)
            {
                if (text.IsHtml != html || !(text.IsPlain || text.IsHtml))
                {
                    continue;
                }
                context.CancellationToken.ThrowIfCancellationRequested();
                var candidateText = ReadText(text, defects);
                var candidateDefects = new DefectList();
                var candidate = ReadEnvelope(format, candidateText, original?.Subject, candidateDefects);
                if (candidate.Sender is not null)
                {
                    (fields, envelopeText, envelopeDefects) = (candidate, candidateText, candidateDefects);
                    if (html)
                    {
                        defects.Add("The envelope part is HTML.");
                    }
                    break;
                }
                if (fields is null && envelopeText is null)
                {
                    (fields, envelopeText, envelopeDefects) = (candidate, candidateText, candidateDefects);
                }
            }
            if (fields?.Sender is not null)
            {
                break;
            }
        }
        if (envelopeDefects is not null)
        {
            defects.AddFrom(envelopeDefects);
        }
        if (envelopeText is null)
        {
            defects.Add("The report has no envelope part.");
        }
        fields ??= new EnvelopeFields();

        var sender = fields.Sender;
        if (sender is not null && sender.Equals("Unspecified Address", StringComparison.OrdinalIgnoreCase))
        {
            sender = null;
            defects.Add("The envelope's Sender is 'Unspecified Address'.");
        }
        else if (sender is null && envelopeText is not null)
        {
            defects.Add("The envelope has no Sender line.");
        }

        string? subject;
        if (fields.HasSubject)
        {
            subject = fields.Subject;
        }
        else
        {
            subject = original?.Subject;
            if (format == JournalReportFormat.Envelope && envelopeText is not null)
            {
                defects.Add(original?.Subject is null
                    ? "The envelope has no Subject line."
                    : "The envelope has no Subject line; the original's Subject is used.");
            }
        }

        string? messageId = null;
        if (fields.HasMessageId)
        {
            if (fields.MessageIdRaw is not null && fields.MessageIdRaw.Trim().Equals("Unknown Message-ID", StringComparison.OrdinalIgnoreCase))
            {
                defects.Add("The envelope says 'Unknown Message-ID': the original had no Message-ID.");
            }
            else
            {
                messageId = AddressText.MessageId(fields.MessageIdRaw);
                if (messageId is null)
                {
                    defects.Add("The envelope's Message-Id line is empty.");
                }
            }
        }
        else if (envelopeText is not null)
        {
            defects.Add("The envelope has no Message-Id line.");
        }
        if (messageId is null && original?.MessageId is not null)
        {
            messageId = original.MessageId;
            defects.Add("The Message-ID was taken from the original message.");
        }
        else if (messageId is not null && original?.MessageId is not null && !messageId.Equals(original.MessageId, StringComparison.Ordinal))
        {
            defects.Add($"The envelope's Message-Id differs from the original's ({original.MessageId}).");
        }

        if (fields.Recipients.Count == 0 && envelopeText is not null)
        {
            defects.Add("The envelope lists no recipients.");
        }

        return new JournalReport
        {
            Format = format,
            Sender = sender,
            OnBehalfOf = fields.OnBehalfOf,
            Subject = subject,
            MessageId = messageId,
            Recipients = fields.Recipients,
            ClearTextCopy = clearText,
            OriginalMessage = original,
            Defects = defects.ToList(),
            EnvelopeText = envelopeText,
            ReportMessageId = AddressText.MessageId(report.MessageId),
            ReportDate = DateOf(report),
            Unwrapped = unwrapped,
            Size = context.Raw.Length,
        };
    }

    private static EnvelopeFields ReadEnvelope(JournalReportFormat format, string text, string? originalSubject, DefectList defects) =>
        format == JournalReportFormat.Envelope2003
            ? EnvelopeTextParser.Parse2003(text, defects)
            : EnvelopeTextParser.Parse2007(text, originalSubject, defects);

    private static string ReadText(TextPart part, DefectList defects)
    {
        string text;
        try
        {
            text = EightBitInAscii(part, defects) ?? part.Text ?? string.Empty;
        }
#pragma warning disable CA1031 // a damaged part is a defect, not a failure of the whole report
        catch (Exception e)
#pragma warning restore CA1031
        {
            defects.Add($"The envelope part could not be decoded: {OneLine(e.Message)}");
            return string.Empty;
        }
        return part.IsHtml ? HtmlToText(text) : text;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// A part declared us-ascii (or with no charset) that holds 8-bit bytes anyway: read as UTF-8
    /// when it is valid UTF-8 (Exchange writes envelope addresses and names in UTF-8), else as
    /// Latin-1 so no byte becomes '?', with a defect either way. Null when the part is plain ASCII
    /// or declares another charset.
    /// </summary>
    private static string? EightBitInAscii(TextPart part, DefectList defects)
    {
        var charset = part.ContentType.Charset;
        if (part.Content is null || (charset is not null && !charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase) && !charset.Equals("ascii", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }
        using var decoded = new MemoryStream();
        part.Content.DecodeTo(decoded);
        var bytes = decoded.GetBuffer().AsSpan(0, (int)decoded.Length);
        if (bytes.IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0)
        {
            return null;
        }
        try
        {
            var text = StrictUtf8.GetString(bytes);
            defects.Add("The envelope part is declared us-ascii but holds UTF-8; it was read as UTF-8.");
            return text;
        }
        catch (DecoderFallbackException)
        {
            defects.Add("The envelope part is declared us-ascii but holds 8-bit bytes that are not UTF-8; they were read as Latin-1.");
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>Line-preserving tag stripper for HTML envelope parts (Exchange 2003, rewritten reports).</summary>
    internal static string HtmlToText(string html)
    {
        var sb = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<')
            {
                var close = html.IndexOf('>', i + 1);
                if (close < 0)
                {
                    break;
                }
                var tag = html.AsSpan(i + 1, close - i - 1).TrimStart('/').TrimStart();
                var nameEnd = 0;
                while (nameEnd < tag.Length && char.IsAsciiLetterOrDigit(tag[nameEnd]))
                {
                    nameEnd++;
                }
                var name = tag.Slice(0, nameEnd);
                if (name.Equals("br", StringComparison.OrdinalIgnoreCase) || name.Equals("p", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("div", StringComparison.OrdinalIgnoreCase) || name.Equals("tr", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("li", StringComparison.OrdinalIgnoreCase))
                {
                    sb.Append('\n');
                }
                i = close + 1;
            }
            else if (c == '\r' || c == '\n')
            {
                // Source line breaks are not line breaks in HTML.
                sb.Append(' ');
                i++;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }
        var text = WebUtility.HtmlDecode(sb.ToString()).Replace('\u00a0', ' ');
        return string.Join('\n', EnvelopeTextParser.SplitLines(text).Select(line => line.Trim()));
    }

    private static EmbeddedMessage Describe(MessagePart part, Context context)
    {
        var message = part.Message;
        if (message is null)
        {
            context.Defects.Add("An embedded message part is empty.");
            return new EmbeddedMessage();
        }
        ReadOnlyMemory<byte> content;
        if (context.Offsets.TryGetValue(message, out var span) && span.Begin >= 0 && span.End <= context.Raw.Length && span.End >= span.Begin)
        {
            content = context.Raw.Slice((int)span.Begin, (int)(span.End - span.Begin));
        }
        else
        {
            using var copy = new MemoryStream();
            message.WriteTo(copy);
            content = copy.ToArray();
        }
        return Describe(message, content);
    }

    private static EmbeddedMessage DescribeFile(MimePart file, Context context)
    {
        byte[] bytes;
        using (var decoded = new MemoryStream())
        {
            file.Content?.DecodeTo(decoded, context.CancellationToken);
            bytes = decoded.ToArray();
        }
        // The guard of the whole input saw only the encoded form of this message.
        if (HeaderBlockGuard.HasOversizedHeaderBlock(bytes))
        {
            context.Defects.Add($"The attached original message has a header block larger than {HeaderBlockGuard.MaxHeaderBlockBytes / 1024} KiB; it is kept as it is but was not parsed.");
            return new EmbeddedMessage { Content = bytes };
        }
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var message = new MimeParser(Options, stream, MimeFormat.Entity, persistent: false).ParseMessage(context.CancellationToken);
            return Describe(message, bytes);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // an unreadable attachment is still the original's bytes
        catch (Exception e)
#pragma warning restore CA1031
        {
            context.Defects.Add($"The attached original message could not be parsed: {OneLine(e.Message)}");
            return new EmbeddedMessage { Content = bytes };
        }
    }

    private static EmbeddedMessage Describe(MimeMessage message, ReadOnlyMemory<byte> content) => new()
    {
        Content = content,
        From = FirstAddress(message.From),
        Date = DateOf(message),
        Subject = message.Subject,
        MessageId = AddressText.MessageId(message.MessageId),
    };

    private static string? FirstAddress(InternetAddressList list)
    {
        foreach (var mailbox in list.Mailboxes)
        {
            if (!string.IsNullOrWhiteSpace(mailbox.Address))
            {
                return mailbox.Address;
            }
        }
        return null;
    }

    private static DateTimeOffset? DateOf(MimeMessage message)
    {
        // MimeKit parsed the Date header while loading; MinValue means missing or unparseable.
        var date = message.Date;
        return date == DateTimeOffset.MinValue ? null : date;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
