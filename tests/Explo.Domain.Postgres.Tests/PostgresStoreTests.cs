using System.Globalization;
using Explo.Domain.ContractTests;
using Explo.Domain.Ports;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Explo.Domain.Postgres.Tests;

/// <summary>What the PostgreSQL store promises beyond the contract suites: exactness, its schema, its errors, DI.</summary>
public sealed class PostgresStoreTests : IDisposable
{
    private readonly PostgresSchema _schema = PostgresCluster.NewSchema();
    private readonly Caller _admin = Caller.Administrator();

    public void Dispose() => _schema.Dispose();

    private static ExploService Service(IWorkspaceStore store) =>
        new(store, new ExploServiceOptions { TimeProvider = new ManualTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero)), TokenGenerator = new SequentialTokenGenerator() });

    [Fact]
    public async Task Awkward_properties_and_mapping_round_trip_byte_for_byte_across_a_reopen()
    {
        const string properties = """
            {"z-first": 1, "a.b": 1, "$dollar": "x", "with space": null, "ünïcødé 键": [1, 2.50, {"deep": {"er": true}}], "key \"quoted\" \\ back": "k",
             "big": 123456789012345678901234567890, "precise": 0.1000000000000000055511151231257827, "huge": 1e400, "neg": -0,
             "exp": 1.0E-7, "s": "line\nbreak \"quoted\" \u0000 nul", "emoji 🦄": "🦄"}
            """;
        var exact = PropertyMap.ToJson(PropertyMap.Parse(properties));
        string before;
        using (var store = new PostgresWorkspaceStore(_schema.ConnectionString))
        {
            var service = Service(store);
            Assert.True((await service.AddDataSourceAsync(_admin, new AddDataSourceRequest("ds-1", "40", "Main", ["Production"]))).IsSuccess);
            Assert.True((await service.CreateGroupTagAsync(_admin, "Tag.With$Odd chars")).IsSuccess);
            Assert.True((await service.AddLevelAsync(_admin, "Team", after: "Customer")).IsSuccess);
            Assert.True((await service.CreateApiTokenAsync(_admin, new CreateApiTokenRequest("Production", ReadOnly: true, "reader"))).IsSuccess);
            var created = await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("root") { Properties = PropertyMap.Parse(properties), Mapping = OrderedMap.Of(("40", "ds-1"), ("134", "opaque/value.$"), ("1", "ü\"\\")), Emails = ["A@Example.com", "a@example.com"], GroupTags = ["Tag.With$Odd chars"], IsDemoGroup = true });
            Assert.True(created.IsSuccess, created.ToString());
            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("child") { ParentProvidedId = "root", HierarchyLevelName = "Team", Properties = PropertyMap.Parse("""{"a.b": {"over": "ridden"}}""") })).IsSuccess);
            before = await Describe(service);
        }

        // The column holds the exact text: jsonb would have rewritten the numbers and the key order.
        Assert.Equal(exact, Scalar<string>("SELECT properties FROM customers WHERE provided_id = 'root'"));
        Assert.Equal("""[["40","ds-1"],["134","opaque/value.$"],["1","\u00FC\u0022\\"]]""", Scalar<string>("SELECT mapping FROM customers WHERE provided_id = 'root'"));

        using (var reopened = new PostgresWorkspaceStore(_schema.ConnectionString))
        {
            var service = Service(reopened);
            var after = await Describe(service);
            Assert.Equal(before, after);
            var root = (await service.GetCustomerAsync(_admin, "root")).SuccessValue;
            Assert.Equal(exact, PropertyMap.ToJson(root.Properties));
            Assert.Equal(["40", "134", "1"], root.Mapping.Select(m => m.Key));
            foreach (var text in (string[])["123456789012345678901234567890", "0.1000000000000000055511151231257827", "1e400", "-0", "1.0E-7", "2.50", "\"z-first\":1,\"a.b\""])
            {
                Assert.Contains(text, after, StringComparison.Ordinal);
            }
        }
    }

    private async Task<string> Describe(ExploService service)
    {
        var lines = new List<string>();
        foreach (var c in (await service.ListCustomersAsync(_admin, new CustomerFilter())).SuccessValue)
        {
            lines.Add(string.Join('|', c.Id, c.ProvidedId, c.Name, c.Token, c.IsDemoGroup, string.Join(',', c.Emails), string.Join(',', c.GroupTags),
                PropertyMap.ToJson(c.Properties), string.Join(',', c.Mapping), c.HierarchyLevel, c.AccessGroup, c.ParentProvidedId,
                PropertyMap.ToJson(c.ComputedProperties), string.Join(',', c.ComputedMapping), string.Join(',', c.ComputedGroupTags),
                c.CreatedAt.UtcTicks, c.UpdatedAt.UtcTicks, c.Version));
        }

        lines.Add(string.Join(',', (await service.ListGroupTagsAsync(_admin)).SuccessValue.Select(t => t.Name)));
        lines.Add(string.Join(',', (await service.ListLevelsAsync(_admin)).SuccessValue));
        lines.Add(string.Join(',', (await service.ListApiTokensAsync(_admin)).SuccessValue));
        lines.Add(System.Text.Json.JsonSerializer.Serialize((await service.ListDataSourcesAsync(_admin)).SuccessValue));
        return string.Join('\n', lines);
    }

    [Fact]
    public void A_new_schema_is_created_at_the_current_version_and_opening_again_changes_nothing()
    {
        using (var store = new PostgresWorkspaceStore(_schema.ConnectionString))
        {
            Assert.Equal(_schema.Name, store.Schema);
        }

        Assert.Equal(PostgresWorkspaceStore.SchemaVersion, Scalar<int>("SELECT version FROM explo_schema"));
        using (new PostgresWorkspaceStore(_schema.ConnectionString))
        {
        }

        Assert.Equal(1L, Scalar<long>("SELECT count(*) FROM explo_schema"));
        Assert.Equal(PostgresWorkspaceStore.SchemaVersion, Scalar<int>("SELECT version FROM explo_schema"));
    }

    [Fact]
    public void Instances_opening_a_new_database_together_create_its_schema_once()
    {
        var stores = new PostgresWorkspaceStore[6];
        Parallel.For(0, stores.Length, i => stores[i] = new PostgresWorkspaceStore(_schema.ConnectionString));
        foreach (var store in stores)
        {
            store.Dispose();
        }

        Assert.Equal(PostgresWorkspaceStore.SchemaVersion, Scalar<int>("SELECT version FROM explo_schema"));
    }

    [Fact]
    public async Task A_schema_1_database_is_migrated_to_the_current_schema_keeping_its_customers()
    {
        // A database as schema 1 left it: one tagged customer, one without tags.
        using (var connection = new NpgsqlConnection(_schema.ConnectionString))
        {
            connection.Open();
            Assert.Equal(0, SchemaMigrations.Open(connection, Scalar<int>("SELECT hashtext(current_schema())"), "test", upTo: 1));
        }

        Execute("""
            INSERT INTO group_tags VALUES (3, 'vip');
            INSERT INTO customers (id, provided_id, token, name, demo, emails, tags, properties, mapping, level, dvg, parent, created_ticks, updated_ticks, version)
            VALUES (1, 'tagged', 't1', 'n', false, '{}', '{3}', '{"a":1e400}', '[]', 1, 1, NULL, 1, 1, 1),
                   (2, 'plain', 't2', 'n', false, '{}', '{}', '{}', '[]', 1, 1, 1, 1, 1, 1);
            """);
        const string tagIndex = "SELECT indexdef FROM pg_indexes WHERE indexname = 'customers_tags' AND schemaname = current_schema()";
        Assert.Equal(1, Scalar<int>("SELECT version FROM explo_schema"));
        Assert.DoesNotContain("WHERE", Scalar<string>(tagIndex), StringComparison.Ordinal);

        using var store = new PostgresWorkspaceStore(_schema.ConnectionString);

        Assert.Equal(PostgresWorkspaceStore.SchemaVersion, Scalar<int>("SELECT version FROM explo_schema"));
        Assert.Contains("WHERE (tags <> '{}'::bigint[])", Scalar<string>(tagIndex), StringComparison.Ordinal);
        Assert.Equal(["tagged"], await store.ReadAsync(r => r.CustomersWithGroupTag(new GroupTagId(3)).Select(c => c.ProvidedId).ToList()));
        Assert.Equal("{\"a\":1e400}", PropertyMap.ToJson((await store.ReadAsync(r => r.FindCustomerByProvidedId("tagged")))!.Properties));
        Assert.Equal(["plain"], await store.ReadAsync(r => r.GetChildren(new CustomerId(1)).Select(c => c.ProvidedId).ToList()));

        // Schema 3 counted the customers already there, schema 5 their block of ids.
        Assert.Equal(2L, Scalar<long>("SELECT n FROM customer_counts WHERE dvg = 1 AND level = 1"));
        Assert.Equal("1:1:0=2", Scalar<string>("SELECT string_agg(dvg || ':' || level || ':' || block || '=' || n, ',') FROM customer_blocks"));
        Assert.Equal(["plain"], await store.ReadAsync(r => r.ListCustomers(new CustomerQuery(AccessGroupId: new AccessGroupId(1)), 1, 10).Select(c => c.ProvidedId).ToList()));
        Assert.Equal(2L, await store.ReadAsync(r => r.CountCustomers(new CustomerQuery(AccessGroupId: new AccessGroupId(1)))));
    }

    [Fact]
    public async Task The_kept_counts_match_the_customers_after_creates_an_import_a_move_and_deletes()
    {
        using var store = new PostgresWorkspaceStore(_schema.ConnectionString);
        var service = Service(store);
        Assert.True((await service.AddLevelAsync(_admin, "Team", after: "Customer")).IsSuccess);
        Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("root"))).IsSuccess);
        var rows = Enumerable.Range(0, 120).Select(i => new CreateCustomerRequest($"c{i}") { ParentProvidedId = "root", HierarchyLevelName = i % 2 == 0 ? "Team" : "User" }).ToList();
        Assert.True((await service.ImportCustomersAsync(_admin, rows)).IsSuccess);

        // A customer moved to another DVG and level by hand (an UPDATE), a subtree deleted.
        Execute("UPDATE customers SET dvg = dvg + 100, level = level + 100 WHERE provided_id IN ('c1', 'c2')");
        Assert.True((await service.DeleteCustomerAsync(_admin, new DeleteCustomerRequest((await service.GetCustomerAsync(_admin, "c3")).SuccessValue.Token))).IsSuccess);

        const string kept = "SELECT string_agg(dvg || ':' || level || '=' || n, ',' ORDER BY dvg, level) FROM customer_counts WHERE n <> 0";
        const string actual = "SELECT string_agg(dvg || ':' || level || '=' || n, ',' ORDER BY dvg, level) FROM (SELECT dvg, level, count(*) AS n FROM customers GROUP BY dvg, level) c";
        Assert.Equal(Scalar<string>(actual), Scalar<string>(kept));
        Assert.Equal(Scalar<string>(ActualBlocks), Scalar<string>(KeptBlocks));
        Assert.Equal(120L, Scalar<long>("SELECT count(*) FROM customers"));
        Assert.Equal(118L, await store.ReadAsync(r => r.CountCustomers(new CustomerQuery(AccessGroupId: (r.Workspace!).AccessGroups[0].Id))));
    }

    private const string KeptBlocks = "SELECT string_agg(dvg || ':' || level || ':' || block || '=' || n, ',' ORDER BY dvg, level, block) FROM customer_blocks WHERE n <> 0";
    private const string ActualBlocks = "SELECT string_agg(dvg || ':' || level || ':' || block || '=' || n, ',' ORDER BY dvg, level, block) FROM (SELECT dvg, level, id >> 12 AS block, count(*) AS n FROM customers GROUP BY 1, 2, 3) c";

    [Fact]
    public async Task Pages_found_through_the_kept_blocks_are_the_rows_a_plain_offset_finds()
    {
        using var store = new PostgresWorkspaceStore(_schema.ConnectionString);

        // 30,000 customers over 8 blocks of ids, in 3 DVGs and 3 levels interleaved unevenly; then a range deleted (a
        // block left with none of some DVG), a stretch moved to another DVG and level, and a lone late id far out.
        Execute("""
            INSERT INTO customers (id, provided_id, token, name, demo, emails, tags, properties, mapping, level, dvg, parent, created_ticks, updated_ticks, version)
            SELECT i, 'p' || i, 't' || i, 'n', false, '{}', '{}', '{}', '[]', 1 + (i * 7) % 3, CASE WHEN i % 10 < 7 THEN 1 WHEN i % 10 < 9 THEN 2 ELSE 3 END,
                   NULL, i, i, 1
            FROM generate_series(1, 30000) AS i;
            DELETE FROM customers WHERE id BETWEEN 8000 AND 13000 AND dvg = 2;
            UPDATE customers SET dvg = 3, level = 2 WHERE id BETWEEN 20000 AND 20500;
            INSERT INTO customers (id, provided_id, token, name, demo, emails, tags, properties, mapping, level, dvg, parent, created_ticks, updated_ticks, version)
            VALUES (1000000, 'far', 'tfar', 'n', false, '{}', '{}', '{}', '[]', 1, 3, NULL, 1, 1, 1);
            """);
        Assert.Equal(Scalar<string>(ActualBlocks), Scalar<string>(KeptBlocks));

        CustomerQuery[] queries =
        [
            new(), new(AccessGroupId: new AccessGroupId(1)), new(AccessGroupId: new AccessGroupId(2)), new(AccessGroupId: new AccessGroupId(3)),
            new(AccessGroupId: new AccessGroupId(3), LevelId: new LevelId(2)), new(LevelId: new LevelId(1)), new(AccessGroupId: new AccessGroupId(4)),
        ];
        foreach (var query in queries)
        {
            var (where, _) = PostgresReader.Filter(query);
            var literal = where.Replace("$1", query.LevelId?.Value.ToString(CultureInfo.InvariantCulture) ?? query.AccessGroupId?.Value.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("$2", query.AccessGroupId?.Value.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var total = Scalar<long>($"SELECT count(*) FROM customers{literal}");
            foreach (var (skip, take) in new (int, int)[] { (0, 5), (1, 1), (4094, 3), (4095, 1), (7000, 250), (12345, 1000), ((int)Math.Max(0, total - 1), 10), ((int)total, 10), ((int)total + 5, 10) })
            {
                var expected = Scalar<string>($"SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM (SELECT id FROM customers{literal} ORDER BY id OFFSET {skip} LIMIT {take}) p");
                var actual = await store.ReadAsync(r => string.Join(',', r.ListCustomers(query, skip, take).Select(c => c.Id.Value)));
                Assert.True(expected == actual, $"{query} skip {skip} take {take}: expected [{expected}], got [{actual}]");
            }
        }
    }

    [Fact]
    public async Task A_new_token_a_stored_customer_holds_is_replaced_on_every_path_that_draws_one()
    {
        // The store takes new tokens as free (256 random bits) and lets the unique index check them at commit; a token
        // that was taken after all makes it decide again, asking. A generator that repeats a stored token forces it.
        using var store = new PostgresWorkspaceStore(_schema.ConnectionString);
        var held = (await Service(store).GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("held"))).SuccessValue.Customer.Token;
        ExploService Repeating() => new(store, new ExploServiceOptions { TokenGenerator = new RepeatingTokens(held) });

        var created = await Repeating().GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("new"));
        Assert.True(created.IsSuccess, created.ToString());
        Assert.NotEqual(held, created.SuccessValue.Customer.Token);

        var rows = Enumerable.Range(0, 40).Select(i => new CreateCustomerRequest($"row{i}")).ToList();
        var imported = await Repeating().ImportCustomersAsync(_admin, rows);
        Assert.True(imported.IsSuccess, imported.ToString());
        Assert.Equal(40, imported.SuccessValue.Created);

        var refreshed = await Repeating().RefreshCustomerTokenAsync(_admin, new RefreshTokenRequest(created.SuccessValue.Customer.Token));
        Assert.True(refreshed.IsSuccess, refreshed.ToString());
        Assert.NotEqual(held, refreshed.SuccessValue.Token);

        Assert.Equal(42L, Scalar<long>("SELECT count(DISTINCT token) FROM customers"));
        Assert.Equal("held", Scalar<string>($"SELECT provided_id FROM customers WHERE token = '{held}'"));
        Assert.Equal(42L, Scalar<long>("SELECT count(*) FROM events WHERE kind = 'customer_created'"));
    }

    [Fact]
    public async Task The_feed_places_events_stored_before_they_recorded_a_dvg_by_their_customer()
    {
        using var store = new PostgresWorkspaceStore(_schema.ConnectionString);
        var service = Service(store);
        Assert.True((await service.AddAccessGroupAsync(_admin, "Development")).IsSuccess);
        var production = Caller.WithApiToken((await service.CreateApiTokenAsync(_admin, new CreateApiTokenRequest("Production"))).SuccessValue.Secret);
        var development = Caller.WithApiToken((await service.CreateApiTokenAsync(_admin, new CreateApiTokenRequest("Development"))).SuccessValue.Secret);
        var acme = (await service.GetOrCreateCustomerAsync(production, new CreateCustomerRequest("acme"))).SuccessValue.Customer;
        var start = (await service.ReadEventsAsync(production)).SuccessValue.NextCursor;

        // As an older version stored them: no access_group_id; one of a customer that exists, one of one since deleted.
        Execute($$"""
            INSERT INTO events (sequence, kind, occurred_ticks, json) SELECT max(sequence) + 1, 'customer_updated', 1,
                '{"customer_id":{"value":{{acme.Id.Value}}},"provided_id":"acme","changed_fields":["name"],"occurred_at":"2026-01-01T00:00:00+00:00"}' FROM events;
            INSERT INTO events (sequence, kind, occurred_ticks, json) SELECT max(sequence) + 1, 'customer_deleted', 1,
                '{"customer_id":{"value":999},"provided_id":"gone","occurred_at":"2026-01-01T00:00:00+00:00"}' FROM events;
            """);

        Assert.Equal(["acme"], (await service.ReadEventsAsync(production, start)).SuccessValue.Events.Select(e => e.ProvidedId));
        Assert.Empty((await service.ReadEventsAsync(development, start)).SuccessValue.Events);
        Assert.Equal(["acme", "gone"], (await service.ReadEventsAsync(_admin, start)).SuccessValue.Events.Select(e => e.ProvidedId));
    }

    /// <summary>Hands out one token (a stored customer's) first, then fresh ones; thread-safe.</summary>
    private sealed class RepeatingTokens(string first) : ITokenGenerator
    {
        private long _drawn;

        public string NewToken() => Interlocked.Increment(ref _drawn) == 1 ? first : CryptoTokenGenerator.Instance.NewToken();
    }

    [Fact]
    public void A_database_written_by_a_newer_schema_is_refused_with_one_sentence()
    {
        using (new PostgresWorkspaceStore(_schema.ConnectionString))
        {
        }

        Execute("UPDATE explo_schema SET version = version + 1");
        var error = Assert.Throws<PostgresStoreException>(() => new PostgresWorkspaceStore(_schema.ConnectionString));
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
        Assert.Contains($"schema {PostgresWorkspaceStore.SchemaVersion + 1}", error.Message, StringComparison.Ordinal);
        AssertOneSentence(error);
        Assert.Equal(PostgresWorkspaceStore.SchemaVersion + 1, Scalar<int>("SELECT version FROM explo_schema"));
    }

    [Fact]
    public void A_malformed_connection_string_is_one_sentence()
    {
        var error = Assert.Throws<PostgresStoreException>(() => new PostgresWorkspaceStore("Host=localhost;Port=not-a-port;Bogus Key=1"));
        Assert.StartsWith("The PostgreSQL connection string is not valid", error.Message, StringComparison.Ordinal);
        AssertOneSentence(error);
    }

    [Fact]
    public void A_server_that_is_down_is_one_sentence_naming_it()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var error = Assert.Throws<PostgresStoreException>(() => new PostgresWorkspaceStore($"Host=127.0.0.1;Port={port};Username=explo;Database=explo;Timeout=5"));
        Assert.Contains($"127.0.0.1:{port}/explo", error.Message, StringComparison.Ordinal);
        AssertOneSentence(error);
    }

    [Fact]
    public void A_missing_database_and_a_missing_permission_are_one_sentence_each()
    {
        var admin = new NpgsqlConnectionStringBuilder(PostgresCluster.AdminConnectionString);
        var missing = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = "no_such_database" };
        var error = Assert.Throws<PostgresStoreException>(() => new PostgresWorkspaceStore(missing.ConnectionString));
        Assert.Contains("no_such_database", error.Message, StringComparison.Ordinal);
        AssertOneSentence(error);

        // A login that may use the schema but not create tables in it.
        var role = "r_" + Guid.NewGuid().ToString("N");
        Execute($"CREATE ROLE {role} LOGIN; GRANT USAGE ON SCHEMA {_schema.Name} TO {role}");
        try
        {
            var limited = new NpgsqlConnectionStringBuilder(_schema.ConnectionString) { Username = role };
            error = Assert.Throws<PostgresStoreException>(() => new PostgresWorkspaceStore(limited.ConnectionString));
            Assert.Contains("permission denied", error.Message, StringComparison.Ordinal);
            AssertOneSentence(error);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Execute($"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task UsePostgres_chooses_the_store_and_the_container_owns_it()
    {
        var provider = new ServiceCollection().AddExploDomain().UsePostgres(_schema.ConnectionString).Services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            Assert.Same(provider.GetRequiredService<PostgresWorkspaceStore>(), provider.GetRequiredService<IWorkspaceStore>());
            Assert.True((await provider.GetRequiredService<IWorkspaceAdmin>().InitializeWorkspaceAsync(_admin)).IsSuccess);
            Assert.True((await provider.GetRequiredService<ICustomerService>().GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme"))).IsSuccess);
        }

        using var reopened = new PostgresWorkspaceStore(_schema.ConnectionString);
        Assert.True((await new ExploService(reopened).GetCustomerAsync(_admin, "acme")).IsSuccess);
    }

    [Fact]
    public async Task A_unit_cancelled_before_it_starts_changes_nothing_and_a_closed_store_refuses_units()
    {
        var store = new PostgresWorkspaceStore(_schema.ConnectionString);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.WriteAsync(_ => new WriteDecision<int>(1, null), cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.ReadAsync(_ => 1, cancelled.Token));
        store.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.WriteAsync(_ => new WriteDecision<int>(1, null)));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.ReadAsync(_ => 1));
    }

    [Fact]
    public async Task A_connection_killed_mid_transaction_applies_nothing_and_the_next_unit_works()
    {
        // The store's connections carry a name of their own, so only this test's backends are terminated.
        var name = "explo-kill-" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new NpgsqlConnectionStringBuilder(_schema.ConnectionString) { ApplicationName = name }.ConnectionString;
        using var store = new PostgresWorkspaceStore(connectionString);
        var service = Service(store);
        Assert.True((await service.InitializeWorkspaceAsync(_admin)).IsSuccess);
        var before = Scalar<long>("SELECT count(*) FROM events");

        var killed = await Assert.ThrowsAsync<PostgresStoreException>(async () => await store.WriteAsync(reader =>
        {
            // The work has read in the transaction (it holds the writers' lock); its connection dies before the change
            // set is applied and committed.
            var workspace = reader.Workspace!;
            var customer = new Customer(new CustomerId(reader.LastCustomerId + 1), "ghost", "ghost", new string('a', 64), false, [], [], PropertyMap.Empty, OrderedMap<string>.Empty, workspace.Levels[0].Id, workspace.AccessGroups[0].Id, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1);
            Execute($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{name}' AND state = 'idle in transaction'");
            return new WriteDecision<int>(1, new ChangeSet(null, [], [customer], [new CustomerCreated(customer.Id, "ghost", customer.AccessGroupId, null) { OccurredAt = DateTimeOffset.UnixEpoch }]));
        }));
        AssertOneSentence(killed);
        Assert.Contains(store.Target, killed.Message, StringComparison.Ordinal);
        Assert.Equal(0L, Scalar<long>("SELECT count(*) FROM customers"));
        Assert.Equal(before, Scalar<long>("SELECT count(*) FROM events"));

        // The pool drops the dead connection: the next unit runs on a new one.
        var created = await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("alive"));
        Assert.True(created.IsSuccess, created.ToString());
        Assert.Equal(1L, Scalar<long>("SELECT count(*) FROM customers"));
    }

    [Fact]
    public async Task A_connection_killed_while_the_work_reads_is_the_store_s_failure_in_one_sentence()
    {
        var name = "explo-kill-" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new NpgsqlConnectionStringBuilder(_schema.ConnectionString) { ApplicationName = name }.ConnectionString;
        using var store = new PostgresWorkspaceStore(connectionString);
        var killed = await Assert.ThrowsAsync<PostgresStoreException>(async () => await store.WriteAsync(reader =>
        {
            _ = reader.Workspace;
            Execute($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{name}' AND state = 'idle in transaction'");
            return new WriteDecision<long>(reader.LastCustomerId, null);
        }));
        AssertOneSentence(killed);
        Assert.Equal(0L, await store.ReadAsync(reader => reader.LastCustomerId));
    }

    private static void AssertOneSentence(Exception error)
    {
        Assert.DoesNotContain('\n', error.Message);
        Assert.EndsWith(".", error.Message, StringComparison.Ordinal);
        Assert.Single(error.Message.Split(". "));
    }

    private T Scalar<T>(string sql)
    {
        using var connection = new NpgsqlConnection(_schema.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return (T)command.ExecuteScalar()!;
    }

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(_schema.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
