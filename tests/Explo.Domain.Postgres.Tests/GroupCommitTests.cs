using System.Collections.Immutable;
using Explo.Domain.Ports;
using Npgsql;

namespace Explo.Domain.Postgres.Tests;

/// <summary>
/// The store's writer commits the units waiting when it is free as one group (one PostgreSQL transaction under one
/// lock), each deciding against the ones before it; when the group can't be applied each unit goes alone, so a unit's
/// failure is its own. Which transaction wrote a row is its <c>xmin</c>.
/// </summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly PostgresSchema _schema = PostgresCluster.NewSchema();
    private readonly Caller _admin = Caller.Administrator();

    public void Dispose() => _schema.Dispose();

    private static Customer Make(Workspace workspace, long id, string providedId, string token) =>
        new(new CustomerId(id), providedId, "n", token, false, ImmutableArray<string>.Empty, ImmutableArray<GroupTagId>.Empty,
            PropertyMap.Empty, OrderedMap<string>.Empty, workspace.RootLevel.Id, workspace.AccessGroups[0].Id, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1);

    /// <summary>The transactions that wrote the customers whose provided ids start with <paramref name="prefix"/>.</summary>
    private List<string> WritersOf(string prefix)
    {
        using var connection = new NpgsqlConnection(_schema.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT DISTINCT xmin::text FROM customers WHERE provided_id LIKE $1 || '%'", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = prefix });
        using var reader = command.ExecuteReader();
        var writers = new List<string>();
        while (reader.Read())
        {
            writers.Add(reader.GetString(0));
        }

        return writers;
    }

    [Fact]
    public async Task An_idle_store_writes_a_unit_on_its_caller_s_thread_and_a_busy_one_queues_it_for_its_writer()
    {
        using var store = new PostgresWorkspaceStore(_schema.ConnectionString);
        var caller = Environment.CurrentManagedThreadId;
        var alone = store.WriteAsync(_ => new WriteDecision<int>(Environment.CurrentManagedThreadId, null));
        Assert.True(alone.IsCompleted);
        Assert.Equal(caller, await alone);

        ValueTask<int> queued;
        using (var held = new HeldWriter(store))
        {
            queued = store.WriteAsync(_ => new WriteDecision<int>(Environment.CurrentManagedThreadId, null));
            Assert.False(queued.IsCompleted);
            await held.ReleaseAsync();
        }

        Assert.NotEqual(caller, await queued);
    }

    [Fact]
    public async Task Waiting_get_or_creates_commit_in_one_transaction_and_each_sees_the_ones_before_it()
    {
        using var store = new PostgresWorkspaceStore(_schema.ConnectionString);
        var service = new ExploService(store);
        var parent = (await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("parent"))).SuccessValue.Customer.Id;
        var events = store.CountEvents();

        var creates = new List<Task<Result<GetOrCreateResult>>>();
        using (var held = new HeldWriter(store))
        {
            for (var i = 0; i < 16; i++)
            {
                // Every other request asks for the same id as the one before it: the second finds the first's customer.
                creates.Add(service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest($"g-{i / 2}") { ParentProvidedId = "parent", HierarchyLevelName = "User" }));
            }

            await held.ReleaseAsync();
        }

        var results = (await Task.WhenAll(creates)).Select(r => r.SuccessValue).ToList();
        for (var i = 0; i < 16; i += 2)
        {
            Assert.True(results[i].IsNew);
            Assert.False(results[i + 1].IsNew);
            Assert.Equal(results[i].Customer.Id, results[i + 1].Customer.Id);
        }

        Assert.Single(WritersOf("g-"));
        Assert.Equal(8, await store.ReadAsync(r => r.GetChildren(parent).Count));
        Assert.Equal(events + 8, store.CountEvents());
    }

    [Fact]
    public async Task A_unit_created_and_changed_in_one_group_is_inserted_then_updated()
    {
        using var store = new PostgresWorkspaceStore(_schema.ConnectionString);
        var service = new ExploService(store);
        Task<Result<GetOrCreateResult>> created;
        Task<Result<CustomerView>> updated;
        using (var held = new HeldWriter(store))
        {
            created = service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("x-1") { Properties = PropertyMap.Of(("plan", "basic")) });
            updated = service.UpdateCustomerAsync(_admin, new UpdateCustomerRequest("x-1") { Properties = PropertyMap.Of(("plan", "gold")) });
            await held.ReleaseAsync();
        }

        Assert.True((await created).IsSuccess);
        Assert.True((await updated).IsSuccess, (await updated).ToString());
        Assert.Single(WritersOf("x-"));
        var stored = (await service.GetCustomerAsync(_admin, "x-1")).SuccessValue;
        Assert.Equal("{\"plan\":\"gold\"}", PropertyMap.ToJson(stored.Properties));
    }

    [Fact]
    public async Task A_unit_the_database_refuses_fails_alone_and_the_others_of_its_group_commit()
    {
        using var store = new PostgresWorkspaceStore(_schema.ConnectionString);
        var service = new ExploService(store);
        var taken = (await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("taken"))).SuccessValue.Customer;
        var events = store.CountEvents();

        Task<Result<GetOrCreateResult>> first, last;
        Task<int> refused, thrown;
        using (var held = new HeldWriter(store))
        {
            first = service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("a"));

            // A change set that breaks the unique token (a bug in a caller): the database refuses it at commit.
            refused = store.WriteAsync(r => new WriteDecision<int>(1, new ChangeSet(null, [], [Make(r.Workspace!, r.LastCustomerId + 1, "bad", taken.Token)], []))).AsTask();
            thrown = store.WriteAsync<int>(_ => throw new FormatException("the work's own failure")).AsTask();
            last = service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("c"));
            await held.ReleaseAsync();
        }

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => refused);
        Assert.Contains("customers_token_key", failure.Message, StringComparison.Ordinal);
        Assert.Equal("the work's own failure", (await Assert.ThrowsAsync<FormatException>(() => thrown)).Message);
        Assert.True((await first).IsSuccess);
        Assert.True((await last).IsSuccess);
        Assert.False((await service.GetCustomerAsync(_admin, "bad")).IsSuccess);
        Assert.Equal(events + 2, store.CountEvents());
    }

    [Fact]
    public async Task A_unit_cancelled_while_it_waits_is_dropped_and_the_rest_of_its_group_commits()
    {
        using var store = new PostgresWorkspaceStore(_schema.ConnectionString);
        var service = new ExploService(store);
        using var cancel = new CancellationTokenSource();
        Task<Result<GetOrCreateResult>> kept, dropped;
        using (var held = new HeldWriter(store))
        {
            kept = service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("kept"));
            dropped = service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("dropped"), cancel.Token);
            await cancel.CancelAsync();
            await held.ReleaseAsync();
        }

        Assert.True((await kept).IsSuccess);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped);
        Assert.False((await service.GetCustomerAsync(_admin, "dropped")).IsSuccess);
    }
}
