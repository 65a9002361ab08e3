namespace Explo.Domain.ContractTests.Customers;

/// <summary>Update customer (<c>POST /api/update_customer/</c>): field replacement, moves, renames, versions.</summary>
public abstract class UpdateContract : ContractTestBase
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);

    // ---- each field on its own; every other field unchanged ----

    [Fact]
    public async Task Updating_the_name_changes_only_the_name()
    {
        var before = await CreateFull();

        var after = await Updated(new UpdateCustomerRequest("acme") { Name = "Acme Corporation" });

        Assert.Equal(Describe(Bumped(before) with { Name = "Acme Corporation" }), Describe(after));
        Assert.Equal(Describe(after), Describe(await Get("acme")));
    }

    [Fact]
    public async Task Updating_the_demo_flag_changes_only_the_demo_flag()
    {
        var before = await CreateFull();

        var after = await Updated(new UpdateCustomerRequest("acme") { IsDemoGroup = true });

        Assert.Equal(Describe(Bumped(before) with { IsDemoGroup = true }), Describe(after));
    }

    [Fact]
    public async Task Updating_the_emails_replaces_them()
    {
        var before = await CreateFull();

        var after = await Updated(new UpdateCustomerRequest("acme") { Emails = ["new@acme.example", "other@acme.example"] });

        Assert.Equal(Describe(Bumped(before) with { Emails = ["new@acme.example", "other@acme.example"] }), Describe(after));
    }

    [Fact]
    public async Task Updating_the_emails_with_an_empty_list_clears_them()
    {
        var before = await CreateFull();

        var after = await Updated(new UpdateCustomerRequest("acme") { Emails = [] });

        Assert.Equal(Describe(Bumped(before) with { Emails = [] }), Describe(after));
    }

    [Fact]
    public async Task Updating_the_group_tags_replaces_them()
    {
        var before = await CreateFull();

        var after = await Updated(new UpdateCustomerRequest("acme") { GroupTags = ["beta"] });

        Assert.Equal(Describe(Bumped(before) with { GroupTags = ["beta"], ComputedGroupTags = ["beta"] }), Describe(after));
    }

    [Fact]
    public async Task Updating_the_group_tags_with_an_empty_list_clears_them()
    {
        var before = await CreateFull();

        var after = await Updated(new UpdateCustomerRequest("acme") { GroupTags = [] });

        Assert.Equal(Describe(Bumped(before) with { GroupTags = [], ComputedGroupTags = [] }), Describe(after));
    }

    [Fact]
    public async Task Updating_the_properties_replaces_them_whole()
    {
        var before = await CreateFull();
        var properties = PropertyMap.Of(("plan", "gold"));

        var after = await Updated(new UpdateCustomerRequest("acme") { Properties = properties });

        Assert.Equal("""{"plan":"gold"}""", PropertyMap.ToJson(after.Properties));
        Assert.Equal(Describe(Bumped(before) with { Properties = properties, ComputedProperties = properties }), Describe(after));
    }

    [Fact]
    public async Task Updating_the_properties_with_an_empty_object_clears_them()
    {
        var before = await CreateFull();

        var after = await Updated(new UpdateCustomerRequest("acme") { Properties = PropertyMap.Empty });

        Assert.Equal(Describe(Bumped(before) with { Properties = PropertyMap.Empty, ComputedProperties = PropertyMap.Empty }), Describe(after));
    }

    [Fact]
    public async Task Updating_the_mapping_replaces_it_whole()
    {
        var before = await CreateFull();
        var mapping = OrderedMap.Of(("billing", "wh-billing"));

        var after = await Updated(new UpdateCustomerRequest("acme") { Mapping = mapping });

        Assert.Equal(Describe(Bumped(before) with { Mapping = mapping, ComputedMapping = mapping }), Describe(after));
    }

    [Fact]
    public async Task Updating_the_mapping_with_an_empty_map_clears_it()
    {
        var before = await CreateFull();

        var after = await Updated(new UpdateCustomerRequest("acme") { Mapping = OrderedMap<string>.Empty });

        Assert.Equal(Describe(Bumped(before) with { Mapping = OrderedMap<string>.Empty, ComputedMapping = OrderedMap<string>.Empty }), Describe(after));
    }

    [Fact]
    public async Task Updating_the_level_moves_the_customer_to_another_valid_level()
    {
        await AddLevel("Team", after: "Customer");
        await Create("acme");
        var before = await Create("acme-bob", level: "User", parent: "acme");

        var after = await Updated(new UpdateCustomerRequest("acme-bob") { HierarchyLevelName = "Team" });

        Assert.Equal(Describe(Bumped(before) with { HierarchyLevel = "Team" }), Describe(after));
    }

    [Fact]
    public async Task Updating_the_provided_id_renames_the_customer()
    {
        var before = await CreateFull();

        var after = await Updated(new UpdateCustomerRequest("acme") { NewProvidedId = "acme-2" });

        Assert.Equal(Describe(Bumped(before) with { ProvidedId = "acme-2" }), Describe(after));
        AssertFails<NotFound, CustomerView>(await Api.GetCustomerAsync(Writer, "acme"), "customer_not_found");
        Assert.Equal(Describe(after), Describe((await Api.GetCustomerAsync(Writer, "acme-2")).SuccessValue));
    }

    [Fact]
    public async Task Several_fields_change_together_in_one_version()
    {
        var before = await CreateFull();

        var after = await Updated(new UpdateCustomerRequest("acme") { Name = "New", IsDemoGroup = true, Emails = ["z@acme.example"] });

        Assert.Equal(Describe(Bumped(before) with { Name = "New", IsDemoGroup = true, Emails = ["z@acme.example"] }), Describe(after));
    }

    [Fact]
    public async Task An_update_naming_no_field_changes_nothing()
    {
        var before = await CreateFull();
        var snapshot = await Snapshot();
        Clock.Advance(Step);

        var after = await Updated(new UpdateCustomerRequest("acme"));

        Assert.Equal(Describe(before), Describe(after));
        Assert.Equal(snapshot, await Snapshot());
    }

    // ---- versions and events ----

    [Fact]
    public async Task The_version_rises_by_one_per_change()
    {
        var created = await Create("acme");
        Assert.Equal(1, created.Version);

        var v2 = await Updated(new UpdateCustomerRequest("acme") { Name = "two" });
        var v3 = await Updated(new UpdateCustomerRequest("acme") { Name = "three" });
        var v4 = await Updated(new UpdateCustomerRequest("acme") { Properties = PropertyMap.Of(("k", 1)) });

        Assert.Equal([2L, 3L, 4L], new[] { v2.Version, v3.Version, v4.Version });
        Assert.Equal(4, (await Get("acme")).Version);
    }

    [Fact]
    public async Task An_update_that_sets_the_stored_values_again_does_not_bump_the_version()
    {
        var before = await CreateFull();
        var snapshot = await Snapshot();
        Clock.Advance(Step);

        var after = await Updated(new UpdateCustomerRequest("acme")
        {
            NewProvidedId = "acme",
            Name = before.Name,
            IsDemoGroup = before.IsDemoGroup,
            Emails = [.. before.Emails],
            GroupTags = [.. before.GroupTags],
            Properties = PropertyMap.Of(("region", "eu")),
            Mapping = OrderedMap.Of(("sales", "wh-eu")),
            HierarchyLevelName = before.HierarchyLevel,
            ParentProvidedId = new Optional<string?>(null),
        });

        Assert.Equal(before.Version, after.Version);
        Assert.Equal(Describe(before), Describe(after));
        Assert.Equal(snapshot, await Snapshot());
    }

    [Fact]
    public async Task An_update_stamps_the_update_time_and_keeps_the_creation_time()
    {
        await Create("acme");
        Clock.Advance(TimeSpan.FromHours(3));

        var after = await Updated(new UpdateCustomerRequest("acme") { Name = "later" });

        Assert.Equal(Start, after.CreatedAt);
        Assert.Equal(Start + TimeSpan.FromHours(3), after.UpdatedAt);
    }

    [Fact]
    public async Task An_update_emits_an_event()
    {
        await Create("acme");
        var before = Sut.EventCount();

        await Updated(new UpdateCustomerRequest("acme") { Name = "changed" });

        Assert.True(Sut.EventCount() > before, "an update stored no event");
    }

    [Fact]
    public async Task An_update_with_the_current_expected_version_applies()
    {
        await Create("acme");
        await Updated(new UpdateCustomerRequest("acme") { Name = "two" });

        var after = await Updated(new UpdateCustomerRequest("acme") { Name = "three", ExpectedVersion = 2 });

        Assert.Equal("three", after.Name);
        Assert.Equal(3, after.Version);
    }

    // ---- moves ----

    [Fact]
    public async Task A_customer_moves_under_a_new_parent_and_inherits_from_it()
    {
        await Create("acme", with: r => r with { Properties = PropertyMap.Of(("region", "eu")) });
        await Create("globex", with: r => r with { Properties = PropertyMap.Of(("region", "us")) });
        var before = await Create("bob", level: "User", parent: "acme", with: r => r with { Properties = PropertyMap.Of(("seat", 1)) });
        Assert.Equal("""{"region":"eu","seat":1}""", PropertyMap.ToJson(before.ComputedProperties));

        var after = await Updated(new UpdateCustomerRequest("bob") { ParentProvidedId = "globex" });

        Assert.Equal("globex", after.ParentProvidedId);
        Assert.Equal("""{"region":"us","seat":1}""", PropertyMap.ToJson(after.ComputedProperties));
        Assert.Equal(before.Version + 1, after.Version);
        Assert.Empty((await Api.ListCustomersAsync(Writer, new CustomerFilter { ParentProvidedId = "acme" })).SuccessValue);
        Assert.Equal(["bob"], (await Api.ListCustomersAsync(Writer, new CustomerFilter { ParentProvidedId = "globex" })).SuccessValue.Select(c => c.ProvidedId));
    }

    [Fact]
    public async Task A_null_parent_detaches_the_customer_from_its_parent()
    {
        await Create("acme", with: r => r with { Properties = PropertyMap.Of(("region", "eu")) });
        await Create("bob", level: "User", parent: "acme", with: r => r with { Properties = PropertyMap.Of(("seat", 1)) });

        var after = await Updated(new UpdateCustomerRequest("bob") { ParentProvidedId = new Optional<string?>(null) });

        Assert.Null(after.ParentProvidedId);
        Assert.Equal("""{"seat":1}""", PropertyMap.ToJson(after.ComputedProperties));
        Assert.Null((await Get("bob")).ParentProvidedId);
        Assert.Empty((await Api.ListCustomersAsync(Writer, new CustomerFilter { ParentProvidedId = "acme" })).SuccessValue);
    }

    [Fact]
    public async Task Omitting_the_parent_keeps_the_customer_where_it_is()
    {
        await Create("acme");
        await Create("bob", level: "User", parent: "acme");

        var after = await Updated(new UpdateCustomerRequest("bob") { Name = "Bob" });

        Assert.Equal("acme", after.ParentProvidedId);
    }

    [Fact]
    public async Task A_root_can_move_under_a_parent_when_its_level_is_lowered_in_the_same_update()
    {
        await Create("acme");
        await Create("loner");

        var after = await Updated(new UpdateCustomerRequest("loner") { ParentProvidedId = "acme", HierarchyLevelName = "User" });

        Assert.Equal("acme", after.ParentProvidedId);
        Assert.Equal("User", after.HierarchyLevel);
    }

    [Fact]
    public async Task Moving_a_customer_takes_its_whole_subtree_along()
    {
        await AddLevel("Team", after: "Customer");
        await Create("acme", with: r => r with { Properties = PropertyMap.Of(("region", "eu")) });
        await Create("globex", with: r => r with { Properties = PropertyMap.Of(("region", "us")) });
        await Create("team", level: "Team", parent: "acme");
        await Create("bob", level: "User", parent: "team");

        await Updated(new UpdateCustomerRequest("team") { ParentProvidedId = "globex" });

        var bob = await Get("bob");
        Assert.Equal("team", bob.ParentProvidedId);
        Assert.Equal("""{"region":"us"}""", PropertyMap.ToJson(bob.ComputedProperties));
        Assert.Equal(1, bob.Version);
    }

    [Fact]
    public async Task Moving_a_customer_under_its_own_descendant_is_rejected()
    {
        await AddLevel("Team", after: "Customer");
        await Create("acme");
        await Create("team", level: "Team", parent: "acme");
        await Create("bob", level: "User", parent: "team");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { ParentProvidedId = "bob" }));

        AssertViolation(result, "hierarchy_cycle", "parent_provided_id");
    }

    [Fact]
    public async Task Moving_a_customer_under_its_own_descendant_is_rejected_even_with_a_lower_level()
    {
        await AddLevel("Team", after: "Customer");
        await Create("acme");
        await Create("team", level: "Team", parent: "acme");
        await Create("other", level: "Team", parent: "acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { ParentProvidedId = "team", HierarchyLevelName = "User" }));

        AssertViolation(result, "hierarchy_cycle", "parent_provided_id");
    }

    [Fact]
    public async Task Moving_a_customer_under_itself_is_rejected()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { ParentProvidedId = "acme" }));

        AssertViolation(result, "hierarchy_cycle", "parent_provided_id");
    }

    [Fact]
    public async Task Moving_a_customer_under_a_parent_on_the_same_level_is_rejected()
    {
        await Create("acme");
        await Create("globex");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("globex") { ParentProvidedId = "acme" }));

        AssertViolation(result, "parent_level_not_higher", "parent_provided_id");
    }

    [Fact]
    public async Task Moving_a_customer_under_an_unknown_parent_is_rejected()
    {
        await Create("bob", level: "User");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("bob") { ParentProvidedId = "nobody" }));

        AssertViolation(result, "parent_not_found", "parent_provided_id");
    }

    [Fact]
    public async Task Moving_a_customer_under_a_parent_in_another_access_group_is_rejected_as_unknown()
    {
        await Create("theirs", caller: OtherWriter);
        await Create("bob", level: "User");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("bob") { ParentProvidedId = "theirs" }));

        AssertViolation(result, "parent_not_found", "parent_provided_id");
    }

    // ---- levels ----

    [Fact]
    public async Task A_level_change_that_would_put_a_child_on_the_same_level_is_rejected()
    {
        await Create("acme");
        await Create("bob", level: "User", parent: "acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { HierarchyLevelName = "User" }));

        var violation = AssertViolation(result, "child_level_not_lower", "hierarchy_level_name");
        Assert.Contains("bob", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_level_change_that_would_put_a_child_above_its_parent_is_rejected_whole()
    {
        await AddLevel("Team", after: "Customer");
        await Create("acme");
        await Create("team", level: "Team", parent: "acme");
        await Create("bob", level: "User", parent: "team");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("team") { HierarchyLevelName = "User", Name = "renamed too" }));

        AssertViolation(result, "child_level_not_lower", "hierarchy_level_name");
    }

    [Fact]
    public async Task A_level_change_that_would_put_the_customer_level_with_its_parent_is_rejected()
    {
        await AddLevel("Team", after: "Customer");
        await Create("acme");
        await Create("team", level: "Team", parent: "acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("team") { HierarchyLevelName = "Customer" }));

        AssertViolation(result, "parent_level_not_higher", "hierarchy_level_name");
    }

    [Fact]
    public async Task A_change_to_an_unknown_level_is_rejected()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { HierarchyLevelName = "Planet" }));

        AssertViolation(result, "unknown_hierarchy_level", "hierarchy_level_name");
    }

    // ---- renames ----

    [Fact]
    public async Task Renaming_a_parent_keeps_its_children_attached_and_they_show_the_new_parent_id()
    {
        await Create("acme", with: r => r with { Properties = PropertyMap.Of(("region", "eu")) });
        await Create("bob", level: "User", parent: "acme");
        await Create("ann", level: "User", parent: "acme");

        await Updated(new UpdateCustomerRequest("acme") { NewProvidedId = "acme-inc" });

        var bob = await Get("bob");
        Assert.Equal("acme-inc", bob.ParentProvidedId);
        Assert.Equal("""{"region":"eu"}""", PropertyMap.ToJson(bob.ComputedProperties));
        Assert.Equal(1, bob.Version);
        var children = (await Api.ListCustomersAsync(Writer, new CustomerFilter { ParentProvidedId = "acme-inc" })).SuccessValue;
        Assert.Equal(["bob", "ann"], children.Select(c => c.ProvidedId));
        Assert.All(children, c => Assert.Equal("acme-inc", c.ParentProvidedId));
    }

    [Fact]
    public async Task A_renamed_away_provided_id_can_be_used_by_a_new_customer()
    {
        var original = await Create("acme");
        await Updated(new UpdateCustomerRequest("acme") { NewProvidedId = "acme-old" });

        var fresh = await Create("acme");

        Assert.NotEqual(original.Id, fresh.Id);
        Assert.NotEqual(original.Token, fresh.Token);
    }

    [Fact]
    public async Task Renaming_to_a_provided_id_in_use_is_a_conflict()
    {
        await Create("acme");
        await Create("globex");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { NewProvidedId = "globex" }));

        AssertFails<Conflict, CustomerView>(result, "provided_id_taken");
    }

    [Fact]
    public async Task Renaming_to_a_provided_id_used_in_another_access_group_is_a_conflict()
    {
        await Create("acme");
        await Create("theirs", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { NewProvidedId = "theirs" }));

        AssertFails<Conflict, CustomerView>(result, "provided_id_taken");
    }

    // ---- inheritance after changes ----

    [Fact]
    public async Task Descendants_computed_fields_reflect_a_parent_change_on_the_next_read()
    {
        await AddLevel("Team", after: "Customer");
        await CreateTag("vip");
        await Create("acme", with: r => r with { Properties = PropertyMap.Of(("plan", "gold"), ("region", "eu")), Mapping = OrderedMap.Of(("sales", "wh-1")) });
        await Create("team", level: "Team", parent: "acme", with: r => r with { Properties = PropertyMap.Of(("region", "us")) });
        await Create("bob", level: "User", parent: "team");

        await Updated(new UpdateCustomerRequest("acme")
        {
            Properties = PropertyMap.Of(("plan", "platinum"), ("region", "apac")),
            Mapping = OrderedMap.Of(("sales", "wh-2")),
            GroupTags = ["vip"],
        });

        foreach (var view in new[] { await Get("bob"), (await Api.GetCustomerAsync(Writer, "bob")).SuccessValue })
        {
            Assert.Equal("""{"plan":"platinum","region":"us"}""", PropertyMap.ToJson(view.ComputedProperties));
            Assert.Equal(["sales=wh-2"], view.ComputedMapping.Select(m => $"{m.Key}={m.Value}"));
            Assert.Equal<string>(["vip"], view.ComputedGroupTags);
            Assert.Empty(view.GroupTags);
            Assert.Equal(1, view.Version);
        }

        var listed = (await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Filter = new CustomerFilter { ParentProvidedId = "team" } })).SuccessValue.Customers.Single();
        Assert.Equal("""{"plan":"platinum","region":"us"}""", PropertyMap.ToJson(listed.ComputedProperties));
    }

    // ---- who may update ----

    [Fact]
    public async Task Updating_an_unknown_customer_is_not_found()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("nobody") { Name = "x" }));

        AssertFails<NotFound, CustomerView>(result, "customer_not_found");
    }

    [Fact]
    public async Task Updating_a_customer_of_another_access_group_is_not_found()
    {
        await Create("theirs", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("theirs") { Name = "mine now" }));

        AssertFails<NotFound, CustomerView>(result, "customer_not_found");
    }

    [Fact]
    public async Task A_read_only_token_cannot_update()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(ReadOnly, new UpdateCustomerRequest("acme") { Name = "x" }));

        AssertFails<Forbidden, CustomerView>(result, "read_only_token");
    }

    [Fact]
    public async Task An_update_breaking_one_rule_applies_none_of_its_other_changes()
    {
        await CreateFull();

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme")
        {
            Name = "valid",
            IsDemoGroup = true,
            Properties = PropertyMap.Of(("fine", true)),
            GroupTags = ["no-such-tag"],
        }));

        AssertViolation(result, "unknown_group_tag", "group_tags[0]");
    }

    /// <summary>A root customer with every field set: tags vip (own) and beta (existing), properties, mapping, e-mails.</summary>
    private async Task<CustomerView> CreateFull()
    {
        await CreateTag("vip");
        await CreateTag("beta");
        var created = await Create("acme", with: r => r with
        {
            Name = "Acme",
            Emails = ["a@acme.example"],
            GroupTags = ["vip"],
            Properties = PropertyMap.Of(("region", "eu")),
            Mapping = OrderedMap.Of(("sales", "wh-eu")),
        });
        Clock.Advance(Step);
        return created;
    }

    /// <summary>What a customer should look like after one change at the current clock time.</summary>
    private CustomerView Bumped(CustomerView before) => before with { Version = before.Version + 1, UpdatedAt = Clock.GetUtcNow() };

    private async Task<CustomerView> Updated(UpdateCustomerRequest request)
    {
        var result = await Api.UpdateCustomerAsync(Writer, request);
        Assert.True(result.IsSuccess, $"updating {request.ProvidedId} failed: {result}");
        return result.SuccessValue;
    }
}
