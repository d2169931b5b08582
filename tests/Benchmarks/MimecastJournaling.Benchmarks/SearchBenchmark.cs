using System.Diagnostics;
using System.Globalization;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Search;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Benchmarks;

/// <summary>
/// Search at scale (issue 11 item 4): builds an archive of mail-like items (MailCorpus: unique
/// messages, bodies from a 30,000-word vocabulary, one in five with an attachment) through the real
/// ingest path, then indexes it with the engine's indexer, and reports ingest rate with indexing
/// against without, index size against the archive, and p50/p95 latency of the first page (50) of
/// from:, to:, subject word, body word, phrase and date-range queries. SQLite always; PostgreSQL
/// when MIMECASTJOURNALING_BENCH_POSTGRES holds a connection string to an empty database.
/// Run: <c>dotnet run -c Release --project tests/Benchmarks/MimecastJournaling.Benchmarks -- search [--items 1000000] [--runs 40]</c>.
/// </summary>
public static class SearchBenchmark
{
    public static int Run(string[] args)
    {
        var items = 1_000_000;
        var runs = 40;
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--items")
            {
                items = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--runs")
            {
                runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }
        var directory = Path.Combine(Path.GetTempPath(), "mj-search-bench-" + Guid.NewGuid().ToString("n"));
        try
        {
            Measure("SQLite", Path.Combine(directory, "journaling.db"), items, runs, sqlite: true);
            var postgres = Environment.GetEnvironmentVariable("MIMECASTJOURNALING_BENCH_POSTGRES");
            if (string.IsNullOrEmpty(postgres))
            {
                Console.WriteLine("PostgreSQL: not measured (set MIMECASTJOURNALING_BENCH_POSTGRES to a connection string of an empty database).");
            }
            else
            {
                Measure("PostgreSQL", postgres, items, runs, sqlite: false);
            }
            return 0;
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static void Measure(string name, string location, int items, int runs, bool sqlite)
    {
        var backend = JournalBackend.Open(location);
        var configuration = new JournalConfiguration(backend.Store, "bench");
        configuration.RegisterDomain("contoso.com");
        var definition = configuration.NewDefinition(new DefinitionSettings
        {
            Description = "search bench",
            ServiceEmailAddress = "journal@journal.contoso.com",
            JournalNonInternalAddresses = true,
            JournalUnknownInternalAddresses = true,
        });
        var ingest = new JournalIngest(backend.Store, backend.Archive, TimeProvider.System);
        var indexer = backend.CreateIndexer();
        var corpus = new MailCorpus(seed: 20_261_202);
        const int batchSize = 200;
        var archiveTime = new Stopwatch();
        var indexTime = new Stopwatch();
        var progress = Stopwatch.StartNew();
        for (var start = 0; start < items; start += batchSize)
        {
            var batch = new List<IncomingReport>(batchSize);
            for (var i = start; i < Math.Min(items, start + batchSize); i++)
            {
                batch.Add(new IncomingReport(corpus.Next(i).Report, "smtp:192.0.2.10", DateTimeOffset.UtcNow));
            }
            archiveTime.Start();
            ingest.Ingest(definition, batch);
            archiveTime.Stop();
            indexTime.Start();
            indexer.CatchUp(batchSize: batchSize);
            indexTime.Stop();
            if (progress.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine($"  {name}: {start + batch.Count:N0} of {items:N0} items");
                progress.Restart();
            }
        }
        var status = indexer.GetStatus(backend.Location);
        var (archiveBytes, indexBytes) = sqlite ? SqliteSizes(location) : PostgresSizes(backend);

        var sent0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var lastDay = sent0.AddSeconds(items * 37L).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // Words from the corpus itself: the subject and body of an item in the middle.
        var sample = backend.Archive.GetMessage(Math.Max(1, items / 2))!;
        var subjectWords = SearchText.Tokens(sample.Subject ?? "x").ToList();
        var bodyText = System.Text.Encoding.ASCII.GetString(backend.Archive.GetOriginal(sample.Id)!);
        var bodyWords = SearchText.Tokens(bodyText[(bodyText.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]).ToList();
        var rare = bodyWords.OrderBy(w => w.Length).Last();
        var queries = new (string Label, string Query)[]
        {
            ("from:", "from:dave@contoso.com"),
            ("to:", "to:erin@contoso.com"),
            ("subject: word", "subject:" + subjectWords[0]),
            ("body word", rare),
            ("phrase", "\"" + string.Join(' ', bodyWords.Skip(3).Take(2)) + "\""),
            ("date range", $"sent>={sent0.AddSeconds(items * 18L):yyyy-MM-dd} sent<={lastDay}"),
        };
        var search = backend.CreateSearch();
        var itemsPerSecondArchive = items / archiveTime.Elapsed.TotalSeconds;
        var itemsPerSecondBoth = items / (archiveTime.Elapsed + indexTime.Elapsed).TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"Search, {name}, {status.Items:N0} items ({status.Indexed:N0} indexed, {status.Failed:N0} failed)");
        Console.WriteLine($"  ingest without indexing {itemsPerSecondArchive,10:N0} items/s; with indexing {itemsPerSecondBoth,10:N0} items/s ({100 * itemsPerSecondBoth / itemsPerSecondArchive:N0} %, target >= 80 %)");
        Console.WriteLine($"  archive {archiveBytes,16:N0} bytes; index {indexBytes,14:N0} bytes ({100.0 * indexBytes / Math.Max(1, archiveBytes):N1} % of the archive)");
        Console.WriteLine($"  {"query",-14} {"p50 ms",8} {"p95 ms",8} {"results",8}  target");
        foreach (var (label, query) in queries)
        {
            var times = new List<double>();
            var count = 0;
            for (var r = 0; r < runs; r++)
            {
                var watch = Stopwatch.StartNew();
                count = search.Search(query, new SearchScope { First = 50 }, "bench").Count;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            var target = label.StartsWith("body", StringComparison.Ordinal) || label == "phrase" ? 300 : 100;
            Console.WriteLine($"  {label,-14} {times[times.Count / 2],8:N1} {times[(int)(times.Count * 0.95)],8:N1} {count,8}  p95 < {target} ms  ({query})");
        }
    }

    private static (long Archive, long Index) SqliteSizes(string path)
    {
        var database = new SqliteDatabase(path);
        database.Query("PRAGMA wal_checkpoint(TRUNCATE)", r => 0);
        var file = new FileInfo(path).Length;
        // dbstat is not compiled into the bundled SQLite: the index is measured by the pages its tables use, from a copy without it.
        var copy = path + ".noindex";
        database.Query($"VACUUM INTO '{copy}'", r => 0);
        var withoutIndex = new SqliteDatabase(copy);
        withoutIndex.Query("DROP TABLE item_text", r => 0);
        withoutIndex.Query("DROP TABLE search_index", r => 0);
        withoutIndex.Query("VACUUM", r => 0);
        var archive = new FileInfo(copy).Length;
        File.Delete(copy);
        return (archive, file - archive);
    }

    private static (long Archive, long Index) PostgresSizes(JournalBackend backend)
    {
        var location = PostgresLocation.Parse(Environment.GetEnvironmentVariable("MIMECASTJOURNALING_BENCH_POSTGRES")!);
        using var database = new PostgresDatabase(location);
        var index = database.Query("SELECT pg_total_relation_size('item_text') + pg_total_relation_size('search_index')", r => r.GetInt64(0)).Single();
        var all = database.Query("SELECT pg_database_size(current_database())", r => r.GetInt64(0)).Single();
        return (all - index, index);
    }
}
