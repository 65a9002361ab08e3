using Npgsql;

namespace Explo.Domain.Postgres.Tests;

/// <summary>Two store instances (two service graphs) on one database: what one commits, the other sees and respects.</summary>
public sealed class MultiInstanceTests : IDisposable
{
    private readonly PostgresSchema _schema = PostgresCluster.NewSchema();
    private readonly PostgresWorkspaceStore _storeA;
    private readonly PostgresWorkspaceStore _storeB;
    private readonly ExploService _a;
    private readonly ExploService _b;
    private readonly Caller _admin = Caller.Administrator();

    public MultiInstanceTests()
    {
        _storeA = new PostgresWorkspaceStore(_schema.ConnectionString);
        _storeB = new PostgresWorkspaceStore(_schema.ConnectionString);
        _a = new ExploService(_storeA);
        _b = new ExploService(_storeB);
    }

    public void Dispose()
    {
        _storeA.Dispose();
        _storeB.Dispose();
        _schema.Dispose();
    }

    [Fact]
    public async Task Sixteen_concurrent_get_or_creates_of_one_id_on_two_instances_create_exactly_one_customer()
    {
        Assert.True((await _a.InitializeWorkspaceAsync(_admin)).IsSuccess);
        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await (i % 2 == 0 ? _a : _b).GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme"));
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Single(results, r => r.SuccessValue.IsNew);
        Assert.Single(results.Select(r => r.SuccessValue.Customer.Id).Distinct());
        Assert.Equal(1L, Scalar("SELECT count(*) FROM customers"));
        Assert.Equal(1L, Scalar("SELECT count(*) FROM events WHERE kind = 'customer_created'"));
    }

    [Fact]
    public async Task A_change_on_one_instance_is_seen_by_the_next_read_of_the_other()
    {
        Assert.True((await _a.InitializeWorkspaceAsync(_admin)).IsSuccess);
        Assert.True((await _a.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme") { Name = "Before" })).IsSuccess);
        Assert.Equal("Before", (await _b.GetCustomerAsync(_admin, "acme")).SuccessValue.Name);

        Assert.True((await _a.UpdateCustomerAsync(_admin, new UpdateCustomerRequest("acme") { Name = "After" })).IsSuccess);
        var seen = (await _b.GetCustomerAsync(_admin, "acme")).SuccessValue;
        Assert.Equal("After", seen.Name);
        Assert.Equal(2, seen.Version);

        // And back: B's change (a new tag, a new customer) is A's next read, the workspace included.
        Assert.True((await _b.CreateGroupTagAsync(_admin, "vip")).IsSuccess);
        Assert.True((await _b.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("beta") { GroupTags = ["vip"] })).IsSuccess);
        Assert.Equal("vip", Assert.Single((await _a.GetCustomerAsync(_admin, "beta")).SuccessValue.GroupTags));
        Assert.Equal(2, (await _a.ListCustomersAsync(_admin, new CustomerFilter())).SuccessValue.Count);
    }

    [Fact]
    public async Task An_ancestor_changed_on_one_instance_is_in_the_other_s_next_computed_fields_though_it_caches_ancestors()
    {
        Assert.True((await _a.InitializeWorkspaceAsync(_admin)).IsSuccess);
        Assert.True((await _a.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("parent") { Properties = PropertyMap.Of(("plan", "basic")) })).IsSuccess);
        Assert.True((await _a.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("child") { ParentProvidedId = "parent", HierarchyLevelName = "User" })).IsSuccess);
        async Task<string> PlanSeenByA() => PropertyMap.ToJson((await _a.GetCustomerAsync(_admin, "child")).SuccessValue.ComputedProperties);

        // The second read of the child finds its parent in A's cache.
        Assert.Equal("{\"plan\":\"basic\"}", await PlanSeenByA());
        var hits = _storeA.CachedCustomersById.CurrentHits;
        Assert.Equal("{\"plan\":\"basic\"}", await PlanSeenByA());
        Assert.True(_storeA.CachedCustomersById.CurrentHits > hits, "A's second read did not use its cache.");

        // B changes the parent: A's next read sees it, not its cached parent.
        Assert.True((await _b.UpdateCustomerAsync(_admin, new UpdateCustomerRequest("parent") { Properties = PropertyMap.Of(("plan", "gold")) })).IsSuccess);
        Assert.Equal("{\"plan\":\"gold\"}", await PlanSeenByA());

        // So does a change made by hand in SQL (the version is raised by the table's triggers).
        Assert.Equal("{\"plan\":\"gold\"}", await PlanSeenByA());
        using (var connection = new NpgsqlConnection(_schema.ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand("UPDATE customers SET properties = '{\"plan\":\"by hand\"}' WHERE provided_id = 'parent'", connection);
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        Assert.Equal("{\"plan\":\"by hand\"}", await PlanSeenByA());
    }

    [Fact]
    public async Task A_cascading_delete_on_one_instance_racing_new_children_on_the_other_leaves_no_orphan()
    {
        Assert.True((await _a.InitializeWorkspaceAsync(_admin)).IsSuccess);
        Assert.True((await _a.AddLevelAsync(_admin, "Team", after: "Customer")).IsSuccess);
        for (var round = 0; round < 5; round++)
        {
            var root = (await _a.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest($"root{round}"))).SuccessValue.Customer;
            using var start = new ManualResetEventSlim();
            var children = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
            {
                start.Wait();
                return await _b.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest($"child{round}-{i}") { ParentProvidedId = $"root{round}", HierarchyLevelName = "Team" });
            })).ToList();
            var delete = Task.Run(async () =>
            {
                start.Wait();
                return await _a.DeleteCustomerAsync(_admin, new DeleteCustomerRequest(root.Token, Cascade: true));
            });
            start.Set();
            await Task.WhenAll(children);
            Assert.True((await delete).IsSuccess, (await delete).ToString());

            // Each child was either created before the delete (and deleted with it) or refused after it: none is left.
            Assert.Equal(0L, Scalar("SELECT count(*) FROM customers c WHERE c.parent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customers p WHERE p.id = c.parent)"));
            Assert.Equal(0L, Scalar($"SELECT count(*) FROM customers WHERE provided_id LIKE 'child{round}-%'"));
        }
    }

    [Fact]
    public async Task A_write_on_one_instance_decides_on_the_workspace_the_other_changed_since_its_last_write()
    {
        // A writes first, so it knows the workspace; B then changes it (a level, a DVG).
        Assert.True((await _a.InitializeWorkspaceAsync(_admin)).IsSuccess);
        Assert.True((await _a.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme"))).IsSuccess);
        Assert.True((await _b.AddLevelAsync(_admin, "Team", after: "Customer")).IsSuccess);
        Assert.True((await _b.AddAccessGroupAsync(_admin, "Staging")).IsSuccess);

        // A work that reads the workspace and then a customer: A's next write knows the level.
        var team = await _a.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("team") { ParentProvidedId = "acme", HierarchyLevelName = "Team" });
        Assert.True(team.IsSuccess, team.ToString());

        // A work that decides on the workspace alone: A's level is added to B's changes, not over them.
        Assert.True((await _a.AddLevelAsync(_admin, "Squad", after: "Team")).IsSuccess);
        var levels = (await _b.ListLevelsAsync(_admin)).SuccessValue.Select(l => l.Name).ToList();
        Assert.Equal(["Customer", "Team", "Squad", "User"], levels);
        Assert.Contains("Staging", (await _a.ListAccessGroupsAsync(_admin)).SuccessValue.Select(g => g.Name));
    }

    private long Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(_schema.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return (long)command.ExecuteScalar()!;
    }
}
