using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using MimecastJournaling.Engine.Search;
using MimeKit;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using D = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace MimecastJournaling.Engine.Tests.Search;

/// <summary>PDF and Office attachments: their words are indexed, and one that cannot be read is listed.</summary>
public sealed class DocumentTextExtractorTests
{
    private const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    private const string Pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

    [Fact]
    public void The_words_of_a_pdf_attachment_are_indexed_in_page_order()
    {
        var text = Extract(Message(("q3.pdf", "application/pdf", Pdf("Quarterly results for Fabrikam", "Second page mentions zebras"))));
        Assert.Null(text.Failure);
        Assert.Equal(["quarterly", "results", "for", "fabrikam", "second", "page", "mentions", "zebras"], SearchText.Tokens(text.AttachmentText));
        Assert.Equal("q3 pdf", text.AttachmentNames);
        Assert.True(text.HasAttachment);
    }

    [Fact]
    public void Word_text_of_body_header_and_footer_is_indexed_with_paragraphs_apart()
    {
        var text = Extract(Message(("memo.docx", Docx, Word(["Merger", " talks"], ["continue", "d tomorrow"], header: "Confidential", footer: "Page one"))));
        Assert.Null(text.Failure);
        var tokens = SearchText.Tokens(text.AttachmentText);
        // Runs of one paragraph join without a space ("continue" + "d"); paragraphs are apart.
        Assert.Equal(["merger", "talks", "continued", "tomorrow", "confidential", "page", "one"], tokens);
    }

    [Fact]
    public void Excel_shared_and_inline_strings_and_powerpoint_slides_and_notes_are_indexed()
    {
        var text = Extract(Message(
            ("budget.xlsx", Xlsx, Excel(shared: ["Revenue", "Forecast"], inline: "Kumquat")),
            ("deck.pptx", Pptx, PowerPoint(slide: "Roadmap narwhal", notes: "Speaker okapi"))));
        Assert.Null(text.Failure);
        var tokens = SearchText.Tokens(text.AttachmentText);
        foreach (var word in new[] { "revenue", "forecast", "kumquat", "roadmap", "narwhal", "speaker", "okapi" })
        {
            Assert.Contains(word, tokens);
        }
    }

    [Fact]
    public void An_office_document_sent_as_octet_stream_is_recognised_by_its_extension()
    {
        var text = Extract(Message(("memo.docx", "application/octet-stream", Word(["Platypus"], ["sighted"]))));
        Assert.Contains("platypus", SearchText.Tokens(text.AttachmentText));
        // The same bytes named .bin are an opaque attachment: indexed by name only, and that is no failure.
        var opaque = Extract(Message(("memo.bin", "application/octet-stream", Word(["Platypus"], ["sighted"]))));
        Assert.DoesNotContain("platypus", SearchText.Tokens(opaque.AttachmentText));
        Assert.Null(opaque.Failure);
    }

    [Fact]
    public void A_damaged_document_is_listed_as_the_failure_and_the_rest_is_still_indexed()
    {
        var pdf = Pdf("Intact words");
        var text = Extract(Message(
            ("broken.pdf", "application/pdf", Encoding.ASCII.GetBytes("%PDF-1.7\nthis is not a pdf at all")),
            ("broken.docx", Docx, new byte[] { 0x50, 0x4B, 0x03, 0x04, 1, 2, 3 }),
            ("fine.pdf", "application/pdf", pdf)));
        Assert.NotNull(text.Failure);
        Assert.Contains("The PDF attachment 'broken.pdf' cannot be read", text.Failure);
        Assert.Contains("The Word attachment 'broken.docx' cannot be read", text.Failure);
        Assert.Equal("lunch plans", text.Subject);
        Assert.Contains("hello", SearchText.Tokens(text.Body));
        Assert.Contains("intact", SearchText.Tokens(text.AttachmentText));
        Assert.Equal("broken pdf broken docx fine pdf", text.AttachmentNames);
    }

