namespace Explo.Domain.ContractTests.Customers;

/// <summary>The bulk path: many get-or-creates in one unit of work.</summary>
public abstract class ImportContract : ContractTestBase
{
    private static CreateCustomerRequest Row(string id, string? parent = null, string? level = null, string? props = null) =>
        new(id) { ParentProvidedId = parent, HierarchyLevelName = level, Properties = props is null ? null : PropertyMap.Parse(props) };

    [Fact]
    public async Task Rows_may_name_parents_that_come_later_in_the_batch()
    {
        await AddLevel("Team", after: "Customer");
        var result = await Api.ImportCustomersAsync(Writer, [
            Row("bob", "team-a", "User", """{"who": "bob"}"""),
            Row("team-a", "acme", "Team", """{"team": "a"}"""),
            Row("acme", props: """{"region": "eu", "team": "none"}"""),
        ]);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(3, result.SuccessValue.Created);
        Assert.Equal(0, result.SuccessValue.Existing);
        Assert.Empty(result.SuccessValue.Errors);
        var bob = (await Api.GetCustomerAsync(Writer, "bob")).SuccessValue;
        Assert.Equal("team-a", bob.ParentProvidedId);
        Assert.Equal("""{"region":"eu","team":"a","who":"bob"}""", PropertyMap.ToJson(bob.ComputedProperties));
        Assert.Equal("Production", bob.AccessGroup);
    }

    [Fact]
    public async Task A_large_batch_with_repeated_ids_has_the_outcome_of_taking_its_rows_one_by_one()
    {
        // Enough rows in one generation to be decided together: a repeated id is an existing customer at its second
        // row, unless its first row was invalid, in which case the second creates it; children attach to that one.
        var rows = new List<CreateCustomerRequest>();
        for (var i = 0; i < 700; i++)
        {
            rows.Add(Row($"r{i}", props: $$"""{"i": {{i}}}"""));
        }

        rows[10] = new CreateCustomerRequest("dup-bad") { Emails = ["not-an-address"] };
        rows[20] = Row("dup-bad", props: """{"second": true}""");
        rows[30] = Row("r5", props: """{"ignored": true}""");
        rows.Add(Row("kid", "dup-bad", "User"));

        var import = (await Api.ImportCustomersAsync(Writer, rows)).SuccessValue;

        Assert.Equal(699, import.Created); // 700 roots, less the invalid row and the repeat of r5, plus the child
        Assert.Equal(1, import.Existing);
        Assert.Equal([10], import.Errors.Select(e => e.Row));
        Assert.Equal("""{"second":true}""", PropertyMap.ToJson((await Get("dup-bad")).Properties));
        Assert.Equal("""{"i":5}""", PropertyMap.ToJson((await Get("r5")).Properties));
        Assert.Equal("dup-bad", (await Get("kid")).ParentProvidedId);
        var ids = (await Api.ListCustomersAsync(Writer, new CustomerFilter())).SuccessValue.Select(c => c.ProvidedId).ToList();
        Assert.Equal(rows.Where((r, i) => i is not (10 or 30)).Select(r => r.ProvidedId), ids); // creation order = row order
    }

    [Fact]
    public async Task Existing_customers_are_counted_and_left_unchanged()
    {
        var acme = await Create("acme", with: r => r with { Name = "Acme Inc" });
        var before = await Snapshot();

        var result = await Api.ImportCustomersAsync(Writer, [Row("acme", props: """{"changed": true}"""), Row("acme")]);

        Assert.Equal((0, 2), (result.SuccessValue.Created, result.SuccessValue.Existing));
        Assert.Equal(before, await Snapshot());
        Assert.Equal(acme.Version, (await Get("acme")).Version);
    }

