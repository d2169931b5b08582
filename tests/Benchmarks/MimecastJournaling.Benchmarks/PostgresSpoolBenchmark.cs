using System.Diagnostics;
using System.Globalization;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Search;
using MimecastJournaling.Engine.Storage;
using Npgsql;

namespace MimecastJournaling.Benchmarks;

/// <summary>
/// The PostgreSQL spool and archive path without SMTP (issue 9, the archive rate behind the accept
/// rate): -Sessions writers append -Reports synthetic 20 KB journal reports to the shared spool one
/// at a time (the accept path: one spool insert and its commit per DATA), then -Processors spool
/// processors, each with its own connection pool and node name as separate hosts have, drain the
/// spool through the real ingest (parse, decide, merge, archive) until it is empty. Prints appends/s,
/// archived/s and, when the server has pg_stat_statements loaded, the statements per report and
/// where the server's time went. Checks that every report was archived exactly once.
/// Run: <c>dotnet run -c Release --project tests/Benchmarks/MimecastJournaling.Benchmarks -- pgspool --connection "Host=...;Database=...;Username=...;Password=..." [--reports 2000] [--sessions 20] [--processors 1] [--index]</c>.
/// The database must be empty (a new one per run).
/// </summary>
public static class PostgresSpoolBenchmark
{
    public static int Run(string[] args)
    {
        string? connection = null;
        int reports = 2000, sessions = 20, processors = 1, size = 20_000;
        var index = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--connection": connection = args[++i]; break;
                case "--reports": reports = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--sessions": sessions = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--processors": processors = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--size": size = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--index": index = true; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        if (connection is null)
        {
            Console.Error.WriteLine("pgspool needs --connection <an empty PostgreSQL database's connection string>.");
            return 2;
        }
        var clock = TimeProvider.System;
        var setup = JournalBackend.CreateUncached(connection);
        var configuration = new JournalConfiguration(setup.Store, "bench", clock);
        configuration.RegisterDomain("contoso.com");
        var definition = configuration.NewDefinition(new DefinitionSettings
        {
            Description = "pgspool bench",
            ServiceEmailAddress = "journal@journal.contoso.com",
            JournalNonInternalAddresses = true,
            JournalUnknownInternalAddresses = true,
        });
        var statements = ResetStatements(connection);

        // The accept path: one append (one insert, one commit) per report, from -Sessions at once.
        var spool = setup.OpenSpool("writer");
        var next = -1;
        var watch = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, sessions).Select(_ => Task.Run(() =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < reports)
            {
                var data = SyntheticReports.Create(i, size);
                spool.Append([new SpoolEntry(clock.GetUtcNow(), "smtp:127.0.0.1", definition.Id, definition.Description, "sender@fabrikam.test",
                    ["journal@journal.contoso.com"], data)]);
            }
        })).ToArray();
        Task.WaitAll(writers);
        var appendSeconds = watch.Elapsed.TotalSeconds;
        var appendStats = statements ? ReadStatements(connection, reports) : null;
        statements = statements && ResetStatements(connection);

        // The archive path: -Processors hosts drain the spool.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var collections = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
        watch.Restart();
        var hosts = Enumerable.Range(1, processors).Select(n => Task.Run(() =>
        {
            var backend = JournalBackend.CreateUncached(connection);
            var hostSpool = backend.OpenSpool("node-" + n);
            var processor = new SpoolProcessor(hostSpool, new SpoolLength(), new JournalIngest(backend.Store, backend.Archive, clock),
                new DefinitionLookup(backend.Store), new DefinitionHealth(backend.Store, 3, clock), TimeSpan.FromSeconds(30), clock);
            JournalIndexer? indexer = index ? backend.CreateIndexer(clock) : null;
            var idle = 0;
            while (idle < 3)
            {
                var worked = processor.ProcessDue();
                indexer?.CatchUp();
                idle = worked ? 0 : idle + 1;
                if (!worked)
                {
                    Thread.Sleep(50);
                }
            }
        })).ToArray();
        Task.WaitAll(hosts);
        var archiveSeconds = watch.Elapsed.TotalSeconds;
        var archiveCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var archiveCollections = string.Join('/', Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - collections[g]));

        var counts = setup.Store.GetDefinitionCounters()[definition.Id];
        var archived = counts.Archived + counts.Merged + counts.Duplicate;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pgspool: {reports} reports of {size} bytes; append: {sessions} sessions, {reports / appendSeconds:F0}/s; archive: {processors} processor(s){(index ? " + indexer" : "")}, {reports / archiveSeconds:F0}/s ({archiveSeconds:F1} s, this process's CPU {archiveCpu / reports:F2} ms per report, GCs gen0/1/2 {archiveCollections})"));
        Console.WriteLine($"outcomes: archived={counts.Archived} merged={counts.Merged} duplicate={counts.Duplicate} quarantined={counts.Quarantined} rejected={counts.Rejected} queue={counts.QueueLength}");
        if (appendStats is not null)
        {
            Console.WriteLine("append path, per report:");
            Console.WriteLine(appendStats);
            Console.WriteLine("archive path, per report:");
            Console.WriteLine(ReadStatements(connection, reports));
        }
        return archived == reports && counts.QueueLength == 0 && counts.Quarantined == 0 ? 0 : 1;
    }

    private static bool ResetStatements(string connection)
    {
        try
        {
            using var c = new NpgsqlConnection(connection);
            c.Open();
            using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();", c);
            create.ExecuteNonQuery();
            using var commits = new NpgsqlCommand("SELECT pg_stat_reset()", c);
            commits.ExecuteNonQuery();
            return true;
        }
        catch (PostgresException e)
        {
            Console.WriteLine($"(no statement statistics: {e.MessageText})");
            return false;
        }
    }

    private static string ReadStatements(string connection, int reports)
    {
        using var c = new NpgsqlConnection(connection);
        c.Open();
        var lines = new List<string>();
        double totalCalls = 0, totalMs = 0;
        using (var command = new NpgsqlCommand(
            "SELECT calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements " +
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat%' ORDER BY total_exec_time DESC", c))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                var calls = r.GetInt64(0);
                var ms = r.GetDouble(1);
                totalCalls += calls;
                totalMs += ms;
                if (lines.Count < 14)
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"  {calls / (double)reports,7:F2} calls {ms / reports,7:F3} ms  {r.GetString(2)}"));
                }
            }
        }
        using (var command = new NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", c))
        {
            var commits = Convert.ToDouble(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            lines.Insert(0, string.Create(CultureInfo.InvariantCulture,
                $"  total: {totalCalls / reports:F2} statements, {totalMs / reports:F3} ms server time, {commits / reports:F2} transactions (commits, reads included) per report"));
        }
        return string.Join(Environment.NewLine, lines);
    }
}
