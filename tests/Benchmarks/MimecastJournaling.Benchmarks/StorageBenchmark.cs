using System.Diagnostics;
using System.Globalization;
using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Benchmarks;

/// <summary>
/// Archive storage on a mail-like corpus (issue 9, "each message stored once"): unique messages
/// with text bodies drawn from a large vocabulary, one in five with an incompressible attachment,
/// each wrapped into an Exchange envelope journal report as Exchange writes them, ingested through
/// the real path (parse, decide, merge, archive) into a SQLite store. Prints the raw bytes
/// received, the stored bytes (the archive file, and the sum of its blobs), and what compressing
/// each message once with the archive's codec gives; target: stored at most 1.1 times that.
/// Run: <c>dotnet run -c Release --project tests/Benchmarks/MimecastJournaling.Benchmarks -- storage [--reports 10000]</c>.
/// </summary>
public static class StorageBenchmark
{
    public const double Target = 1.1;

    public static int Run(string[] args)
    {
        var reports = 10_000;
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--reports")
            {
                reports = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }
        var directory = Path.Combine(Path.GetTempPath(), "mj-storage-bench-" + Guid.NewGuid().ToString("n"));
        var path = Path.Combine(directory, "journaling.db");
        try
        {
            long raw = 0, once = 0, wholeReports = 0;
            var clock = TimeProvider.System;
            var watch = new Stopwatch();
            using (var store = new SqliteJournalStore(path))
            {
                var configuration = new JournalConfiguration(store, "bench", clock);
                configuration.RegisterDomain("contoso.com");
                var definition = configuration.NewDefinition(new DefinitionSettings
                {
                    Description = "storage bench",
                    ServiceEmailAddress = "journal@journal.contoso.com",
                    JournalNonInternalAddresses = true,
                    JournalUnknownInternalAddresses = true,
                });
                var archive = new SqliteJournalArchive(store.Database);
                var ingest = new JournalIngest(store, archive, clock);
                var corpus = new MailCorpus(seed: 20_261_202);
                const int batchSize = 100;
                for (var start = 0; start < reports; start += batchSize)
                {
                    var batch = new List<IncomingReport>(batchSize);
                    for (var i = start; i < Math.Min(reports, start + batchSize); i++)
                    {
                        var (report, original) = corpus.Next(i);
                        raw += report.Length;
                        once += BlobCodec.Compress(original).Length;
                        // What the archive kept before: the report and its original, each compressed on its own.
                        wholeReports += BlobCodec.Compress(report).Length;
                        batch.Add(new IncomingReport(report, "smtp:192.0.2.10", clock.GetUtcNow()));
                    }
                    watch.Start();
                    var outcomes = ingest.Ingest(definition, batch);
                    watch.Stop();
                    if (outcomes.Any(o => o.Outcome != JournalOutcomeKind.Archived))
                    {
                        throw new InvalidOperationException($"A corpus report was not archived as a new item: {outcomes.First(o => o.Outcome != JournalOutcomeKind.Archived).Outcome}.");
                    }
                }
                var spotChecks = CheckRoundTrips(archive, corpus, reports);
                var blobs = store.Database.Query(
                    "SELECT codec, count(*), sum(length(data)) FROM blobs GROUP BY codec ORDER BY codec",
                    r => (Codec: r.GetString(0), Count: r.GetInt64(1), Bytes: r.GetInt64(2)));
                store.Database.Query("PRAGMA wal_checkpoint(TRUNCATE)", r => 0);
                var pageBytes = store.Database.Query("PRAGMA page_size", r => r.GetInt64(0)).Single();
                var pageCount = store.Database.Query("PRAGMA page_count", r => r.GetInt64(0)).Single();
                var freePages = store.Database.Query("PRAGMA freelist_count", r => r.GetInt64(0)).Single();
                var blobBytes = blobs.Sum(b => b.Bytes);
                var fileBytes = new[] { path, path + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
                var originals = store.Database.Query("SELECT count(*), sum(length(b.data)) FROM items i JOIN blobs b ON b.hash = i.original_hash",
                    r => (Count: r.GetInt64(0), Bytes: r.GetInt64(1))).Single();
                var before = wholeReports + originals.Bytes;

                Console.WriteLine();
                Console.WriteLine($"Archive storage, {reports:N0} mail-like journal reports (one in five with an incompressible attachment)");
                Console.WriteLine($"  raw bytes received                         {raw,15:N0}");
                Console.WriteLine($"  each message compressed once (archive codec) {once,13:N0}  ({Percent(once, raw)} of raw)");
                Console.WriteLine($"  stored: sum of blob sizes                  {blobBytes,15:N0}  ({Percent(blobBytes, raw)} of raw, {Ratio(blobBytes, once)} x once)");
                foreach (var b in blobs)
                {
                    Console.WriteLine($"    codec {b.Codec,-14} {b.Count,8:N0} blobs {b.Bytes,15:N0}  (mean {b.Bytes / Math.Max(1, b.Count):N0})");
                }
                Console.WriteLine($"  stored: archive file (after checkpoint)    {fileBytes,15:N0}  ({Percent(fileBytes, raw)} of raw, {Ratio(fileBytes, once)} x once)");
                // Beyond the blobs: the rows and indexes of items, reports, recipients and mailboxes, and
                // the room SQLite leaves in pages (a blob's last part shares a leaf page with few others).
                Console.WriteLine($"    {pageCount:N0} pages of {pageBytes:N0} bytes, {freePages:N0} free; {(fileBytes - blobBytes) / reports:N0} bytes per report beyond the blobs");
                Console.WriteLine($"  before (whole reports + originals, blobs)  {before,15:N0}  ({Percent(before, raw)} of raw, {Ratio(before, once)} x once)");
                Console.WriteLine($"  ingest (parse, residue, commit)            {reports / watch.Elapsed.TotalSeconds,15:N0} reports/s");
                Console.WriteLine($"  byte-for-byte read-back checks             {spotChecks,15:N0} reports");
                var verdict = blobBytes <= Target * once ? "met" : "MISSED";
                Console.WriteLine($"  target: blobs <= {Target} x once: {verdict}; archive file {(fileBytes <= Target * once ? "within" : "above")} {Target} x once");
                return blobBytes <= Target * once ? 0 : 1;
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Every 50th report (and the last) read back through GetReport, compared with the bytes received.</summary>
    private static int CheckRoundTrips(SqliteJournalArchive archive, MailCorpus corpus, int reports)
    {
        var outcomes = archive.GetOutcomes(new JournalOutcomeQuery()).OrderBy(o => o.ReportId).ToList();
        var checks = 0;
        foreach (var i in Enumerable.Range(0, reports).Where(i => i % 50 == 0 || i == reports - 1))
        {
            var (report, _) = corpus.Next(i);
            if (!report.AsSpan().SequenceEqual(archive.GetReport(outcomes[i].ReportId)))
            {
                throw new InvalidOperationException($"Report {i} does not read back byte for byte.");
            }
            checks++;
        }
        return checks;
    }

    private static string Percent(long part, long whole) => (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static string Ratio(long part, long whole) => ((double)part / whole).ToString("F3", CultureInfo.InvariantCulture);
}

/// <summary>
/// A deterministic mail-like corpus: report <c>i</c> is the same bytes every time it is asked for.
/// Bodies are sentences of words from a 30,000-word vocabulary with a Zipf-like frequency (as
/// natural text has); one message in five carries an attachment of random bytes (a compressed
/// file or a photo does not compress again) in base64, 20 to 150 KB.
/// </summary>
public sealed class MailCorpus
{
    private readonly int _seed;
    private readonly string[] _vocabulary;
    private readonly double[] _cumulative;
    private static readonly string[] People =
        ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yolanda"];

    public MailCorpus(int seed)
    {
        _seed = seed;
        var random = new Random(seed);
        const string letters = "etaoinshrdlcumwfgypbvkjxqz";
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < 30_000)
        {
            var length = 2 + (int)(random.NextDouble() * random.NextDouble() * 12);
            var word = new char[length];
            for (var c = 0; c < length; c++)
            {
                word[c] = letters[(int)(letters.Length * random.NextDouble() * random.NextDouble())];
            }
            words.Add(new string(word));
        }
        _vocabulary = words.ToArray();
        _cumulative = new double[_vocabulary.Length];
        var sum = 0.0;
        for (var rank = 0; rank < _vocabulary.Length; rank++)
        {
            sum += 1.0 / (rank + 1);
            _cumulative[rank] = sum;
        }
    }

    private string Word(Random random)
    {
        var index = Array.BinarySearch(_cumulative, random.NextDouble() * _cumulative[^1]);
        return _vocabulary[index < 0 ? Math.Min(~index, _vocabulary.Length - 1) : index];
    }

    /// <summary>Journal report <paramref name="i"/> and the original it carries.</summary>
    public (byte[] Report, byte[] Original) Next(int i)
    {
        var random = new Random(unchecked(_seed * 1_000_003 + i)); // not HashCode: it differs per process
        var from = People[random.Next(People.Length)];
        var to = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => People[random.Next(People.Length)]).Distinct().ToList();
        var cc = random.Next(3) == 0 ? Enumerable.Range(0, 1 + random.Next(4)).Select(_ => People[random.Next(People.Length)] + "@fabrikam.example").ToList() : [];
        var subject = string.Join(' ', Enumerable.Range(0, 3 + random.Next(6)).Select(_ => Word(random)));
        var sent = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i * 37L + random.Next(30));
        var messageId = $"{NewGuid(random):N}{i}@mbx{random.Next(40)}.contoso.com";
        var date = sent.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000";

        var body = new StringBuilder();
        var target = 1_000 + random.Next(15_000);
        while (body.Length < target)
        {
            var sentence = string.Join(' ', Enumerable.Range(0, 4 + random.Next(14)).Select(_ => Word(random)));
            body.Append(char.ToUpperInvariant(sentence[0])).Append(sentence, 1, sentence.Length - 1).Append(". ");
            if (random.Next(5) == 0)
            {
                body.Append("\r\n\r\n");
            }
        }
        var text = Wrap(body.ToString(), 76);

        var original = new StringBuilder()
            .Append("Received: from mbx").Append(random.Next(40)).Append(".contoso.com (10.1.").Append(random.Next(256)).Append('.').Append(random.Next(256))
            .Append(") by hub").Append(random.Next(8)).Append(".contoso.com (10.2.0.").Append(random.Next(256)).Append(") with Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.11; ").Append(date).Append("\r\n")
            .Append("From: ").Append(Title(from)).Append(" <").Append(from).Append("@contoso.com>\r\n")
            .Append("To: ").Append(string.Join(", ", to.Select(t => $"{Title(t)} <{t}@contoso.com>"))).Append("\r\n");
        if (cc.Count > 0)
        {
            original.Append("CC: ").Append(string.Join(", ", cc)).Append("\r\n");
        }
        original.Append("Subject: ").Append(subject).Append("\r\n")
            .Append("Thread-Topic: ").Append(subject).Append("\r\n")
            .Append("Date: ").Append(date).Append("\r\n")
            .Append("Message-ID: <").Append(messageId).Append(">\r\n")
            .Append("Accept-Language: en-US\r\nContent-Language: en-US\r\nX-MS-Has-Attach: ").Append(i % 5 == 0 ? "yes" : string.Empty).Append("\r\n")
            .Append("MIME-Version: 1.0\r\n");
        if (i % 5 == 0)
        {
            var attachment = new byte[20_000 + random.Next(130_000)];
            random.NextBytes(attachment);
            var boundary = $"_{NewGuid(random)}_";
            original.Append("Content-Type: multipart/mixed;\r\n\tboundary=\"").Append(boundary).Append("\"\r\n\r\n")
                .Append("--").Append(boundary).Append("\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
                .Append(text).Append("\r\n\r\n--").Append(boundary).Append("\r\n")
                .Append("Content-Type: application/octet-stream; name=\"figures-").Append(i).Append(".zip\"\r\n")
                .Append("Content-Disposition: attachment; filename=\"figures-").Append(i).Append(".zip\"\r\n")
                .Append("Content-Transfer-Encoding: base64\r\n\r\n")
                .Append(Wrap(Convert.ToBase64String(attachment), 76, hard: true)).Append("\r\n\r\n--").Append(boundary).Append("--\r\n");
        }
        else
        {
            original.Append("Content-Type: text/plain; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n").Append(text).Append("\r\n");
        }
        var originalBytes = Encoding.ASCII.GetBytes(original.ToString());

        // The report as Exchange writes it (see tests/Fixtures/Reports and shared/eej-samples).
        var reportBoundary = $"_{NewGuid(random)}_";
        var envelope = new StringBuilder()
            .Append("Sender: ").Append(from).Append("@contoso.com\r\nSubject: ").Append(subject).Append("\r\nMessage-Id: <").Append(messageId).Append(">\r\n");
        foreach (var t in to)
        {
            envelope.Append("To: ").Append(t).Append("@contoso.com\r\n");
        }
        foreach (var c in cc)
        {
            envelope.Append("Cc: ").Append(c).Append("\r\n");
        }
        if (random.Next(4) == 0)
        {
            envelope.Append("Bcc: ").Append(People[random.Next(People.Length)]).Append("@contoso.com, Expanded: team").Append(random.Next(20)).Append("@contoso.com\r\n");
        }
        var report = new StringBuilder()
            .Append("Received: from hub").Append(random.Next(8)).Append(".contoso.com (10.2.0.").Append(random.Next(256)).Append(") by journal.contoso.com with ESMTPS; ").Append(date).Append("\r\n")
            .Append("Subject: ").Append(subject).Append("\r\n")
            .Append("From: ").Append(Title(from)).Append(" <").Append(from).Append("@contoso.com>\r\n")
            .Append("To: ").Append(string.Join(", ", to.Select(t => $"{Title(t)} <{t}@contoso.com>"))).Append("\r\n")
            .Append("Sender: <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>\r\n")
            .Append("Message-ID: <").Append(NewGuid(random)).Append("@journal.report.generator>\r\n")
            .Append("Date: ").Append(date).Append("\r\n")
            .Append("Content-Type: multipart/mixed;\r\n\tboundary=\"").Append(reportBoundary).Append("\"\r\n")
            .Append("X-MS-Journal-Report:\r\nX-MS-Exchange-Parent-Message-Id: <").Append(messageId).Append(">\r\n")
            .Append("Auto-Submitted: auto-generated\r\nX-MS-Exchange-Generated-Message-Source: Journal Agent\r\nMIME-Version: 1.0\r\n\r\n")
            .Append("--").Append(reportBoundary).Append("\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
            .Append(envelope).Append("\r\n--").Append(reportBoundary).Append("\r\nContent-Type: message/rfc822\r\n\r\n");
        var tail = "\r\n--" + reportBoundary + "--\r\n";
        byte[] reportBytes = [.. Encoding.ASCII.GetBytes(report.ToString()), .. originalBytes, .. Encoding.ASCII.GetBytes(tail)];
        return (reportBytes, originalBytes);
    }

    private static Guid NewGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static string Title(string name) => char.ToUpperInvariant(name[0]) + name[1..] + " Example";

    /// <summary>Lines of at most <paramref name="width"/> characters, broken at spaces (or anywhere, for base64).</summary>
    private static string Wrap(string text, int width, bool hard = false)
    {
        var output = new StringBuilder(text.Length + text.Length / width * 2);
        foreach (var paragraph in text.Split("\r\n"))
        {
            var rest = paragraph;
            while (rest.Length > width)
            {
                var cut = hard ? width : rest.LastIndexOf(' ', width);
                cut = cut <= 0 ? width : cut;
                output.Append(rest, 0, cut).Append("\r\n");
                rest = hard ? rest[cut..] : rest[cut..].TrimStart(' ');
            }
            output.Append(rest).Append("\r\n");
        }
        return output.ToString(0, output.Length - 2);
    }
}
