using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Explo.Domain.Benchmarks;

/// <summary>
/// <c>compare</c>: runs the benchmark classes behind the performance targets (or the ones named) and prints one line
/// per target: the figure measured in this run, the target, and whether it is met. Every ratio is of two rows of
/// one run, measured side by side.
/// </summary>
internal static class Compare
{
    private const double Ms = 1_000_000;

    /// <summary>
    /// The whole tree's honest bound against naive (naive / streaming), which also stands as the honest bound of the
    /// walk's time (<see cref="NaiveOverStreaming"/>): one number for the two rows, so they cannot drift apart.
    /// </summary>
    private const double NaiveOverStreamingHonestBound = 3.0;

    /// <summary>The bound of a figure that is only reported.</summary>
    private const string Reported = "reported";

    /// <summary>
    /// A target: its name, the classes it needs, how its figure is read from the summaries, and the bound; for a target
    /// shown out of reach (<c>docs/benchmarks.md</c>, "Where each target ends"), the honest bound set in its place.
    /// </summary>
    private sealed record Target(string Row, Type Class, string Unit, Func<Summaries, double?> Measure, Func<double, bool> Met, string Bound)
    {
        /// <summary>The honest bound of a target out of reach: whether a figure (with the run's other rows) is within it, and how it reads.</summary>
        public (Func<Summaries, double, bool> Within, string Bound)? Honest { get; init; }
    }

    private static readonly Target[] Targets =
    [
        new("random-sample page of 1,000: resolver / floor", typeof(PageBenchmarks), "x",
            s => s.Ratio(typeof(PageBenchmarks), "Resolver", "Floor", ("Page", "random sample")), r => r <= 2.0, "<= 2x") { Honest = ((_, r) => r <= 2.5, "<= 2.5x") },
        new("random-sample page of 1,000: resolver / naive", typeof(PageBenchmarks), "x",
            s => s.Ratio(typeof(PageBenchmarks), "Resolver", "Naive_page", ("Page", "random sample")), r => r < 1.0, "< 1x (faster than naive)") { Honest = ((_, r) => r <= 1.1, "<= 1.1x (even with naive)") },
        new("v2 page of 1,000: resolver / floor", typeof(PageBenchmarks), "x",
            s => s.Ratio(typeof(PageBenchmarks), "Resolver", "Floor", ("Page", "v2 page")), r => r <= 1.5, "<= 1.5x"),
        new("whole tree, single thread: time", typeof(WholeTreeBenchmarks), "ms",
            s => s.Mean(typeof(WholeTreeBenchmarks), "Streaming_walk") / Ms, t => t <= 350, "<= 350 ms") { Honest = ((s, _) => NaiveOverStreaming(s) >= NaiveOverStreamingHonestBound, "a third of naive's time or less") },
        new("whole tree, single thread: naive / streaming", typeof(WholeTreeBenchmarks), "x",
            NaiveOverStreaming, r => r >= 3.5, ">= 3.5x") { Honest = ((_, r) => r >= NaiveOverStreamingHonestBound, ">= 3x") },
        new("whole tree, single thread: streaming / floor", typeof(WholeTreeBenchmarks), "x",
            StreamingOverFloor, _ => true, Reported),
        new("whole tree, all cores: parallel / single thread", typeof(WholeTreeBenchmarks), "x",
            s => s.Ratio(typeof(WholeTreeBenchmarks), "Parallel_walk", "Streaming_walk"), r => r <= 0.6, "<= 0.6x") { Honest = ((_, r) => r <= 0.7, "<= 0.7x") },
        new("deepest of a 10,000-level chain: resolver / floor", typeof(ChainBenchmarks), "x",
            s => s.Ratio(typeof(ChainBenchmarks), "Resolve_deepest_alone", "Floor_deepest_alone", ("Depth", 10_000)), r => r <= 1.5, "<= 1.5x") { Honest = ((_, r) => r <= 2.0, "<= 2x") },
        new("bulk import into LiteDB, one transaction as raw (explo import): store rate / raw rate", typeof(BulkImportBenchmarks), "%",
            s => s.Ratio(typeof(BulkImportBenchmarks), "Raw_insert_bulk", "Store_import_one_transaction") * 100, p => p >= 80, ">= 80%") { Honest = ((_, p) => p >= 60, ">= 60%") },
        new("bulk import into LiteDB, the service's batches of 10,000: store rate / raw rate", typeof(BulkImportBenchmarks), "%",
            s => s.Ratio(typeof(BulkImportBenchmarks), "Raw_insert_bulk", "Store_import") * 100, _ => true, Reported),
    ];

