using Explo.Domain.ContractTests;
using Explo.Domain.Hierarchy;

namespace Explo.Domain.LiteDb.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TempDatabase _folder = new();
    private readonly Caller _admin = Caller.Administrator();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_read_runs_while_a_write_works_and_sees_the_last_commit()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = new ExploService(store);
        Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("first"))).IsSuccess);

        // Readers wait only for a write's commit, not for its work: a read started inside the work finishes before it.
        var seen = store.WriteNow(reader =>
        {
            var read = Task.Run(() => store.ReadNow(r => r.FindCustomerByProvidedId("first")?.ProvidedId));
            Assert.True(read.Wait(TimeSpan.FromSeconds(30)), "The read waited for the write's work.");
            return new Ports.WriteDecision<string?>(read.Result, null);
        });

        Assert.Equal("first", seen);
    }

    [Fact]
    public async Task Readers_during_a_batched_import_see_whole_batches()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = new ExploService(store);
        var rows = Enumerable.Range(0, 2_000).Select(i => new CreateCustomerRequest($"r{i}")).ToList();
        var counts = new List<int>();
        using var done = new CancellationTokenSource();

        var reader = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                counts.Add((await service.ListCustomersAsync(_admin, new CustomerFilter())).SuccessValue.Count);
                counts.Add((int)(await service.ListCustomerPageAsync(_admin, new CustomerPageRequest { PageSize = 1 })).SuccessValue.TotalCount);
            }
        });
        var result = await service.ImportCustomersAsync(_admin, rows, new ImportOptions { BatchSize = 100 });
        await done.CancelAsync();
        await reader;

        Assert.Equal(2_000, result.SuccessValue.Created);
        Assert.True(counts.All(c => c % 100 == 0), string.Join(",", counts.Where(c => c % 100 != 0).Take(20)));
        Assert.Equal(counts.Order(), counts); // never backwards
        Assert.Equal(2_001, store.CountEvents());
    }

    [Fact]
    public async Task Sixteen_threads_getting_or_creating_one_new_customer_create_exactly_one()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = new ExploService(store);
        using var start = new Barrier(16);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("same")).GetAwaiter().GetResult();
        })));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Single(results, r => r.SuccessValue.IsNew);
        Assert.Single(results.Select(r => r.SuccessValue.Customer.Token).Distinct());
        Assert.Single((await service.ListCustomersAsync(_admin, new CustomerFilter())).SuccessValue);
        Assert.Equal(2, store.CountEvents()); // workspace initialised + one customer created
    }

    [Fact]
    public async Task Mixed_concurrent_creates_updates_moves_and_deletes_keep_every_invariant()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = new ExploService(store, new ExploServiceOptions { TokenGenerator = new SequentialTokenGenerator() });
        Assert.True((await service.AddLevelAsync(_admin, "Team", after: "Customer")).IsSuccess);
        string[] levels = ["Customer", "Team", "User"];

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 150; i++)
            {
                var id = $"c{random.Next(40)}";
                var other = $"c{random.Next(40)}";
                var level = levels[random.Next(levels.Length)];
                switch (random.Next(5))
                {
                    case 0:
                        await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest(id));
                        break;
                    case 1:
                        await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest(id) { ParentProvidedId = other, HierarchyLevelName = level });
                        break;
                    case 2:
                        await service.UpdateCustomerAsync(_admin, new UpdateCustomerRequest(id) { ParentProvidedId = other, HierarchyLevelName = level, Properties = PropertyMap.Of(("w", worker), ("i", i)) });
                        break;
                    case 3:
                        await service.UpdateCustomerAsync(_admin, new UpdateCustomerRequest(id) { ParentProvidedId = new Optional<string?>(null) });
                        break;
                    default:
                        if ((await service.GetCustomerAsync(_admin, id)) is { IsSuccess: true } found)
                        {
                            await service.DeleteCustomerAsync(_admin, new DeleteCustomerRequest(found.SuccessValue.Token, Cascade: random.Next(2) == 0));
                        }

                        break;
                }
            }
        })));

        Assert.Empty(store.Invariants());
        var all = (await service.ListCustomersAsync(_admin, new CustomerFilter())).SuccessValue;
        foreach (var customer in all)
        {
            // Computed fields equal the fold over the current ancestors, root first.
            var chain = new List<CustomerView>();
            for (var c = customer; c is not null; c = c.ParentProvidedId is { } p ? all.Single(x => x.ProvidedId == p) : null)
            {
                chain.Insert(0, c);
            }

            var expected = new Dictionary<string, string>();
            foreach (var ancestor in chain)
            {
                foreach (var (key, value) in ancestor.Properties)
                {
                    expected[key] = value.GetRawText();
                }
            }

            Assert.Equal(expected.OrderBy(e => e.Key), customer.ComputedProperties.Select(e => KeyValuePair.Create(e.Key, e.Value.GetRawText())).OrderBy(e => e.Key));
        }
    }
}
