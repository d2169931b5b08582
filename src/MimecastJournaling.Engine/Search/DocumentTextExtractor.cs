using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using MimeKit;
using UglyToad.PdfPig;
using Drawing = DocumentFormat.OpenXml.Drawing;
using Spreadsheet = DocumentFormat.OpenXml.Spreadsheet;
using Wordprocessing = DocumentFormat.OpenXml.Wordprocessing;

namespace MimecastJournaling.Engine.Search;

/// <summary>
/// The text of PDF and Office (Word, Excel, PowerPoint: the Open XML formats) attachments, with
/// managed libraries only (PdfPig, the Open XML SDK). Bounded: a document larger than
/// <see cref="MaxDocumentBytes"/> is not opened (indexed by name, with the reason), an Open XML part
/// is read as a stream and no part may expand beyond <see cref="MaxPartCharacters"/>, and reading stops
/// once <paramref name="maxChars"/> characters are collected. A document that cannot be read throws
/// <see cref="DocumentTextException"/>, which the caller lists as the item's failure.
/// The legacy binary formats (.doc, .xls, .ppt) are indexed by name only.
/// </summary>
public static class DocumentTextExtractor
{
    /// <summary>A PDF or Office attachment larger than this (decoded) is indexed by name only.</summary>
    public const int MaxDocumentBytes = 32 * 1024 * 1024;

    /// <summary>The most characters one Open XML part may expand to (a guard against zip bombs).</summary>
    public const long MaxPartCharacters = 64L * 1024 * 1024;

    public enum Kind { None, Pdf, Word, Excel, PowerPoint }

