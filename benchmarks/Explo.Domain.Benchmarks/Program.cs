using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Explo.Domain.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/Explo.Domain.Benchmarks -- compare [PageBenchmarks ChainBenchmarks ...]
if (args is ["compare", .. var classes])
{
    return Explo.Domain.Benchmarks.Compare.Run(classes);
}

BenchmarkSwitcher.FromAssembly(typeof(Explo.Domain.Benchmarks.Sink).Assembly).Run(args);
return 0;
