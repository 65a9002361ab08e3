using BenchmarkDotNet.Attributes;
using Explo.Domain.Inheritance;

namespace Explo.Domain.Benchmarks;

/// <summary>
/// Target 1: every customer of a balanced tree (branching 10, 7 levels: 1,111,111 customers) resolved and consumed by
/// an export-like sink, streaming (one depth-first walk that applies each customer's own layer once and retains
/// nothing per customer) against the naive baseline (each customer's chain merged from scratch), and the floor: the
/// sink consuming every customer's entries worked out beforehand (issue 18).
/// </summary>
/// <remarks>Every row runs in the one process that runs the class ([InProcess]), so rows compared with each other share
/// that process's speed of reading memory, which varies from one process to the next on a shared machine
/// (<c>docs/decisions.md</c>, "Benchmarks compared in one process").</remarks>
[MemoryDiagnoser]
[InProcess]
[WarmupCount(2)]
[IterationCount(5)]
public class WholeTreeBenchmarks
{
    private CustomerTree _tree = null!;
    private PrecomputedEntries? _floor;

    [Params(10)]
    public int Branching { get; set; } = 10;

    [Params(7)]
    public int Levels { get; set; } = 7;

    [GlobalSetup(Targets = [nameof(Naive_every_customer), nameof(Streaming_walk), nameof(Parallel_walk)])]
    public void Setup() => _tree = Trees.SharedBalanced(Branching, Levels);

    /// <summary>The floor's set-up alone builds every customer's entries (about 1 GB for the 1.1M tree), so the other rows run without that heap.</summary>
    [GlobalSetup(Target = nameof(Floor_every_customer))]
    public void SetupFloor()
    {
        Setup();
        _floor = new PrecomputedEntries(_tree, _tree.Customers);
    }

    [Benchmark(Baseline = true)]
    public long Naive_every_customer() => Naive.EveryCustomer(_tree);

    [Benchmark]
    public long Streaming_walk() => Streaming.EveryCustomer(_tree);

    /// <summary>The same walk with the subtrees spread over every core, a sink per worker (the checksums add up).</summary>
    [Benchmark]
    public long Parallel_walk() => Streaming.EveryCustomerInParallel(_tree, Environment.ProcessorCount);

    [Benchmark]
    public long Floor_every_customer()
    {
        var sink = new Sink();
        for (var i = 0; i < _floor!.Count; i++)
        {
            _floor.Consume(i, sink);
        }

        return sink.Checksum;
    }

    internal CustomerTree Tree => _tree;
}

/// <summary>
/// Target 2: chains of 1,000 and 10,000 levels, one own property each. Every customer of the chain resolved (the output
/// is n(n+1)/2 entries), streaming against naive; and the deepest customer alone through the resolver (looking its
/// ancestors up one by one, as a store would) against the floor (its output maps built from its entries computed beforehand).
/// </summary>
/// <remarks>Every row runs in the one process that runs the class ([InProcess]), so rows compared with each other share
/// that process's speed of reading memory, which varies from one process to the next on a shared machine
/// (<c>docs/decisions.md</c>, "Benchmarks compared in one process").</remarks>
[MemoryDiagnoser]
[InProcess]
[WarmupCount(2)]
[IterationCount(7)]
public class ChainBenchmarks
{
    private CustomerTree _tree = null!;
    private PrecomputedEntries _deepest = null!;

    [Params(1_000, 10_000)]
    public int Depth { get; set; } = 1_000;

    [GlobalSetup]
    public void Setup()
    {
        _tree = Trees.SharedChain(Depth);
        _deepest = new PrecomputedEntries(_tree, [_tree.Customers[^1]]);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("all")]
    public long Naive_every_customer() => Naive.EveryCustomer(_tree);

    [Benchmark]
    public long Streaming_every_customer() => Streaming.EveryCustomer(_tree);

    [Benchmark]
    public long Floor_deepest_alone()
    {
        var sink = new Sink();
        _deepest.Produce(0, sink);
        return sink.Checksum;
    }

    [Benchmark]
    public long Resolve_deepest_alone()
    {
        var sink = new Sink();
        var deepest = _tree.Customers[^1];
        sink.Read(InheritanceResolver.ResolveOne(deepest, _tree.Find, _tree.DefaultMapping));
        return sink.Checksum;
    }

    internal CustomerTree Tree => _tree;
}

/// <summary>
/// Target 3: one page of 1,000 customers out of the 1,111,111-customer tree, a v2 page (1,000 consecutive ids of the
/// bottom level) and a random sample, resolved by the resolver (ancestors loaded in batches, each shared ancestor
/// applied once) against the floor (the output maps built from entries computed beforehand) and naive.
/// </summary>
/// <remarks>Every row runs in the one process that runs the class ([InProcess]), so rows compared with each other share
/// that process's speed of reading memory, which varies from one process to the next on a shared machine
/// (<c>docs/decisions.md</c>, "Benchmarks compared in one process").</remarks>
[MemoryDiagnoser]
[InProcess]
[WarmupCount(3)]
[IterationCount(10)]
public class PageBenchmarks
{
    private CustomerTree _tree = null!;
    private Customer[] _page = null!;
    private PrecomputedEntries _floor = null!;

    [Params(10)]
    public int Branching { get; set; } = 10;

    [Params(7)]
    public int Levels { get; set; } = 7;

    [Params(1_000)]
    public int PageSize { get; set; } = 1_000;

    [Params("v2 page", "random sample")]
    public string Page { get; set; } = "v2 page";

    [GlobalSetup]
    public void Setup()
    {
        _tree = Trees.SharedBalanced(Branching, Levels);
        var customers = _tree.Customers;
        _page = Page == "v2 page"
            ? customers.Skip(customers.Length - (customers.Length / 2) - PageSize).Take(PageSize).ToArray()
            : new Random(42).GetItems(customers, PageSize).Distinct().OrderBy(c => c.Id.Value).ToArray();
        _floor = new PrecomputedEntries(_tree, _page);
    }

    [Benchmark(Baseline = true)]
    public long Floor()
    {
        var sink = new Sink();
        for (var i = 0; i < _floor.Count; i++)
        {
            _floor.Produce(i, sink);
        }

        return sink.Checksum;
    }

    [Benchmark]
    public long Resolver()
    {
        // As the floor and naive do, each customer's fields go to the sink as soon as they are produced.
        var sink = new Sink();
        InheritanceResolver.Resolve(_page, _tree.Load, _tree.DefaultMapping, (_, fields) => sink.Read(fields));
        return sink.Checksum;
    }

    [Benchmark]
    public long Resolver_all_then_read()
    {
        // The dictionary form: every customer's fields kept until the whole page is resolved, then read.
        var sink = new Sink();
        var computed = InheritanceResolver.Resolve(_page, _tree.Load, _tree.DefaultMapping);
        foreach (var customer in _page)
        {
            sink.Read(computed[customer.Id]);
        }

        return sink.Checksum;
    }

    [Benchmark]
    public long Naive_page()
    {
        var sink = new Sink();
        foreach (var customer in _page)
        {
            var (properties, mapping) = Naive.Resolve(_tree, customer);
            sink.Read(properties, mapping);
        }

        return sink.Checksum;
    }

    internal CustomerTree Tree => _tree;

    internal IReadOnlyList<Customer> PageCustomers => _page;
}
