namespace Explo.Domain.ContractTests;

/// <summary>
/// Who may do what (spec sections 2 and 4, hierarchy rule 7): API token authentication and revocation, read-only
/// tokens, admin-only operations, and data visibility group (DVG) scoping of tokens and scoped administrators.
/// Customer and tag operations run through the port under test; admin operations through the admin service.
/// </summary>
public abstract class AccessContract : ContractTestBase
{
    private static readonly string[] ReadOperations =
    [
        "get_customer",
        "list_customers",
        "list_customer_page",
        "list_group_tags",
    ];

    private static readonly string[] WriteOperations =
    [
        "create_customer",
        "update_customer",
        "delete_customer",
        "refresh_customer_token",
        "create_group_tag",
        "rename_group_tag",
        "delete_group_tag",
        "create_user_group",
        "update_user_group",
        "delete_user_group",
        "refresh_user_group_token",
    ];

    private static readonly string[] AdminOperations =
    [
        "initialize_workspace",
        "list_levels",
        "add_level",
        "rename_level",
        "remove_level",
        "list_access_groups",
        "add_access_group",
        "rename_access_group",
        "create_api_token",
        "list_api_tokens",
        "revoke_api_token",
        "list_data_sources",
        "add_data_source",
        "remove_data_source",
        "set_default_data_source",
    ];

    public static TheoryData<string> Writes { get; } = new(WriteOperations);

    public static TheoryData<string> Reads { get; } = new(ReadOperations);

    public static TheoryData<string, string?> EveryOperationWithoutToken { get; } = Without();

    public static TheoryData<string> EveryOperation { get; } = new(ReadOperations.Concat(WriteOperations));

    public static TheoryData<string, bool> AdminOperationsByTokenKind { get; } = ByTokenKind();

    /// <summary>Operations on a customer of another DVG, each of which must behave as if the customer were absent.</summary>
    public static TheoryData<string> OperationsOnAnAbsentCustomer { get; } = new(
        "get_customer",
        "update_customer",
        "delete_customer",
        "refresh_customer_token",
        "update_user_group",
        "delete_user_group",
        "refresh_user_group_token");

    [Theory]
    [MemberData(nameof(EveryOperationWithoutToken), MemberType = typeof(AccessContract))]
    public async Task A_call_without_an_api_token_is_unauthorized(string operation, string? secret)
    {
        await Arrange();

        var result = await RejectedWithoutChange(() => Attempt(operation, Caller.WithApiToken(secret)));

        AssertFails<Unauthorized, string>(result, "missing_api_token");
    }

