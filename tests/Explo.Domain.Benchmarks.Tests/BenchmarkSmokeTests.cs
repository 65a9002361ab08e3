using Explo.Domain.Inheritance;

namespace Explo.Domain.Benchmarks.Tests;

/// <summary>
/// Every benchmark body run once on small inputs, so the benchmarks can't rot, and checked against its baselines:
/// each way of resolving a tree gives the same output as the naive fold. No timing is asserted.
/// </summary>
public sealed class BenchmarkSmokeTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "explo-bench-smoke-" + Guid.NewGuid().ToString("N"));

    public BenchmarkSmokeTests() => Environment.SetEnvironmentVariable("EXPLO_BENCH_DATA", _data);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("EXPLO_BENCH_DATA", null);
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public void The_whole_tree_streams_to_the_same_output_as_the_naive_fold()
    {
        var benchmark = new WholeTreeBenchmarks { Branching = 3, Levels = 5 };
        benchmark.SetupFloor();

        Assert.Equal(121, benchmark.Tree.Count);
        Assert.Equal(benchmark.Naive_every_customer(), benchmark.Streaming_walk());
        Assert.Equal(benchmark.Naive_every_customer(), benchmark.Floor_every_customer());
        Assert.Equal(benchmark.Naive_every_customer(), benchmark.Parallel_walk());
        Assert.Equal(benchmark.Naive_every_customer(), Streaming.EveryCustomerInParallel(benchmark.Tree, 3));
    }

    [Fact]
    public void The_balanced_tree_has_the_shape_the_issue_asks_for_and_overrides_happen()
    {
        var tree = Trees.Balanced(10, 4);
        Assert.Equal(1_111, tree.Count);
        Assert.Equal(4, tree.DepthOf(tree.Customers[^1]));
        Assert.All(tree.Customers, c => Assert.Equal(5, c.Properties.Count));

        // Keys come from a pool of 40, so a customer at depth 4 inherits fewer than 4 x 5 distinct keys.
        var leaf = Naive.Resolve(tree, tree.Customers[^1]).Properties;
        Assert.InRange(leaf.Count, 5, 19);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(300)]
    public void A_chain_resolves_the_same_streaming_naive_alone_and_from_the_floor(int depth)
    {
        var benchmark = new ChainBenchmarks { Depth = depth };
        benchmark.Setup();

        Assert.Equal(benchmark.Naive_every_customer(), benchmark.Streaming_every_customer());
        Assert.Equal(benchmark.Floor_deepest_alone(), benchmark.Resolve_deepest_alone());
        var deepest = Naive.Resolve(benchmark.Tree, benchmark.Tree.Customers[^1]).Properties;
        Assert.Equal(depth, deepest.Count);
    }

    [Theory]
    [InlineData("v2 page")]
    [InlineData("random sample")]
    public void A_page_resolves_like_the_floor_and_naive_and_loads_each_shared_ancestor_once(string page)
    {
        var benchmark = new PageBenchmarks { Branching = 4, Levels = 6, PageSize = 100, Page = page };
        benchmark.Setup();

        var floor = benchmark.Floor();
        Assert.Equal(floor, benchmark.Naive_page());
        benchmark.Tree.Loaded = 0;
        Assert.Equal(floor, benchmark.Resolver());

        // The resolver asked the "store" for each ancestor of the page once, and for nothing else.
        var ancestors = benchmark.PageCustomers
            .SelectMany(c => Ancestors(benchmark.Tree, c))
            .Where(a => !benchmark.PageCustomers.Contains(a))
            .Distinct()
            .Count();
        Assert.Equal(ancestors, benchmark.Tree.Loaded);
        Assert.Equal(floor, benchmark.Resolver_all_then_read());
    }

    [Fact]
    public void The_streaming_walk_refuses_a_child_listed_under_the_wrong_parent()
    {
        var tree = Trees.Chain(3);
        var error = Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Walk(
            tree.Roots, c => c.Id.Value == 1 ? [tree.Customers[2]] : [], tree.DefaultMapping, _ => true, (_, _) => { }));
        Assert.Contains("listed as a child of customer 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_store_benchmarks_run_their_bodies_on_small_files()
    {
        var getOrCreate = new GetOrCreateBenchmarks { Existing = 200 };
        getOrCreate.SetupStore();
        Assert.True(getOrCreate.Store_get_or_create());
        getOrCreate.Cleanup();
        getOrCreate.SetupRaw();
        Assert.True(getOrCreate.Raw_insert_in_own_transaction());
        getOrCreate.Cleanup();

        var bulk = new BulkImportBenchmarks { Customers = 2_000 };
        bulk.Setup();
        foreach (var (prepare, insert) in new (Action, Func<int>)[]
        {
            (bulk.NewStore, bulk.Store_import),
            (bulk.NewStore, bulk.Store_import_one_transaction),
            (bulk.NewRaw, bulk.Raw_insert_bulk),
            (bulk.NewBareRaw, bulk.Raw_insert_bulk_primary_key_only),
            (bulk.NewBareRaw, bulk.Raw_insert_bulk_int64_keys),
        })
        {
            prepare();
            Assert.Equal(2_000, insert());
            bulk.Close();
        }

        bulk.Cleanup();

        var page = new PageFromFileBenchmarks { Customers = 5_000, PageSize = 100 };
        page.SetupStore();
        Assert.Equal(100, page.Store_v2_page());
        var ids = (await page.Service!.ListCustomerPageAsync(Caller.Administrator("Production"), new CustomerPageRequest { Page = page.PageNumber, PageSize = 100 }))
            .SuccessValue.Customers.Select(c => c.Id.Value).ToList();
        page.Cleanup();
        page.SetupRaw();
        Assert.Equal(100, page.Raw_same_query());
        Assert.Equal(100, page.Raw_id_range());
        var rawIds = page.Raw!.GetCollection("customers").Query().OrderBy("_id").Skip((page.PageNumber - 1) * 100).Limit(100).ToList().Select(d => d["_id"].AsInt64);
        Assert.Equal(rawIds, ids);
        page.Cleanup();

        var change = new ChangeBenchmarks { Descendants = 300 };
        change.Setup();
        Assert.Equal("v1", change.Change_then_read_a_descendant());
        Assert.Equal("v2", change.Change_then_read_a_descendant());
        change.Cleanup();
    }

    [Fact]
    public async Task The_group_tag_benchmarks_create_rename_and_delete_one_tag_and_keep_the_count()
    {
        var tags = new GroupTagBenchmarks { Tags = 50 };
        tags.Setup();
        Assert.Equal(50, tags.Count);

        for (var i = 0; i < GroupTagBenchmarks.OperationsPerIteration; i++)
        {
            Assert.StartsWith("new-", tags.Create_tag(), StringComparison.Ordinal);
        }

        Assert.Equal(50 + GroupTagBenchmarks.OperationsPerIteration, tags.Count);
        tags.DeleteCreated();
        Assert.Equal(50, tags.Count);

        Assert.Equal("tag-25-renamed", tags.Rename_tag());
        Assert.Equal("tag-25", tags.Rename_tag());
        Assert.Contains("tag-25", (await tags.Service.ListGroupTagsAsync(Caller.Administrator())).SuccessValue.Select(t => t.Name));

        tags.CreateSpares();
        Assert.Equal(50 + GroupTagBenchmarks.OperationsPerIteration, tags.Count);
        for (var i = 0; i < GroupTagBenchmarks.OperationsPerIteration; i++)
        {
            Assert.True(tags.Delete_tag());
        }

        Assert.Equal(50, tags.Count);
        Assert.Throws<InvalidOperationException>(() => tags.Delete_tag());
        tags.Cleanup();
    }

    private static IEnumerable<Customer> Ancestors(CustomerTree tree, Customer customer)
    {
        for (var c = customer; c.ParentId is { } parent;)
        {
            c = tree.ById(parent);
            yield return c;
        }
    }
}
