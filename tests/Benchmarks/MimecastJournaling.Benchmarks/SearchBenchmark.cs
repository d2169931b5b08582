using System.Diagnostics;
using System.Globalization;
using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Search;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;
using Npgsql;

namespace MimecastJournaling.Benchmarks;

/// <summary>
/// Search at scale (issue 11 item 4), on SQLite and PostgreSQL (a cluster the benchmark makes
/// itself with the tests' <see cref="PostgresServer"/>, or MIMECASTJOURNALING_BENCH_POSTGRES, a
/// connection string of an empty database). For each backend:
/// <list type="number">
/// <item>Ingest with indexing against without, side by side at <c>--compare</c> items (default
/// 20,000): a fresh store ingested alone, and a fresh store ingested while the engine's indexer
/// runs beside it on its own thread (as the listener runs it). Both through the engine's archive API
/// (<see cref="JournalIngest"/>) in batches, not SMTP.</item>
/// <item>The archive of <c>--items</c> generated mail-like items (<see cref="MailCorpusShape.Search"/>:
/// unique messages, 50,000-word Zipf vocabulary, 3,000 participants, a quarter with Bcc, one in ten
/// with an attachment), ingested in batches and indexed by the real indexer as it grows;
/// <c>--minutes</c> stops the build early and measures what was built (the size is reported).</item>
/// <item>Index size against the archive.</item>
/// <item>p50/p95 of the first page (50) of from:, to:, subject word, body word, phrase and date-range
/// queries: <c>--queries</c> different queries per kind, cold-ish (each once, on a freshly opened
/// store; PostgreSQL restarted first when the benchmark owns the cluster; the OS page cache is not
/// dropped) and warm (each three more times).</item>
/// </list>
/// Run: <c>dotnet run -c Release --project tests/Benchmarks/MimecastJournaling.Benchmarks -- search --items 1000000 [--compare 20000] [--queries 20] [--backend sqlite|postgresql|both] [--minutes N] [--explain] [--reuse location]</c>.
/// </summary>
public static class SearchBenchmark
{
    private const int Seed = 20_261_202;
    private const int BatchSize = 250;
    private static readonly DateTimeOffset Sent0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static int Run(string[] args)
    {
        var items = 1_000_000;
        var compare = 20_000;
        var queries = 20;
        var backends = "both";
        double minutes = 0;
        var explain = false;
        string? reuse = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => args[++i];
            switch (args[i])
            {
                case "--items": items = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--compare": compare = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--queries": queries = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--backend": backends = Value().ToLowerInvariant(); break;
                case "--minutes": minutes = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--explain": explain = true; break;
                case "--reuse": reuse = Value(); break;
            }
        }
        compare = Math.Min(compare, items);
        var corpus = new MailCorpus(Seed, MailCorpusShape.Search);
        if (reuse is not null)
        {
            return Remeasure(reuse, corpus, items, queries, explain);
        }
        Console.WriteLine($"Search benchmark: {items:N0} items, ingest compared at {compare:N0}, {queries} queries per kind, backends {backends}" +
            (minutes > 0 ? $", build stopped after {minutes:N0} min per backend" : string.Empty) + $"; started {DateTimeOffset.UtcNow:u}");
        var results = new List<string>();
        if (backends is "both" or "sqlite")
        {
            var directory = Path.Combine(Path.GetTempPath(), "mj-search-bench-" + Guid.NewGuid().ToString("n"));
            Directory.CreateDirectory(directory);
            try
            {
                var n = 0;
                results.AddRange(Measure("SQLite", () => Path.Combine(directory, $"journaling{n++}.db"), restart: null, corpus, items, compare, queries, minutes, explain));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        if (backends is "both" or "postgresql")
        {
            var given = Environment.GetEnvironmentVariable("MIMECASTJOURNALING_BENCH_POSTGRES");
            if (!string.IsNullOrEmpty(given))
            {
                // A given database: the comparison stores and the archive are schemas of it in turn (emptied between).
                var emptied = 0;
                results.AddRange(Measure("PostgreSQL", () => Empty(given, ++emptied), restart: null, corpus, items, compare, queries, minutes, explain));
            }
            else
            {
                var server = PostgresServer.Shared;
                try
                {
                    results.AddRange(Measure("PostgreSQL", server.CreateDatabase, restart: () => { server.Stop(); server.Start(); NpgsqlConnection.ClearAllPools(); }, corpus, items, compare, queries, minutes, explain));
                }
                finally
                {
                    server.Remove();
                }
            }
        }
        Console.WriteLine();
        Console.WriteLine($"Summary ({DateTimeOffset.UtcNow:u})");
        foreach (var line in results)
        {
            Console.WriteLine(line);
        }
        return 0;
    }

    /// <summary>
    /// <c>--reuse &lt;location&gt;</c>: the query table of an archive this benchmark built before, whole or
    /// stopped part way (a SQLite file kept aside, or <c>postgresql</c>: the database
    /// MIMECASTJOURNALING_BENCH_POSTGRES names), measured with the code as it is now: the queries are drawn
    /// from the same generated corpus, so a change to the search can be measured at a million items
    /// without building them again. The sizes are left out (the build printed them); the server is not
    /// restarted (cold-ish = first run of each query).
    /// </summary>
    private static int Remeasure(string location, MailCorpus corpus, int items, int queries, bool explain)
    {
        // "postgresql": the database MIMECASTJOURNALING_BENCH_POSTGRES names (so no password is on a command line).
        if (location.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
        {
            location = Environment.GetEnvironmentVariable("MIMECASTJOURNALING_BENCH_POSTGRES") is { Length: > 0 } given
                ? given
                : throw new ArgumentException("--reuse postgresql measures the database MIMECASTJOURNALING_BENCH_POSTGRES names; set it to that database's connection string.");
        }
        var name = StoreLocation.IsConnectionString(location) ? "PostgreSQL" : "SQLite";
        var backend = JournalBackend.Open(location);
        var indexer = backend.CreateIndexer();
        var status = indexer.GetStatus(backend.Location);
        if (status.Pending > 0)
        {
            // A build stopped in the middle of a batch: index the rest first.
            Console.WriteLine($"{name}: indexing the {status.Pending:N0} items the build left pending");
            indexer.CatchUp(batchSize: BatchSize);
            status = indexer.GetStatus(backend.Location);
        }
        // The build ingests the corpus in order, so the archive holds its first Items reports.
        items = (int)status.Items;
        Console.WriteLine($"{name}: the archive built before, {status.Items:N0} items ({status.Indexed:N0} indexed, {status.Failed:N0} failed); {DateTimeOffset.UtcNow:u}");
        foreach (var line in QueryTable(name, location, restart: null, corpus, items, queries, explain))
        {
            Console.WriteLine(name + ":" + line);
        }
        return 0;
    }

    /// <summary>
    /// The given database emptied, as a location of its own: JournalBackend.Open keeps one backend per
    /// location (with its schema migrated once), so each emptied store gets a distinct Application Name.
    /// </summary>
    private static string Empty(string connectionString, int generation)
    {
        using (var connection = new NpgsqlConnection(connectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand("DROP SCHEMA public CASCADE; CREATE SCHEMA public;", connection);
            command.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = $"mj-search-bench-{generation}" }.ConnectionString;
    }

    private sealed record Bench(JournalBackend Backend, JournalDefinition Definition, JournalIngest Ingest);

    private static Bench Open(string location)
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
        return new Bench(backend, definition, new JournalIngest(backend.Store, backend.Archive, TimeProvider.System));
    }

    /// <summary>Reports <paramref name="start"/> to <paramref name="end"/>, generated two at a time (the generator costs as much as the parse).</summary>
    private static List<IncomingReport> Batch(MailCorpus corpus, int start, int end) =>
        Enumerable.Range(start, end - start).AsParallel().AsOrdered().WithDegreeOfParallelism(2)
            .Select(i => new IncomingReport(corpus.Next(i).Report, "smtp:192.0.2.10", DateTimeOffset.UtcNow)).ToList();

    private static IEnumerable<string> Measure(string name, Func<string> newLocation, Action? restart, MailCorpus corpus,
        int items, int compare, int queries, double minutes, bool explain)
    {
        var lines = new List<string>();

        // 1. Ingest alone, and ingest with the indexer running beside it, at the comparison size.
        // The reports are generated before the clock starts, so both measure the engine only.
        Console.WriteLine($"{name}: generating {compare:N0} reports for the ingest comparison");
        var reports = Batch(corpus, 0, compare);
        {
            // Warm-up (JIT, first connections), so neither measured store pays it.
            var bench = Open(newLocation());
            bench.Ingest.Ingest(bench.Definition, reports.GetRange(0, Math.Min(500, compare)));
            bench.Backend.CreateIndexer().CatchUp();
        }
        double alone, beside, besideAll, sequentialArchive, sequentialIndex;
        {
            var bench = Open(newLocation());
            var watch = Stopwatch.StartNew();
            for (var s = 0; s < compare; s += BatchSize)
            {
                bench.Ingest.Ingest(bench.Definition, reports.GetRange(s, Math.Min(BatchSize, compare - s)));
            }
            alone = compare / watch.Elapsed.TotalSeconds;
            // The indexing cost alone, on the same store afterwards (the indexer's own batch size).
            watch.Restart();
            bench.Backend.CreateIndexer().CatchUp();
            sequentialIndex = compare / watch.Elapsed.TotalSeconds;
            sequentialArchive = alone;
        }
        {
            var bench = Open(newLocation());
            var indexer = bench.Backend.CreateIndexer();
            using var stop = new CancellationTokenSource();
            var indexing = Task.Run(() =>
            {
                // As the listener's indexing loop: catch up, rest a moment when there is nothing to do.
                while (!stop.IsCancellationRequested)
                {
                    if (indexer.CatchUp(stop.Token) == 0)
                    {
                        Thread.Sleep(200);
                    }
                }
            });
            var watch = Stopwatch.StartNew();
            for (var s = 0; s < compare; s += BatchSize)
            {
                bench.Ingest.Ingest(bench.Definition, reports.GetRange(s, Math.Min(BatchSize, compare - s)));
            }
            beside = compare / watch.Elapsed.TotalSeconds;
            while (indexer.GetStatus(bench.Backend.Location).Pending > 0)
            {
                Thread.Sleep(100);
            }
            besideAll = compare / watch.Elapsed.TotalSeconds;
            stop.Cancel();
            indexing.Wait();
        }
        reports = [];
        var ingestLine = $"  ingest at {compare:N0}: alone {alone:N0} items/s; with the indexer beside it {beside:N0} items/s ({100 * beside / alone:N0} % of alone, target >= 80 %); " +
            $"everything indexed at {besideAll:N0} items/s ({100 * besideAll / alone:N0} %); indexing alone afterwards {sequentialIndex:N0} items/s " +
            $"(archive then index in turn: {100 / (1 + sequentialArchive / sequentialIndex):N0} % of alone)";
        Console.WriteLine(name + ":" + ingestLine);

        // 2. The archive at scale, indexed as it grows.
        var location = newLocation();
        var built = 0;
        {
            var bench = Open(location);
            var indexer = bench.Backend.CreateIndexer();
            var archiveTime = new Stopwatch();
            var indexTime = new Stopwatch();
            var total = Stopwatch.StartNew();
            var progress = Stopwatch.StartNew();
            const int chunk = 2_000;
            var next = Task.Run(() => Batch(corpus, 0, Math.Min(items, chunk)));
            for (var start = 0; start < items; start += chunk)
            {
                var batch = next.Result;
                var end = Math.Min(items, start + chunk);
                next = Task.Run(() => end < items ? Batch(corpus, end, Math.Min(items, end + chunk)) : []);
                archiveTime.Start();
                for (var s = 0; s < batch.Count; s += BatchSize)
                {
                    bench.Ingest.Ingest(bench.Definition, batch.GetRange(s, Math.Min(BatchSize, batch.Count - s)));
                }
                archiveTime.Stop();
                indexTime.Start();
                indexer.CatchUp(batchSize: BatchSize);
                indexTime.Stop();
                built = end;
                if (progress.Elapsed > TimeSpan.FromMinutes(1) || built == items)
                {
                    var rate = built / total.Elapsed.TotalSeconds;
                    Console.WriteLine($"  {name}: {built:N0} of {items:N0} items in {total.Elapsed:hh\\:mm\\:ss} ({rate:N0} items/s; archive {archiveTime.Elapsed:hh\\:mm\\:ss}, index {indexTime.Elapsed:hh\\:mm\\:ss}; " +
                        $"{(items - built) / Math.Max(1, rate) / 60:N0} min to go) {DateTimeOffset.UtcNow:HH:mm:ss}");
                    progress.Restart();
                }
                var stopping = minutes > 0 && total.Elapsed.TotalMinutes > minutes;
                if (stopping)
                {
                    Console.WriteLine($"  {name}: stopped at {built:N0} items after {total.Elapsed:hh\\:mm\\:ss} (--minutes {minutes})");
                }
                if (built < items && !stopping && Checkpoints.Contains(built))
                {
                    // Figures on the way, in case the machine cannot finish the whole size in time.
                    total.Stop();
                    foreach (var line in QueryTable(name, location, restart: null, corpus, built, queries, explain: false))
                    {
                        Console.WriteLine($"{name} at {built:N0}:" + line);
                    }
                    total.Start();
                }
                if (stopping)
                {
                    break;
                }
            }
            next.Wait();
            var status = indexer.GetStatus(bench.Backend.Location);
            lines.Add($"{name}, {status.Items:N0} items ({status.Indexed:N0} indexed, {status.Failed:N0} failed); built in {total.Elapsed:hh\\:mm\\:ss} " +
                $"(archive {built / archiveTime.Elapsed.TotalSeconds:N0} items/s, index {built / indexTime.Elapsed.TotalSeconds:N0} items/s)");
            lines.Add(ingestLine);
        }

        // 3. Sizes.
        var (archiveBytes, indexBytes) = name == "SQLite" ? SqliteSizes(location) : PostgresSizes(location);
        lines.Add($"  archive {archiveBytes / 1048576.0,10:N1} MB without the search index; search index {indexBytes / 1048576.0,10:N1} MB ({100.0 * indexBytes / Math.Max(1, archiveBytes):N1} % of the archive)");
        Console.WriteLine(name + ":" + lines[^1]);
        var table = QueryTable(name, location, restart, corpus, built, queries, explain);
        foreach (var line in table)
        {
            Console.WriteLine(name + ":" + line);
        }
        lines.AddRange(table);
        return lines;
    }

    private static readonly int[] Checkpoints = [20_000, 100_000, 250_000, 500_000, 750_000];

    /// <summary>The query table at the size built so far: cold-ish on a freshly opened store (and a restarted server), then warm.</summary>
    private static List<string> QueryTable(string name, string location, Action? restart, MailCorpus corpus, int built, int queries, bool explain)
    {
        var lines = new List<string>();
        restart?.Invoke();
        var backend = JournalBackend.Open(location);
        var kinds = Queries(corpus, backend, built, queries);
        var search = backend.CreateSearch();
        // Two figures per query: the index's answer (the ids of the first page: parse, plan, SQL),
        // and the whole first page as Search-JournalMessage returns it (the 50 items read, the
        // search written to the event log).
        var timings = new Dictionary<string, List<double>>();
        var counts = new Dictionary<string, List<int>>();
        var scope = new SearchScope { First = 50 };
        void Once(string label, string query, string phase)
        {
            var watch = Stopwatch.StartNew();
            var ids = backend.SearchIndex.Search(SearchPlanner.Plan(query), scope);
            Add(timings, label + "|ids " + phase, watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            var count = search.Search(query, scope, "bench").Count;
            Add(timings, label + "|page " + phase, watch.Elapsed.TotalMilliseconds);
            if (phase == "cold")
            {
                Add(counts, label, count);
            }
        }
        // Interleaved by kind, so no kind has the cache to itself.
        for (var q = 0; q < queries; q++)
        {
            foreach (var (label, list) in kinds)
            {
                Once(label, list[q], "cold");
            }
        }
        for (var round = 0; round < 3; round++)
        {
            foreach (var (label, list) in kinds)
            {
                foreach (var query in list)
                {
                    Once(label, query, "warm");
                }
            }
        }
        string P(string label, string column) =>
            $"{Percentile(timings[label + "|" + column], 0.5),7:N1}/{Percentile(timings[label + "|" + column], 0.95),-7:N1}";
        lines.Add($"  {built:N0} items; ms p50/p95 of the first page (50): the index's ids, and the whole page (items read, search logged); cold-ish = first run of each of {queries} queries on a fresh store");
        lines.Add($"  {"query",-14} {"ids cold",15} {"ids warm",15} {"page cold",15} {"page warm",15} {"hits",5}  target       example");
        foreach (var (label, list) in kinds)
        {
            var target = label is "body word" or "phrase" ? 300 : 100;
            var met = new[] { "ids cold", "ids warm", "page cold", "page warm" }.Where(c => Percentile(timings[label + "|" + c], 0.95) >= target).ToList();
            lines.Add($"  {label,-14} {P(label, "ids cold")} {P(label, "ids warm")} {P(label, "page cold")} {P(label, "page warm")} {counts[label].Average(),5:N0}  " +
                $"p95<{target} {(met.Count == 0 ? "met" : "MISSED: " + string.Join(", ", met))}  {list[0]}");
        }
        if (explain)
        {
            foreach (var (label, list) in kinds)
            {
                Console.WriteLine($"{name}: plan of {label} ({list[0]}):");
                foreach (var row in Plan(backend, location, name, list[0]))
                {
                    Console.WriteLine("    " + row);
                }
            }
        }
        return lines;
    }

    private static void Add<T>(Dictionary<string, List<T>> into, string key, T value)
    {
        if (!into.TryGetValue(key, out var list))
        {
            into[key] = list = [];
        }
        list.Add(value);
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    /// <summary>
    /// <paramref name="count"/> different queries of each kind, from the archive itself: participants
    /// from busy to quiet, words of the subjects and bodies of items spread over the archive
    /// (every distinct word as likely, so common and rare ones), two adjacent body words, and date
    /// windows of one to thirty days.
    /// </summary>
    private static List<(string Label, List<string> Queries)> Queries(MailCorpus corpus, JournalBackend backend, int items, int count)
    {
        var random = new Random(7);
        var people = corpus.Participants;
        var from = new List<string>();
        var to = new List<string>();
        var subject = new List<string>();
        var body = new List<string>();
        var phrase = new List<string>();
        var dates = new List<string>();
        for (var q = 0; q < count; q++)
        {
            // Ranks spread geometrically over the 3,000 people: the busiest and the quiet ones.
            var rank = (int)Math.Min(people.Count - 1, Math.Pow(people.Count, (double)q / count));
            from.Add("from:" + people[rank].Address);
            to.Add("to:" + people[Math.Min(people.Count - 1, rank + 1)].Address);
            var id = 1 + random.Next(items);
            var item = backend.Archive.GetMessage(id) ?? throw new InvalidOperationException($"item {id} is missing");
            var subjectWords = SearchText.Tokens(item.Subject ?? "x").Distinct().ToList();
            subject.Add("subject:" + subjectWords[random.Next(subjectWords.Count)]);
            var original = Encoding.ASCII.GetString(backend.Archive.GetOriginal(id)!);
            var text = original[(original.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
            if (text.Contains("Content-Transfer-Encoding: 7bit\r\n\r\n", StringComparison.Ordinal))
            {
                text = text[(text.IndexOf("Content-Transfer-Encoding: 7bit\r\n\r\n", StringComparison.Ordinal) + 35)..];
            }
            var words = SearchText.Tokens(text.Split("\r\n--")[0]).ToList();
            var distinct = words.Distinct().ToList();
            body.Add(distinct[random.Next(distinct.Count)]);
            var at = random.Next(words.Count - 1);
            phrase.Add("\"" + words[at] + " " + words[at + 1] + "\"");
            var day = Sent0.AddSeconds(37L * random.Next(items)).Date;
            dates.Add($"sent>={day:yyyy-MM-dd} sent<={day.AddDays(random.Next(1, 31)):yyyy-MM-dd}");
        }
        return [("from:", from), ("to:", to), ("subject: word", subject), ("body word", body), ("phrase", phrase), ("date range", dates)];
    }

    /// <summary>The query plan of a search (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE), with the SQL the index would run.</summary>
    private static IEnumerable<string> Plan(JournalBackend backend, string location, string name, string query)
    {
        var plan = SearchPlanner.Plan(query);
        if (name == "SQLite")
        {
            // The windowed attempt first, then the whole archive (SqliteSearchIndex.SearchTexts).
            var database = new SqliteDatabase(location);
            return SqliteSearchIndex.SearchTexts(plan, new SearchScope { First = 50 }).SelectMany((text, k) =>
                database.Query("EXPLAIN QUERY PLAN " + text.Sql, r => r.GetString(3), text.Parameters).Select(line => (k == 0 ? "newest: " : "whole: ") + line)).ToList();
        }
        var (sql, parameters) = PostgresSearchIndex.SearchText(plan, new SearchScope { First = 50 });
        using var db = new PostgresDatabase(PostgresLocation.Parse(location));
        return db.Query("EXPLAIN (ANALYZE, BUFFERS) " + sql, r => r.GetString(0), parameters);
    }

    private static (long Archive, long Index) SqliteSizes(string path)
    {
        var database = new SqliteDatabase(path);
        database.Query("PRAGMA wal_checkpoint(TRUNCATE)", r => 0);
        var file = new FileInfo(path).Length;
        // dbstat is not compiled into the bundled SQLite: the index is measured by the pages its
        // tables and indexes use, from a copy without them.
        var copy = path + ".noindex";
        database.Query($"VACUUM INTO '{copy}'", r => 0);
        var withoutIndex = new SqliteDatabase(copy);
        foreach (var statement in new[] { "DROP TABLE item_text", "DROP TABLE search_index", "DROP INDEX items_search_order", "DROP INDEX items_sender", "VACUUM" })
        {
            withoutIndex.Query(statement, r => 0);
        }
        var archive = new FileInfo(copy).Length;
        File.Delete(copy);
        return (archive, file - archive);
    }

    private static (long Archive, long Index) PostgresSizes(string location)
    {
        using var database = new PostgresDatabase(PostgresLocation.Parse(location));
        database.Query("VACUUM ANALYZE", r => 0);
        var index = database.Query("SELECT pg_total_relation_size('item_text') + pg_total_relation_size('search_index') + " +
            "pg_relation_size('items_search_order') + pg_relation_size('items_sender')", r => r.GetInt64(0)).Single();
        var all = database.Query("SELECT pg_database_size(current_database())", r => r.GetInt64(0)).Single();
        return (all - index, index);
    }
}
