using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace MimecastJournaling.Engine.Search;

/// <summary>What the index holds of one item. <see cref="Failure"/> says what could not be read (the rest is still indexed).</summary>
public sealed record IndexedText
{
    public required long ItemId { get; init; }
    public string Subject { get; init; } = string.Empty;
    public string Body { get; init; } = string.Empty;
    public string AttachmentNames { get; init; } = string.Empty;
    public string AttachmentText { get; init; } = string.Empty;
    public bool HasAttachment { get; init; }
    public string? Failure { get; init; }
}

/// <summary>
/// Reads the searchable text of an original message: the subject, the body (text/plain, and
/// text/html with its markup removed), attachment names, and the text of text-like attachments
/// (text/*, XML, JSON, CSV, nested messages), and of PDF and Office Open XML documents
/// (<see cref="DocumentTextExtractor"/>). Every field is
/// normalised to index tokens (<see cref="SearchText"/>) and capped, the same for both backends.
/// </summary>
public static class SearchTextExtractor
{
    public const int MaxSubjectChars = 2_000;
    public const int MaxBodyChars = 100_000;
    public const int MaxAttachmentNameChars = 10_000;
    public const int MaxAttachmentTextChars = 100_000;
    /// <summary>A text attachment larger than this is read only to here.</summary>
    private const int MaxAttachmentBytes = 4 * 1024 * 1024;
    /// <summary>
    /// A body part is decoded only to here (ten times the body cap, room for HTML markup): the
    /// index keeps 100,000 characters, and a 150 MB body read whole costs twice its size as text.
    /// </summary>
    internal const int MaxBodyPartBytes = 1024 * 1024;
    private const int MaxNesting = 5;

    private static readonly Regex HiddenBlocks = new("<(script|style|head)[^>]*>.*?</\\1\\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
    private static readonly Regex Markup = new("<!--.*?-->|<[^>]*>", RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));

    public static IndexedText Extract(long itemId, byte[]? original, string? storedSubject)
    {
        var fallback = new IndexedText { ItemId = itemId, Subject = SearchText.Normalize(storedSubject, MaxSubjectChars) };
        if (original is null)
        {
            return fallback with { Failure = "The original message is missing from the archive." };
        }
        MimeMessage message;
        // Persistent: the parts' contents are views of the original, not copies of it; the stream
        // stays open until every part has been read.
        using var stream = new MemoryStream(original, writable: false);
        try
        {
            message = new MimeParser(stream, MimeFormat.Entity, persistent: true).ParseMessage();
        }
        catch (Exception e) when (e is FormatException or ParseException or IOException)
        {
            return fallback with { Failure = "The message cannot be parsed: " + e.Message };
        }
        var body = new StringBuilder();
        var names = new StringBuilder();
        var attachments = new StringBuilder();
        var problems = new List<string>();
        var hasAttachment = false;
        Walk(message, 0, body, names, attachments, problems, ref hasAttachment);
        return new IndexedText
        {
            ItemId = itemId,
            Subject = SearchText.Normalize(message.Subject ?? storedSubject, MaxSubjectChars),
            Body = SearchText.Normalize(body.ToString(), MaxBodyChars),
            AttachmentNames = SearchText.Normalize(names.ToString(), MaxAttachmentNameChars),
            AttachmentText = SearchText.Normalize(attachments.ToString(), MaxAttachmentTextChars),
            HasAttachment = hasAttachment,
            Failure = problems.Count == 0 ? null : string.Join(" ", problems.Distinct()),
        };
    }