    /// <summary>Which kind of document a part is, by its content type or, for a generic type, its file name.</summary>
    public static Kind KindOf(MimePart part)
    {
        var type = part.ContentType;
        if (type.IsMimeType("application", "pdf"))
        {
            return Kind.Pdf;
        }
        var subtype = type.MediaType.Equals("application", StringComparison.OrdinalIgnoreCase) ? type.MediaSubtype : string.Empty;
        switch (subtype.ToLowerInvariant())
        {
            case "vnd.openxmlformats-officedocument.wordprocessingml.document":
            case "vnd.ms-word.document.macroenabled.12":
                return Kind.Word;
            case "vnd.openxmlformats-officedocument.spreadsheetml.sheet":
            case "vnd.ms-excel.sheet.macroenabled.12":
                return Kind.Excel;
            case "vnd.openxmlformats-officedocument.presentationml.presentation":
            case "vnd.ms-powerpoint.presentation.macroenabled.12":
                return Kind.PowerPoint;
        }
        var generic = type.IsMimeType("application", "octet-stream") || type.IsMimeType("application", "x-zip-compressed") ||
                      type.IsMimeType("application", "zip") || type.IsMimeType("application", "x-pdf");
        if (!generic || part.FileName is not { } name)
        {
            return Kind.None;
        }
        return Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".pdf" => Kind.Pdf,
            ".docx" or ".docm" => Kind.Word,
            ".xlsx" or ".xlsm" => Kind.Excel,
            ".pptx" or ".pptm" => Kind.PowerPoint,
            _ => Kind.None,
        };
    }

    /// <summary>The document's text, at most <paramref name="maxChars"/> characters.</summary>
    public static string Extract(MimePart part, Kind kind, int maxChars)
    {
        if (part.Content is null)
        {
            return string.Empty;
        }
        using var decoded = new MemoryStream();
        using (var source = part.Content.Open())
        {
            CopyBounded(source, decoded, part.FileName);
        }
        decoded.Position = 0;
        return Extract(decoded, kind, maxChars, part.FileName);
    }

    /// <summary>The text of a document in <paramref name="document"/> (seekable), at most <paramref name="maxChars"/> characters.</summary>
    public static string Extract(Stream document, Kind kind, int maxChars, string? fileName = null)
    {
        var text = new TextCollector(maxChars);
        try
        {
            switch (kind)
            {
                case Kind.Pdf:
                    ReadPdf(document, text);
                    break;
                case Kind.Word:
                    using (var word = WordprocessingDocument.Open(document, false, Settings))
                    {
                        ReadPart(word.MainDocumentPart, text, typeof(Wordprocessing.Text));
                        foreach (var header in word.MainDocumentPart?.HeaderParts ?? [])
                        {
                            ReadPart(header, text, typeof(Wordprocessing.Text));
                        }
                        foreach (var footer in word.MainDocumentPart?.FooterParts ?? [])
                        {
                            ReadPart(footer, text, typeof(Wordprocessing.Text));
                        }
                        ReadPart(word.MainDocumentPart?.FootnotesPart, text, typeof(Wordprocessing.Text));
                    }
                    break;
                case Kind.Excel:
                    using (var workbook = SpreadsheetDocument.Open(document, false, Settings))
                    {
                        // Shared strings hold the text of most cells; inline strings and sheet names the rest.
                        ReadPart(workbook.WorkbookPart?.SharedStringTablePart, text, typeof(Spreadsheet.Text));
                        foreach (var sheet in workbook.WorkbookPart?.WorksheetParts ?? [])
                        {
                            ReadPart(sheet, text, typeof(Spreadsheet.Text));
                        }
                    }
                    break;
                case Kind.PowerPoint:
                    using (var presentation = PresentationDocument.Open(document, false, Settings))
                    {
                        foreach (var slide in presentation.PresentationPart?.SlideParts ?? [])
                        {
                            ReadPart(slide, text, typeof(Drawing.Text));
                            ReadPart(slide.NotesSlidePart, text, typeof(Drawing.Text));
                        }
                    }
                    break;
            }
        }
        catch (Exception e) when (e is not DocumentTextException and not OutOfMemoryException)
        {
            // PdfPig and the Open XML SDK throw many exception types for damaged, encrypted or
            // hostile documents; each is the document's problem, never the indexer's.
            throw new DocumentTextException(Describe(kind, fileName) + " cannot be read: " + e.Message, e);
        }
        return text.ToString();
    }

    private static readonly OpenSettings Settings = new() { MaxCharactersInPart = MaxPartCharacters, AutoSave = false };

    private static void ReadPdf(Stream document, TextCollector text)
    {
        using var pdf = PdfDocument.Open(document, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        foreach (var page in pdf.GetPages())
        {
            foreach (var word in page.GetWords())
            {
                if (!text.Add(word.Text))
                {
                    return;
                }
                text.Break();
            }
        }
    }

    /// <summary>Streams one part's XML and collects the text of the <paramref name="textElement"/> elements.</summary>
    private static void ReadPart(OpenXmlPart? part, TextCollector text, Type textElement)
    {
        if (part is null || text.Full)
        {
            return;
        }
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.IsStartElement && reader.ElementType == textElement)
            {
                if (!text.Add(reader.GetText()))
                {
                    return;
                }
            }
            else if (reader.IsEndElement && IsBlockEnd(reader.ElementType))
            {
                text.Break();
            }
        }
    }

    private static bool IsBlockEnd(Type element) =>
        element == typeof(Wordprocessing.Paragraph) || element == typeof(Drawing.Paragraph) ||
        element == typeof(Spreadsheet.Cell) || element == typeof(Spreadsheet.SharedStringItem);

    private static void CopyBounded(Stream source, Stream destination, string? fileName)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (destination.Length + read > MaxDocumentBytes)
            {
                throw new DocumentTextException(
                    $"{Describe(Kind.None, fileName)} is larger than {MaxDocumentBytes / (1024 * 1024)} MB; it is indexed by its name only.");
            }
            destination.Write(buffer, 0, read);
        }
    }

    private static string Describe(Kind kind, string? fileName)
    {
        var what = kind switch
        {
            Kind.Pdf => "The PDF attachment",
            Kind.Word => "The Word attachment",
            Kind.Excel => "The Excel attachment",
            Kind.PowerPoint => "The PowerPoint attachment",
            _ => "The attachment",
        };
        return fileName is null ? what : $"{what} '{fileName}'";
    }

    /// <summary>Collects words up to a limit, with a space between runs and blocks.</summary>
    private sealed class TextCollector(int maxChars)
    {
        private readonly StringBuilder _text = new();

        public bool Full => _text.Length >= maxChars;

        /// <summary>Adds a run of text; false once the limit is reached.</summary>
        public bool Add(string run)
        {
            var room = maxChars - _text.Length;
            if (room <= 0)
            {
                return false;
            }
            _text.Append(run.Length <= room ? run : run[..room]);
            return !Full;
        }

        public void Break()
        {
            if (_text.Length > 0 && _text.Length < maxChars && _text[^1] != ' ')
            {
                _text.Append(' ');
            }
        }

        public override string ToString() => _text.ToString();
    }
}

/// <summary>A PDF or Office attachment whose text cannot be read; the message says which and why.</summary>
public sealed class DocumentTextException(string message, Exception? inner = null) : Exception(message, inner);
