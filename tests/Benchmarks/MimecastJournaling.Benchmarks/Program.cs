using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// build.ps1 -Task Bench runs every benchmark; pass BenchmarkDotNet arguments (e.g. --filter *Archive*) to pick.
var config = DefaultConfig.Instance.WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
