using System.Collections.Immutable;
using System.Text.Json;
using Explo.Domain.ContractTests;
using LiteDB;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace Explo.Domain.LiteDb.Tests;

public sealed class LiteDbStoreTests : IDisposable
{
    private readonly TempDatabase _folder = new();
    private readonly Caller _admin = Caller.Administrator();

    public void Dispose() => _folder.Dispose();

    private static ExploService Service(LiteDbWorkspaceStore store) =>
        new(store, new ExploServiceOptions { TimeProvider = new ManualTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero)), TokenGenerator = new SequentialTokenGenerator() });

    [Fact]
    public async Task Everything_the_core_keeps_reads_back_identical_after_reopening_the_file()
    {
        const string properties = """
            {"a.b": 1, "$dollar": "x", "with space": null, "ünïcødé 键": [1, 2.50, {"deep": {"er": true}}],
             "big": 12345678901234567890, "precise": 0.1000000000000000055511151231257827, "huge": 1e400, "neg": -0, "s": "line\nbreak \"quoted\""}
            """;
        string before;
        using (var store = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            var service = Service(store);
            Assert.True((await service.AddDataSourceAsync(_admin, new AddDataSourceRequest("ds-1", "40", "Main", ["Production"]))).IsSuccess);
            Assert.True((await service.SetDefaultDataSourceAsync(_admin, "Production", "40", "ds-1")).IsSuccess);
            Assert.True((await service.CreateGroupTagAsync(_admin, "Tag.With$Odd chars")).IsSuccess);
            Assert.True((await service.AddLevelAsync(_admin, "Team", after: "Customer")).IsSuccess);
            Assert.True((await service.CreateApiTokenAsync(_admin, new CreateApiTokenRequest("Production", ReadOnly: true, "reader"))).IsSuccess);
            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("root") { Properties = PropertyMap.Parse(properties), Mapping = OrderedMap.Of(("40", "ds-1"), ("134", "opaque/value.$")), Emails = ["A@Example.com", "a@example.com", "b@example.org"], GroupTags = ["Tag.With$Odd chars"], IsDemoGroup = true })).IsSuccess);
            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("child") { ParentProvidedId = "root", HierarchyLevelName = "Team", Properties = PropertyMap.Parse("""{"a.b": {"over": "ridden"}}""") })).IsSuccess);
            before = await Describe(service);
        }

        using (var reopened = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            var after = await Describe(Service(reopened));
            Assert.Equal(before, after);
            Assert.Contains("12345678901234567890", after, StringComparison.Ordinal);
            Assert.Contains("0.1000000000000000055511151231257827", after, StringComparison.Ordinal);
            Assert.Contains("1e400", after, StringComparison.Ordinal);
            Assert.Contains("\"ünïcødé 键\"", after, StringComparison.Ordinal);
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

        lines.Add(JsonSerializer.Serialize((await service.ListLevelsAsync(_admin)).SuccessValue));
        lines.Add(JsonSerializer.Serialize((await service.ListAccessGroupsAsync(_admin)).SuccessValue));
        lines.Add(JsonSerializer.Serialize((await service.ListApiTokensAsync(_admin)).SuccessValue));
        lines.Add(JsonSerializer.Serialize((await service.ListGroupTagsAsync(_admin)).SuccessValue));
        lines.Add(JsonSerializer.Serialize((await service.ListDataSourcesAsync(_admin)).SuccessValue));
        return string.Join('\n', lines);
    }

    [Fact]
    public async Task Provided_ids_and_tag_names_compare_exactly_and_case_sensitively()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = Service(store);

        var upper = await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("Acme"));
        var lower = await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme"));
        var accented = await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("ácme"));
        Assert.True(upper.SuccessValue.IsNew && lower.SuccessValue.IsNew && accented.SuccessValue.IsNew);
        Assert.Equal(3, (await service.ListCustomersAsync(_admin, new CustomerFilter())).SuccessValue.Count);
        Assert.Equal("acme", (await service.GetCustomerAsync(_admin, "acme")).SuccessValue.ProvidedId);

        Assert.True((await service.CreateGroupTagAsync(_admin, "Sales")).IsSuccess);
        Assert.True((await service.CreateGroupTagAsync(_admin, "sales")).IsSuccess);
        Assert.True((await service.AddLevelAsync(_admin, "user")).IsSuccess);
    }

    [Fact]
    public void A_new_file_is_created_with_binary_collation_and_the_current_schema_version()
    {
        using (new LiteDbWorkspaceStore(_folder.PathOf()))
        {
        }

        using var raw = new LiteDatabase(new ConnectionString { Filename = _folder.PathOf() });
        Assert.Equal(System.Globalization.CompareOptions.Ordinal, raw.Collation.SortOptions);
        Assert.Equal(LiteDbWorkspaceStore.SchemaVersion, raw.UserVersion);
    }

    [Theory]
    [InlineData(20_000, 'x')]
    [InlineData(8_192, '\0')]
    [InlineData(100, '{')]
    public void A_file_that_is_not_a_database_is_refused_with_a_clear_error_and_left_as_it_was(int length, char fill)
    {
        var path = _folder.PathOf();
        var content = new string(fill, length);
        File.WriteAllText(path, content);

        var error = Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));

        // The file is not left locked: once it is removed, a store can be created there.
        File.Delete(path);
        using var store = new LiteDbWorkspaceStore(path);
    }

    [Fact]
    public void A_file_written_by_a_newer_schema_is_refused_with_a_clear_error()
    {
        using (new LiteDbWorkspaceStore(_folder.PathOf()))
        {
        }

        using (var raw = new LiteDatabase(new ConnectionString { Filename = _folder.PathOf() }))
        {
            raw.UserVersion = LiteDbWorkspaceStore.SchemaVersion + 1;
        }

        var error = Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(_folder.PathOf()));
        Assert.Contains(_folder.PathOf(), error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_1_file_is_brought_forward_without_its_level_and_dvg_indexes_and_keeps_every_customer()
    {
        using (var store = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            var service = Service(store);
            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme"))).IsSuccess);
            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("bob") { ParentProvidedId = "acme", HierarchyLevelName = "User" })).IsSuccess);
        }

        // Make it the file version 1 wrote: the same customers, the single-field level and DVG indexes, one document
        // per event, user version 1.
        using (var raw = new LiteDatabase(new ConnectionString { Filename = _folder.PathOf() }))
        {
            var customers = raw.GetCollection("customers");
            customers.EnsureIndex("level", "$.level");
            customers.EnsureIndex("dvg", "$.dvg");
            var events = raw.GetCollection("events");
            var flat = events.FindAll().SelectMany(d => d["events"].AsArray).ToList();
            events.DeleteAll();
            events.InsertBulk(flat.Select((e, i) => new BsonDocument { ["_id"] = (long)i + 1, ["kind"] = e["kind"], ["at"] = e["at"], ["data"] = e["data"] }));
            raw.UserVersion = 1;
        }

        var log = new StoreLogTests.ListLogger();
        using (var store = new LiteDbWorkspaceStore(_folder.PathOf(), LiteDbWorkspaceStore.DefaultCachedCustomers, log))
        {
            Assert.Contains((Microsoft.Extensions.Logging.LogLevel.Information, $"Migrated the Explo database {_folder.PathOf()} from schema 1 to {LiteDbWorkspaceStore.SchemaVersion}."), log.Entries);
            var service = Service(store);
            var users = await service.ListCustomersAsync(_admin, new CustomerFilter { HierarchyLevelName = "User" });
            Assert.Equal(["bob"], users.SuccessValue.Select(c => c.ProvidedId));
            Assert.Equal(["workspace_initialized", "customer_created", "customer_created"], store.ReadEvents().Select(e => e.Kind));
            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("carol"))).IsSuccess);
            Assert.Equal([1L, 2, 3, 4], store.ReadEvents().Select(e => e.Sequence));
            Assert.Equal(4, store.CountEvents());
        }

        using var reopened = new LiteDatabase(new ConnectionString { Filename = _folder.PathOf() });
        Assert.Equal(LiteDbWorkspaceStore.SchemaVersion, reopened.UserVersion);
        var indexes = reopened.GetCollection("$indexes").Find("collection = 'customers'").Select(i => i["name"].AsString).ToList();
        Assert.DoesNotContain("level", indexes);
        Assert.DoesNotContain("dvg", indexes);
        Assert.Contains("lg", indexes);
    }

    [Fact]
    public async Task A_version_2_file_with_its_group_tags_in_the_workspace_document_is_brought_forward_with_every_tag()
    {
        using (var store = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            var service = Service(store);
            foreach (var name in new[] { "vip", "Beta", "beta", "x.y $z" })
            {
                Assert.True((await service.CreateGroupTagAsync(_admin, name)).IsSuccess);
            }

            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme") { GroupTags = ["beta", "vip"] })).IsSuccess);
            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("bob") { ParentProvidedId = "acme", HierarchyLevelName = "User", GroupTags = ["x.y $z"] })).IsSuccess);
        }

        // Make it the file schema 2 wrote: the tags inside the workspace document's JSON, as "group_tags": [{"id", "name"}]
        // in creation order (before "data_sources", as schema 2's writer put them), no group_tags collection, user version 2.
        using (var raw = new LiteDatabase(new ConnectionString { Filename = _folder.PathOf() }))
        {
            var tags = raw.GetCollection("group_tags").FindAll().OrderBy(d => d["_id"].AsInt32)
                .Select(d => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["id"] = d["_id"].AsInt32, ["name"] = d["name"].AsString })
                .ToArray();
            Assert.Equal(4, tags.Length);
            var meta = raw.GetCollection("meta");
            var current = System.Text.Json.Nodes.JsonNode.Parse(meta.FindById("workspace")["json"].AsString)!.AsObject();
            Assert.False(current.ContainsKey("group_tags"));
            var old = new System.Text.Json.Nodes.JsonObject();
            foreach (var (key, value) in current.ToList())
            {
                if (key == "data_sources")
                {
                    old["group_tags"] = new System.Text.Json.Nodes.JsonArray(tags);
                }

                current.Remove(key);
                old[key] = value;
            }

            meta.Update(new BsonDocument { ["_id"] = "workspace", ["json"] = old.ToJsonString() });
            Assert.True(raw.DropCollection("group_tags"));
            raw.UserVersion = 2;
        }

        using (var store = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            var service = Service(store);
            Assert.Equal(["vip", "Beta", "beta", "x.y $z"], (await service.ListGroupTagsAsync(_admin)).SuccessValue.Select(t => t.Name));
            Assert.Equal(["beta", "vip"], (await service.GetCustomerAsync(_admin, "acme")).SuccessValue.GroupTags.AsEnumerable());
            Assert.Equal(["beta", "vip", "x.y $z"], (await service.GetCustomerAsync(_admin, "bob")).SuccessValue.ComputedGroupTags.AsEnumerable());
            Assert.Equal("group_tag_exists", (await service.CreateGroupTagAsync(_admin, "Beta")).Failure!.Code);
            Assert.True((await service.RenameGroupTagAsync(_admin, "vip", "gold")).IsSuccess);
            Assert.True((await service.CreateGroupTagAsync(_admin, "vip")).IsSuccess);
            Assert.Equal(["beta", "gold"], (await service.GetCustomerAsync(_admin, "acme")).SuccessValue.GroupTags.AsEnumerable());
            Assert.Empty(store.Invariants());
        }

        using var reopened = new LiteDatabase(new ConnectionString { Filename = _folder.PathOf() });
        Assert.Equal(LiteDbWorkspaceStore.SchemaVersion, reopened.UserVersion);
        Assert.Equal(3, reopened.UserVersion);
        Assert.DoesNotContain("group_tags", reopened.GetCollection("meta").FindById("workspace")["json"].AsString, StringComparison.Ordinal);
        Assert.Equal(["gold", "Beta", "beta", "x.y $z", "vip"], reopened.GetCollection("group_tags").FindAll().OrderBy(d => d["_id"].AsInt32).Select(d => d["name"].AsString));
        var nameIndex = reopened.GetCollection("$indexes").Find("collection = 'group_tags' AND name = 'name'").Single();
        Assert.True(nameIndex["unique"].AsBoolean);
    }

    [Fact]
    public async Task A_change_set_giving_two_group_tags_one_name_fails_whole_and_leaves_nothing_behind()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        Assert.True((await Service(store).CreateGroupTagAsync(_admin, "vip")).IsSuccess);
        var events = store.CountEvents();

        Assert.ThrowsAny<InvalidOperationException>(() => store.WriteNow(r => new Ports.WriteDecision<int>(0, new Ports.ChangeSet(r.Workspace, [], [], [])
        {
            UpsertedGroupTags = [new GroupTag(new GroupTagId(900), "gold"), new GroupTag(new GroupTagId(901), "vip")],
        })));

        Assert.Equal(["vip"], store.ReadNow(r => r.ListGroupTags()).Select(t => t.Name));
        Assert.Null(store.ReadNow(r => r.FindGroupTag("gold")));
        Assert.Null(store.ReadNow(r => r.FindGroupTag(new GroupTagId(900))));
        Assert.Equal(1, store.ReadNow(r => r.CountGroupTags()));
        Assert.Equal(events, store.CountEvents());
        store.Dispose();
        using var reopened = new LiteDbWorkspaceStore(_folder.PathOf());
        Assert.Equal(["vip"], reopened.ReadNow(r => r.ListGroupTags()).Select(t => t.Name));
    }

    [Fact]
    public void A_file_of_another_application_is_refused()
    {
        using (var raw = new LiteDatabase(new ConnectionString { Filename = _folder.PathOf(), Collation = Collation.Binary }))
        {
            raw.GetCollection("orders").Insert(new BsonDocument { ["x"] = 1 });
        }

        var error = Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(_folder.PathOf()));
        Assert.Contains("not an Explo database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_created_with_a_culture_collation_is_refused()
    {
        using (var raw = new LiteDatabase(new ConnectionString { Filename = _folder.PathOf(), Collation = new Collation("en-US/IgnoreCase") }))
        {
            raw.GetCollection("customers").Insert(new BsonDocument { ["x"] = 1 });
        }

        var error = Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(_folder.PathOf()));
        Assert.True(error.Message.Contains("binary collation", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void Opening_a_file_that_is_already_open_fails_at_once_naming_the_file()
    {
        using var first = new LiteDbWorkspaceStore(_folder.PathOf());
        var error = Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(_folder.PathOf()));
        Assert.Contains(_folder.PathOf(), error.Message, StringComparison.Ordinal);
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Closing_a_store_releases_the_file_for_the_next_one()
    {
        new LiteDbWorkspaceStore(_folder.PathOf()).Dispose();
        using var second = new LiteDbWorkspaceStore(_folder.PathOf());
        Assert.Equal(0, second.CountEvents());
    }

    [Theory]
    [InlineData("parent = 5", "INDEX SEEK(parent = 5)")]
    [InlineData("$.tags[*] ANY = 3", "INDEX SEEK(tags = 3)")]
    [InlineData("pid = 'x'", "INDEX SEEK(pid = \"x\")")]
    [InlineData("token = 'x'", "INDEX SEEK(token = \"x\")")]
    [InlineData("g LIKE '0000000003:%'", "INDEX SEEK (+RANGE SCAN)(g LIKE \"0000000003:%\")")]
    [InlineData("lg LIKE '0000000002:0000000003:%'", "INDEX SEEK (+RANGE SCAN)(lg LIKE \"0000000002:0000000003:%\")")]
    [InlineData("lg LIKE '0000000002:%'", "INDEX SEEK (+RANGE SCAN)(lg LIKE \"0000000002:%\")")]
    public async Task Every_lookup_the_service_makes_is_an_index_seek(string where, string mode)
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        Assert.True((await Service(store).AddAccessGroupAsync(_admin, "Staging")).IsSuccess);
        var plan = System.Text.Json.Nodes.JsonNode.Parse(store.Explain(where))!;
        Assert.Equal(mode, (string?)plan["index"]!["mode"]);
    }

    [Fact]
    public async Task A_page_of_one_access_group_is_an_ordered_index_range_without_a_sort()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        Assert.True((await Service(store).AddAccessGroupAsync(_admin, "Staging")).IsSuccess);
        var plan = store.Explain("g LIKE '0000000003:%'", "g");
        Assert.Contains("RANGE SCAN", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("orderBy", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dvg_index_is_built_when_a_second_dvg_appears_and_pages_stay_per_dvg()
    {
        using (var store = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            var service = Service(store);
            foreach (var id in new[] { "a1", "a2", "a3" })
            {
                Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest(id))).IsSuccess);
            }

            // One DVG: no DVG index; its page is the primary key's order.
            Assert.Contains("FULL INDEX SCAN(_id)", store.Explain("g LIKE '0000000003:%'"), StringComparison.Ordinal);
            Assert.Equal(["a1", "a2", "a3"], await PageOf(service, Caller.Administrator("Production")));

            Assert.True((await service.AddAccessGroupAsync(_admin, "Staging")).IsSuccess);
            Assert.True((await service.GetOrCreateCustomerAsync(Caller.Administrator("Staging"), new CreateCustomerRequest("s1"))).IsSuccess);
            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("a4"))).IsSuccess);

            Assert.Contains("RANGE SCAN", store.Explain("g LIKE '0000000003:%'"), StringComparison.Ordinal);
            Assert.Equal(["a1", "a2", "a3", "a4"], await PageOf(service, Caller.Administrator("Production")));
            Assert.Equal(["s1"], await PageOf(service, Caller.Administrator("Staging")));
        }

        // Reopened, the store knows the index is there.
        using var reopened = new LiteDbWorkspaceStore(_folder.PathOf());
        Assert.Equal(["s1"], await PageOf(Service(reopened), Caller.Administrator("Staging")));
        Assert.Contains("RANGE SCAN", reopened.Explain("g LIKE '0000000003:%'"), StringComparison.Ordinal);

        static async Task<IEnumerable<string>> PageOf(ExploService service, Caller caller) =>
            (await service.ListCustomerPageAsync(caller, new CustomerPageRequest { PageSize = 10 })).SuccessValue.Customers.Select(c => c.ProvidedId);
    }

    [Fact]
    public async Task A_large_import_commits_in_one_transaction()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = Service(store);
        Assert.True((await service.InitializeWorkspaceAsync(_admin)).IsSuccess);
        var workspace = store.ReadNow(r => r.Workspace!);
        var customers = Enumerable.Range(1, 5000).Select(i => new Customer(
            new CustomerId(i), $"c{i}", $"c{i}", i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), false, [], [],
            PropertyMap.Of(("n", i)), OrderedMap<string>.Empty, workspace.Levels[i == 1 ? 0 : 1].Id, workspace.AccessGroups[0].Id,
            i == 1 ? null : new CustomerId(1), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1)).ToList();

        store.WriteNow(_ => new Ports.WriteDecision<int>(0, new Ports.ChangeSet(null, [], customers, [])));

        Assert.Equal(5000, store.ReadNow(r => r.CountCustomers(new Ports.CustomerQuery())));
        Assert.Equal(4999, store.ReadNow(r => r.GetChildren(new CustomerId(1)).Count));
        Assert.Equal(5000, store.ReadNow(r => r.LastCustomerId));
    }

    [Fact]
    public void A_change_set_that_fails_midway_leaves_nothing_behind()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var workspace = Workspace.CreateDefault();
        Customer Make(long id, string token) => new(new CustomerId(id), $"c{id}", "n", token, false, ImmutableArray<string>.Empty, ImmutableArray<GroupTagId>.Empty,
            PropertyMap.Empty, OrderedMap<string>.Empty, workspace.RootLevel.Id, workspace.AccessGroups[0].Id, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1);

        // Two customers with one token: the unique index rejects the second insert after the first succeeded.
        Assert.ThrowsAny<InvalidOperationException>(() => store.WriteNow(_ => new Ports.WriteDecision<int>(0, new Ports.ChangeSet(workspace, [], [Make(1, "t"), Make(2, "t")], []))));

        Assert.Null(store.ReadNow(r => r.Workspace));
        Assert.Equal(0, store.ReadNow(r => r.CountCustomers(new Ports.CustomerQuery())));
        Assert.Equal(0, store.ReadNow(r => r.LastCustomerId));
        Assert.Equal(0, store.CountEvents());
    }

    [Fact]
    public async Task The_events_of_a_large_import_keep_one_sequence_across_documents_and_reopening()
    {
        using (var store = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            var service = Service(store);
            var rows = Enumerable.Range(0, 2_500).Select(i => new CreateCustomerRequest($"c{i}")).ToList();
            Assert.Equal(2_500, (await service.ImportCustomersAsync(_admin, rows)).SuccessValue.Created);
            Assert.Equal(2_501, store.CountEvents());
        }

        using (var store = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            // A new service with the system's token generator (the test generator would start its sequence again).
            Assert.True((await new ExploService(store).GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("last"))).IsSuccess);
            var events = store.ReadEvents();
            Assert.Equal(Enumerable.Range(1, 2_502).Select(i => (long)i), events.Select(e => e.Sequence));
            Assert.Equal("workspace_initialized", events[0].Kind);
            Assert.Contains("\"provided_id\":\"c2499\"", events[2_500].Json, StringComparison.Ordinal);
            Assert.Contains("\"provided_id\":\"last\"", events[^1].Json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Ids_are_never_reused_after_the_newest_customer_is_deleted_and_the_file_reopened()
    {
        long deletedId;
        using (var store = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            var service = Service(store);
            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("a"))).IsSuccess);
            var b = (await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("b"))).SuccessValue.Customer;
            deletedId = b.Id.Value;
            Assert.True((await service.DeleteCustomerAsync(_admin, new DeleteCustomerRequest(b.Token))).IsSuccess);
        }

        using (var store = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            Assert.Equal(deletedId, store.ReadNow(r => r.LastCustomerId));
            var c = (await new ExploService(store).GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("c"))).SuccessValue.Customer;
            Assert.Equal(deletedId + 1, c.Id.Value);
        }

        // Without deletes the mark is the highest id stored.
        using var reopened = new LiteDbWorkspaceStore(_folder.PathOf());
        Assert.Equal(deletedId + 1, reopened.ReadNow(r => r.LastCustomerId));
    }

    [Fact]
    public async Task Pages_and_totals_kept_in_memory_follow_every_change_like_a_freshly_opened_file()
    {
        string Snapshot(IEnumerable<CustomerPage> pages) => string.Join(" | ", pages.Select(p => $"{p.TotalCount}:{string.Join(",", p.Customers.Select(c => c.ProvidedId))}"));
        async Task<string> Pages(ExploService service)
        {
            var pages = new List<CustomerPage>();
            foreach (var caller in new[] { _admin, Caller.Administrator("Production"), Caller.Administrator("Staging") })
            {
                foreach (var level in new string?[] { null, "Customer", "User" })
                {
                    for (var page = 1; page <= 3; page++)
                    {
                        pages.Add((await service.ListCustomerPageAsync(caller, new CustomerPageRequest { Page = page, PageSize = 2, Filter = new CustomerFilter { HierarchyLevelName = level } })).SuccessValue);
                    }
                }
            }

            return Snapshot(pages);
        }

        string live;
        using (var store = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            var service = Service(store);
            Assert.True((await service.AddAccessGroupAsync(_admin, "Staging")).IsSuccess);
            var staging = Caller.Administrator("Staging");
            foreach (var id in new[] { "p1", "p2", "p3" })
            {
                Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest(id))).IsSuccess);
            }

            Assert.True((await service.GetOrCreateCustomerAsync(staging, new CreateCustomerRequest("s1"))).IsSuccess);
            await Pages(service); // builds every list

            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("u1") { ParentProvidedId = "p1", HierarchyLevelName = "User" })).IsSuccess);
            Assert.True((await service.GetOrCreateCustomerAsync(staging, new CreateCustomerRequest("s2") { ParentProvidedId = "s1", HierarchyLevelName = "User" })).IsSuccess);
            var p2 = (await service.GetCustomerAsync(_admin, "p2")).SuccessValue;
            Assert.True((await service.DeleteCustomerAsync(_admin, new DeleteCustomerRequest(p2.Token))).IsSuccess);
            Assert.True((await service.UpdateCustomerAsync(_admin, new UpdateCustomerRequest("p3") { ParentProvidedId = "p1", HierarchyLevelName = "User" })).IsSuccess);
            Assert.True((await service.ImportCustomersAsync(_admin, [new CreateCustomerRequest("p4"), new CreateCustomerRequest("u2") { ParentProvidedId = "p4", HierarchyLevelName = "User" }])).IsSuccess);
            live = await Pages(service);
        }

        using var reopened = new LiteDbWorkspaceStore(_folder.PathOf());
        Assert.Equal(await Pages(Service(reopened)), live);
        // Production, every level, in creation order: p1, p3 (moved), u1, p4, u2; p2 is gone.
        Assert.Contains("5:p1,p3 | 5:u1,p4 | 5:u2", live, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_read_into_the_cache_is_never_stale_after_a_change()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf(), cachedCustomers: 2);
        var service = Service(store);
        var acme = (await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme") { Properties = PropertyMap.Of(("plan", "gold")) })).SuccessValue.Customer;
        Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("bob") { ParentProvidedId = "acme", HierarchyLevelName = "User" })).IsSuccess);
        Assert.Equal("gold", (await service.GetCustomerAsync(_admin, "bob")).SuccessValue.ComputedProperties["plan"].GetString());

        Assert.True((await service.UpdateCustomerAsync(_admin, new UpdateCustomerRequest("acme") { NewProvidedId = "acme-2", Properties = PropertyMap.Of(("plan", "silver")) })).IsSuccess);
        Assert.Equal("silver", (await service.GetCustomerAsync(_admin, "bob")).SuccessValue.ComputedProperties["plan"].GetString());
        Assert.Equal("acme-2", (await service.GetCustomerAsync(_admin, "bob")).SuccessValue.ParentProvidedId);
        Assert.False((await service.GetCustomerAsync(_admin, "acme")).IsSuccess);

        var rotated = (await service.RefreshCustomerTokenAsync(_admin, new RefreshTokenRequest(acme.Token))).SuccessValue;
        Assert.False((await service.RefreshCustomerTokenAsync(_admin, new RefreshTokenRequest(acme.Token))).IsSuccess);
        Assert.True((await service.DeleteCustomerAsync(_admin, new DeleteCustomerRequest(rotated.Token, Cascade: true))).IsSuccess);
        Assert.False((await service.GetCustomerAsync(_admin, "bob")).IsSuccess);

        // Reads of more customers than the cache holds still answer from the file.
        foreach (var id in new[] { "c1", "c2", "c3", "c4" })
        {
            Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest(id))).IsSuccess);
        }

        foreach (var id in new[] { "c1", "c2", "c3", "c4", "c1" })
        {
            Assert.Equal(id, (await service.GetCustomerAsync(_admin, id)).SuccessValue.ProvidedId);
        }
    }

    [Fact]
    public async Task Events_are_stored_with_the_change_in_order_and_read_back()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = Service(store);
        var created = (await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme"))).SuccessValue.Customer;
        await service.RefreshCustomerTokenAsync(_admin, new RefreshTokenRequest(created.Token));

        var events = store.ReadEvents();

        Assert.Equal(["workspace_initialized", "customer_created", "customer_token_rotated"], events.Select(e => e.Kind));
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
        Assert.Contains("\"provided_id\":\"acme\"", events[1].Json, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Token, string.Concat(events.Select(e => e.Json)), StringComparison.Ordinal);
    }
}