    [Fact]
    public void A_zip_bomb_part_is_refused_by_its_expanded_size_and_named()
    {
        // A .docx whose document.xml expands far beyond the part limit: it compresses to a few hundred KB.
        using var bomb = new MemoryStream();
        using (var zip = new ZipArchive(bomb, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""");
            Write(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>""");
            var entry = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize);
            using var xml = new StreamWriter(entry.Open());
            xml.Write("""<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>""");
            var filler = new string('a', 1024 * 1024);
            for (var i = 0; i < (DocumentTextExtractor.MaxPartCharacters / filler.Length) + 2; i++)
            {
                xml.Write(filler);
            }
            xml.Write("</w:t></w:r></w:p></w:body></w:document>");
        }
        var text = Extract(Message(("bomb.docx", Docx, bomb.ToArray())));
        Assert.NotNull(text.Failure);
        Assert.Contains("The Word attachment 'bomb.docx' cannot be read", text.Failure);
        Assert.True(text.AttachmentText.Length <= SearchTextExtractor.MaxAttachmentTextChars);
    }

    [Fact]
    public void A_document_over_the_size_limit_is_indexed_by_name_with_the_reason()
    {
        var big = new byte[DocumentTextExtractor.MaxDocumentBytes + 1];
        Pdf("x").CopyTo(big, 0);
        var text = Extract(Message(("huge.pdf", "application/pdf", big)));
        Assert.Contains("'huge.pdf' is larger than 32 MB; it is indexed by its name only", text.Failure);
        Assert.Equal("huge pdf", text.AttachmentNames);
    }

    [Fact]
    public void The_text_of_a_long_document_stops_at_the_attachment_text_limit()
    {
        var paragraphs = Enumerable.Range(0, 40_000).Select(i => new[] { $"word{i} " }).ToArray();
        var text = Extract(Message(("long.docx", Docx, Word(paragraphs, null, null))));
        Assert.Null(text.Failure);
        Assert.InRange(text.AttachmentText.Length, SearchTextExtractor.MaxAttachmentTextChars / 2, SearchTextExtractor.MaxAttachmentTextChars);
        Assert.StartsWith("word0 word1 ", text.AttachmentText);
    }

    private static IndexedText Extract(MimeMessage message)
    {
        using var raw = new MemoryStream();
        message.WriteTo(raw);
        return SearchTextExtractor.Extract(1, raw.ToArray(), message.Subject);
    }

    private static MimeMessage Message(params (string Name, string Type, byte[] Content)[] attachments)
    {
        var body = new BodyBuilder { TextBody = "Hello, see attached." };
        foreach (var (name, type, content) in attachments)
        {
            body.Attachments.Add(name, content, ContentType.Parse(type));
        }
        var message = new MimeMessage { Subject = "lunch plans", Body = body.ToMessageBody() };
        message.From.Add(MailboxAddress.Parse("alice@contoso.com"));
        message.To.Add(MailboxAddress.Parse("bob@contoso.com"));
        return message;
    }

    private static byte[] Pdf(params string[] pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var line in pages)
        {
            var page = builder.AddPage(PageSize.A4);
            page.AddText(line, 12, new PdfPoint(40, 700), font);
        }
        return builder.Build();
    }

    private static byte[] Word(string[][] paragraphs, string? header = null, string? footer = null)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new W.Document(new W.Body(paragraphs.Select(runs =>
                new W.Paragraph(runs.Select(run => new W.Run(new W.Text(run) { Space = SpaceProcessingModeValues.Preserve }))))));
            if (header is not null)
            {
                main.AddNewPart<HeaderPart>().Header = new W.Header(new W.Paragraph(new W.Run(new W.Text(header))));
            }
            if (footer is not null)
            {
                main.AddNewPart<FooterPart>().Footer = new W.Footer(new W.Paragraph(new W.Run(new W.Text(footer))));
            }
        }
        return stream.ToArray();
    }

    private static byte[] Word(string[] first, string[] second, string? header = null, string? footer = null) =>
        Word([first, second], header, footer);

    private static byte[] Excel(string[] shared, string inline)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new S.Workbook();
            var strings = workbook.AddNewPart<SharedStringTablePart>();
            strings.SharedStringTable = new S.SharedStringTable(shared.Select(s => new S.SharedStringItem(new S.Text(s))));
            var sheet = workbook.AddNewPart<WorksheetPart>();
            var row = new S.Row(
                shared.Select((_, i) => new S.Cell { DataType = S.CellValues.SharedString, CellValue = new S.CellValue(i.ToString()) })
                    .Append(new S.Cell(new S.InlineString(new S.Text(inline))) { DataType = S.CellValues.InlineString }));
            sheet.Worksheet = new S.Worksheet(new S.SheetData(row));
            workbook.Workbook.AppendChild(new S.Sheets(new S.Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "Budget" }));
        }
        return stream.ToArray();
    }

    private static byte[] PowerPoint(string slide, string notes)
    {
        using var stream = new MemoryStream();
        using (var document = PresentationDocument.Create(stream, PresentationDocumentType.Presentation))
        {
            var presentation = document.AddPresentationPart();
            presentation.Presentation = new P.Presentation();
            var slidePart = presentation.AddNewPart<SlidePart>();
            slidePart.Slide = new P.Slide(new P.CommonSlideData(new P.ShapeTree(Shape(slide))));
            var notesPart = slidePart.AddNewPart<NotesSlidePart>();
            notesPart.NotesSlide = new P.NotesSlide(new P.CommonSlideData(new P.ShapeTree(Shape(notes))));
        }
        return stream.ToArray();
    }

    private static P.Shape Shape(string text) =>
        new(new P.TextBody(new D.BodyProperties(), new D.Paragraph(new D.Run(new D.Text(text)))));

    private static void Write(ZipArchive zip, string name, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(content);
    }
}
