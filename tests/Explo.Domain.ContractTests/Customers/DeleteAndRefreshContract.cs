using System.Text.RegularExpressions;

namespace Explo.Domain.ContractTests.Customers;

/// <summary>Delete customer (<c>DELETE /api/delete_customer/</c>) and refresh customer token (<c>POST /api/refresh_customer_token/</c>).</summary>
public abstract class DeleteAndRefreshContract : ContractTestBase
{
    // ---- delete ----

    [Fact]
    public async Task A_customer_is_deleted_by_its_token()
    {
        var acme = await Create("acme");
        await Create("globex");

        var result = await Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(acme.Token));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(["acme"], result.SuccessValue.DeletedProvidedIds);
        AssertFails<NotFound, CustomerView>(await Api.GetCustomerAsync(Writer, "acme"), "customer_not_found");
        Assert.Equal(["globex"], (await Api.ListCustomersAsync(Writer, new CustomerFilter())).SuccessValue.Select(c => c.ProvidedId));
    }

    [Fact]
    public async Task Deleting_a_customer_emits_an_event()
    {
        var acme = await Create("acme");
        var before = Sut.EventCount();

        await Deleted(acme.Token);

        Assert.True(Sut.EventCount() > before, "a delete stored no event");
    }

    [Fact]
    public async Task Deleting_a_leaf_leaves_its_parent_and_siblings()
    {
        await Create("acme");
        var bob = await Create("bob", level: "User", parent: "acme");
        await Create("ann", level: "User", parent: "acme");

        await Deleted(bob.Token);

        Assert.Equal(["ann"], (await Api.ListCustomersAsync(Writer, new CustomerFilter { ParentProvidedId = "acme" })).SuccessValue.Select(c => c.ProvidedId));
        Assert.Equal(1, (await Get("acme")).Version);
    }

    [Fact]
    public async Task A_customer_with_children_is_not_deleted_without_cascade()
    {
        var acme = await Create("acme");
        await Create("bob", level: "User", parent: "acme");

        var result = await RejectedWithoutChange(() => Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(acme.Token)));

        AssertFails<Conflict, DeleteResult>(result, "customer_has_children");
        Assert.Equal("acme", (await Get("bob")).ParentProvidedId);
    }

    [Fact]
    public async Task Cascade_deletes_the_whole_subtree_and_nothing_else()
    {
        await AddLevel("Team", after: "Customer");
        var acme = await Create("acme");
        await Create("team-a", level: "Team", parent: "acme");
        await Create("team-b", level: "Team", parent: "acme");
        await Create("bob", level: "User", parent: "team-a");
        await Create("ann", level: "User", parent: "team-b");
        await Create("globex");
        await Create("globex-team", level: "Team", parent: "globex");
        await Create("theirs", caller: OtherWriter);
        var before = Sut.EventCount();

        var result = await Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(acme.Token, Cascade: true));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("acme", result.SuccessValue.DeletedProvidedIds[0]);
        Assert.Equal(["acme", "ann", "bob", "team-a", "team-b"], result.SuccessValue.DeletedProvidedIds.Order(StringComparer.Ordinal));
        var remaining = (await AdminService.ListCustomersAsync(Admin, new CustomerFilter())).SuccessValue.Select(c => c.ProvidedId);
        Assert.Equal(["globex", "globex-team", "theirs"], remaining);
        Assert.True(Sut.EventCount() > before, "a cascade delete stored no event");
    }

    [Fact]
    public async Task Cascade_on_a_customer_without_children_deletes_just_it()
    {
        await Create("acme");
        var bob = await Create("bob", level: "User", parent: "acme");

        var result = await Deleted(bob.Token, cascade: true);

        Assert.Equal(["bob"], result.DeletedProvidedIds);
        Assert.True((await Api.GetCustomerAsync(Writer, "acme")).IsSuccess);
    }

    [Fact]
    public async Task A_deleted_customers_provided_id_can_be_used_again()
    {
        var old = await Create("acme", with: r => r with { Name = "Old" });
        await Deleted(old.Token);

        var fresh = await Create("acme");

        Assert.Equal("acme", fresh.Name);
        Assert.NotEqual(old.Token, fresh.Token);
        Assert.Equal(1, fresh.Version);
    }

    [Fact]
    public async Task Deleting_with_an_unknown_token_is_not_found()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(new string('f', 64))));

        AssertFails<NotFound, DeleteResult>(result, "customer_not_found");
    }

    [Fact]
    public async Task Deleting_a_customer_of_another_access_group_is_not_found()
    {
        var theirs = await Create("theirs", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(theirs.Token, Cascade: true)));

        AssertFails<NotFound, DeleteResult>(result, "customer_not_found");
    }

    [Fact]
    public async Task A_read_only_token_cannot_delete()
    {
        var acme = await Create("acme");

        var result = await RejectedWithoutChange(() => Api.DeleteCustomerAsync(ReadOnly, new DeleteCustomerRequest(acme.Token)));

        AssertFails<Forbidden, DeleteResult>(result, "read_only_token");
    }

    [Fact]
    public async Task A_provided_id_is_not_a_token()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest("acme")));

        AssertFails<NotFound, DeleteResult>(result, "customer_not_found");
    }

    // ---- refresh token ----

    [Fact]
    public async Task Refreshing_gives_a_new_token_and_raises_the_version()
    {
        var before = await Create("acme", with: r => r with { Name = "Acme", Properties = PropertyMap.Of(("region", "eu")) });
        Clock.Advance(TimeSpan.FromMinutes(1));

        var result = await Api.RefreshCustomerTokenAsync(Writer, new RefreshTokenRequest(before.Token));

        Assert.True(result.IsSuccess, result.ToString());
        var after = result.SuccessValue;
        Assert.NotEqual(before.Token, after.Token);
        Assert.Matches(new Regex("^[0-9a-f]{64}$"), after.Token);
        Assert.Equal(Describe(before with { Token = after.Token, Version = 2, UpdatedAt = Clock.GetUtcNow() }), Describe(after));
        Assert.Equal(Describe(after), Describe((await Api.GetCustomerAsync(Writer, "acme")).SuccessValue));
    }

    [Fact]
    public async Task After_a_refresh_the_old_token_no_longer_finds_the_customer()
    {
        var before = await Create("acme");
        var after = (await Api.RefreshCustomerTokenAsync(Writer, new RefreshTokenRequest(before.Token))).SuccessValue;

        var refreshAgain = await RejectedWithoutChange(() => Api.RefreshCustomerTokenAsync(Writer, new RefreshTokenRequest(before.Token)));
        var delete = await RejectedWithoutChange(() => Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(before.Token)));

        AssertFails<NotFound, CustomerView>(refreshAgain, "customer_not_found");
        AssertFails<NotFound, DeleteResult>(delete, "customer_not_found");
        Assert.Equal(["acme"], (await Deleted(after.Token)).DeletedProvidedIds);
    }

    [Fact]
    public async Task Refreshing_emits_an_event()
    {
        var acme = await Create("acme");
        var before = Sut.EventCount();

        Assert.True((await Api.RefreshCustomerTokenAsync(Writer, new RefreshTokenRequest(acme.Token))).IsSuccess);

        Assert.True(Sut.EventCount() > before, "a token refresh stored no event");
    }

    [Fact]
    public async Task Refreshing_with_an_unknown_token_is_not_found()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.RefreshCustomerTokenAsync(Writer, new RefreshTokenRequest(new string('e', 64))));

        AssertFails<NotFound, CustomerView>(result, "customer_not_found");
    }

    [Fact]
    public async Task Refreshing_a_customer_of_another_access_group_is_not_found()
    {
        var theirs = await Create("theirs", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => Api.RefreshCustomerTokenAsync(Writer, new RefreshTokenRequest(theirs.Token)));

        AssertFails<NotFound, CustomerView>(result, "customer_not_found");
    }

    [Fact]
    public async Task A_read_only_token_cannot_refresh_a_token()
    {
        var acme = await Create("acme");

        var result = await RejectedWithoutChange(() => Api.RefreshCustomerTokenAsync(ReadOnly, new RefreshTokenRequest(acme.Token)));

        AssertFails<Forbidden, CustomerView>(result, "read_only_token");
    }

    private async Task<DeleteResult> Deleted(string token, bool cascade = false)
    {
        var result = await Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(token, cascade));
        Assert.True(result.IsSuccess, result.ToString());
        return result.SuccessValue;
    }
}
