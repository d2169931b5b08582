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
/// The shape of a <see cref="MailCorpus"/>: how large its vocabulary is, who writes to whom, how
/// long the bodies are and how often a message carries an attachment (and of which kind).
/// </summary>
public sealed record MailCorpusShape
{
    /// <summary>The storage benchmark's corpus: 30,000 words, 20 people of contoso.com, one message in five with 20 to 150 KB of random bytes.</summary>
    public static MailCorpusShape Storage { get; } = new();

    /// <summary>
    /// The search benchmark's corpus (issue 11 item 4): 50,000 words, 3,000 addresses (2,400 of
    /// contoso.com and 600 in 40 outside domains, some far busier than others), bodies of 300 to
    /// 6,000 characters, one message in ten with an attachment of 2 to 30 KB (half of them text
    /// files of the same vocabulary, which the indexer reads, half random bytes, which it does not).
    /// </summary>
    public static MailCorpusShape Search { get; } = new()
    {
        Vocabulary = 50_000,
        InternalPeople = 2_400,
        ExternalPeople = 600,
        BodyMin = 300,
        BodyMax = 6_000,
        AttachmentEvery = 10,
        AttachmentMin = 2_000,
        AttachmentMax = 30_000,
        TextAttachments = true,
    };

    public int Vocabulary { get; init; } = 30_000;

    /// <summary>0: the 20 fixed names of contoso.com, drawn evenly; otherwise generated people, drawn with a Zipf-like frequency.</summary>
    public int InternalPeople { get; init; }
    public int ExternalPeople { get; init; }
    public int BodyMin { get; init; } = 1_000;
    public int BodyMax { get; init; } = 16_000;
    public int AttachmentEvery { get; init; } = 5;
    public int AttachmentMin { get; init; } = 20_000;
    public int AttachmentMax { get; init; } = 150_000;

    /// <summary>Every other attachment is a text file of vocabulary words rather than random bytes.</summary>
    public bool TextAttachments { get; init; }
}

/// <summary>
/// A deterministic mail-like corpus: report <c>i</c> is the same bytes every time it is asked for.
/// Bodies are sentences of words from a vocabulary with a Zipf-like frequency (as natural text
/// has); some messages carry an attachment (random bytes in base64: a compressed file or a photo
/// does not compress again; or, in the search shape, a text file). See <see cref="MailCorpusShape"/>.
/// </summary>
public sealed class MailCorpus
{
    private readonly int _seed;
    private readonly MailCorpusShape _shape;
    private readonly string[] _vocabulary;
    private readonly double[] _cumulative;
    private readonly (string Name, string Address)[] _people;
    private readonly double[] _peopleCumulative;
    private static readonly string[] People =
        ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yolanda"];

