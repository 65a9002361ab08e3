namespace Explo.Domain.ContractTests;

/// <summary>
/// Group tags (spec sections 2 and 3): workspace-wide labels that customers refer to by identity, so a rename shows on
/// every customer and a delete removes the tag from every customer. Run through the port under test as a read-write token.
/// </summary>
public abstract class GroupTagContract : ContractTestBase
{
    public static TheoryData<string> InvalidTagNames { get; } = new()
    {
        string.Empty,
        new string('t', 129),
        " leading",
        "trailing ",
        "\tleading-tab",
        "trailing-newline\n",
    };

    [Fact]
    public async Task A_new_workspace_has_no_group_tags()
    {
        var listed = await Api.ListGroupTagsAsync(Writer);

        Assert.Empty(listed.SuccessValue);
    }

    [Fact]
    public async Task Tags_are_listed_in_creation_order()
    {
        foreach (var name in new[] { "zeta", "alpha", "mid" })
        {
            var created = await Api.CreateGroupTagAsync(Writer, name);
            Assert.Equal(name, created.SuccessValue.Name);
        }

        var listed = await Api.ListGroupTagsAsync(Writer);

        Assert.Equal(["zeta", "alpha", "mid"], listed.SuccessValue.Select(t => t.Name));
    }

    [Fact]
    public async Task Tags_are_shared_by_every_data_visibility_group()
    {
        Assert.True((await Api.CreateGroupTagAsync(Writer, "vip")).IsSuccess);

        var listed = await Api.ListGroupTagsAsync(OtherWriter);
        var devco = await Create("devco", caller: OtherWriter, with: r => r with { GroupTags = ["vip"] });

        Assert.Equal(["vip"], listed.SuccessValue.Select(t => t.Name));
        Assert.Equal(["vip"], devco.GroupTags.AsEnumerable());
    }

    [Fact]
    public async Task Creating_a_tag_that_exists_is_a_conflict()
    {
        await CreateTag("vip");

        var result = await RejectedWithoutChange(() => Api.CreateGroupTagAsync(Writer, "vip"));

        AssertFails<Conflict, GroupTagView>(result, "group_tag_exists");
    }

    [Theory]
    [MemberData(nameof(InvalidTagNames), MemberType = typeof(GroupTagContract))]
    public async Task Creating_a_tag_with_an_invalid_name_is_rejected(string name)
    {
        var result = await RejectedWithoutChange(() => Api.CreateGroupTagAsync(Writer, name));

        AssertViolation(result, "invalid_group_tag_name", FieldNames.Name);
    }

    [Fact]
    public async Task A_tag_name_of_128_characters_with_inner_spaces_is_accepted()
    {
        var name = "very important " + new string('x', 113);
        Assert.Equal(128, name.Length);

        var created = await Api.CreateGroupTagAsync(Writer, name);

        Assert.Equal(name, created.SuccessValue.Name);
        Assert.Equal([name], (await Api.ListGroupTagsAsync(Writer)).SuccessValue.Select(t => t.Name));
    }

    [Fact]
    public async Task Renaming_a_tag_shows_on_every_customer()
    {
        await CreateTag("beta");
        await CreateTag("vip");
        await Create("acme", with: r => r with { GroupTags = ["beta", "vip"] });
        await Create("acme-bob", level: "User", parent: "acme");
        await Create("devco", caller: OtherWriter, with: r => r with { GroupTags = ["vip"] });

        var renamed = await Api.RenameGroupTagAsync(Writer, "vip", "gold");

        Assert.Equal("gold", renamed.SuccessValue.Name);
        var acme = await Get("acme");
        Assert.Equal(["beta", "gold"], acme.GroupTags.AsEnumerable());
        Assert.Equal(["beta", "gold"], acme.ComputedGroupTags.AsEnumerable());
        var bob = await Get("acme-bob");
        Assert.Empty(bob.GroupTags);
        Assert.Equal(["beta", "gold"], bob.ComputedGroupTags.AsEnumerable());
        var devco = await Get("devco");
        Assert.Equal(["gold"], devco.GroupTags.AsEnumerable());
        Assert.Equal(["gold"], devco.ComputedGroupTags.AsEnumerable());
        var listed = (await Api.ListCustomersAsync(Writer, new CustomerFilter())).SuccessValue;
        Assert.Equal(["beta", "gold"], listed.Single(c => c.ProvidedId == "acme").GroupTags.AsEnumerable());
        Assert.Equal(["beta", "gold"], (await Api.GetCustomerAsync(Writer, "acme-bob")).SuccessValue.ComputedGroupTags.AsEnumerable());
    }