    [Theory]
    [MemberData(nameof(EveryOperation), MemberType = typeof(AccessContract))]
    public async Task A_call_with_an_unknown_api_token_is_unauthorized(string operation)
    {
        await Arrange();

        var result = await RejectedWithoutChange(() => Attempt(operation, Caller.WithApiToken(new string('a', 64))));

        var failure = AssertFails<Unauthorized, string>(result, "invalid_api_token");
        Assert.DoesNotContain(new string('a', 64), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_api_token_stops_working_at_once()
    {
        var created = (await AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Production", Label: "ci"))).SuccessValue;
        var caller = Caller.WithApiToken(created.Secret);
        await Create("acme", caller: caller);
        Assert.True((await Api.GetCustomerAsync(caller, "acme")).IsSuccess);

        Assert.True((await AdminService.RevokeApiTokenAsync(Admin, created.Token.Id)).IsSuccess);

        var read = await RejectedWithoutChange(() => Api.GetCustomerAsync(caller, "acme"));
        AssertFails<Unauthorized, CustomerView>(read, "invalid_api_token");
        var write = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(caller, new CreateCustomerRequest("globex")));
        AssertFails<Unauthorized, GetOrCreateResult>(write, "invalid_api_token");
        Assert.True((await Api.GetCustomerAsync(Writer, "acme")).IsSuccess);
    }

    [Theory]
    [MemberData(nameof(Writes), MemberType = typeof(AccessContract))]
    public async Task A_read_only_token_can_not_write(string operation)
    {
        await Arrange();

        var result = await RejectedWithoutChange(() => Attempt(operation, ReadOnly));

        AssertFails<Forbidden, string>(result, "read_only_token");
    }

    [Theory]
    [MemberData(nameof(Writes), MemberType = typeof(AccessContract))]
    public async Task A_read_write_token_can_do_what_a_read_only_one_may_not(string operation)
    {
        await Arrange();
        var before = await Snapshot();

        var result = await Attempt(operation, Writer);

        Assert.True(result.IsSuccess, $"{operation}: {result}");
        Assert.NotEqual(before, await Snapshot());
    }

    [Theory]
    [MemberData(nameof(Reads), MemberType = typeof(AccessContract))]
    public async Task A_read_only_token_can_read(string operation)
    {
        await Arrange();
        var before = await Snapshot();

        var result = await Attempt(operation, ReadOnly);

        Assert.True(result.IsSuccess, $"{operation}: {result}");
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task A_read_only_token_sees_the_customers_of_its_group()
    {
        await Arrange();

        var acme = (await Api.GetCustomerAsync(ReadOnly, "acme")).SuccessValue;
        var listed = (await Api.ListCustomersAsync(ReadOnly, new CustomerFilter())).SuccessValue;
        var page = (await Api.ListCustomerPageAsync(ReadOnly, new CustomerPageRequest())).SuccessValue;
        var tags = (await Api.ListGroupTagsAsync(ReadOnly)).SuccessValue;

        Assert.Equal(["vip"], acme.GroupTags.AsEnumerable());
        Assert.Equal(["acme", "acme-bob"], listed.Select(c => c.ProvidedId));
        Assert.Equal(2, page.TotalCount);
        Assert.Equal(["acme", "acme-bob"], page.Customers.Select(c => c.ProvidedId));
        Assert.Equal(["vip"], tags.Select(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(AdminOperationsByTokenKind), MemberType = typeof(AccessContract))]
    public async Task An_api_token_can_not_run_an_admin_operation(string operation, bool readOnly)
    {
        await Arrange();
        var caller = readOnly ? ReadOnly : Writer;

        var result = await RejectedWithoutChange(() => AttemptAdmin(operation, caller));

        AssertFails<Forbidden, string>(result, "admin_required");
    }

    [Theory]
    [MemberData(nameof(AdminOperationsByTokenKind), MemberType = typeof(AccessContract))]
    public async Task The_administrator_can_run_every_admin_operation(string operation, bool scoped)
    {
        await Arrange();

        var result = await AttemptAdmin(operation, scoped ? Caller.Administrator("Production") : Admin);

        Assert.True(result.IsSuccess, $"{operation}: {result}");
    }

    [Theory]
    [MemberData(nameof(OperationsOnAnAbsentCustomer), MemberType = typeof(AccessContract))]
    public async Task A_token_never_sees_or_changes_a_customer_of_another_group(string operation)
    {
        await Arrange();

        var result = await RejectedWithoutChange(() => Attempt(operation, OtherWriter));

        AssertFails<NotFound, string>(result, "customer_not_found");
    }

    [Fact]
    public async Task A_token_lists_only_the_customers_of_its_group()
    {
        await Arrange();
        await Create("devco", caller: OtherWriter);

        var listed = (await Api.ListCustomersAsync(OtherWriter, new CustomerFilter())).SuccessValue;
        var page = (await Api.ListCustomerPageAsync(OtherWriter, new CustomerPageRequest())).SuccessValue;
        var atUserLevel = (await Api.ListCustomersAsync(OtherWriter, new CustomerFilter { HierarchyLevelName = "User" })).SuccessValue;

        Assert.Equal(["devco"], listed.Select(c => c.ProvidedId));
        Assert.Equal(1, page.TotalCount);
        Assert.Equal(["devco"], page.Customers.Select(c => c.ProvidedId));
        Assert.Empty(atUserLevel);
        Assert.Equal(["acme", "acme-bob"], (await Api.ListCustomersAsync(Writer, new CustomerFilter())).SuccessValue.Select(c => c.ProvidedId));
    }

    [Fact]
    public async Task Filtering_by_a_parent_of_another_group_is_parent_not_found()
    {
        await Arrange();

        var result = await RejectedWithoutChange(() => Api.ListCustomersAsync(OtherWriter, new CustomerFilter { ParentProvidedId = "acme" }));

        AssertViolation(result, "parent_not_found", FieldNames.ParentProvidedId);
    }

    [Fact]
    public async Task A_parent_in_another_group_is_parent_not_found()
    {
        await Arrange();

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(
            OtherWriter,
            new CreateCustomerRequest("devco-bob") { HierarchyLevelName = "User", ParentProvidedId = "acme" }));

        AssertViolation(result, "parent_not_found", FieldNames.ParentProvidedId);
    }

    [Fact]
    public async Task Moving_a_customer_under_a_parent_in_another_group_is_parent_not_found()
    {
        await Arrange();
        await Create("devco-bob", level: "User", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(
            OtherWriter,
            new UpdateCustomerRequest("devco-bob") { ParentProvidedId = "acme" }));

        AssertViolation(result, "parent_not_found", FieldNames.ParentProvidedId);
    }

    [Fact]
    public async Task A_provided_id_used_in_another_group_is_a_conflict()
    {
        await Arrange();
        await Create("devco", caller: OtherWriter);

        var created = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(OtherWriter, new CreateCustomerRequest("acme")));
        AssertFails<Conflict, GetOrCreateResult>(created, "provided_id_taken");
        var renamed = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(OtherWriter, new UpdateCustomerRequest("devco") { NewProvidedId = "acme" }));
        AssertFails<Conflict, CustomerView>(renamed, "provided_id_taken");
    }

    [Fact]
    public async Task A_token_creates_customers_in_its_own_group()
    {
        var prod = await Create("acme");
        var dev = await Create("devco", caller: OtherWriter);

        Assert.Equal("Production", prod.AccessGroup);
        Assert.Equal("Development", dev.AccessGroup);
        Assert.Equal("Development", (await Get("devco")).AccessGroup);
    }

    [Fact]
    public async Task An_administrator_scoped_to_a_group_sees_and_creates_only_there()
    {
        await Arrange();
        var scoped = Caller.Administrator("Development");

        var created = await AdminService.GetOrCreateCustomerAsync(scoped, new CreateCustomerRequest("devco"));

        Assert.True(created.SuccessValue.IsNew);
        Assert.Equal("Development", created.SuccessValue.Customer.AccessGroup);
        Assert.Equal("Development", (await Api.GetCustomerAsync(OtherWriter, "devco")).SuccessValue.AccessGroup);
        Assert.Equal(["devco"], (await AdminService.ListCustomersAsync(scoped, new CustomerFilter())).SuccessValue.Select(c => c.ProvidedId));
        AssertFails<NotFound, CustomerView>(await AdminService.GetCustomerAsync(scoped, "acme"), "customer_not_found");
        var update = await RejectedWithoutChange(() => AdminService.UpdateCustomerAsync(scoped, new UpdateCustomerRequest("acme") { Name = "x" }));
        AssertFails<NotFound, CustomerView>(update, "customer_not_found");
    }

    [Fact]
    public async Task An_unscoped_administrator_sees_every_group_and_creates_in_the_first()
    {
        await Arrange();
        await Create("devco", caller: OtherWriter);

        var created = await AdminService.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("hostco"));

        Assert.Equal("Production", created.SuccessValue.Customer.AccessGroup);
        Assert.Equal(
            ["acme", "acme-bob", "devco", "hostco"],
            (await AdminService.ListCustomersAsync(Admin, new CustomerFilter())).SuccessValue.Select(c => c.ProvidedId));
    }

