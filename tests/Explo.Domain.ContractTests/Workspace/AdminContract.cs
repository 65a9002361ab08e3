namespace Explo.Domain.ContractTests;

/// <summary>
/// The admin operations (spec section 2 and the admin paragraph of section 3): workspace initialisation, hierarchy
/// levels, data visibility groups (DVGs), API tokens and the data-source registry with per-DVG defaults. Admin
/// operations run through the admin service as the administrator; customer operations through the port under test.
/// </summary>
public abstract class AdminContract : ContractTestBase
{
    public static TheoryData<string> InvalidLevelAndGroupNames { get; } = new()
    {
        string.Empty,
        new string('l', 65),
        " Leading",
        "Trailing ",
        "\tTab",
    };

    [Fact]
    public async Task Bootstrapping_a_new_store_stores_the_workspace_with_a_working_first_token_and_a_second_bootstrap_changes_nothing()
    {
        using var fresh = CreateService(new ExploServiceOptions { TimeProvider = Clock, TokenGenerator = new SequentialTokenGenerator() });
        var request = new CreateApiTokenRequest(Workspace.DefaultAccessGroupName, ReadOnly: false, "initial");

        var first = await fresh.Admin.BootstrapWorkspaceAsync(Admin, request);
        var events = fresh.EventCount();
        var second = await fresh.Admin.BootstrapWorkspaceAsync(Admin, request);

        var token = Assert.IsType<CreatedApiToken>(first.SuccessValue);
        Assert.Null(second.SuccessValue);
        Assert.Equal(events, fresh.EventCount());
        Assert.Equal("initial", Assert.Single((await fresh.Admin.ListApiTokensAsync(Admin)).SuccessValue).Label);
        var caller = Caller.WithApiToken(token.Secret);
        Assert.True((await fresh.Api.GetOrCreateCustomerAsync(caller, new CreateCustomerRequest("first-customer"))).IsSuccess);
    }

    [Fact]
    public async Task A_bootstrap_whose_token_is_refused_stores_nothing_not_even_the_workspace()
    {
        using var fresh = CreateService(new ExploServiceOptions { TimeProvider = Clock, TokenGenerator = new SequentialTokenGenerator() });

        var refused = await fresh.Admin.BootstrapWorkspaceAsync(Admin, new CreateApiTokenRequest(Workspace.DefaultAccessGroupName, ReadOnly: false, "initial") { Secret = "too short" });

        Assert.Equal(ErrorCodes.InvalidApiTokenSecret, refused.Failure!.Code);
        Assert.Equal(0, fresh.EventCount());
        Assert.True((await fresh.Admin.InitializeWorkspaceAsync(Admin)).SuccessValue); // the store is still new
    }

