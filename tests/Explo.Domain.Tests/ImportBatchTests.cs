using System.Collections.Concurrent;
using Explo.Domain.InMemory;
using Explo.Domain.Ports;
using FsCheck;
using FsCheck.Fluent;

namespace Explo.Domain.Tests;

/// <summary>A non-atomic import commits in batches (so other requests run between them); an atomic one does not.</summary>
public sealed class ImportBatchTests
{
    private static readonly Caller Admin = Caller.Administrator();

    /// <summary>A store that counts the units of work and can run code inside each write's work (with the store held).</summary>
    private sealed class CountingStore(IWorkspaceStore inner) : IWorkspaceStore
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        /// <summary>Called inside each write's work, with the write's number (1 for the first).</summary>
        public Action<int>? DuringWrite { get; init; }

        public ValueTask<T> ReadAsync<T>(Func<IWorkspaceReader, T> query, CancellationToken cancellationToken = default) => inner.ReadAsync(query, cancellationToken);

        public ValueTask<T> WriteAsync<T>(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken = default)
        {
            var number = Interlocked.Increment(ref _writes);
            return inner.WriteAsync(
                reader =>
                {
                    DuringWrite?.Invoke(number);
                    return work(reader);
                },
                cancellationToken);
        }
    }

    /// <summary>2,500 rows, children first: <c>c{i}</c> (level User) names <c>p{i}</c>, which comes 1,250 rows later.</summary>
    private static List<CreateCustomerRequest> ChildrenBeforeParents() =>
        [
            .. Enumerable.Range(0, 1_250).Select(i => new CreateCustomerRequest($"c{i}") { ParentProvidedId = $"p{i}", HierarchyLevelName = "User" }),
            .. Enumerable.Range(0, 1_250).Select(i => new CreateCustomerRequest($"p{i}")),
        ];

    [Fact]
    public async Task A_non_atomic_import_larger_than_its_batch_commits_in_several_units_of_work_with_the_outcome_of_one()
    {
        var memory = new InMemoryWorkspaceStore();
        var store = new CountingStore(memory);
        var service = new ExploService(store);

        var result = await service.ImportCustomersAsync(Admin, ChildrenBeforeParents(), new ImportOptions { BatchSize = 1_000 });

        Assert.Equal(3, store.Writes); // 2,500 rows in batches of 1,000
        Assert.Equal((2_500, 0), (result.SuccessValue.Created, result.SuccessValue.Existing));
        Assert.Empty(result.SuccessValue.Errors);
        var customers = (await service.ListCustomersAsync(Admin, new CustomerFilter())).SuccessValue;
        Assert.Equal(Enumerable.Range(0, 1_250).Select(i => $"p{i}").Concat(Enumerable.Range(0, 1_250).Select(i => $"c{i}")), customers.Select(c => c.ProvidedId));
        Assert.All(customers.Where(c => c.ProvidedId.StartsWith('c')), c => Assert.Equal("p" + c.ProvidedId[1..], c.ParentProvidedId));
        Assert.Equal(2_501, memory.Events.Count); // the workspace, then one event per customer

        // The same rows in one unit of work give the same customers, ids included.
        var single = new ExploService(new InMemoryWorkspaceStore());
        var whole = await single.ImportCustomersAsync(Admin, ChildrenBeforeParents(), new ImportOptions { BatchSize = int.MaxValue });
        Assert.Equal(2_500, whole.SuccessValue.Created);
        Assert.Equal(
            Shape((await single.ListCustomersAsync(Admin, new CustomerFilter())).SuccessValue),
            Shape(customers));
    }

    [Fact]
    public async Task An_atomic_import_larger_than_the_batch_size_with_an_invalid_last_row_changes_nothing()
    {
        var memory = new InMemoryWorkspaceStore();
        var store = new CountingStore(memory);
        var service = new ExploService(store);
        Assert.True((await service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("existing"))).IsSuccess);
        var events = memory.Events.Count;
        var rows = ChildrenBeforeParents();
        rows.Add(new CreateCustomerRequest("last") { Emails = ["not-an-address"] });

        var writesBefore = store.Writes;
        var result = await service.ImportCustomersAsync(Admin, rows, new ImportOptions { Atomic = true, BatchSize = 100 });

        Assert.Equal(1, store.Writes - writesBefore);
        var failure = Assert.IsType<ValidationFailed>(result.Failure);
        Assert.Equal(["rows[2500].emails[0]"], failure.Violations.Select(v => v.Field));
        Assert.Equal(["existing"], (await service.ListCustomersAsync(Admin, new CustomerFilter())).SuccessValue.Select(c => c.ProvidedId));
        Assert.Equal(events, memory.Events.Count);
    }

    [Fact]
    public async Task A_read_waiting_behind_a_batch_runs_before_the_next_batch()
    {
        var log = new ConcurrentQueue<string>();
        InMemoryWorkspaceStore memory = new();
        Thread? reader = null;
        var store = new CountingStore(memory)
        {
            DuringWrite = number =>
            {
                log.Enqueue($"batch {number}");
                if (number == 1)
                {
                    // A reader arrives while the first batch holds the store, and waits for it.
                    reader = new Thread(() => memory.ReadAsync(r => { log.Enqueue("read"); return r.LastCustomerId; }).AsTask().Wait());
                    reader.Start();
                    Thread.Sleep(200);
                }
            },
        };
        var service = new ExploService(store);

        var result = await service.ImportCustomersAsync(Admin, Enumerable.Range(0, 30).Select(i => new CreateCustomerRequest($"r{i}")).ToList(), new ImportOptions { BatchSize = 10 });

        Assert.Equal(30, result.SuccessValue.Created);
        Assert.True(reader!.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal(["batch 1", "read", "batch 2", "batch 3"], log);
    }

    /// <summary>Random rows (repeated ids, parents before or after their children or missing, invalid rows).</summary>
    private static readonly Gen<CreateCustomerRequest> RowGen =
        from id in Gen.Choose(0, 12)
        from parent in Gen.Choose(-4, 12)
        from level in Gen.Elements<string?>(null, "User", "Nope")
        from invalid in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        from value in Gen.Choose(0, 99)
        select new CreateCustomerRequest($"r{id}")
        {
            ParentProvidedId = parent < 0 ? null : $"r{parent}",
            HierarchyLevelName = level,
            Emails = invalid ? ["not-an-address"] : null,
            Properties = PropertyMap.Parse($$"""{"v": {{value}}}"""),
        };

    [Fact]
    public void Any_batch_size_gives_the_outcome_of_one_unit_of_work()
    {
        var arb = Arb.From(
            from count in Gen.Choose(0, 40)
            from rows in Gen.ListOf(RowGen, count)
            from batch in Gen.Choose(1, 6)
            from existing in Gen.Choose(0, 3)
            select (Rows: rows.ToList(), Batch: batch, Existing: existing));
        Prop.ForAll(arb, input =>
        {
            var (batched, batchedCustomers) = Import(input.Rows, input.Batch, input.Existing);
            var (whole, wholeCustomers) = Import(input.Rows, int.MaxValue, input.Existing);
            Assert.Equal(whole.Created, batched.Created);
            Assert.Equal(whole.Existing, batched.Existing);
            Assert.Equal(whole.Errors.Select(e => (e.Row, e.ProvidedId, e.Failure.Code)), batched.Errors.Select(e => (e.Row, e.ProvidedId, e.Failure.Code)));
            Assert.Equal(wholeCustomers, batchedCustomers);
        }).Check(Explo.Domain.Testing.RunSettings.Config(100));

        static (ImportResult Result, List<string> Customers) Import(List<CreateCustomerRequest> rows, int batch, int existing)
        {
            var service = new ExploService(new InMemoryWorkspaceStore());
            for (var i = 0; i < existing; i++)
            {
                Assert.True(service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest($"r{i * 4}")).Result.IsSuccess);
            }

            var result = service.ImportCustomersAsync(Admin, rows, new ImportOptions { BatchSize = batch }).Result.SuccessValue;
            return (result, Shape(service.ListCustomersAsync(Admin, new CustomerFilter()).Result.SuccessValue));
        }
    }

    /// <summary>Every customer's id, provided id, parent, level and properties (not the random token).</summary>
    private static List<string> Shape(IReadOnlyList<CustomerView> customers) =>
        customers.Select(c => $"{c.Id.Value}|{c.ProvidedId}|{c.ParentProvidedId}|{c.HierarchyLevel}|{PropertyMap.ToJson(c.Properties)}").ToList();
}
