using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Tests.Parsing;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Archive;

/// <summary>
/// Each message stored once in the SQLite archive: a report's blob holds its residue, every
/// report (archived, merged, duplicate, rejected, quarantined) still reads back byte for byte,
/// and a store written before (whole reports) still reads.
/// </summary>
public sealed class ReportStorageTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly SqliteJournalArchive _archive;
    private readonly JournalIngest _ingest;

    public ReportStorageTests()
    {
        _archive = new SqliteJournalArchive(_temp.Store.Database);
        _ingest = new JournalIngest(_temp.Store, _archive, _temp.Clock);
        _temp.Configuration.RegisterDomain("contoso.com");
        foreach (var mailbox in new[] { "alice@contoso.com", "bob@contoso.com", "dave@contoso.com" })
        {
            _temp.Configuration.AddInternalAddress(mailbox);
        }
    }

    public void Dispose() => _temp.Dispose();

    private JournalDefinition Definition(bool acceptNonInternal = true) =>
        _temp.Configuration.NewDefinition(new DefinitionSettings
        {
            Description = "EXO " + Guid.NewGuid().ToString("n")[..6],
            ServiceEmailAddress = $"j{Guid.NewGuid():n}@journal.contoso.com",
            JournalNonInternalAddresses = acceptNonInternal,
        });

    private List<(string Codec, long Size, long Stored)> ReportBlobs() => _temp.Store.Database.Query(
        "SELECT b.codec, b.size, length(b.data) FROM reports r JOIN blobs b ON b.hash = r.raw_hash ORDER BY r.id",
        r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2)));

    [Fact]
    public void Every_fixture_report_reads_back_byte_for_byte_and_archived_ones_are_stored_as_residues()
    {
        var files = Fixtures.AllReports().ToList();
        var raws = files.Select(File.ReadAllBytes).ToList();
        // Twice: the second round is merges and duplicates of the first.
        var incoming = raws.Concat(raws).Select((raw, i) => new IncomingReport(raw, $"file:{i}", _temp.Clock.GetUtcNow())).ToList();
        var outcomes = _ingest.Ingest(Definition(), incoming);

        Assert.Equal(incoming.Count, outcomes.Count);
        for (var i = 0; i < outcomes.Count; i++)
        {
            Assert.True(incoming[i].Raw.Span.SequenceEqual(_archive.GetReport(outcomes[i].ReportId)),
                $"{Path.GetFileName(files[i % files.Count])} ({outcomes[i].Outcome}) did not read back byte for byte");
        }
        Assert.Contains(outcomes, o => o.Outcome == JournalOutcomeKind.Duplicate);
        var blobs = ReportBlobs();
        // Every report of an item that has an original other than itself refers to it instead of holding it.
        var withOriginal = outcomes.Select((o, i) => (o, i)).Where(x => x.o.ItemId is not null && x.o.Format != "Standard"
            && Engine.Parsing.JournalReportParser.Parse(incoming[x.i].Raw).OriginalMessage is not null).ToList();
        Assert.NotEmpty(withOriginal);
        Assert.All(withOriginal, x => Assert.Equal(ReportBlob.ResidueCodec, blobs[x.i].Codec));
    }

    [Fact]
    public void A_mail_like_report_costs_little_more_than_its_compressed_original()
    {
        var original = MailLike(40_000);
        var raw = Report(original);
        var outcome = Assert.Single(_ingest.Ingest(Definition(), [new IncomingReport(raw, "smtp:192.0.2.7", _temp.Clock.GetUtcNow())]));
        Assert.Equal(JournalOutcomeKind.Archived, outcome.Outcome);

        var report = Assert.Single(ReportBlobs());
        Assert.Equal(ReportBlob.ResidueCodec, report.Codec);
        Assert.Equal(raw.Length, report.Size);
        var total = _temp.Store.Database.Query("SELECT sum(length(data)) FROM blobs", r => r.GetInt64(0)).Single();
        var once = BlobCodec.Compress(original).Length;
        // Before: the report and the original, each compressed (about twice "once").
        Assert.InRange(total, once, (long)(once * 1.1));
        Assert.Equal(raw, _archive.GetReport(outcome.ReportId));
        Assert.Equal(original, _archive.GetOriginal(outcome.ItemId!.Value));
    }

    [Fact]
    public void Rejected_and_quarantined_reports_are_kept_whole_and_read_back()
    {
        var garbage = Encoding.ASCII.GetBytes("\u0001\u0002 this is not mail\r\n");
        var external = Report(MailLike(5_000), sender: "mallory@fabrikam.example", recipient: "someone@fabrikam.example");
        var outcomes = _ingest.Ingest(Definition(acceptNonInternal: false), [
            new IncomingReport(garbage, "smtp:192.0.2.7", _temp.Clock.GetUtcNow()),
            new IncomingReport(external, "smtp:192.0.2.7", _temp.Clock.GetUtcNow()),
        ]);

        Assert.Equal([JournalOutcomeKind.Quarantined, JournalOutcomeKind.Rejected], outcomes.Select(o => o.Outcome));
        Assert.All(ReportBlobs(), b => Assert.Equal(BlobCodec.Brotli, b.Codec));
        Assert.Equal(garbage, _archive.GetReport(outcomes[0].ReportId));
        Assert.Equal(external, _archive.GetReport(outcomes[1].ReportId));
    }

    [Fact]
    public void A_store_written_before_residues_still_reads()
    {
        var raw = Report(MailLike(8_000));
        var outcome = Assert.Single(_ingest.Ingest(Definition(), [new IncomingReport(raw, "smtp:192.0.2.7", _temp.Clock.GetUtcNow())]));
        // What the archive wrote before: the whole report, Brotli-compressed, under the same key.
        _temp.Store.Database.Write((c, t) => Storage.SqliteDatabase.Execute(c, t,
            "UPDATE blobs SET codec = $codec, data = $data WHERE hash = (SELECT raw_hash FROM reports WHERE id = $id)",
            ("$codec", BlobCodec.Brotli), ("$data", BlobCodec.Compress(raw)), ("$id", outcome.ReportId)));

        Assert.Equal(BlobCodec.Brotli, Assert.Single(ReportBlobs()).Codec);
        Assert.Equal(raw, _archive.GetReport(outcome.ReportId));
    }

    [Fact]
    public void A_report_whose_original_blob_is_damaged_fails_loudly_instead_of_returning_other_bytes()
    {
        var original = MailLike(8_000);
        var outcome = Assert.Single(_ingest.Ingest(Definition(), [new IncomingReport(Report(original), "smtp:192.0.2.7", _temp.Clock.GetUtcNow())]));
        var changed = (byte[])original.Clone();
        changed[^10] ^= 0x01;
        _temp.Store.Database.Write((c, t) => Storage.SqliteDatabase.Execute(c, t,
            "UPDATE blobs SET data = $data WHERE hash = $h", ("$data", BlobCodec.Compress(changed)), ("$h", ContentFingerprint.Sha256(original))));

        Assert.Throws<InvalidDataException>(() => _archive.GetReport(outcome.ReportId));
    }

    [Fact]
    public void A_message_that_is_itself_a_stored_report_reads_back_through_both_residues()
    {
        // Report A carries original O; report B carries report A as its original (a report forwarded
        // as a message). A's blob is a residue, so B's original and B's report are rebuilt through it.
        var o = MailLike(6_000);
        var a = Report(o);
        var b = Report(a);
        ArchiveSubmission Submission(byte[] raw, byte[] original, string messageId) => new()
        {
            Received = _temp.Clock.GetUtcNow(),
            Source = "smtp:192.0.2.7",
            RawReport = raw,
            Disposition = ArchiveDisposition.Accept,
            MessageId = messageId,
            Original = original,
            Mailboxes = ["alice@contoso.com"],
        };
        var outcomes = _archive.Store([Submission(a, o, "a@contoso.com"), Submission(b, a, "b@contoso.com")]);

        Assert.All(ReportBlobs(), r => Assert.Equal(ReportBlob.ResidueCodec, r.Codec));
        Assert.Equal(a, _archive.GetReport(outcomes[0].ReportId));
        Assert.Equal(b, _archive.GetReport(outcomes[1].ReportId));
        Assert.Equal(o, _archive.GetOriginal(outcomes[0].ItemId!.Value));
        Assert.Equal(a, _archive.GetOriginal(outcomes[1].ItemId!.Value));
    }

    private static byte[] MailLike(int bodyBytes)
    {
        var words = "budget forecast milestone rollout owner risk deadline scope review invoice contract shipment quarter approval".Split(' ');
        var random = new Random(bodyBytes);
        var text = new StringBuilder()
            .Append("Received: from mbx1.contoso.com (10.0.0.5) by hub1.contoso.com (10.0.0.6)\r\n")
            .Append("From: Alice Example <alice@contoso.com>\r\nTo: Bob Example <bob@contoso.com>\r\nSubject: Planning ").Append(bodyBytes).Append("\r\n")
            .Append("Date: Mon, 03 Mar 2025 09:15:00 +0000\r\nMessage-ID: <plan-").Append(bodyBytes).Append("@contoso.com>\r\n")
            .Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n\r\n");
        while (text.Length < bodyBytes)
        {
            text.Append(words[random.Next(words.Length)]).Append(random.Next(8) == 0 ? ".\r\n" : " ");
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static byte[] Report(byte[] original, string sender = "alice@contoso.com", string recipient = "bob@contoso.com")
    {
        var head = Encoding.ASCII.GetBytes(
            "From: Alice Example <alice@contoso.com>\r\nTo: Bob Example <bob@contoso.com>\r\nSubject: Planning\r\n" +
            "Sender: <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>\r\n" +
            "Message-ID: <0d7c1e8a-4b7e-4d35-9b0a-2f5a3c4d5e6f@journal.report.generator>\r\nX-MS-Journal-Report:\r\n" +
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"_b_\"\r\n\r\n" +
            "--_b_\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" +
            $"Sender: {sender}\r\nSubject: Planning\r\nMessage-Id: <plan-{original.Length}@contoso.com>\r\nTo: {recipient}\r\n\r\n" +
            "--_b_\r\nContent-Type: message/rfc822\r\n\r\n");
        return [.. head, .. original, .. "\r\n--_b_--\r\n"u8.ToArray()];
    }
}
