using BenchmarkDotNet.Attributes;
using MimecastJournaling.Engine.Parsing;
using MimeKit;

namespace MimecastJournaling.Benchmarks;

/// <summary>
/// Parse throughput over a corpus of realistic reports (the real Exchange 2019 report, every
/// fixture, and generated 20 KB envelope reports): our parser against plain MimeKit
/// MimeMessage.Load of the same bytes, in the same run. Target: Ratio ≥ 0.8 in throughput,
/// i.e. our Mean at most 1.25 × MimeKit's. MB/s = CorpusBytes / Mean.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class ParseBenchmark
{
    private byte[][] _corpus = [];

    public static long CorpusBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var fixtures = Directory.GetFiles(FixtureFolder(), "*.eml").Select(File.ReadAllBytes);
        var generated = Enumerable.Range(0, 200).Select(i => SyntheticReports.Create(i, 20 * 1024));
        _corpus = fixtures.Concat(generated).ToArray();
        CorpusBytes = _corpus.Sum(c => (long)c.Length);
        Console.WriteLine($"// Corpus: {_corpus.Length} reports, {CorpusBytes} bytes");
    }

    [Benchmark(Baseline = true)]
    public int MimeKitLoad()
    {
        var parts = 0;
        foreach (var bytes in _corpus)
        {
            using var stream = new MemoryStream(bytes, writable: false);
            parts += MimeMessage.Load(stream).BodyParts.Count();
        }
        return parts;
    }

    [Benchmark]
    public int JournalReportParse()
    {
        var recipients = 0;
        foreach (var bytes in _corpus)
        {
            recipients += JournalReportParser.Parse(bytes).Recipients.Count;
        }
        return recipients;
    }

    private static string FixtureFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Fixtures", "Reports");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("tests/Fixtures/Reports was not found above " + AppContext.BaseDirectory);
    }
}
