namespace Explo.Domain.ContractTests;

/// <summary>
/// The legacy user-group operations (spec section 3): a user group is a root-level customer (<c>user_group_id</c> =
/// <c>provided_id</c>) shown in the legacy shape, and errors name the legacy fields.
/// </summary>
public abstract class UserGroupContract : ContractTestBase
{
    [Fact]
    public async Task Creating_a_user_group_makes_a_root_level_customer()
    {
        var result = await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1")
        {
            Name = "Group One",
            IsDemoGroup = true,
            Properties = PropertyMap.Of(("plan", "gold"), ("seats", 5)),
            Mapping = OrderedMap.Of(("sales", "db-1")),
        });

        Assert.True(result.IsSuccess, result.ToString());
        Assert.True(result.SuccessValue.IsNew);
        var group = result.SuccessValue.UserGroup;
        var customer = await Get("ug-1");
        Assert.Equal("ug-1", group.ProvidedId);
        Assert.Equal("Group One", group.Name);
        Assert.True(group.IsDemoGroup);
        Assert.Equal("""{"plan":"gold","seats":5}""", PropertyMap.ToJson(group.Properties));
        Assert.Equal("Customer", group.ApiEnvironmentTag);
        Assert.Equal(customer.Id.Value, group.TeamId);
        Assert.Equal(customer.Token, group.Token);
        Assert.Matches("^[0-9a-f]{64}$", group.Token);
        Assert.Equal("Customer", customer.HierarchyLevel);
        Assert.Null(customer.ParentProvidedId);
        Assert.Equal("Production", customer.AccessGroup);
        Assert.Equal("Group One", customer.Name);
        Assert.True(customer.IsDemoGroup);
        Assert.Equal("sales=db-1", Render(customer.Mapping));
        Assert.Equal(1, customer.Version);
    }

    [Fact]
    public async Task A_user_groups_name_defaults_to_its_id_and_it_is_not_a_demo()
    {
        var result = await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"));

        var group = result.SuccessValue.UserGroup;
        Assert.Equal("ug-1", group.Name);
        Assert.False(group.IsDemoGroup);
        Assert.Empty(group.Properties);
        Assert.Equal("Customer", group.ApiEnvironmentTag);
    }

    [Fact]
    public async Task Team_ids_are_the_internal_ids_of_distinct_customers()
    {
        var first = (await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"))).SuccessValue.UserGroup;
        var second = (await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-2"))).SuccessValue.UserGroup;

        Assert.NotEqual(first.TeamId, second.TeamId);
        Assert.Equal((await Get("ug-1")).Id.Value, first.TeamId);
        Assert.Equal((await Get("ug-2")).Id.Value, second.TeamId);
    }

    [Fact]
    public async Task An_existing_user_group_is_returned_unchanged()
    {
        var first = (await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1")
        {
            Name = "Group One",
            Properties = PropertyMap.Of(("plan", "gold")),
        })).SuccessValue.UserGroup;
        Clock.Advance(TimeSpan.FromMinutes(5));
        var before = await Snapshot();

        var again = await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1")
        {
            Name = "Renamed",
            IsDemoGroup = true,
            Properties = PropertyMap.Of(("plan", "silver")),
            Mapping = OrderedMap.Of(("sales", "db-2")),
        });

        Assert.False(again.SuccessValue.IsNew);
        var group = again.SuccessValue.UserGroup;
        Assert.Equal(first.TeamId, group.TeamId);
        Assert.Equal(first.Token, group.Token);
        Assert.Equal("Group One", group.Name);
        Assert.False(group.IsDemoGroup);
        Assert.Equal("""{"plan":"gold"}""", PropertyMap.ToJson(group.Properties));
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task An_existing_customer_is_returned_as_its_user_group()
    {
        var acme = await Create("acme", with: r => r with { Name = "Acme Inc" });

        var result = await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("acme"));

        Assert.False(result.SuccessValue.IsNew);
        Assert.Equal(acme.Id.Value, result.SuccessValue.UserGroup.TeamId);
        Assert.Equal(acme.Token, result.SuccessValue.UserGroup.Token);
        Assert.Equal("Acme Inc", result.SuccessValue.UserGroup.Name);
    }

    [Fact]
    public async Task Updating_a_user_group_changes_only_the_given_fields()
    {
        var created = (await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1")
        {
            Name = "Group One",
            Properties = PropertyMap.Of(("plan", "gold")),
            Mapping = OrderedMap.Of(("sales", "db-1")),
        })).SuccessValue.UserGroup;
        Clock.Advance(TimeSpan.FromMinutes(5));

        var renamed = await Api.UpdateUserGroupAsync(Writer, new UpdateUserGroupRequest("ug-1") { Name = "Group Uno" });

        Assert.True(renamed.IsSuccess, renamed.ToString());
        Assert.Equal("Group Uno", renamed.SuccessValue.Name);
        Assert.Equal(created.Token, renamed.SuccessValue.Token);
        Assert.Equal(created.TeamId, renamed.SuccessValue.TeamId);
        Assert.Equal("Customer", renamed.SuccessValue.ApiEnvironmentTag);
        Assert.Equal("""{"plan":"gold"}""", PropertyMap.ToJson(renamed.SuccessValue.Properties));
        var customer = await Get("ug-1");
        Assert.Equal("sales=db-1", Render(customer.Mapping));
        Assert.Equal(2, customer.Version);
        Assert.Equal(Start.AddMinutes(5), customer.UpdatedAt);

        var changed = await Api.UpdateUserGroupAsync(Writer, new UpdateUserGroupRequest("ug-1")
        {
            IsDemoGroup = true,
            Properties = PropertyMap.Of(("region", "eu")),
            Mapping = OrderedMap.Of(("warehouse", "wh-1")),
        });

        Assert.True(changed.SuccessValue.IsDemoGroup);
        Assert.Equal("Group Uno", changed.SuccessValue.Name);
        Assert.Equal("""{"region":"eu"}""", PropertyMap.ToJson(changed.SuccessValue.Properties));
        customer = await Get("ug-1");
        Assert.Equal("warehouse=wh-1", Render(customer.Mapping));
        Assert.Equal(3, customer.Version);
    }

    [Fact]
    public async Task A_user_group_can_take_a_new_id_and_keeps_its_children()
    {
        var created = (await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"))).SuccessValue.UserGroup;
        await Create("ug-1-bob", level: "User", parent: "ug-1");

        var result = await Api.UpdateUserGroupAsync(Writer, new UpdateUserGroupRequest("ug-1") { NewUserGroupId = "ug-2" });

        Assert.Equal("ug-2", result.SuccessValue.ProvidedId);
        Assert.Equal(created.TeamId, result.SuccessValue.TeamId);
        Assert.Equal(created.Token, result.SuccessValue.Token);
        Assert.Equal("ug-2", (await Get("ug-1-bob")).ParentProvidedId);
        AssertFails<NotFound, CustomerView>(await Api.GetCustomerAsync(Writer, "ug-1"), "customer_not_found");
    }

    [Fact]
    public async Task Updating_an_unknown_user_group_is_not_found()
    {
        await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"));

        var result = await RejectedWithoutChange(() => Api.UpdateUserGroupAsync(Writer, new UpdateUserGroupRequest("nope") { Name = "x" }));

        AssertFails<NotFound, UserGroupView>(result, "customer_not_found");
    }

    [Fact]
    public async Task Giving_a_user_group_a_taken_id_is_a_conflict_that_names_new_user_group_id()
    {
        await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"));
        await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-2"));

        var result = await RejectedWithoutChange(() => Api.UpdateUserGroupAsync(Writer, new UpdateUserGroupRequest("ug-1") { NewUserGroupId = "ug-2", Name = "x" }));

        var failure = AssertFails<Conflict, UserGroupView>(result, "provided_id_taken");
        Assert.Contains("new_user_group_id", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_a_user_group_whose_id_is_used_in_another_group_is_a_conflict()
    {
        await Create("devco", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("devco")));

        var failure = AssertFails<Conflict, UserGroupResult>(result, "provided_id_taken");
        Assert.Contains("user_group_id", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public async Task An_invalid_user_group_id_is_reported_on_user_group_id(int length)
    {
        var id = new string('u', length);

        var result = await RejectedWithoutChange(() => Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest(id)));

        AssertViolation(result, "invalid_provided_id", FieldNames.UserGroupId);
    }

    [Fact]
    public async Task Updating_without_a_user_group_id_is_reported_on_user_group_id()
    {
        await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"));

        var result = await RejectedWithoutChange(() => Api.UpdateUserGroupAsync(Writer, new UpdateUserGroupRequest(string.Empty) { Name = "x" }));

        AssertViolation(result, "invalid_provided_id", FieldNames.UserGroupId);
    }

    [Theory]
    [InlineData(" ug", "start or end with white space")]
    [InlineData("  ", "only white space")]
    [InlineData("u\u200Bg", "U+200B")]
    [InlineData("\u202Bug", "U+202B")]
    public async Task A_user_group_id_breaking_the_provided_id_rule_is_reported_on_user_group_id(string id, string problem)
    {
        var result = await RejectedWithoutChange(() => Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest(id)));

        var violation = AssertViolation(result, "invalid_provided_id", FieldNames.UserGroupId);
        Assert.Contains(problem, violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ug-2 ", "start or end with white space")]
    [InlineData("\uFEFFug-2", "U+FEFF")]
    public async Task A_new_user_group_id_breaking_the_provided_id_rule_is_reported_on_new_user_group_id(string id, string problem)
    {
        await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"));

        var result = await RejectedWithoutChange(() => Api.UpdateUserGroupAsync(Writer, new UpdateUserGroupRequest("ug-1") { NewUserGroupId = id }));

        var violation = AssertViolation(result, "invalid_provided_id", "new_user_group_id");
        Assert.Contains(problem, violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_new_user_group_id_is_reported_on_new_user_group_id()
    {
        await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"));

        var result = await RejectedWithoutChange(() => Api.UpdateUserGroupAsync(Writer, new UpdateUserGroupRequest("ug-1") { NewUserGroupId = string.Empty }));

        AssertViolation(result, "invalid_provided_id", "new_user_group_id");
    }

    [Fact]
    public async Task A_user_group_mapping_must_name_a_visible_data_source_of_a_registered_schema()
    {
        Assert.True((await AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest("pg-prod", "sales", null, ["Production"]))).IsSuccess);
        Assert.True((await AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest("pg-dev", "sales", null, ["Development"]))).IsSuccess);

        var create = await RejectedWithoutChange(() => Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1") { Mapping = OrderedMap.Of(("sales", "pg-dev")) }));
        AssertViolation(create, "unknown_data_source", "mapping.sales");

        Assert.True((await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1") { Mapping = OrderedMap.Of(("sales", "pg-prod")) })).SuccessValue.IsNew);
        var update = await RejectedWithoutChange(() => Api.UpdateUserGroupAsync(Writer, new UpdateUserGroupRequest("ug-1") { Mapping = OrderedMap.Of(("sales", "nope")) }));
        AssertViolation(update, "unknown_data_source", "mapping.sales");
    }

    [Fact]
    public async Task Deleting_a_user_group_removes_it()
    {
        var group = (await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"))).SuccessValue.UserGroup;
        await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-2"));

        var result = await Api.DeleteUserGroupAsync(Writer, new DeleteCustomerRequest(group.Token));

        Assert.Equal(["ug-1"], result.SuccessValue.DeletedProvidedIds);
        AssertFails<NotFound, CustomerView>(await Api.GetCustomerAsync(Writer, "ug-1"), "customer_not_found");
        Assert.Equal(["ug-2"], (await Api.ListCustomersAsync(Writer, new CustomerFilter())).SuccessValue.Select(c => c.ProvidedId));
    }

    [Fact]
    public async Task Deleting_a_user_group_with_children_needs_cascade()
    {
        var group = (await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"))).SuccessValue.UserGroup;
        await Create("ug-1-bob", level: "User", parent: "ug-1");

        var refused = await RejectedWithoutChange(() => Api.DeleteUserGroupAsync(Writer, new DeleteCustomerRequest(group.Token)));
        AssertFails<Conflict, DeleteResult>(refused, "customer_has_children");

        var cascaded = await Api.DeleteUserGroupAsync(Writer, new DeleteCustomerRequest(group.Token, Cascade: true));

        Assert.Equal(["ug-1", "ug-1-bob"], cascaded.SuccessValue.DeletedProvidedIds.Order(StringComparer.Ordinal));
        Assert.Empty((await AdminService.ListCustomersAsync(Admin, new CustomerFilter())).SuccessValue);
    }

    [Fact]
    public async Task Deleting_a_user_group_with_an_unknown_token_is_not_found()
    {
        await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"));

        var result = await RejectedWithoutChange(() => Api.DeleteUserGroupAsync(Writer, new DeleteCustomerRequest(new string('e', 64))));

        AssertFails<NotFound, DeleteResult>(result, "customer_not_found");
    }

    [Fact]
    public async Task Refreshing_a_user_group_token_invalidates_the_old_one()
    {
        var group = (await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"))).SuccessValue.UserGroup;

        var refreshed = await Api.RefreshUserGroupTokenAsync(Writer, new RefreshTokenRequest(group.Token));

        var fresh = refreshed.SuccessValue;
        Assert.NotEqual(group.Token, fresh.Token);
        Assert.Matches("^[0-9a-f]{64}$", fresh.Token);
        Assert.Equal(group.TeamId, fresh.TeamId);
        Assert.Equal("ug-1", fresh.ProvidedId);
        Assert.Equal("Customer", fresh.ApiEnvironmentTag);
        var customer = await Get("ug-1");
        Assert.Equal(fresh.Token, customer.Token);
        Assert.Equal(2, customer.Version);

        var withOld = await RejectedWithoutChange(() => Api.RefreshUserGroupTokenAsync(Writer, new RefreshTokenRequest(group.Token)));
        AssertFails<NotFound, UserGroupView>(withOld, "customer_not_found");
        var deleteWithOld = await RejectedWithoutChange(() => Api.DeleteUserGroupAsync(Writer, new DeleteCustomerRequest(group.Token)));
        AssertFails<NotFound, DeleteResult>(deleteWithOld, "customer_not_found");
    }

    [Fact]
    public async Task Refreshing_without_a_token_is_reported_on_current_token()
    {
        await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("ug-1"));

        var result = await RejectedWithoutChange(() => Api.RefreshUserGroupTokenAsync(Writer, new RefreshTokenRequest(string.Empty)));

        AssertViolation(result, "invalid_identifier", FieldNames.CurrentToken);
    }

    private static string Render(OrderedMap<string> mapping) =>
        string.Join(",", mapping.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"));
}