    private static void Walk(MimeMessage message, int depth, StringBuilder body, StringBuilder names, StringBuilder attachments, List<string> problems, ref bool hasAttachment)
    {
        foreach (var entity in message.BodyParts)
        {
            try
            {
                switch (entity)
                {
                    case MessagePart { Message: { } nested } part:
                        hasAttachment = true;
                        names.Append(part.ContentDisposition?.FileName ?? part.ContentType.Name ?? nested.Subject).Append(' ');
                        if (depth < MaxNesting)
                        {
                            // The text of an attached message is attachment text, not this message's body.
                            var nestedBody = new StringBuilder();
                            attachments.Append(nested.Subject).Append(' ');
                            Walk(nested, depth + 1, nestedBody, names, attachments, problems, ref hasAttachment);
                            attachments.Append(nestedBody).Append(' ');
                        }
                        break;
                    case MimePart part when part.IsAttachment || part.FileName is not null && !part.ContentType.IsMimeType("text", "*"):
                        hasAttachment = true;
                        names.Append(part.FileName).Append(' ');
                        if (IsTextLike(part.ContentType))
                        {
                            var text = ReadText(part);
                            attachments.Append(IsHtml(part.ContentType) ? StripHtml(text) : text).Append(' ');
                        }
                        else if (DocumentTextExtractor.KindOf(part) is var kind and not DocumentTextExtractor.Kind.None)
                        {
                            try
                            {
                                attachments.Append(DocumentTextExtractor.Extract(part, kind, MaxAttachmentTextChars)).Append(' ');
                            }
                            catch (DocumentTextException e)
                            {
                                problems.Add(e.Message);
                            }
                        }
                        break;
                    case TextPart when body.Length >= MaxBodyPartBytes:
                        // The body holds more than the index keeps already.
                        break;
                    case TextPart text when text.IsHtml:
                        body.Append(StripHtml(ReadText(text, MaxBodyPartBytes))).Append(' ');
                        break;
                    case TextPart text:
                        // text/plain, text/enriched, text/calendar and the like.
                        body.Append(ReadText(text, MaxBodyPartBytes)).Append(' ');
                        break;
                }
            }
            catch (Exception e) when (e is FormatException or ParseException or IOException or DecoderFallbackException or NotSupportedException or RegexMatchTimeoutException)
            {
                problems.Add($"A part ({entity.ContentType.MimeType}) cannot be read: {e.Message}");
            }
        }
    }

    private static bool IsHtml(ContentType type) => type.IsMimeType("text", "html");

    private static bool IsTextLike(ContentType type) =>
        type.IsMimeType("text", "*") ||
        type.IsMimeType("application", "xml") || type.IsMimeType("application", "json") || type.IsMimeType("application", "csv") ||
        type.MediaSubtype.EndsWith("+xml", StringComparison.OrdinalIgnoreCase) || type.MediaSubtype.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static string ReadText(MimePart part) => ReadText(part, MaxAttachmentBytes);

    /// <summary>
    /// The text of a part, decoded to at most <paramref name="maxBytes"/> bytes (never the whole
    /// part when it is larger), in its declared charset; without one, UTF-8 when it is valid UTF-8,
    /// else Latin-1, as MimeKit reads a part's text.
    /// </summary>
    internal static string ReadText(MimePart part, int maxBytes)
    {
        if (part.Content is null)
        {
            return string.Empty;
        }
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes, 64 * 1024));
        try
        {
            var length = 0;
            using (var decoded = part.Content.Open())
            {
                while (length < maxBytes)
                {
                    if (length == buffer.Length)
                    {
                        var larger = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes, buffer.Length * 2L));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    var read = decoded.Read(buffer, length, Math.Min(buffer.Length, maxBytes) - length);
                    if (read == 0)
                    {
                        break;
                    }
                    length += read;
                }
            }
            return Decode(buffer.AsSpan(0, length), part.ContentType.Charset);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Decode(ReadOnlySpan<byte> bytes, string? charset)
    {
        if (charset is not null)
        {
            Encoding? declared = null;
            try
            {
                declared = Encoding.GetEncoding(charset);
            }
            catch (ArgumentException)
            {
                // Unknown charset: read as if none was declared.
            }
            if (declared is not null)
            {
                return declared.GetString(bytes);
            }
        }
        try
        {
            // A cut in the middle of a character (the read stopped at its limit) is not an error.
            var decoder = StrictUtf8.GetDecoder();
            var chars = new char[StrictUtf8.GetMaxCharCount(bytes.Length)];
            var count = decoder.GetChars(bytes, chars, flush: false);
            return new string(chars, 0, count);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>The visible text of HTML: scripts, styles and the head removed, tags dropped, entities decoded.</summary>
    public static string StripHtml(string html)
    {
        var text = HiddenBlocks.Replace(html, " ");
        text = Markup.Replace(text, " ");
        return WebUtility.HtmlDecode(text);
    }
}