    public MailCorpus(int seed, MailCorpusShape? shape = null)
    {
        _seed = seed;
        _shape = shape ?? MailCorpusShape.Storage;
        var random = new Random(seed);
        const string letters = "etaoinshrdlcumwfgypbvkjxqz";
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < _shape.Vocabulary)
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
        _cumulative = Zipf(_vocabulary.Length);
        if (_shape.InternalPeople == 0)
        {
            _people = People.Select(p => (Title(p), p + "@contoso.com")).ToArray();
            _peopleCumulative = [];
        }
        else
        {
            // Names from two short syllable lists; the outside people live in 40 domains.
            string[] first = ["an", "ben", "cla", "da", "el", "fe", "gio", "ha", "is", "jo", "ka", "li", "ma", "no", "ol", "pa", "qui", "ro", "sa", "ti"];
            string[] second = ["na", "ra", "lo", "vi", "mir", "ton", "sen", "dra", "lia", "ko"];
            var people = new List<(string, string)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var names = new Random(seed + 1);
            while (people.Count < _shape.InternalPeople + _shape.ExternalPeople)
            {
                var given = first[names.Next(first.Length)] + second[names.Next(second.Length)];
                var family = first[names.Next(first.Length)] + second[names.Next(second.Length)] + second[names.Next(second.Length)];
                var external = people.Count >= _shape.InternalPeople;
                var domain = external ? $"partner{names.Next(40)}.example" : "contoso.com";
                var address = $"{given}.{family}@{domain}";
                if (seen.Add(address))
                {
                    people.Add((Capital(given) + " " + Capital(family), address));
                }
            }
            // Shuffled, so busy people are both inside and outside.
            _people = people.OrderBy(_ => names.Next()).ToArray();
            _peopleCumulative = Zipf(_people.Length);
        }
    }

    /// <summary>The people in the order of how often they appear (busiest first).</summary>
    public IReadOnlyList<(string Name, string Address)> Participants => _people;

    private static double[] Zipf(int count)
    {
        var cumulative = new double[count];
        var sum = 0.0;
        for (var rank = 0; rank < count; rank++)
        {
            sum += 1.0 / (rank + 1);
            cumulative[rank] = sum;
        }
        return cumulative;
    }

    private static int Draw(double[] cumulative, Random random)
    {
        var index = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
        return index < 0 ? Math.Min(~index, cumulative.Length - 1) : index;
    }

    private string Word(Random random) => _vocabulary[Draw(_cumulative, random)];

    private (string Name, string Address) Person(Random random) =>
        _peopleCumulative.Length == 0 ? _people[random.Next(_people.Length)] : _people[Draw(_peopleCumulative, random)];

    private string Sentences(Random random, int length)
    {
        var body = new StringBuilder();
        while (body.Length < length)
        {
            var sentence = string.Join(' ', Enumerable.Range(0, 4 + random.Next(14)).Select(_ => Word(random)));
            body.Append(char.ToUpperInvariant(sentence[0])).Append(sentence, 1, sentence.Length - 1).Append(". ");
            if (random.Next(5) == 0)
            {
                body.Append("\r\n\r\n");
            }
        }
        return Wrap(body.ToString(), 76);
    }

    /// <summary>Journal report <paramref name="i"/> and the original it carries.</summary>
    public (byte[] Report, byte[] Original) Next(int i)
    {
        var random = new Random(unchecked(_seed * 1_000_003 + i)); // not HashCode: it differs per process
        var from = Person(random);
        var to = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Person(random)).Distinct().ToList();
        var cc = random.Next(3) == 0
            ? Enumerable.Range(0, 1 + random.Next(4)).Select(_ => _peopleCumulative.Length == 0 ? People[random.Next(People.Length)] + "@fabrikam.example" : Person(random).Address).ToList()
            : [];
        var subject = string.Join(' ', Enumerable.Range(0, 3 + random.Next(6)).Select(_ => Word(random)));
        var sent = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i * 37L + random.Next(30));
        var messageId = $"{NewGuid(random):N}{i}@mbx{random.Next(40)}.contoso.com";
        var date = sent.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000";

        var text = Sentences(random, _shape.BodyMin + random.Next(_shape.BodyMax - _shape.BodyMin));
        var attached = i % _shape.AttachmentEvery == 0;

        var original = new StringBuilder()
            .Append("Received: from mbx").Append(random.Next(40)).Append(".contoso.com (10.1.").Append(random.Next(256)).Append('.').Append(random.Next(256))
            .Append(") by hub").Append(random.Next(8)).Append(".contoso.com (10.2.0.").Append(random.Next(256)).Append(") with Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.11; ").Append(date).Append("\r\n")
            .Append("From: ").Append(from.Name).Append(" <").Append(from.Address).Append(">\r\n")
            .Append("To: ").Append(string.Join(", ", to.Select(t => $"{t.Name} <{t.Address}>"))).Append("\r\n");
        if (cc.Count > 0)
        {
            original.Append("CC: ").Append(string.Join(", ", cc)).Append("\r\n");
        }
        original.Append("Subject: ").Append(subject).Append("\r\n")
            .Append("Thread-Topic: ").Append(subject).Append("\r\n")
            .Append("Date: ").Append(date).Append("\r\n")
            .Append("Message-ID: <").Append(messageId).Append(">\r\n")
            .Append("Accept-Language: en-US\r\nContent-Language: en-US\r\nX-MS-Has-Attach: ").Append(attached ? "yes" : string.Empty).Append("\r\n")
            .Append("MIME-Version: 1.0\r\n");
        if (attached)
        {
            var size = _shape.AttachmentMin + random.Next(_shape.AttachmentMax - _shape.AttachmentMin);
            var textAttachment = _shape.TextAttachments && i / _shape.AttachmentEvery % 2 == 0;
            byte[] attachment = [];
            if (!textAttachment)
            {
                attachment = new byte[size];
                random.NextBytes(attachment);
            }
            var boundary = $"_{NewGuid(random)}_";
            original.Append("Content-Type: multipart/mixed;\r\n\tboundary=\"").Append(boundary).Append("\"\r\n\r\n")
                .Append("--").Append(boundary).Append("\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
                .Append(text).Append("\r\n\r\n--").Append(boundary).Append("\r\n");
            if (textAttachment)
            {
                original.Append("Content-Type: text/plain; charset=\"us-ascii\"; name=\"minutes-").Append(i).Append(".txt\"\r\n")
                    .Append("Content-Disposition: attachment; filename=\"minutes-").Append(i).Append(".txt\"\r\n")
                    .Append("Content-Transfer-Encoding: 7bit\r\n\r\n")
                    .Append(Sentences(random, size)).Append("\r\n\r\n--").Append(boundary).Append("--\r\n");
            }
            else
            {
                original.Append("Content-Type: application/octet-stream; name=\"figures-").Append(i).Append(".zip\"\r\n")
                    .Append("Content-Disposition: attachment; filename=\"figures-").Append(i).Append(".zip\"\r\n")
                    .Append("Content-Transfer-Encoding: base64\r\n\r\n")
                    .Append(Wrap(Convert.ToBase64String(attachment), 76, hard: true)).Append("\r\n\r\n--").Append(boundary).Append("--\r\n");
            }
        }
        else
        {
            original.Append("Content-Type: text/plain; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n").Append(text).Append("\r\n");
        }
        var originalBytes = Encoding.ASCII.GetBytes(original.ToString());

        // The report as Exchange writes it (see tests/Fixtures/Reports and shared/eej-samples).
        var reportBoundary = $"_{NewGuid(random)}_";
        var envelope = new StringBuilder()
            .Append("Sender: ").Append(from.Address).Append("\r\nSubject: ").Append(subject).Append("\r\nMessage-Id: <").Append(messageId).Append(">\r\n");
        foreach (var t in to)
        {
            envelope.Append("To: ").Append(t.Address).Append("\r\n");
        }
        foreach (var c in cc)
        {
            envelope.Append("Cc: ").Append(c).Append("\r\n");
        }
        if (random.Next(4) == 0)
        {
            envelope.Append("Bcc: ").Append(Person(random).Address).Append(", Expanded: team").Append(random.Next(20)).Append("@contoso.com\r\n");
        }
        var report = new StringBuilder()
            .Append("Received: from hub").Append(random.Next(8)).Append(".contoso.com (10.2.0.").Append(random.Next(256)).Append(") by journal.contoso.com with ESMTPS; ").Append(date).Append("\r\n")
            .Append("Subject: ").Append(subject).Append("\r\n")
            .Append("From: ").Append(from.Name).Append(" <").Append(from.Address).Append(">\r\n")
            .Append("To: ").Append(string.Join(", ", to.Select(t => $"{t.Name} <{t.Address}>"))).Append("\r\n")
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

    private static string Title(string name) => Capital(name) + " Example";

    private static string Capital(string name) => char.ToUpperInvariant(name[0]) + name[1..];

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