    [Fact]
    public async Task A_renamed_tag_keeps_its_place_in_the_list()
    {
        await CreateTag("a");
        await CreateTag("b");
        await CreateTag("c");

        Assert.True((await Api.RenameGroupTagAsync(Writer, "b", "x")).IsSuccess);

        Assert.Equal(["a", "x", "c"], (await Api.ListGroupTagsAsync(Writer)).SuccessValue.Select(t => t.Name));
    }

    [Fact]
    public async Task The_old_name_of_a_renamed_tag_is_free()
    {
        await CreateTag("vip");
        await Create("acme", with: r => r with { GroupTags = ["vip"] });
        Assert.True((await Api.RenameGroupTagAsync(Writer, "vip", "gold")).IsSuccess);

        var withOldName = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("globex") { GroupTags = ["vip"] }));
        AssertViolation(withOldName, "unknown_group_tag", "group_tags[0]");

        Assert.True((await Api.CreateGroupTagAsync(Writer, "vip")).IsSuccess);
        Assert.Equal(["gold"], (await Get("acme")).GroupTags.AsEnumerable());
        Assert.Equal(["gold", "vip"], (await Api.ListGroupTagsAsync(Writer)).SuccessValue.Select(t => t.Name));
    }

    [Fact]
    public async Task Renaming_a_tag_to_its_own_name_changes_nothing()
    {
        await CreateTag("vip");
        await Create("acme", with: r => r with { GroupTags = ["vip"] });
        var before = await Snapshot();

        var renamed = await Api.RenameGroupTagAsync(Writer, "vip", "vip");

        Assert.Equal("vip", renamed.SuccessValue.Name);
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task Renaming_an_unknown_tag_is_not_found()
    {
        await CreateTag("vip");

        var result = await RejectedWithoutChange(() => Api.RenameGroupTagAsync(Writer, "nope", "gold"));

        AssertFails<NotFound, GroupTagView>(result, "group_tag_not_found");
    }

    [Fact]
    public async Task Renaming_a_tag_to_a_taken_name_is_a_conflict()
    {
        await CreateTag("vip");
        await CreateTag("gold");
        await Create("acme", with: r => r with { GroupTags = ["vip"] });

        var result = await RejectedWithoutChange(() => Api.RenameGroupTagAsync(Writer, "vip", "gold"));

        AssertFails<Conflict, GroupTagView>(result, "group_tag_exists");
    }

    [Theory]
    [MemberData(nameof(InvalidTagNames), MemberType = typeof(GroupTagContract))]
    public async Task Renaming_a_tag_to_an_invalid_name_is_rejected(string newName)
    {
        await CreateTag("vip");

        var result = await RejectedWithoutChange(() => Api.RenameGroupTagAsync(Writer, "vip", newName));

        AssertViolation(result, "invalid_group_tag_name", FieldNames.NewName);
    }

    [Fact]
    public async Task Deleting_a_tag_removes_it_from_every_customer_and_raises_their_version()
    {
        await CreateTag("vip");
        await CreateTag("beta");
        await Create("acme", with: r => r with { GroupTags = ["vip", "beta"] });
        await Create("acme-bob", level: "User", parent: "acme", with: r => r with { GroupTags = ["vip"] });
        await Create("acme-carol", level: "User", parent: "acme");
        await Create("devco", caller: OtherWriter, with: r => r with { GroupTags = ["vip"] });
        Clock.Advance(TimeSpan.FromHours(1));

        var deleted = await Api.DeleteGroupTagAsync(Writer, "vip");

        Assert.True(deleted.IsSuccess, deleted.ToString());
        Assert.Equal(["beta"], (await Api.ListGroupTagsAsync(Writer)).SuccessValue.Select(t => t.Name));
        var acme = await Get("acme");
        Assert.Equal(["beta"], acme.GroupTags.AsEnumerable());
        Assert.Equal(2, acme.Version);
        Assert.Equal(Start.AddHours(1), acme.UpdatedAt);
        var bob = await Get("acme-bob");
        Assert.Empty(bob.GroupTags);
        Assert.Equal(["beta"], bob.ComputedGroupTags.AsEnumerable());
        Assert.Equal(2, bob.Version);
        var carol = await Get("acme-carol");
        Assert.Equal(["beta"], carol.ComputedGroupTags.AsEnumerable());
        Assert.Equal(1, carol.Version);
        Assert.Equal(Start, carol.UpdatedAt);
        var devco = await Get("devco");
        Assert.Empty(devco.GroupTags);
        Assert.Empty(devco.ComputedGroupTags);
        Assert.Equal(2, devco.Version);
    }

    [Fact]
    public async Task Deleting_an_unknown_tag_is_not_found()
    {
        await CreateTag("vip");
        await Create("acme", with: r => r with { GroupTags = ["vip"] });

        var result = await RejectedWithoutChange(() => Api.DeleteGroupTagAsync(Writer, "nope"));

        AssertFails<NotFound, Done>(result, "group_tag_not_found");
    }

    [Fact]
    public async Task A_deleted_tag_is_gone_and_a_new_tag_of_its_name_is_not_on_its_old_customers()
    {
        await CreateTag("vip");
        await Create("acme", with: r => r with { GroupTags = ["vip"] });
        Assert.True((await Api.DeleteGroupTagAsync(Writer, "vip")).IsSuccess);

        var again = await RejectedWithoutChange(() => Api.DeleteGroupTagAsync(Writer, "vip"));
        AssertFails<NotFound, Done>(again, "group_tag_not_found");
        var tagged = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { GroupTags = ["vip"] }));
        AssertViolation(tagged, "unknown_group_tag", "group_tags[0]");

        Assert.True((await Api.CreateGroupTagAsync(Writer, "vip")).IsSuccess);
        var acme = await Get("acme");
        Assert.Empty(acme.GroupTags);
        Assert.Empty(acme.ComputedGroupTags);
    }

    [Fact]
    public async Task Computed_group_tags_are_own_plus_ancestors_root_first_without_repeats()
    {
        await AddLevel("Seat");
        foreach (var tag in new[] { "a", "b", "c", "d" })
        {
            await CreateTag(tag);
        }

        var root = await Create("acme", with: r => r with { GroupTags = ["b", "a"] });
        var child = await Create("acme-bob", level: "User", parent: "acme", with: r => r with { GroupTags = ["c", "a"] });
        var grandchild = await Create("acme-bob-1", level: "Seat", parent: "acme-bob", with: r => r with { GroupTags = ["d", "b", "c"] });

        Assert.Equal(["b", "a"], root.ComputedGroupTags.AsEnumerable());
        Assert.Equal(["c", "a"], child.GroupTags.AsEnumerable());
        Assert.Equal(["b", "a", "c"], child.ComputedGroupTags.AsEnumerable());
        Assert.Equal(["d", "b", "c"], grandchild.GroupTags.AsEnumerable());
        Assert.Equal(["b", "a", "c", "d"], grandchild.ComputedGroupTags.AsEnumerable());
        Assert.Equal(["b", "a", "c", "d"], (await Api.GetCustomerAsync(Writer, "acme-bob-1")).SuccessValue.ComputedGroupTags.AsEnumerable());
    }

    [Fact]
    public async Task Computed_group_tags_follow_a_change_of_an_ancestors_tags()
    {
        await CreateTag("a");
        await CreateTag("b");
        await Create("acme", with: r => r with { GroupTags = ["a"] });
        await Create("acme-bob", level: "User", parent: "acme", with: r => r with { GroupTags = ["b"] });

        Assert.True((await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { GroupTags = [] })).IsSuccess);

        var bob = (await Api.GetCustomerAsync(Writer, "acme-bob")).SuccessValue;
        Assert.Equal(["b"], bob.ComputedGroupTags.AsEnumerable());
        Assert.Equal(1, bob.Version);
    }

    // ---- the workspace's limit (spec section 5: 10,000 group tags per workspace; configurable) ----

    /// <summary>A service under test on a new store whose workspace may hold <paramref name="limit"/> tags, and a read-write token on it.</summary>
    private async Task<(ServiceUnderTest Sut, Caller Writer)> WithTagLimit(int limit)
    {
        var sut = CreateService(new ExploServiceOptions
        {
            TimeProvider = Clock,
            TokenGenerator = new SequentialTokenGenerator(),
            Limits = ExploLimits.Default with { MaxGroupTagsPerWorkspace = limit },
        });
        var token = await sut.Admin.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Production", ReadOnly: false, "test"));
        return (sut, Caller.WithApiToken(token.SuccessValue.Secret));
    }

    [Fact]
    public void The_default_limit_is_10000_group_tags_per_workspace()
    {
        Assert.Equal(10_000, ExploLimits.Default.MaxGroupTagsPerWorkspace);
    }

    [Fact]
    public async Task Creating_a_tag_beyond_the_workspace_limit_is_a_conflict_that_names_the_limit_and_changes_nothing()
    {
        var (sut, writer) = await WithTagLimit(3);
        using var _ = sut;
        foreach (var name in new[] { "a", "b", "c" })
        {
            Assert.True((await sut.Api.CreateGroupTagAsync(writer, name)).IsSuccess);
        }

        var result = await RejectedWithoutChange(sut, () => sut.Api.CreateGroupTagAsync(writer, "d"));

        var conflict = AssertFails<Conflict, GroupTagView>(result, "too_many_group_tags");
        Assert.Contains("3 group tags per workspace", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b", "c"], (await sut.Api.ListGroupTagsAsync(writer)).SuccessValue.Select(t => t.Name));
    }

    [Fact]
    public async Task At_the_workspace_limit_a_tag_can_still_be_renamed_and_a_deleted_tag_makes_room()
    {
        var (sut, writer) = await WithTagLimit(2);
        using var _ = sut;
        Assert.True((await sut.Api.CreateGroupTagAsync(writer, "a")).IsSuccess);
        Assert.True((await sut.Api.CreateGroupTagAsync(writer, "b")).IsSuccess);

        Assert.True((await sut.Api.RenameGroupTagAsync(writer, "b", "B")).IsSuccess);
        AssertFails<Conflict, GroupTagView>(await RejectedWithoutChange(sut, () => sut.Api.CreateGroupTagAsync(writer, "c")), "too_many_group_tags");
        Assert.True((await sut.Api.DeleteGroupTagAsync(writer, "a")).IsSuccess);
        Assert.True((await sut.Api.CreateGroupTagAsync(writer, "c")).IsSuccess);

        Assert.Equal(["B", "c"], (await sut.Api.ListGroupTagsAsync(writer)).SuccessValue.Select(t => t.Name));
    }

    [Fact]
    public async Task A_taken_name_at_the_workspace_limit_is_still_reported_as_taken()
    {
        var (sut, writer) = await WithTagLimit(1);
        using var _ = sut;
        Assert.True((await sut.Api.CreateGroupTagAsync(writer, "a")).IsSuccess);

        var result = await RejectedWithoutChange(sut, () => sut.Api.CreateGroupTagAsync(writer, "a"));

        AssertFails<Conflict, GroupTagView>(result, "group_tag_exists");
    }

    [Fact]
    public async Task Tag_names_are_unique_exactly_and_case_sensitively_after_renames_and_deletes()
    {
        await CreateTag("vip");
        await CreateTag("Vip");
        Assert.True((await Api.RenameGroupTagAsync(Writer, "vip", "gold")).IsSuccess);
        Assert.True((await Api.CreateGroupTagAsync(Writer, "vip")).IsSuccess);
        Assert.True((await Api.DeleteGroupTagAsync(Writer, "gold")).IsSuccess);

        AssertFails<Conflict, GroupTagView>(await RejectedWithoutChange(() => Api.RenameGroupTagAsync(Writer, "Vip", "vip")), "group_tag_exists");
        AssertFails<Conflict, GroupTagView>(await RejectedWithoutChange(() => Api.CreateGroupTagAsync(Writer, "Vip")), "group_tag_exists");
        Assert.True((await Api.CreateGroupTagAsync(Writer, "gold")).IsSuccess);
        Assert.Equal(["Vip", "vip", "gold"], (await Api.ListGroupTagsAsync(Writer)).SuccessValue.Select(t => t.Name));
        await Create("acme", with: r => r with { GroupTags = ["vip", "Vip", "gold"] });
        Assert.Equal(["vip", "Vip", "gold"], (await Get("acme")).GroupTags.AsEnumerable());
        Sut.Reopen?.Invoke();
        Assert.Equal(["Vip", "vip", "gold"], (await Api.ListGroupTagsAsync(Writer)).SuccessValue.Select(t => t.Name));
        Assert.Equal(["vip", "Vip", "gold"], (await Get("acme")).GroupTags.AsEnumerable());
    }
}
