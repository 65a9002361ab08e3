namespace Explo.Domain.ContractTests.Customers;

/// <summary>
/// Cursor pages of the v2 list (issue 17, point 5): <c>next_cursor</c> on every page (null on the last), a keyset walk
/// that returns every customer existing for the whole walk exactly once while others are created and deleted, and
/// <c>invalid_cursor</c> for a malformed or foreign cursor.
/// </summary>
public abstract class CursorPageContract : ContractTestBase
{
    private async Task<CustomerPage> Page(CustomerPageRequest request, Caller? caller = null)
    {
        var result = await Api.ListCustomerPageAsync(caller ?? Writer, request);
        Assert.True(result.IsSuccess, result.ToString());
        return result.SuccessValue;
    }

    /// <summary>Every page of a walk from the first, by cursor, until next_cursor is null.</summary>
    private async Task<List<CustomerPage>> Walk(int pageSize, CustomerFilter? filter = null, Func<int, Task>? between = null)
    {
        var pages = new List<CustomerPage> { await Page(new CustomerPageRequest { PageSize = pageSize, Filter = filter ?? new() }) };
        while (pages[^1].NextCursor is { } cursor)
        {
            if (between is not null)
            {
                await between(pages.Count);
            }

            pages.Add(await Page(new CustomerPageRequest { PageSize = pageSize, Filter = filter ?? new(), Cursor = cursor }));
            Assert.True(pages.Count < 1000, "the walk does not end");
        }

        return pages;
    }

    [Fact]
    public async Task A_walk_by_cursor_returns_every_customer_once_in_creation_order_and_ends_with_a_null_cursor()
    {
        var ids = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            ids.Add((await Create($"c{i:00}")).ProvidedId);
        }

        var pages = await Walk(7);

