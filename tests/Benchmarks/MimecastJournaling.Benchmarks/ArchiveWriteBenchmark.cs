using BenchmarkDotNet.Attributes;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Benchmarks;

/// <summary>
/// Archive write throughput: 20 KB reports, each a new item, stored with durable commits
/// (synchronous=FULL, one commit per batch, as the listener's group commit does). The result per
/// operation is the cost of one report; reports/s = 1 s / Mean. Target: at least 3,000 per second.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class ArchiveWriteBenchmark
{
    private const int Reports = 2_000;
    private string _directory = "";
    private SqliteJournalArchive _archive = null!;
    private ArchiveSubmission[] _submissions = [];
    private int _round;

    [Params(50, 200)]
    public int BatchSize { get; set; }

    [IterationSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "mj-bench-" + Guid.NewGuid().ToString("n"));
        var path = Path.Combine(_directory, "journaling.db");
        _archive = new SqliteJournalArchive(new SqliteJournalStore(path).Database);
        _round++;
        _submissions = Enumerable.Range(0, Reports).Select(i =>
        {
            var raw = SyntheticReports.Create(_round * Reports + i, 20 * 1024);
            return new ArchiveSubmission
            {
                Received = DateTimeOffset.UtcNow,
                Source = "smtp:192.0.2.10",
                Definition = "bench",
                RawReport = raw,
                Disposition = ArchiveDisposition.Accept,
                Format = "Envelope",
                MessageId = $"m{_round * Reports + i}@contoso.com",
                Sender = "alice@contoso.com",
                Subject = "Weekly report",
                Original = SyntheticReports.OriginalOf(raw),
                Recipients = [new("user0@contoso.com", "To"), new("user1@contoso.com", "Cc"), new("user2@contoso.com", "Bcc", ExpandedFrom: "team@contoso.com")],
                Mailboxes = ["alice@contoso.com", "user0@contoso.com"],
            };
        }).ToArray();
    }

    [IterationCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(OperationsPerInvoke = Reports)]
    public int StoreReports()
    {
        var stored = 0;
        foreach (var batch in _submissions.Chunk(BatchSize))
        {
            stored += _archive.Store(batch).Count;
        }
        return stored;
    }
}