    /// <summary>Runs the classes (all the targets' when <paramref name="names"/> is empty) and prints the targets they measure.</summary>
    /// <returns>0 when every measured target is met or within its honest bound, 1 otherwise, 2 for an unknown class name.</returns>
    public static int Run(IReadOnlyList<string> names)
    {
        var classes = Targets.Select(t => t.Class).Distinct().ToList();
        var chosen = names.Count == 0 ? classes : classes.Where(c => names.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var unknown = names.Where(n => !classes.Any(c => string.Equals(c.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"compare: no target is measured by {string.Join(", ", unknown)}; the classes are {string.Join(", ", classes.Select(c => c.Name))}.");
            return 2;
        }

        var summaries = new Summaries(chosen.Select(c => BenchmarkRunner.Run(c)).ToList());
        Console.WriteLine();
        Console.WriteLine($"| target | measured | bound | |");
        Console.WriteLine("|---|---:|---|---|");
        var allHeld = true;
        foreach (var target in Targets.Where(t => chosen.Contains(t.Class)))
        {
            var figure = target.Measure(summaries);
            var verdict = Verdict(target, figure, summaries);
            allHeld &= !verdict.StartsWith("missed", StringComparison.Ordinal);
            var shown = figure is { } f ? string.Create(CultureInfo.InvariantCulture, $"{f:0.00} {target.Unit}") : "-";
            var bound = target.Honest is { } honest ? $"{target.Bound}; honest bound {honest.Bound}" : target.Bound;
            Console.WriteLine($"| {target.Row} | {shown} | {bound} | {verdict} |");
        }

        return allHeld ? 0 : 1;
    }

    /// <summary>
    /// Naive's time over the whole tree's single-thread walk. It is also the honest bound of the walk's time: both rows
    /// read the same 1.1M customers in one process, so their ratio stays put (3x to 4x) where the walk's time and its
    /// ratio to the floor move with the machine's memory latency (<c>docs/benchmarks.md</c>, "Issue 18, fifth session").
    /// </summary>
    private static double? NaiveOverStreaming(Summaries s) => s.Ratio(typeof(WholeTreeBenchmarks), "Naive_every_customer", "Streaming_walk");

    /// <summary>The whole tree's single-thread walk over its floor (the sink reading entries worked out beforehand).</summary>
    private static double? StreamingOverFloor(Summaries s) => s.Ratio(typeof(WholeTreeBenchmarks), "Streaming_walk", "Floor_every_customer");

    /// <summary>Met, out of reach but within its honest bound, missed, reported, or not measured.</summary>
    private static string Verdict(Target target, double? figure, Summaries summaries) =>
        figure switch
        {
            null => "not measured",
            _ when target.Bound == Reported => Reported,
            { } value when target.Met(value) => "met",
            { } value when target.Honest is { } honest => honest.Within(summaries, value) ? "within the honest bound" : "missed, beyond the honest bound",
            _ => "missed",
        };

    /// <summary>The summaries of one run, read by class, method and parameters.</summary>
    private sealed class Summaries(IReadOnlyList<Summary> summaries)
    {
        /// <summary>The mean in nanoseconds of a method (with these parameter values), or null when it was not run.</summary>
        public double? Mean(Type type, string method, params (string Name, object Value)[] parameters) =>
            summaries
                .SelectMany(s => s.Reports)
                .Where(r => r.BenchmarkCase.Descriptor.Type == type && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method)
                .Where(r => parameters.All(p => Equals(r.BenchmarkCase.Parameters[p.Name], p.Value)))
                .Select(r => r.ResultStatistics?.Mean)
                .FirstOrDefault();

        /// <summary>The ratio of two methods' means in one run, or null when either was not run.</summary>
        public double? Ratio(Type type, string numerator, string denominator, params (string Name, object Value)[] parameters) =>
            Mean(type, numerator, parameters) is { } top && Mean(type, denominator, parameters) is { } bottom && bottom > 0 ? top / bottom : null;
    }
}