        Assert.Equal([7, 7, 7, 2], pages.Select(p => p.Customers.Count));
        Assert.Equal(ids, pages.SelectMany(p => p.Customers).Select(c => c.ProvidedId));
        Assert.All(pages, p => Assert.Equal(23, p.TotalCount));
        Assert.Null(pages[^1].NextCursor);
    }

    [Fact]
    public async Task A_last_page_that_is_full_has_no_next_cursor_and_an_empty_list_has_none()
    {
        Assert.Null((await Page(new CustomerPageRequest { PageSize = 5 })).NextCursor);
        for (var i = 0; i < 10; i++)
        {
            await Create($"c{i}");
        }

        var pages = await Walk(5);

        Assert.Equal([5, 5], pages.Select(p => p.Customers.Count));
        Assert.Null((await Page(new CustomerPageRequest { Page = 2, PageSize = 5 })).NextCursor);
        Assert.NotNull((await Page(new CustomerPageRequest { Page = 1, PageSize = 5 })).NextCursor);
    }

    [Fact]
    public async Task A_walk_while_others_create_and_delete_returns_each_customer_that_stayed_exactly_once()
    {
        var stayed = new List<string>();
        var doomed = new Queue<CustomerView>();
        for (var i = 0; i < 40; i++)
        {
            stayed.Add((await Create($"stay-{i:00}")).ProvidedId);
            doomed.Enqueue(await Create($"doomed-{i:00}"));
        }

        // Between every two pages: two customers created (after the walk's position or not) and two deleted (some
        // already seen, some ahead).
        var created = 0;
        var pages = await Walk(6, between: async _ =>
        {
            for (var k = 0; k < 2; k++)
            {
                await Create($"new-{created++:000}");
                if (doomed.TryDequeue(out var victim))
                {
                    Assert.True((await Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(victim.Token))).IsSuccess);
                }
            }
        });

        var seen = pages.SelectMany(p => p.Customers).Select(c => c.ProvidedId).ToList();
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(stayed, seen.Where(id => id.StartsWith("stay-", StringComparison.Ordinal)));
        Assert.Equal(seen.OrderBy(id => pages.SelectMany(p => p.Customers).First(c => c.ProvidedId == id).Id.Value), seen);
    }

    [Fact]
    public async Task A_walk_under_concurrent_writers_returns_each_customer_that_stayed_exactly_once()
    {
        var stayed = new List<string>();
        var doomed = new List<CustomerView>();
        for (var i = 0; i < 60; i++)
        {
            stayed.Add((await Create($"stay-{i:00}")).ProvidedId);
            doomed.Add(await Create($"doomed-{i:00}"));
        }

        // The writer creates 60 and deletes the doomed ones while the walk reads, each step after a pause so the two interleave.
        using var walking = new SemaphoreSlim(0);
        var writer = Task.Run(async () =>
        {
            await walking.WaitAsync();
            for (var n = 0; n < doomed.Count; n++)
            {
                Assert.True((await Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest($"new-{n:00}"))).IsSuccess);
                Assert.True((await Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(doomed[n].Token))).IsSuccess);
                await Task.Delay(1);
            }

            return doomed.Count;
        });

        var pages = await Walk(5, between: async page =>
        {
            if (page == 1)
            {
                walking.Release();
            }

            await Task.Delay(2);
        });

        Assert.True(await writer > 0);
        var seen = pages.SelectMany(p => p.Customers).Select(c => c.ProvidedId).ToList();
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(stayed, seen.Where(id => id.StartsWith("stay-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_walk_keeps_its_filters_and_the_caller_s_data_visibility_group()
    {
        await Create("acme");
        await Create("globex");
        for (var i = 0; i < 9; i++)
        {
            await Create($"acme-{i}", level: "User", parent: "acme");
            await Create($"globex-{i}", level: "User", parent: "globex");
        }

        await Create("elsewhere", caller: OtherWriter);

        var children = await Walk(4, new CustomerFilter { ParentProvidedId = "acme" });
        var users = await Walk(4, new CustomerFilter { HierarchyLevelName = "User" });
        var everyone = await Walk(4);

        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"acme-{i}"), children.SelectMany(p => p.Customers).Select(c => c.ProvidedId));
        Assert.Equal(18, users.SelectMany(p => p.Customers).Count());
        Assert.DoesNotContain("elsewhere", everyone.SelectMany(p => p.Customers).Select(c => c.ProvidedId));
        Assert.Equal(20, everyone.SelectMany(p => p.Customers).Count());
    }

    [Theory]
    [InlineData("not a cursor")]
    [InlineData("")]
    [InlineData("Y3UxOjU6MDAwMDAwMDA")] // cu1:5:00000000, a filter tag no filter has
    [InlineData("ZXYxOjE")] // ev1:1, the change feed's
    public async Task A_malformed_or_foreign_cursor_is_invalid_cursor_naming_the_field(string cursor)
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Cursor = cursor }));

        Assert.Equal("cursor", AssertViolation(result, "invalid_cursor").Field);
    }

    [Fact]
    public async Task A_cursor_with_a_page_number_other_than_the_first_is_refused()
    {
        for (var i = 0; i < 4; i++)
        {
            await Create($"c{i}");
        }

        var cursor = (await Page(new CustomerPageRequest { PageSize = 2 })).NextCursor!;

        var result = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Page = 2, PageSize = 2, Cursor = cursor }));

        AssertViolation(result, "invalid_cursor", "cursor");
    }

    [Fact]
    public async Task A_cursor_read_with_other_filters_is_refused()
    {
        await Create("acme");
        for (var i = 0; i < 4; i++)
        {
            await Create($"u{i}", level: "User", parent: "acme");
        }

        var cursor = (await Page(new CustomerPageRequest { PageSize = 2, Filter = new CustomerFilter { ParentProvidedId = "acme" } })).NextCursor!;

        var result = await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { PageSize = 2, Cursor = cursor });

        AssertViolation(result, "invalid_cursor", "cursor");
    }
}
