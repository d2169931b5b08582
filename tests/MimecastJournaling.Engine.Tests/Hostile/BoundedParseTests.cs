using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Parsing;
using MimecastJournaling.Engine.Tests.Parsing;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>Issue 15 item 4: the header guard at every depth and encoding, and a parse time budget that quarantines.</summary>
public sealed class BoundedParseTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly SqliteJournalArchive _archive;

    public BoundedParseTests()
    {
        _archive = new SqliteJournalArchive(_temp.Store.Database);
        _temp.Configuration.RegisterDomain("contoso.com");
        _temp.Configuration.AddInternalAddress("bob@contoso.com");
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>A header folded over many short lines (synthetic).</summary>
    private static string FoldedHeader(int bytes)
    {
        var text = new StringBuilder("X-Folded: start\r\n");
        while (text.Length < bytes)
        {
            text.Append(" f\r\n");
        }
        return text.ToString();
    }

    /// <summary>A journal report whose original is a base64-encoded .eml with a 3.3 MB folded header (row 5 of issue 15).</summary>
    private static byte[] ReportWithBase64OriginalWithHugeHeader()
    {
        var original = FoldedHeader(3_300_000) + "From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: big\r\nMessage-ID: <hostile-huge-header@contoso.com>\r\n\r\nhello\r\n";
        var encoded = Convert.ToBase64String(Encoding.ASCII.GetBytes(original), Base64FormattingOptions.InsertLineBreaks);
        var report = new StringBuilder()
            .Append("From: Microsoft Exchange <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>\r\n")
            .Append("To: journal@journal.contoso.com\r\nSubject: big\r\nMessage-ID: <hostile-report@journal.report.generator>\r\n")
            .Append("X-MS-Journal-Report:\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n")
            .Append("--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n")
            .Append("Sender: alice@contoso.com\r\nSubject: big\r\nMessage-Id: <hostile-huge-header@contoso.com>\r\nTo: bob@contoso.com\r\n\r\n")
            .Append("--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            .Append(encoded).Append("\r\n--b--\r\n");
        return Encoding.ASCII.GetBytes(report.ToString());
    }

    [Fact]
    public void A_base64_original_with_an_oversized_header_block_is_kept_unparsed_with_a_defect_and_the_envelope_is_still_read()
    {
        var report = JournalReportParser.Parse(ReportWithBase64OriginalWithHugeHeader());

        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal(["bob@contoso.com"], report.Recipients.Select(r => r.Address));
        Assert.Contains(report.Defects, d => d.StartsWith("The attached original message has a header block larger than 512 KiB", StringComparison.Ordinal));
        Assert.True(report.OriginalMessage!.Size > 3_300_000);
    }

    [Fact]
    public void A_parse_over_its_budget_is_quarantined_with_the_reason_and_the_next_report_is_archived()
    {
        var definition = _temp.Configuration.NewDefinition(new DefinitionSettings { Description = "EXO", ServiceEmailAddress = "journal@journal.contoso.com" });
        // Just under the 512 KiB guard, folded over 125,000 lines. The budget is already spent when the
        // parse starts (zero), so the outcome does not depend on how fast this machine or a warm JIT
        // parses it: a 1 ms budget measured on one parse came out Archived when the test ran alone.
        var slow = Encoding.ASCII.GetBytes(FoldedHeader(500_000) + "From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: slow\r\n\r\nbody\r\n");
        var ingest = new JournalIngest(_temp.Store, _archive, _temp.Clock) { ParseTimeBudget = TimeSpan.Zero };
        var normal = new JournalIngest(_temp.Store, _archive, _temp.Clock);

        var quarantined = Assert.Single(ingest.Ingest(definition, [new IncomingReport(slow, "smtp:192.0.2.1", _temp.Clock.GetUtcNow())]));
        var archived = Assert.Single(normal.Ingest(definition, [new IncomingReport(Fixtures.Report("synthetic-bifurcated-fork1.eml"), "smtp:192.0.2.1", _temp.Clock.GetUtcNow())]));

        Assert.Equal(JournalOutcomeKind.Quarantined, quarantined.Outcome);
        Assert.Contains("Parsing took longer than its budget", quarantined.Reason);
        Assert.Equal(slow, _archive.GetReport(quarantined.ReportId));
        Assert.Equal(JournalOutcomeKind.Archived, archived.Outcome);
    }
}