    [Fact]
    public async Task Without_atomic_valid_rows_land_and_invalid_rows_are_reported_with_their_position()
    {
        var result = await Api.ImportCustomersAsync(Writer, [
            Row("ok-1"),
            Row("bad-level", level: "Nope"),
            Row("orphan", "missing", "User"),
            Row("child-of-bad", "bad-level", "User"),
            Row("ok-2"),
        ]);

        Assert.True(result.IsSuccess, result.ToString());
        var import = result.SuccessValue;
        Assert.Equal(2, import.Created);
        Assert.Equal([1, 2, 3], import.Errors.Select(e => e.Row));
        Assert.Equal("unknown_hierarchy_level", import.Errors[0].Failure.Code);
        Assert.Equal("bad-level", import.Errors[0].ProvidedId);
        Assert.Equal("parent_not_found", import.Errors[1].Failure.Code);
        Assert.Equal("parent_not_found", import.Errors[2].Failure.Code);
        Assert.True((await Api.GetCustomerAsync(Writer, "ok-2")).IsSuccess);
        AssertFails<NotFound, CustomerView>(await Api.GetCustomerAsync(Writer, "orphan"), "customer_not_found");
    }

    [Fact]
    public async Task An_atomic_import_with_one_invalid_row_stores_nothing_and_names_every_bad_row()
    {
        await Create("existing");
        var result = await RejectedWithoutChange(() => Api.ImportCustomersAsync(Writer, [
            Row("fine"),
            Row("fine-child", "fine", "User"),
            Row(new string('x', 300)),
            Row("bad-emails") with { Emails = ["not-an-address"] },
        ], new ImportOptions { Atomic = true }));

        var failure = Assert.IsType<ValidationFailed>(result.Failure);
        Assert.Equal(["rows[2].provided_id", "rows[3].emails[0]"], failure.Violations.Select(v => v.Field));
        Assert.Equal(["invalid_provided_id", "invalid_email"], failure.Violations.Select(v => v.Code));
        Assert.All(failure.Violations, v => Assert.StartsWith("row ", v.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_atomic_import_of_valid_rows_stores_them_all()
    {
        var result = await Api.ImportCustomersAsync(Writer, [Row("a"), Row("b", "a", "User")], new ImportOptions { Atomic = true });

        Assert.Equal(2, result.SuccessValue.Created);
        Assert.Equal("a", (await Api.GetCustomerAsync(Writer, "b")).SuccessValue.ParentProvidedId);
    }

    [Fact]
    public async Task Rows_whose_parents_within_the_batch_form_a_cycle_are_rejected()
    {
        await AddLevel("Team", after: "Customer");
        var result = await Api.ImportCustomersAsync(Writer, [Row("x", "y", "Team"), Row("y", "x", "User"), Row("z")]);

        Assert.Equal(1, result.SuccessValue.Created);
        Assert.Equal([0, 1], result.SuccessValue.Errors.Select(e => e.Row));
        Assert.All(result.SuccessValue.Errors, e => Assert.Equal("hierarchy_cycle", e.Failure.Code));
    }

    [Fact]
    public async Task A_provided_id_used_in_another_access_group_is_a_conflict_row()
    {
        await Create("theirs", caller: OtherWriter);
        var result = await Api.ImportCustomersAsync(Writer, [Row("theirs"), Row("mine")]);

        Assert.Equal(1, result.SuccessValue.Created);
        var error = Assert.Single(result.SuccessValue.Errors);
        Assert.IsType<Conflict>(error.Failure);
        Assert.Equal("provided_id_taken", error.Failure.Code);
    }

    [Fact]
    public async Task A_read_only_token_cannot_import()
    {
        var result = await RejectedWithoutChange(() => Api.ImportCustomersAsync(ReadOnly, [Row("a")]));
        AssertFails<Forbidden, ImportResult>(result, "read_only_token");
    }

    [Fact]
    public async Task Every_created_customer_emits_one_event_and_a_long_chain_imports_in_reverse_order()
    {
        for (var i = 3; i <= 12; i++)
        {
            await AddLevel($"L{i}");
        }

        var before = Sut.EventCount();
        var rows = Enumerable.Range(0, 12).Reverse()
            .Select(i => Row($"n{i}", i == 0 ? null : $"n{i - 1}", i == 0 ? null : i == 1 ? "User" : $"L{i + 1}", $$"""{"k{{i}}": {{i}}}"""))
            .ToList();

        var result = await Api.ImportCustomersAsync(Writer, rows);

        Assert.Equal(12, result.SuccessValue.Created);
        Assert.Empty(result.SuccessValue.Errors);
        Assert.Equal(before + 12, Sut.EventCount());
        var deepest = (await Api.GetCustomerAsync(Writer, "n11")).SuccessValue;
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"k{i}"), deepest.ComputedProperties.Keys);
    }
}