    [Fact]
    public async Task Of_bootstraps_racing_on_one_new_store_exactly_one_creates_the_workspace_and_its_token()
    {
        using var fresh = CreateService(new ExploServiceOptions { TimeProvider = Clock, TokenGenerator = new SequentialTokenGenerator() });
        var request = new CreateApiTokenRequest(Workspace.DefaultAccessGroupName, ReadOnly: false, "initial");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => fresh.Admin.BootstrapWorkspaceAsync(Admin, request))));

        Assert.Single(results, r => r.SuccessValue is not null);
        Assert.Single((await fresh.Admin.ListApiTokensAsync(Admin)).SuccessValue);
    }

    [Fact]
    public async Task Initializing_a_new_store_succeeds_once_and_stores_the_default_workspace()
    {
        using var fresh = CreateService(new ExploServiceOptions { TimeProvider = Clock, TokenGenerator = new SequentialTokenGenerator() });

        var first = await fresh.Admin.InitializeWorkspaceAsync(Admin);
        var events = fresh.EventCount();
        var second = await fresh.Admin.InitializeWorkspaceAsync(Admin);

        Assert.True(first.SuccessValue);
        Assert.False(second.SuccessValue);
        Assert.Equal(events, fresh.EventCount());
        Assert.Equal([("Customer", 0), ("User", 1)], (await fresh.Admin.ListLevelsAsync(Admin)).SuccessValue.Select(l => (l.Name, l.Rank)));
        Assert.Equal(["Production"], (await fresh.Admin.ListAccessGroupsAsync(Admin)).SuccessValue.Select(g => g.Name));
        Assert.Empty((await fresh.Admin.ListApiTokensAsync(Admin)).SuccessValue);
        Assert.Empty((await fresh.Admin.ListDataSourcesAsync(Admin)).SuccessValue);
        Assert.Empty((await fresh.Admin.ListGroupTagsAsync(Admin)).SuccessValue);
        Assert.Empty((await fresh.Admin.ListCustomersAsync(Admin, new CustomerFilter())).SuccessValue);
    }

    [Fact]
    public async Task Initializing_a_stored_workspace_returns_false_and_changes_nothing()
    {
        await Create("acme");
        var before = await Snapshot();

        var result = await AdminService.InitializeWorkspaceAsync(Admin);

        Assert.False(result.SuccessValue);
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task A_new_workspace_has_the_levels_Customer_then_User_and_the_group_Production()
    {
        var levels = (await AdminService.ListLevelsAsync(Admin)).SuccessValue;
        var groups = (await AdminService.ListAccessGroupsAsync(Admin)).SuccessValue;

        Assert.Equal([("Customer", 0), ("User", 1)], levels.Select(l => (l.Name, l.Rank)));
        Assert.Equal(["Production", "Development"], groups.Select(g => g.Name));
        Assert.Equal("Customer", (await Create("acme")).HierarchyLevel);
    }

    [Fact]
    public async Task A_level_added_without_after_goes_to_the_bottom()
    {
        await Create("acme");
        await Create("acme-bob", level: "User", parent: "acme");

        var added = await AdminService.AddLevelAsync(Admin, "Seat");

        Assert.Equal(("Seat", 2), (added.SuccessValue.Name, added.SuccessValue.Rank));
        Assert.Equal([("Customer", 0), ("User", 1), ("Seat", 2)], await Levels());
        var seat = await Create("acme-bob-1", level: "Seat", parent: "acme-bob");
        Assert.Equal("Seat", seat.HierarchyLevel);
    }

    [Fact]
    public async Task A_level_added_after_another_goes_directly_below_it_and_shifts_the_lower_levels()
    {
        await Create("acme");
        await Create("acme-bob", level: "User", parent: "acme");

        var added = await AdminService.AddLevelAsync(Admin, "Region", after: "Customer");

        Assert.Equal(("Region", 1), (added.SuccessValue.Name, added.SuccessValue.Rank));
        Assert.Equal([("Customer", 0), ("Region", 1), ("User", 2)], await Levels());
        var bob = await Get("acme-bob");
        Assert.Equal(("User", "acme"), (bob.HierarchyLevel, bob.ParentProvidedId));
        Assert.True((await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme-bob") { Name = "Bob" })).IsSuccess);
        await Create("acme-eu", level: "Region", parent: "acme");
        var moved = await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme-bob") { ParentProvidedId = "acme-eu" });
        Assert.Equal("acme-eu", moved.SuccessValue.ParentProvidedId);
        var upward = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme-eu") { ParentProvidedId = "acme-bob" }));
        AssertFails<ValidationFailed, CustomerView>(upward, "parent_level_not_higher");
    }

    [Fact]
    public async Task A_level_added_after_the_bottom_level_becomes_the_bottom()
    {
        var added = await AdminService.AddLevelAsync(Admin, "Seat", after: "User");

        Assert.Equal(2, added.SuccessValue.Rank);
        Assert.Equal([("Customer", 0), ("User", 1), ("Seat", 2)], await Levels());
    }

    [Fact]
    public async Task A_level_name_of_64_characters_is_accepted()
    {
        var name = new string('L', 64);

        var added = await AdminService.AddLevelAsync(Admin, name);

        Assert.Equal(name, added.SuccessValue.Name);
    }

    [Theory]
    [MemberData(nameof(InvalidLevelAndGroupNames), MemberType = typeof(AdminContract))]
    public async Task Adding_a_level_with_an_invalid_name_is_rejected(string name)
    {
        var result = await RejectedWithoutChange(() => AdminService.AddLevelAsync(Admin, name));

        AssertViolation(result, "invalid_level_name", FieldNames.Name);
    }

    [Fact]
    public async Task Adding_a_level_that_exists_is_a_conflict()
    {
        var result = await RejectedWithoutChange(() => AdminService.AddLevelAsync(Admin, "User"));

        AssertFails<Conflict, HierarchyLevel>(result, "hierarchy_level_exists");
    }

    [Fact]
    public async Task Adding_a_level_after_an_unknown_level_is_not_found()
    {
        var result = await RejectedWithoutChange(() => AdminService.AddLevelAsync(Admin, "Seat", after: "Nope"));

        AssertFails<NotFound, HierarchyLevel>(result, "hierarchy_level_not_found");
    }

    [Fact]
    public async Task Renaming_a_level_shows_on_its_customers()
    {
        await Create("acme");
        await Create("acme-bob", level: "User", parent: "acme");

        var renamed = await AdminService.RenameLevelAsync(Admin, "User", "Member");

        Assert.Equal(("Member", 1), (renamed.SuccessValue.Name, renamed.SuccessValue.Rank));
        Assert.Equal([("Customer", 0), ("Member", 1)], await Levels());
        Assert.Equal("Member", (await Api.GetCustomerAsync(Writer, "acme-bob")).SuccessValue.HierarchyLevel);
        Assert.Equal(["acme-bob"], (await Api.ListCustomersAsync(Writer, new CustomerFilter { HierarchyLevelName = "Member" })).SuccessValue.Select(c => c.ProvidedId));
        var oldName = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme-carol") { HierarchyLevelName = "User", ParentProvidedId = "acme" }));
        AssertViolation(oldName, "unknown_hierarchy_level", FieldNames.HierarchyLevelName);
        await Create("acme-carol", level: "Member", parent: "acme");
    }

    [Fact]
    public async Task Renaming_an_unknown_level_is_not_found()
    {
        var result = await RejectedWithoutChange(() => AdminService.RenameLevelAsync(Admin, "Nope", "Seat"));

        AssertFails<NotFound, HierarchyLevel>(result, "hierarchy_level_not_found");
    }

    [Fact]
    public async Task Renaming_a_level_to_a_taken_name_is_a_conflict()
    {
        var result = await RejectedWithoutChange(() => AdminService.RenameLevelAsync(Admin, "User", "Customer"));

        AssertFails<Conflict, HierarchyLevel>(result, "hierarchy_level_exists");
    }

    [Theory]
    [MemberData(nameof(InvalidLevelAndGroupNames), MemberType = typeof(AdminContract))]
    public async Task Renaming_a_level_to_an_invalid_name_is_rejected(string newName)
    {
        var result = await RejectedWithoutChange(() => AdminService.RenameLevelAsync(Admin, "User", newName));

        AssertViolation(result, "invalid_level_name", FieldNames.NewName);
    }

    [Fact]
    public async Task Removing_a_level_in_use_is_a_conflict()
    {
        await Create("acme");
        await Create("devco-bob", level: "User", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => AdminService.RemoveLevelAsync(Admin, "User"));

        AssertFails<Conflict, Done>(result, "hierarchy_level_in_use");
    }

    [Fact]
    public async Task Removing_an_unused_level_re_ranks_the_levels_below_it()
    {
        await AddLevel("Region", after: "Customer");
        await Create("acme");
        await Create("acme-bob", level: "User", parent: "acme");

        var removed = await AdminService.RemoveLevelAsync(Admin, "Region");

        Assert.True(removed.IsSuccess, removed.ToString());
        Assert.Equal([("Customer", 0), ("User", 1)], await Levels());
        var bob = await Get("acme-bob");
        Assert.Equal(("User", "acme"), (bob.HierarchyLevel, bob.ParentProvidedId));
        await Create("acme-carol", level: "User", parent: "acme");
    }

    [Fact]
    public async Task Removing_the_unused_root_level_makes_the_next_one_the_root()
    {
        var removed = await AdminService.RemoveLevelAsync(Admin, "Customer");

        Assert.True(removed.IsSuccess, removed.ToString());
        Assert.Equal([("User", 0)], await Levels());
        Assert.Equal("User", (await Create("acme")).HierarchyLevel);
    }

    [Fact]
    public async Task Removing_the_last_level_is_a_conflict()
    {
        Assert.True((await AdminService.RemoveLevelAsync(Admin, "User")).IsSuccess);

        var result = await RejectedWithoutChange(() => AdminService.RemoveLevelAsync(Admin, "Customer"));

        AssertFails<Conflict, Done>(result, "last_hierarchy_level");
    }

    [Fact]
    public async Task Removing_an_unknown_level_is_not_found()
    {
        var result = await RejectedWithoutChange(() => AdminService.RemoveLevelAsync(Admin, "Nope"));

        AssertFails<NotFound, Done>(result, "hierarchy_level_not_found");
    }

    [Fact]
    public async Task An_added_group_gets_its_own_tokens_and_customers()
    {
        var added = await AdminService.AddAccessGroupAsync(Admin, "Staging");

        Assert.Equal("Staging", added.SuccessValue.Name);
        Assert.Equal(["Production", "Development", "Staging"], (await AdminService.ListAccessGroupsAsync(Admin)).SuccessValue.Select(g => g.Name));
        var staging = Caller.WithApiToken(NewToken("Staging", readOnly: false));
        Assert.Equal("Staging", (await Create("stageco", caller: staging)).AccessGroup);
        await Create("acme");
        Assert.Equal(["stageco"], (await Api.ListCustomersAsync(staging, new CustomerFilter())).SuccessValue.Select(c => c.ProvidedId));
    }

    [Fact]
    public async Task Renaming_a_group_shows_on_its_customers_and_tokens()
    {
        await Create("devco", caller: OtherWriter);

        var renamed = await AdminService.RenameAccessGroupAsync(Admin, "Development", "Dev");

        Assert.Equal("Dev", renamed.SuccessValue.Name);
        Assert.Equal(["Production", "Dev"], (await AdminService.ListAccessGroupsAsync(Admin)).SuccessValue.Select(g => g.Name));
        Assert.Equal("Dev", (await Api.GetCustomerAsync(OtherWriter, "devco")).SuccessValue.AccessGroup);
        Assert.Contains((await AdminService.ListApiTokensAsync(Admin)).SuccessValue, t => t.AccessGroup == "Dev");
        Assert.DoesNotContain((await AdminService.ListApiTokensAsync(Admin)).SuccessValue, t => t.AccessGroup == "Development");
        Assert.Equal("Dev", (await AdminService.GetOrCreateCustomerAsync(Caller.Administrator("Dev"), new CreateCustomerRequest("devco-2"))).SuccessValue.Customer.AccessGroup);
        var oldName = await RejectedWithoutChange(() => AdminService.GetOrCreateCustomerAsync(Caller.Administrator("Development"), new CreateCustomerRequest("devco-3")));
        AssertFails<NotFound, GetOrCreateResult>(oldName, "access_group_not_found");
    }

    [Fact]
    public async Task Adding_a_group_that_exists_is_a_conflict()
    {
        var result = await RejectedWithoutChange(() => AdminService.AddAccessGroupAsync(Admin, "Production"));

        AssertFails<Conflict, AccessGroup>(result, "access_group_exists");
    }

    [Fact]
    public async Task Renaming_a_group_to_a_taken_name_is_a_conflict()
    {
        var result = await RejectedWithoutChange(() => AdminService.RenameAccessGroupAsync(Admin, "Development", "Production"));

        AssertFails<Conflict, AccessGroup>(result, "access_group_exists");
    }

    [Fact]
    public async Task Renaming_an_unknown_group_is_not_found()
    {
        var result = await RejectedWithoutChange(() => AdminService.RenameAccessGroupAsync(Admin, "Nope", "Staging"));

        AssertFails<NotFound, AccessGroup>(result, "access_group_not_found");
    }

    [Theory]
    [MemberData(nameof(InvalidLevelAndGroupNames), MemberType = typeof(AdminContract))]
    public async Task Adding_a_group_with_an_invalid_name_is_rejected(string name)
    {
        var result = await RejectedWithoutChange(() => AdminService.AddAccessGroupAsync(Admin, name));

        AssertViolation(result, "invalid_access_group_name", FieldNames.Name);
    }

    [Theory]
    [MemberData(nameof(InvalidLevelAndGroupNames), MemberType = typeof(AdminContract))]
    public async Task Renaming_a_group_to_an_invalid_name_is_rejected(string newName)
    {
        var result = await RejectedWithoutChange(() => AdminService.RenameAccessGroupAsync(Admin, "Development", newName));

        AssertViolation(result, "invalid_access_group_name", FieldNames.NewName);
    }

    [Fact]
    public async Task A_created_api_token_shows_its_secret_once_and_works()
    {
        Clock.Advance(TimeSpan.FromHours(2));

        var created = (await AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Development", ReadOnly: true, Label: "ci"))).SuccessValue;

        Assert.Matches("^[0-9a-f]{64}$", created.Secret);
        Assert.Equal(("Development", true, "ci", Start.AddHours(2)), (created.Token.AccessGroup, created.Token.ReadOnly, created.Token.Label, created.Token.CreatedAt));
        Assert.Null(created.Token.RevokedAt);
        Assert.Contains(created.Token, (await AdminService.ListApiTokensAsync(Admin)).SuccessValue);
        await Create("devco", caller: OtherWriter);
        var caller = Caller.WithApiToken(created.Secret);
        Assert.Equal(["devco"], (await Api.ListCustomersAsync(caller, new CustomerFilter())).SuccessValue.Select(c => c.ProvidedId));
        var write = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(caller, new CreateCustomerRequest("devco-2")));
        AssertFails<Forbidden, GetOrCreateResult>(write, "read_only_token");
    }

    [Fact]
    public async Task The_secret_of_an_api_token_is_never_shown_again()
    {
        var created = (await AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Production", Label: "ci"))).SuccessValue;

        var listed = (await AdminService.ListApiTokensAsync(Admin)).SuccessValue;

        Assert.DoesNotContain(created.Secret, created.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret, created.Token.ToString(), StringComparison.Ordinal);
        Assert.All(listed, t => Assert.DoesNotContain(created.Secret, t.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(created.Secret, System.Text.Json.JsonSerializer.Serialize(listed), StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret, await Snapshot(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_tokens_from_the_default_generator_are_64_lowercase_hex_and_distinct()
    {
        using var real = CreateService(new ExploServiceOptions { TimeProvider = Clock });

        var first = (await real.Admin.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Production"))).SuccessValue.Secret;
        var second = (await real.Admin.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Production"))).SuccessValue.Secret;

        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.Matches("^[0-9a-f]{64}$", second);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Api_tokens_are_listed_in_creation_order()
    {
        var created = (await AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Development", Label: "last"))).SuccessValue;

        var listed = (await AdminService.ListApiTokensAsync(Admin)).SuccessValue;

        Assert.Equal(
            [("Production", false), ("Production", true), ("Development", false), ("Development", false)],
            listed.Select(t => (t.AccessGroup, t.ReadOnly)));
        Assert.Equal(created.Token, listed[^1]);
        Assert.Equal(listed.Count, listed.Select(t => t.Id).Distinct().Count());
    }

    [Fact]
    public async Task Creating_an_api_token_in_an_unknown_group_is_not_found()
    {
        var result = await RejectedWithoutChange(() => AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Nope")));

        AssertFails<NotFound, CreatedApiToken>(result, "access_group_not_found");
    }

    [Fact]
    public async Task A_revoked_api_token_is_listed_as_revoked_and_stops_working()
    {
        var created = (await AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Production"))).SuccessValue;
        Clock.Advance(TimeSpan.FromMinutes(3));

        var revoked = await AdminService.RevokeApiTokenAsync(Admin, created.Token.Id);

        Assert.True(revoked.IsSuccess, revoked.ToString());
        var listed = (await AdminService.ListApiTokensAsync(Admin)).SuccessValue.Single(t => t.Id == created.Token.Id);
        Assert.Equal(Start.AddMinutes(3), listed.RevokedAt);
        var call = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Caller.WithApiToken(created.Secret), new CreateCustomerRequest("acme")));
        AssertFails<Unauthorized, GetOrCreateResult>(call, "invalid_api_token");
        Assert.True((await Api.ListCustomersAsync(Writer, new CustomerFilter())).IsSuccess);
    }

    [Fact]
    public async Task Revoking_a_revoked_api_token_again_changes_nothing()
    {
        var created = (await AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Production"))).SuccessValue;
        Assert.True((await AdminService.RevokeApiTokenAsync(Admin, created.Token.Id)).IsSuccess);
        Clock.Advance(TimeSpan.FromMinutes(3));
        var before = await Snapshot();

        var again = await AdminService.RevokeApiTokenAsync(Admin, created.Token.Id);

        Assert.True(again.IsSuccess, again.ToString());
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task Revoking_an_unknown_api_token_is_not_found()
    {
        var result = await RejectedWithoutChange(() => AdminService.RevokeApiTokenAsync(Admin, new ApiTokenId(987_654)));

        AssertFails<NotFound, Done>(result, "api_token_not_found");
    }

    [Fact]
    public async Task An_added_data_source_is_listed()
    {
        await AddDataSource("pg-main", "sales", "Production", "Development");
        var named = await AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest("wh-main", "warehouse", "Warehouse", ["Production"]));

        var listed = (await AdminService.ListDataSourcesAsync(Admin)).SuccessValue;

        Assert.Equal("Warehouse", named.SuccessValue.Name);
        Assert.Equal(["pg-main", "wh-main"], listed.Select(d => d.Id).Order(StringComparer.Ordinal));
        var pg = listed.Single(d => d.Id == "pg-main");
        Assert.Equal(("sales", "pg-main"), (pg.SchemaId, pg.Name));
        Assert.Equal(["Development", "Production"], pg.AccessGroups.Order(StringComparer.Ordinal));
        Assert.Empty(pg.DefaultIn);
    }

    [Fact]
    public async Task Adding_a_data_source_in_an_unknown_group_is_rejected()
    {
        var result = await RejectedWithoutChange(() => AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest("pg-main", "sales", null, ["Production", "Nope"])));

        AssertViolation(result, "unknown_access_group", FieldNames.AccessGroup);
    }

    [Fact]
    public async Task Adding_a_data_source_whose_id_exists_is_a_conflict()
    {
        await AddDataSource("pg-main", "sales", "Production");

        var result = await RejectedWithoutChange(() => AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest("pg-main", "warehouse", null, ["Development"])));

        AssertFails<Conflict, DataSourceView>(result, "data_source_exists");
    }

    [Fact]
    public async Task A_mapping_value_of_a_registered_schema_must_name_a_data_source_of_that_schema_in_the_customers_group()
    {
        await AddDataSource("pg-prod", "sales", "Production");
        await AddDataSource("pg-dev", "sales", "Development");
        await AddDataSource("wh-prod", "warehouse", "Production");

        foreach (var value in new[] { "pg-dev", "wh-prod", "nope" })
        {
            var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Mapping = OrderedMap.Of(("sales", value)) }));
            AssertViolation(result, "unknown_data_source", "mapping.sales");
        }

        var acme = await Create("acme", with: r => r with { Mapping = OrderedMap.Of(("sales", "pg-prod"), ("warehouse", "wh-prod")) });
        Assert.Equal("sales=pg-prod,warehouse=wh-prod", Render(acme.Mapping));
        var devco = await Create("devco", caller: OtherWriter, with: r => r with { Mapping = OrderedMap.Of(("sales", "pg-dev")) });
        Assert.Equal("sales=pg-dev", Render(devco.Mapping));
        var devUpdate = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(OtherWriter, new UpdateCustomerRequest("devco") { Mapping = OrderedMap.Of(("sales", "pg-prod")) }));
        AssertViolation(devUpdate, "unknown_data_source", "mapping.sales");
        var devWarehouse = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(OtherWriter, new UpdateCustomerRequest("devco") { Mapping = OrderedMap.Of(("warehouse", "wh-prod")) }));
        AssertViolation(devWarehouse, "unknown_data_source", "mapping.warehouse");
    }

    [Fact]
    public async Task A_mapping_value_of_an_unregistered_schema_is_an_opaque_string()
    {
        await AddDataSource("pg-prod", "sales", "Production");

        var acme = await Create("acme", with: r => r with { Mapping = OrderedMap.Of(("crm", "anything at all"), ("sales", "pg-prod")) });

        Assert.Equal("crm=anything at all,sales=pg-prod", Render(acme.Mapping));
        Assert.Equal("crm=anything at all,sales=pg-prod", Render(acme.ComputedMapping));
    }

    [Fact]
    public async Task A_groups_default_data_source_is_the_base_of_the_computed_mapping()
    {
        await AddDataSource("pg-main", "sales", "Production");
        await AddDataSource("pg-eu", "sales", "Production");
        await AddDataSource("pg-bob", "sales", "Production");
        await AddDataSource("wh-main", "warehouse", "Production");
        await AddDataSource("pg-dev", "sales", "Development");
        await SetDefault("Production", "sales", "pg-main");
        await SetDefault("Production", "warehouse", "wh-main");
        await SetDefault("Development", "sales", "pg-dev");
        await Create("plain");
        await Create("acme", with: r => r with { Mapping = OrderedMap.Of(("sales", "pg-eu")) });
        await Create("acme-bob", level: "User", parent: "acme", with: r => r with { Mapping = OrderedMap.Of(("sales", "pg-bob")) });
        await Create("acme-carol", level: "User", parent: "acme");
        await Create("devco", caller: OtherWriter);

        Assert.Equal("sales=pg-main,warehouse=wh-main", Render((await Api.GetCustomerAsync(Writer, "plain")).SuccessValue.ComputedMapping));
        Assert.Empty((await Get("plain")).Mapping);
        Assert.Equal("sales=pg-eu,warehouse=wh-main", Render((await Get("acme")).ComputedMapping));
        Assert.Equal("sales=pg-bob,warehouse=wh-main", Render((await Get("acme-bob")).ComputedMapping));
        Assert.Equal("sales=pg-eu,warehouse=wh-main", Render((await Get("acme-carol")).ComputedMapping));
        Assert.Equal("sales=pg-dev", Render((await Get("devco")).ComputedMapping));
        var listed = (await AdminService.ListDataSourcesAsync(Admin)).SuccessValue;
        Assert.Equal(["Production"], listed.Single(d => d.Id == "pg-main").DefaultIn);
        Assert.Empty(listed.Single(d => d.Id == "pg-eu").DefaultIn);
    }

    [Fact]
    public async Task Changing_or_clearing_a_default_shows_on_existing_customers()
    {
        await AddDataSource("pg-main", "sales", "Production");
        await AddDataSource("pg-new", "sales", "Production");
        await Create("acme");
        await Create("acme-bob", level: "User", parent: "acme");
        Assert.Empty((await Get("acme-bob")).ComputedMapping);

        await SetDefault("Production", "sales", "pg-main");
        Assert.Equal("sales=pg-main", Render((await Get("acme-bob")).ComputedMapping));

        await SetDefault("Production", "sales", "pg-new");
        Assert.Equal("sales=pg-new", Render((await Get("acme-bob")).ComputedMapping));

        Assert.True((await AdminService.SetDefaultDataSourceAsync(Admin, "Production", "sales", null)).IsSuccess);
        Assert.Empty((await Get("acme-bob")).ComputedMapping);
        Assert.Equal(1, (await Get("acme-bob")).Version);
    }

    [Fact]
    public async Task A_default_must_be_a_data_source_of_that_schema_in_that_group()
    {
        await AddDataSource("pg-dev", "sales", "Development");
        await AddDataSource("wh-main", "warehouse", "Production");

        var otherGroup = await RejectedWithoutChange(() => AdminService.SetDefaultDataSourceAsync(Admin, "Production", "sales", "pg-dev"));
        AssertViolation(otherGroup, "unknown_data_source", FieldNames.DataSourceId);
        var otherSchema = await RejectedWithoutChange(() => AdminService.SetDefaultDataSourceAsync(Admin, "Production", "sales", "wh-main"));
        AssertViolation(otherSchema, "unknown_data_source", FieldNames.DataSourceId);
        var unknown = await RejectedWithoutChange(() => AdminService.SetDefaultDataSourceAsync(Admin, "Production", "sales", "nope"));
        AssertFails<NotFound, Done>(unknown, "data_source_not_found");
        var unknownGroup = await RejectedWithoutChange(() => AdminService.SetDefaultDataSourceAsync(Admin, "Nope", "warehouse", "wh-main"));
        AssertFails<NotFound, Done>(unknownGroup, "access_group_not_found");
    }

    [Fact]
    public async Task Removing_a_data_source_a_customer_maps_to_is_a_conflict()
    {
        await AddDataSource("pg-main", "sales", "Production");
        await Create("acme");
        await Create("acme-bob", level: "User", parent: "acme", with: r => r with { Mapping = OrderedMap.Of(("sales", "pg-main")) });

        var result = await RejectedWithoutChange(() => AdminService.RemoveDataSourceAsync(Admin, "pg-main"));

        AssertFails<Conflict, Done>(result, "data_source_in_use");
    }

    [Fact]
    public async Task Removing_an_unused_data_source_takes_its_defaults_with_it()
    {
        await AddDataSource("pg-main", "sales", "Production");
        await AddDataSource("wh-main", "warehouse", "Production");
        await SetDefault("Production", "sales", "pg-main");
        await SetDefault("Production", "warehouse", "wh-main");
        await Create("acme");
        Assert.Equal("sales=pg-main,warehouse=wh-main", Render((await Get("acme")).ComputedMapping));

        var removed = await AdminService.RemoveDataSourceAsync(Admin, "pg-main");

        Assert.True(removed.IsSuccess, removed.ToString());
        Assert.Equal(["wh-main"], (await AdminService.ListDataSourcesAsync(Admin)).SuccessValue.Select(d => d.Id));
        Assert.Equal("warehouse=wh-main", Render((await Get("acme")).ComputedMapping));
        var opaque = await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Mapping = OrderedMap.Of(("sales", "pg-main")) });
        Assert.True(opaque.IsSuccess, opaque.ToString());
    }

    [Fact]
    public async Task Removing_an_unknown_data_source_is_not_found()
    {
        await AddDataSource("pg-main", "sales", "Production");

        var result = await RejectedWithoutChange(() => AdminService.RemoveDataSourceAsync(Admin, "nope"));

        AssertFails<NotFound, Done>(result, "data_source_not_found");
    }

    private async Task<(string Name, int Rank)[]> Levels() =>
        [.. (await AdminService.ListLevelsAsync(Admin)).SuccessValue.Select(l => (l.Name, l.Rank))];

    private async Task AddDataSource(string id, string schemaId, params string[] accessGroups)
    {
        var result = await AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest(id, schemaId, null, accessGroups));
        Assert.True(result.IsSuccess, result.ToString());
    }

    private async Task SetDefault(string accessGroup, string schemaId, string dataSourceId)
    {
        var result = await AdminService.SetDefaultDataSourceAsync(Admin, accessGroup, schemaId, dataSourceId);
        Assert.True(result.IsSuccess, result.ToString());
    }

    /// <summary>A mapping as text, sorted by schema (the spec gives computed mappings no key order).</summary>
    private static string Render(OrderedMap<string> mapping) =>
        string.Join(",", mapping.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"));
}