    [Fact]
    public async Task An_administrator_scoped_to_an_unknown_group_is_not_found()
    {
        await Arrange();
        var scoped = Caller.Administrator("Nope");

        var create = await RejectedWithoutChange(() => AdminService.GetOrCreateCustomerAsync(scoped, new CreateCustomerRequest("nopeco")));
        AssertFails<NotFound, GetOrCreateResult>(create, "access_group_not_found");
        var list = await RejectedWithoutChange(() => AdminService.ListCustomersAsync(scoped, new CustomerFilter()));
        AssertFails<NotFound, IReadOnlyList<CustomerView>>(list, "access_group_not_found");
    }

    private static TheoryData<string, string?> Without()
    {
        var data = new TheoryData<string, string?>();
        foreach (var operation in ReadOperations.Concat(WriteOperations))
        {
            data.Add(operation, null);
            data.Add(operation, string.Empty);
        }

        return data;
    }

    private static TheoryData<string, bool> ByTokenKind()
    {
        var data = new TheoryData<string, bool>();
        foreach (var operation in AdminOperations)
        {
            data.Add(operation, false);
            data.Add(operation, true);
        }

        return data;
    }

    /// <summary>
    /// A Production root <c>acme</c> tagged <c>vip</c> with a leaf child <c>acme-bob</c>, an unused bottom level
    /// <c>Spare</c> and a registered data source <c>ds</c>: every operation below has a target on which it would succeed.
    /// </summary>
    private async Task Arrange()
    {
        await AddLevel("Spare");
        await CreateTag("vip");
        await Create("acme", with: r => r with { GroupTags = ["vip"] });
        await Create("acme-bob", level: "User", parent: "acme");
        Assert.True((await AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest("ds", "sales", null, ["Production"]))).IsSuccess);
    }

    /// <summary>Runs one customer, tag or legacy operation through the port under test, against the arranged customers.</summary>
    private async Task<Result<string>> Attempt(string operation, Caller caller)
    {
        var leafToken = (await Get("acme-bob")).Token;
        return operation switch
        {
            "get_customer" => Text(await Api.GetCustomerAsync(caller, "acme-bob")),
            "list_customers" => Text(await Api.ListCustomersAsync(caller, new CustomerFilter())),
            "list_customer_page" => Text(await Api.ListCustomerPageAsync(caller, new CustomerPageRequest())),
            "list_group_tags" => Text(await Api.ListGroupTagsAsync(caller)),
            "create_customer" => Text(await Api.GetOrCreateCustomerAsync(caller, new CreateCustomerRequest("newco"))),
            "update_customer" => Text(await Api.UpdateCustomerAsync(caller, new UpdateCustomerRequest("acme-bob") { Name = "Bob" })),
            "delete_customer" => Text(await Api.DeleteCustomerAsync(caller, new DeleteCustomerRequest(leafToken))),
            "refresh_customer_token" => Text(await Api.RefreshCustomerTokenAsync(caller, new RefreshTokenRequest(leafToken))),
            "create_group_tag" => Text(await Api.CreateGroupTagAsync(caller, "beta")),
            "rename_group_tag" => Text(await Api.RenameGroupTagAsync(caller, "vip", "gold")),
            "delete_group_tag" => Text(await Api.DeleteGroupTagAsync(caller, "vip")),
            "create_user_group" => Text(await Api.GetOrCreateUserGroupAsync(caller, new CreateUserGroupRequest("newgroup"))),
            "update_user_group" => Text(await Api.UpdateUserGroupAsync(caller, new UpdateUserGroupRequest("acme-bob") { Name = "Bob" })),
            "delete_user_group" => Text(await Api.DeleteUserGroupAsync(caller, new DeleteCustomerRequest(leafToken))),
            "refresh_user_group_token" => Text(await Api.RefreshUserGroupTokenAsync(caller, new RefreshTokenRequest(leafToken))),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown operation"),
        };
    }

    /// <summary>Runs one admin operation through the admin service, on targets where an administrator would succeed.</summary>
    private async Task<Result<string>> AttemptAdmin(string operation, Caller caller)
    {
        var tokenId = (await AdminService.ListApiTokensAsync(Admin)).SuccessValue.First(t => t.AccessGroup == "Development").Id;
        return operation switch
        {
            "initialize_workspace" => Text(await AdminService.InitializeWorkspaceAsync(caller)),
            "list_levels" => Text(await AdminService.ListLevelsAsync(caller)),
            "add_level" => Text(await AdminService.AddLevelAsync(caller, "Seat")),
            "rename_level" => Text(await AdminService.RenameLevelAsync(caller, "User", "Member")),
            "remove_level" => Text(await AdminService.RemoveLevelAsync(caller, "Spare")),
            "list_access_groups" => Text(await AdminService.ListAccessGroupsAsync(caller)),
            "add_access_group" => Text(await AdminService.AddAccessGroupAsync(caller, "Staging")),
            "rename_access_group" => Text(await AdminService.RenameAccessGroupAsync(caller, "Development", "Dev")),
            "create_api_token" => Text(await AdminService.CreateApiTokenAsync(caller, new CreateApiTokenRequest("Production"))),
            "list_api_tokens" => Text(await AdminService.ListApiTokensAsync(caller)),
            "revoke_api_token" => Text(await AdminService.RevokeApiTokenAsync(caller, tokenId)),
            "list_data_sources" => Text(await AdminService.ListDataSourcesAsync(caller)),
            "add_data_source" => Text(await AdminService.AddDataSourceAsync(caller, new AddDataSourceRequest("ds-2", "sales", null, ["Production"]))),
            "remove_data_source" => Text(await AdminService.RemoveDataSourceAsync(caller, "ds")),
            "set_default_data_source" => Text(await AdminService.SetDefaultDataSourceAsync(caller, "Production", "sales", "ds")),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown operation"),
        };
    }

    private static Result<string> Text<T>(Result<T> result) => result.Map(value => $"{value}");
}
