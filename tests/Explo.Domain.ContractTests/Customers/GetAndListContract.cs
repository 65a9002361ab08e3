namespace Explo.Domain.ContractTests.Customers;

/// <summary>
/// Get customer (<c>POST /api/get_customer/</c>), the paged v2 list (<c>GET /v2/api/customers/</c>) and the
/// deprecated v1 list (<c>GET /api/customers/</c>).
/// </summary>
public abstract class GetAndListContract : ContractTestBase
{
    // ---- get ----

    [Fact]
    public async Task Getting_a_customer_returns_it_as_stored()
    {
        var created = await Create("acme", with: r => r with { Name = "Acme", Emails = ["a@acme.example"], Properties = PropertyMap.Of(("region", "eu")) });

        var result = await Api.GetCustomerAsync(Writer, "acme");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(Describe(created), Describe(result.SuccessValue));
    }

    [Fact]
    public async Task A_read_only_token_can_get_a_customer()
    {
        var created = await Create("acme");

        var result = await Api.GetCustomerAsync(ReadOnly, "acme");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(created.Token, result.SuccessValue.Token);
    }

    [Fact]
    public async Task Getting_an_unknown_customer_is_not_found()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.GetCustomerAsync(Writer, "nobody"));

        var failure = AssertFails<NotFound, CustomerView>(result, "customer_not_found");
        Assert.Contains("nobody", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_of_another_access_group_behaves_as_absent_on_get()
    {
        await Create("theirs", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => Api.GetCustomerAsync(Writer, "theirs"));

        AssertFails<NotFound, CustomerView>(result, "customer_not_found");
        Assert.True((await Api.GetCustomerAsync(OtherWriter, "theirs")).IsSuccess);
    }

    // ---- v2 list ----

    [Fact]
    public async Task The_v2_list_defaults_to_page_1_of_20_with_the_total_count()
    {
        await CreateMany("c", 25);

        var result = await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest());

        Assert.True(result.IsSuccess, result.ToString());
        var page = result.SuccessValue;
        Assert.Equal(1, page.Page);
        Assert.Equal(20, page.PageSize);
        Assert.Equal(25, page.TotalCount);
        Assert.Equal(Names("c", 0, 20), Ids(page.Customers));
    }

    [Fact]
    public async Task The_v2_list_pages_through_every_customer_once_in_creation_order()
    {
        var names = new[] { "zulu", "alpha", "mike", "bravo", "yankee", "charlie", "xray" };
        foreach (var name in names)
        {
            await Create(name);
        }

        var seen = new List<string>();
        for (var p = 1; p <= 3; p++)
        {
            var page = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Page = p, PageSize = 3 })).SuccessValue;
            Assert.Equal(7, page.TotalCount);
            Assert.Equal(p < 3 ? 3 : 1, page.Customers.Count);
            seen.AddRange(Ids(page.Customers));
        }

        Assert.Equal(names, seen);
    }

    [Fact]
    public async Task A_v2_page_past_the_end_is_empty_but_keeps_the_total_count()
    {
        await CreateMany("c", 5);

        var page = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Page = 3, PageSize = 5 })).SuccessValue;

        Assert.Empty(page.Customers);
        Assert.Equal(5, page.TotalCount);
    }

    [Fact]
    public async Task The_v2_list_of_an_empty_workspace_is_empty()
    {
        var page = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest())).SuccessValue;

        Assert.Empty(page.Customers);
        Assert.Equal(0, page.TotalCount);
    }

    [Fact]
    public async Task The_v2_list_accepts_page_sizes_from_1_to_1000()
    {
        await CreateMany("c", 3);

        var smallest = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { PageSize = 1, Page = 2 })).SuccessValue;
        var largest = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { PageSize = 1000 })).SuccessValue;

        Assert.Equal(["c01"], Ids(smallest.Customers));
        Assert.Equal(Names("c", 0, 3), Ids(largest.Customers));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task A_v2_page_size_outside_1_to_1000_is_rejected(int pageSize)
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { PageSize = pageSize }));

        AssertViolation(result, "invalid_page_size", "page_size");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task A_v2_page_below_1_is_rejected(int page)
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Page = page }));

        AssertViolation(result, "invalid_page", "page");
    }

    [Fact]
    public async Task A_bad_page_and_a_bad_page_size_are_both_reported()
    {
        var result = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Page = 0, PageSize = 0 }));

        AssertViolation(result, "invalid_page", "page");
        AssertViolation(result, "invalid_page_size", "page_size");
    }

    [Fact]
    public async Task The_v2_list_filters_by_parent()
    {
        await BuildTwoFamilies();

        var page = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Filter = new CustomerFilter { ParentProvidedId = "acme" } })).SuccessValue;

        Assert.Equal(2, page.TotalCount);
        Assert.Equal(["acme-bob", "acme-ann"], Ids(page.Customers));
    }

    [Fact]
    public async Task The_v2_list_filters_by_hierarchy_level()
    {
        await BuildTwoFamilies();

        var users = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Filter = new CustomerFilter { HierarchyLevelName = "User" } })).SuccessValue;
        var roots = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Filter = new CustomerFilter { HierarchyLevelName = "Customer" } })).SuccessValue;

        Assert.Equal(["acme-bob", "globex-cat", "acme-ann"], Ids(users.Customers));
        Assert.Equal(3, users.TotalCount);
        Assert.Equal(["acme", "globex"], Ids(roots.Customers));
    }

    [Fact]
    public async Task The_v2_list_combines_the_parent_and_level_filters()
    {
        await AddLevel("Team", after: "Customer");
        await Create("acme");
        await Create("acme-team", level: "Team", parent: "acme");
        await Create("acme-bob", level: "User", parent: "acme");

        var page = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest
        {
            Filter = new CustomerFilter { ParentProvidedId = "acme", HierarchyLevelName = "User" },
        })).SuccessValue;

        Assert.Equal(1, page.TotalCount);
        Assert.Equal(["acme-bob"], Ids(page.Customers));
    }

    [Fact]
    public async Task The_v2_list_pages_within_a_filter()
    {
        await Create("acme");
        for (var i = 0; i < 5; i++)
        {
            await Create($"u{i}", level: "User", parent: "acme");
        }

        var page = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Page = 2, PageSize = 2, Filter = new CustomerFilter { ParentProvidedId = "acme" } })).SuccessValue;

        Assert.Equal(5, page.TotalCount);
        Assert.Equal(["u2", "u3"], Ids(page.Customers));
    }

    [Fact]
    public async Task The_v2_list_with_an_unknown_level_is_rejected()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Filter = new CustomerFilter { HierarchyLevelName = "Planet" } }));

        var violation = AssertViolation(result, "unknown_hierarchy_level", "hierarchy_level_name");
        Assert.Contains("Planet", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_v2_list_with_an_unknown_parent_is_rejected()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Filter = new CustomerFilter { ParentProvidedId = "nobody" } }));

        AssertViolation(result, "parent_not_found", "parent_provided_id");
    }

    [Fact]
    public async Task The_v2_list_shows_only_the_callers_access_group()
    {
        await Create("mine-1");
        await Create("theirs-1", caller: OtherWriter);
        await Create("mine-2");
        await Create("theirs-2", caller: OtherWriter);
        await Create("theirs-3", caller: OtherWriter);

        var mine = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest())).SuccessValue;
        var readOnly = (await Api.ListCustomerPageAsync(ReadOnly, new CustomerPageRequest())).SuccessValue;
        var theirs = (await Api.ListCustomerPageAsync(OtherWriter, new CustomerPageRequest())).SuccessValue;

        Assert.Equal(2, mine.TotalCount);
        Assert.Equal(["mine-1", "mine-2"], Ids(mine.Customers));
        Assert.Equal(["mine-1", "mine-2"], Ids(readOnly.Customers));
        Assert.Equal(3, theirs.TotalCount);
        Assert.Equal(["theirs-1", "theirs-2", "theirs-3"], Ids(theirs.Customers));
    }

    [Fact]
    public async Task Filtering_the_v2_list_by_a_parent_in_another_access_group_is_rejected_as_unknown()
    {
        await Create("theirs", caller: OtherWriter);
        await Create("theirs-bob", level: "User", parent: "theirs", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Filter = new CustomerFilter { ParentProvidedId = "theirs" } }));

        AssertViolation(result, "parent_not_found", "parent_provided_id");
    }

    [Fact]
    public async Task The_v2_list_shows_the_same_fields_as_get()
    {
        await BuildTwoFamilies();

        var page = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest())).SuccessValue;

        foreach (var listed in page.Customers)
        {
            Assert.Equal(Describe((await Api.GetCustomerAsync(Writer, listed.ProvidedId)).SuccessValue), Describe(listed));
        }
    }

    // ---- v1 list ----

    [Fact]
    public async Task The_v1_list_returns_every_customer_in_creation_order_without_paging()
    {
        await CreateMany("c", 25);

        var result = await Api.ListCustomersAsync(Writer, new CustomerFilter());

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(Names("c", 0, 25), Ids(result.SuccessValue));
    }

    [Fact]
    public async Task The_v1_list_filters_by_parent_and_level()
    {
        await BuildTwoFamilies();

        var children = (await Api.ListCustomersAsync(Writer, new CustomerFilter { ParentProvidedId = "globex" })).SuccessValue;
        var users = (await Api.ListCustomersAsync(ReadOnly, new CustomerFilter { HierarchyLevelName = "User" })).SuccessValue;
        var none = (await Api.ListCustomersAsync(Writer, new CustomerFilter { ParentProvidedId = "acme-bob" })).SuccessValue;

        Assert.Equal(["globex-cat"], Ids(children));
        Assert.Equal(["acme-bob", "globex-cat", "acme-ann"], Ids(users));
        Assert.Empty(none);
    }

    [Fact]
    public async Task The_v1_list_shows_only_the_callers_access_group()
    {
        await Create("mine");
        await Create("theirs", caller: OtherWriter);

        Assert.Equal(["mine"], Ids((await Api.ListCustomersAsync(Writer, new CustomerFilter())).SuccessValue));
        Assert.Equal(["theirs"], Ids((await Api.ListCustomersAsync(OtherWriter, new CustomerFilter())).SuccessValue));
    }

    [Fact]
    public async Task The_v1_list_with_an_unknown_level_is_rejected()
    {
        var result = await RejectedWithoutChange(() => Api.ListCustomersAsync(Writer, new CustomerFilter { HierarchyLevelName = "Planet" }));

        AssertViolation(result, "unknown_hierarchy_level", "hierarchy_level_name");
    }

    [Fact]
    public async Task The_v1_list_with_an_unknown_parent_is_rejected()
    {
        await Create("theirs", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => Api.ListCustomersAsync(Writer, new CustomerFilter { ParentProvidedId = "theirs" }));

        AssertViolation(result, "parent_not_found", "parent_provided_id");
    }

    private static List<string> Ids(IEnumerable<CustomerView> customers) => customers.Select(c => c.ProvidedId).ToList();

    private static List<string> Names(string prefix, int from, int count) =>
        Enumerable.Range(from, count).Select(i => $"{prefix}{i:00}").ToList();

    private async Task CreateMany(string prefix, int count)
    {
        foreach (var name in Names(prefix, 0, count))
        {
            await Create(name);
        }
    }

    /// <summary>acme (acme-bob, acme-ann) and globex (globex-cat), created interleaved: acme, acme-bob, globex, globex-cat, acme-ann.</summary>
    private async Task BuildTwoFamilies()
    {
        await Create("acme");
        await Create("acme-bob", level: "User", parent: "acme");
        await Create("globex");
        await Create("globex-cat", level: "User", parent: "globex");
        await Create("acme-ann", level: "User", parent: "acme");
        await Create("elsewhere", caller: OtherWriter);
        await Create("elsewhere-dan", level: "User", parent: "elsewhere", caller: OtherWriter);
    }
}
