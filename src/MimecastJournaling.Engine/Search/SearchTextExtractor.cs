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
        try
        {
            using var stream = new MemoryStream(original, writable: false);
            message = MimeMessage.Load(stream);
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
                    case TextPart text when text.IsHtml:
                        body.Append(StripHtml(text.Text)).Append(' ');
                        break;
                    case TextPart text when text.IsPlain || text.ContentType.IsMimeType("text", "enriched"):
                        body.Append(text.Text).Append(' ');
                        break;
                    case TextPart text:
                        // text/calendar and the like.
                        body.Append(text.Text).Append(' ');
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

    private static string ReadText(MimePart part)
    {
        if (part.Content is null)
        {
            return string.Empty;
        }
        using var decoded = new MemoryStream();
        part.Content.DecodeTo(decoded);
        var length = (int)Math.Min(decoded.Length, MaxAttachmentBytes);
        var charset = part.ContentType.Charset;
        Encoding encoding;
        try
        {
            encoding = charset is null ? Encoding.UTF8 : Encoding.GetEncoding(charset);
        }
        catch (ArgumentException)
        {
            encoding = Encoding.UTF8;
        }
        return encoding.GetString(decoded.GetBuffer(), 0, length);
    }

    /// <summary>The visible text of HTML: scripts, styles and the head removed, tags dropped, entities decoded.</summary>
    public static string StripHtml(string html)
    {
        var text = HiddenBlocks.Replace(html, " ");
        text = Markup.Replace(text, " ");
        return WebUtility.HtmlDecode(text);
    }
}
