using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// build.ps1 -Task Bench runs every benchmark; pass BenchmarkDotNet arguments (e.g. --filter *Archive*) to pick.
// "storage [--reports N]": the archive storage benchmark (bytes, not time), outside BenchmarkDotNet.
if (args.Length > 0 && args[0] == "storage")
{
    return MimecastJournaling.Benchmarks.StorageBenchmark.Run(args);
}
// "search [--items N] [--runs N]": the search benchmark (issue 11 item 4), outside BenchmarkDotNet.
if (args.Length > 0 && args[0] == "search")
{
    return MimecastJournaling.Benchmarks.SearchBenchmark.Run(args);
}
// "pgspool --connection CS [--reports N] [--processors N]": the PostgreSQL spool and archive path (issue 9).
if (args.Length > 0 && args[0] == "pgspool")
{
    return MimecastJournaling.Benchmarks.PostgresSpoolBenchmark.Run(args);
}
var config = DefaultConfig.Instance.WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
return 0;
