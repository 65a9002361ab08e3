using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Explo.Domain.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Explo.Domain.Benchmarks.Sink).Assembly).Run(args);
