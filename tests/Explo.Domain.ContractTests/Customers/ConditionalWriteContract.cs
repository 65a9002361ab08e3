namespace Explo.Domain.ContractTests.Customers;

/// <summary>
/// Conditional writes (issue 17, point 4): update, delete and token refresh, of customers and legacy user groups,
/// apply only when the customer is at the expected version (over HTTP, <c>If-Match</c>); a stale one is a
/// <see cref="Conflict"/> <c>precondition_failed</c> naming the current version, and changes nothing.
/// </summary>
public abstract class ConditionalWriteContract : ContractTestBase
{
    private const string PreconditionFailed = "precondition_failed";

    [Fact]
    public async Task An_update_at_the_expected_version_applies_and_raises_it()
    {
        await Create("acme");
        await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Name = "two" });

        var after = await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Name = "three", ExpectedVersion = 2 });

        Assert.True(after.IsSuccess, after.ToString());
        Assert.Equal(("three", 3L), (after.SuccessValue.Name, after.SuccessValue.Version));
    }

    [Fact]
    public async Task An_update_at_a_stale_version_fails_naming_the_current_one_and_changes_nothing()
    {
        await Create("acme");
        await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Name = "two" });

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Name = "three", ExpectedVersion = 1 }));

        var failure = AssertFails<Conflict, CustomerView>(result, PreconditionFailed);
        Assert.Contains("version 2", failure.Message, StringComparison.Ordinal);
        Assert.Contains("not 1", failure.Message, StringComparison.Ordinal);
        Assert.Equal("two", (await Get("acme")).Name);
    }

    [Fact]
    public async Task An_update_to_an_unknown_customer_is_not_found_whatever_the_version()
    {
        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("nobody") { Name = "x", ExpectedVersion = 1 }));

        AssertFails<NotFound, CustomerView>(result, "customer_not_found");
    }

    [Fact]
    public async Task A_delete_at_the_expected_version_deletes()
    {
        var acme = await Create("acme");

        var result = await Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(acme.Token) { ExpectedVersion = acme.Version });

        Assert.True(result.IsSuccess, result.ToString());
        AssertFails<NotFound, CustomerView>(await Api.GetCustomerAsync(Writer, "acme"), "customer_not_found");
    }

    [Fact]
    public async Task A_delete_at_a_stale_version_deletes_nothing()
    {
        var acme = await Create("acme");
        await Create("bob", level: "User", parent: "acme");
        await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Name = "two" });

        var result = await RejectedWithoutChange(() => Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(acme.Token, Cascade: true) { ExpectedVersion = 1 }));

        var failure = AssertFails<Conflict, DeleteResult>(result, PreconditionFailed);
        Assert.Contains("version 2", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cascading_delete_checks_only_the_named_customers_version()
    {
        var acme = await Create("acme");
        await Create("bob", level: "User", parent: "acme");
        await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("bob") { Name = "bob two" });

        var result = await Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(acme.Token, Cascade: true) { ExpectedVersion = acme.Version });

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(["acme", "bob"], result.SuccessValue.DeletedProvidedIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_refresh_at_the_expected_version_rotates_the_token()
    {
        var acme = await Create("acme");

        var result = await Api.RefreshCustomerTokenAsync(Writer, new RefreshTokenRequest(acme.Token) { ExpectedVersion = acme.Version });

        Assert.True(result.IsSuccess, result.ToString());
        Assert.NotEqual(acme.Token, result.SuccessValue.Token);
        Assert.Equal(acme.Version + 1, result.SuccessValue.Version);
    }

    [Fact]
    public async Task A_refresh_at_a_stale_version_keeps_the_token()
    {
        var acme = await Create("acme");
        await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Name = "two" });

        var result = await RejectedWithoutChange(() => Api.RefreshCustomerTokenAsync(Writer, new RefreshTokenRequest(acme.Token) { ExpectedVersion = acme.Version }));

        AssertFails<Conflict, CustomerView>(result, PreconditionFailed);
        Assert.Equal(acme.Token, (await Get("acme")).Token);
    }

    [Fact]
    public async Task User_groups_carry_their_version_and_honour_an_expected_one()
    {
        var created = await Api.GetOrCreateUserGroupAsync(Writer, new CreateUserGroupRequest("team"));
        Assert.True(created.IsSuccess, created.ToString());
        var group = created.SuccessValue.UserGroup;
        Assert.Equal((await Get("team")).Version, group.Version);

        var stale = await RejectedWithoutChange(() => Api.UpdateUserGroupAsync(Writer, new UpdateUserGroupRequest("team") { Name = "x", ExpectedVersion = group.Version + 1 }));
        AssertFails<Conflict, UserGroupView>(stale, PreconditionFailed);

        var updated = await Api.UpdateUserGroupAsync(Writer, new UpdateUserGroupRequest("team") { Name = "x", ExpectedVersion = group.Version });
        Assert.True(updated.IsSuccess, updated.ToString());
        Assert.Equal(group.Version + 1, updated.SuccessValue.Version);

        var staleRefresh = await RejectedWithoutChange(() => Api.RefreshUserGroupTokenAsync(Writer, new RefreshTokenRequest(group.Token) { ExpectedVersion = group.Version }));
        AssertFails<Conflict, UserGroupView>(staleRefresh, PreconditionFailed);

        var refreshed = await Api.RefreshUserGroupTokenAsync(Writer, new RefreshTokenRequest(group.Token) { ExpectedVersion = updated.SuccessValue.Version });
        Assert.True(refreshed.IsSuccess, refreshed.ToString());
        Assert.Equal(updated.SuccessValue.Version + 1, refreshed.SuccessValue.Version);

        var staleDelete = await RejectedWithoutChange(() => Api.DeleteUserGroupAsync(Writer, new DeleteCustomerRequest(refreshed.SuccessValue.Token) { ExpectedVersion = updated.SuccessValue.Version }));
        AssertFails<Conflict, DeleteResult>(staleDelete, PreconditionFailed);
        Assert.True((await Api.DeleteUserGroupAsync(Writer, new DeleteCustomerRequest(refreshed.SuccessValue.Token) { ExpectedVersion = refreshed.SuccessValue.Version })).IsSuccess);
    }

    [Fact]
    public async Task Of_two_writers_racing_from_one_version_exactly_one_wins_and_the_other_changes_nothing()
    {
        for (var round = 0; round < 10; round++)
        {
            var id = $"race-{round}";
            var read = await Create(id);
            using var start = new ManualResetEventSlim();

            Task<Result<CustomerView>> Writer(string name) => Task.Run(() =>
            {
                start.Wait();
                return Api.UpdateCustomerAsync(this.Writer, new UpdateCustomerRequest(id) { Name = name, ExpectedVersion = read.Version });
            });

            var first = Writer("first");
            var second = Writer("second");
            start.Set();
            var results = await Task.WhenAll(first, second);

            var winners = results.Where(r => r.IsSuccess).ToList();
            Assert.Single(winners);
            var loser = Assert.Single(results, r => !r.IsSuccess);
            AssertFails<Conflict, CustomerView>(loser, PreconditionFailed);

            // The winner's write is the one stored: the loser's name was not applied over it, nor merged into it.
            var stored = await Get(id);
            Assert.Equal(winners[0].SuccessValue.Name, stored.Name);
            Assert.Equal(read.Version + 1, stored.Version);
        }
    }
}
