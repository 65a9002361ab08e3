using System.Reflection;
using Explo.Domain.Rules;

namespace Explo.Domain.ContractTests.Customers;

/// <summary>Marks a test that provokes a rule through the service and asserts its code.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProvokesAttribute(string code) : Attribute
{
    public string Code { get; } = code;
}

/// <summary>
/// Every rule code of <see cref="RuleSets.Customer"/>, <see cref="RuleSets.CustomerFilter"/>, <see cref="RuleSets.Page"/>,
/// <see cref="RuleSets.Identifier"/> and <see cref="RuleSets.ProvidedIdLookup"/>, provoked through the service: each test asserts the exact code and field and
/// that the rejected call changed nothing. <see cref="Every_customer_rule_code_is_provoked_by_a_test"/> keeps the list complete.
/// </summary>
public abstract class CustomerRulesContract : ContractTestBase
{
    [Fact]
    public void Every_customer_rule_code_is_provoked_by_a_test()
    {
        var codes = RuleSets.Customer.Rules.Select(r => r.Code)
            .Concat(RuleSets.CustomerFilter.Rules.Select(r => r.Code))
            .Concat(RuleSets.Page.Rules.Select(r => r.Code))
            .Concat(RuleSets.Identifier.Rules.Select(r => r.Code))
            .Concat(RuleSets.ProvidedIdLookup.Rules.Select(r => r.Code))
            .ToHashSet(StringComparer.Ordinal);
        var provoked = typeof(CustomerRulesContract).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .SelectMany(m => m.GetCustomAttributes<ProvokesAttribute>())
            .Select(a => a.Code)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(codes.Except(provoked).Order(StringComparer.Ordinal));
        Assert.Empty(provoked.Except(codes).Order(StringComparer.Ordinal));
    }

    // ---- provided_id ----

    [Theory]
    [Provokes("invalid_provided_id")]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    [InlineData(null)]
    public async Task An_invalid_provided_id_is_rejected_on_create(string? providedId)
    {
        providedId ??= new string('p', 256);

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest(providedId)));

        AssertViolation(result, "invalid_provided_id", "provided_id");
    }

    /// <summary>
    /// Ids that break the spec's rule (section 2): only white space, white space first or last (any char.IsWhiteSpace),
    /// invisible format characters (Unicode Cf: zero-width, bidi controls, BOM, tag characters); with a word the message
    /// must carry.
    /// </summary>
    public static TheoryData<string, string> SpecBreakingProvidedIds { get; } = new()
    {
        { " ", "only white space" },
        { "   ", "only white space" },
        { "\u3000\u00A0", "only white space" },
        { " acme", "start or end with white space" },
        { "acme ", "start or end with white space" },
        { "\u00A0acme", "start or end with white space" },
        { "acme\u2003", "start or end with white space" },
        { "ac\u200Bme", "U+200B" },
        { "\u200Dacme", "U+200D" },
        { "acme\u200E", "U+200E" },
        { "ac\u202Eme", "U+202E" },
        { "ac\u2066me\u2069", "U+2066" },
        { "\uFEFFacme", "U+FEFF" },
        { "ac\u00ADme", "U+00AD" },
        { "acme\U000E0041", "U+E0041" },
    };

    [Theory]
    [Provokes("invalid_provided_id")]
    [MemberData(nameof(SpecBreakingProvidedIds), MemberType = typeof(CustomerRulesContract))]
    public async Task A_provided_id_breaking_the_spec_rule_is_rejected_on_create_saying_what_is_wrong(string providedId, string problem)
    {
        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest(providedId)));

        var violation = AssertViolation(result, "invalid_provided_id", "provided_id");
        Assert.Contains(problem, violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [Provokes("invalid_provided_id")]
    [MemberData(nameof(SpecBreakingProvidedIds), MemberType = typeof(CustomerRulesContract))]
    public async Task A_new_provided_id_breaking_the_spec_rule_is_rejected_on_update_saying_what_is_wrong(string newProvidedId, string problem)
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { NewProvidedId = newProvidedId }));

        var violation = AssertViolation(result, "invalid_provided_id", "new_provided_id");
        Assert.Contains(problem, violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SpecBreakingProvidedIds), MemberType = typeof(CustomerRulesContract))]
    public async Task A_provided_id_breaking_the_spec_rule_is_rejected_in_an_import_row(string providedId, string problem)
    {
        var result = await RejectedWithoutChange(() => Api.ImportCustomersAsync(Writer, [new CreateCustomerRequest("fine"), new CreateCustomerRequest(providedId)], new ImportOptions { Atomic = true }));

        var violation = Assert.Single(Assert.IsType<ValidationFailed>(result.Failure).Violations);
        Assert.Equal(("invalid_provided_id", "rows[1].provided_id"), (violation.Code, violation.Field));
        Assert.Contains(problem, violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("x\u00A0y")]
    [InlineData("\u05D0\u05D1")]
    [InlineData("\U0001F600")]
    [InlineData("e\u0301")]
    public async Task A_provided_id_with_inner_spaces_right_to_left_letters_or_emoji_is_accepted(string providedId)
    {
        var created = await Create(providedId);

        Assert.Equal(providedId, created.ProvidedId);
        Assert.Equal(providedId, (await Api.GetCustomerAsync(Writer, providedId)).SuccessValue.ProvidedId);
    }

    [Theory]
    [Provokes("invalid_provided_id")]
    [InlineData(null)]
    [InlineData("")]
    public async Task A_missing_provided_id_is_invalid_provided_id_on_create(string? providedId)
    {
        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest(providedId!)));

        AssertViolation(result, "invalid_provided_id", "provided_id");
    }

    [Theory]
    [Provokes("invalid_provided_id")]
    [InlineData(null)]
    [InlineData("")]
    public async Task A_missing_provided_id_is_invalid_provided_id_on_update(string? providedId)
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest(providedId!) { Name = "x" }));

        AssertViolation(result, "invalid_provided_id", "provided_id");
    }

    [Theory]
    [Provokes("invalid_provided_id")]
    [InlineData(null)]
    [InlineData("")]
    public async Task A_missing_provided_id_is_invalid_provided_id_on_get(string? providedId)
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.GetCustomerAsync(Writer, providedId!));

        AssertViolation(result, "invalid_provided_id", "provided_id");
    }

    [Theory]
    [InlineData(" acme")]
    [InlineData("ac\u200Bme")]
    public async Task Looking_up_an_id_the_rule_now_forbids_is_not_found_not_invalid(string providedId)
    {
        await Create("acme");

        var got = await RejectedWithoutChange(() => Api.GetCustomerAsync(Writer, providedId));
        var updated = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest(providedId) { Name = "x" }));

        AssertFails<NotFound, CustomerView>(got, "customer_not_found");
        AssertFails<NotFound, CustomerView>(updated, "customer_not_found");
    }

    [Fact]
    public async Task A_provided_id_of_255_characters_is_accepted()
    {
        var id = new string('p', 255);

        var created = await Create(id);

        Assert.Equal(id, created.ProvidedId);
    }

    [Theory]
    [Provokes("invalid_provided_id")]
    [InlineData("")]
    [InlineData("line\nbreak")]
    public async Task An_invalid_new_provided_id_is_rejected_on_update(string newProvidedId)
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { NewProvidedId = newProvidedId }));

        AssertViolation(result, "invalid_provided_id", "new_provided_id");
    }

    [Fact]
    [Provokes("invalid_provided_id")]
    public async Task A_new_provided_id_over_255_characters_is_rejected_on_update()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { NewProvidedId = new string('n', 256) }));

        AssertViolation(result, "invalid_provided_id", "new_provided_id");
    }

    // ---- name ----

    [Fact]
    [Provokes("invalid_name")]
    public async Task An_empty_name_is_rejected_on_create()
    {
        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Name = string.Empty }));

        AssertViolation(result, "invalid_name", "name");
    }

    [Fact]
    [Provokes("invalid_name")]
    public async Task A_name_over_1024_characters_is_rejected_and_1024_is_accepted()
    {
        await Create("acme", with: r => r with { Name = new string('n', 1024) });

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Name = new string('n', 1025) }));

        AssertViolation(result, "invalid_name", "name");
        Assert.Equal(1024, (await Get("acme")).Name.Length);
    }

    [Fact]
    [Provokes("invalid_name")]
    public async Task An_empty_name_is_rejected_on_update()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Name = string.Empty }));

        AssertViolation(result, "invalid_name", "name");
    }

    // ---- emails ----

    [Theory]
    [Provokes("invalid_email")]
    [InlineData("not-an-address")]
    [InlineData("two@@ats.example")]
    [InlineData("no-dot@localhost")]
    [InlineData("space in@acme.example")]
    [InlineData("@acme.example")]
    public async Task An_invalid_email_is_rejected_naming_its_position(string bad)
    {
        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Emails = ["ok@acme.example", bad] }));

        AssertViolation(result, "invalid_email", "emails[1]");
    }

    [Fact]
    [Provokes("invalid_email")]
    public async Task An_invalid_email_is_rejected_on_update()
    {
        await Create("acme", with: r => r with { Emails = ["keep@acme.example"] });

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Emails = ["broken"] }));

        AssertViolation(result, "invalid_email", "emails[0]");
    }

    [Fact]
    [Provokes("too_many_emails")]
    public async Task More_than_100_distinct_emails_are_rejected()
    {
        var emails = Enumerable.Range(0, 101).Select(i => $"user{i}@acme.example").ToList();

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Emails = emails }));

        AssertViolation(result, "too_many_emails", "emails");
    }

    [Fact]
    public async Task One_hundred_emails_are_accepted_when_the_rest_differ_only_in_case()
    {
        var distinct = Enumerable.Range(0, 100).Select(i => $"user{i}@acme.example").ToList();

        var created = await Create("acme", with: r => r with { Emails = [.. distinct, .. distinct.Select(e => e.ToUpperInvariant())] });

        Assert.Equal(distinct, created.Emails);
    }

    // ---- group tags ----

    [Fact]
    [Provokes("too_many_group_tags")]
    public async Task More_than_100_group_tags_are_rejected()
    {
        var names = Enumerable.Range(0, 101).Select(i => $"tag-{i}").ToList();
        foreach (var name in names)
        {
            await CreateTag(name);
        }

        await Create("hundred", with: r => r with { GroupTags = names.Take(100).ToList() });
        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { GroupTags = names }));

        AssertViolation(result, "too_many_group_tags", "group_tags");
        Assert.Equal(100, (await Get("hundred")).GroupTags.Length);
    }

    [Fact]
    [Provokes("unknown_group_tag")]
    public async Task An_unknown_group_tag_is_rejected_on_create()
    {
        await CreateTag("vip");

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { GroupTags = ["vip", "ghost"] }));

        var violation = AssertViolation(result, "unknown_group_tag", "group_tags[1]");
        Assert.Contains("ghost", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Provokes("unknown_group_tag")]
    public async Task A_group_tag_name_is_matched_exactly_on_update()
    {
        await CreateTag("vip");
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { GroupTags = ["VIP"] }));

        AssertViolation(result, "unknown_group_tag", "group_tags[0]");
    }

    // ---- properties ----

    [Fact]
    [Provokes("invalid_property_key")]
    public async Task An_empty_property_key_is_rejected()
    {
        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Properties = PropertyMap.Of(("ok", 1), (string.Empty, 2)) }));

        AssertViolation(result, "invalid_property_key", "properties");
    }

    [Fact]
    [Provokes("invalid_property_key")]
    public async Task A_property_key_over_255_characters_is_rejected_and_255_is_accepted()
    {
        var longest = new string('k', 255);
        var tooLong = new string('k', 256);
        await Create("acme", with: r => r with { Properties = PropertyMap.Of((longest, 1)) });

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Properties = PropertyMap.Of((tooLong, 1)) }));

        AssertViolation(result, "invalid_property_key", $"properties.{tooLong}");
    }

    [Fact]
    [Provokes("properties_too_large")]
    public async Task Properties_over_256_KiB_serialized_are_rejected_and_exactly_256_KiB_is_accepted()
    {
        // {"k":"<n x's>"} is n + 8 bytes.
        const int limit = 256 * 1024;
        await Create("at-limit", with: r => r with { Properties = PropertyMap.Of(("k", new string('x', limit - 8))) });

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Properties = PropertyMap.Of(("k", new string('x', limit - 7))) }));

        AssertViolation(result, "properties_too_large", "properties");
        Assert.Equal(limit - 8, (await Get("at-limit")).Properties["k"].GetString()!.Length);
    }

    [Fact]
    [Provokes("properties_too_large")]
    public async Task Properties_too_large_are_rejected_on_update()
    {
        await Create("acme", with: r => r with { Properties = PropertyMap.Of(("small", 1)) });

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Properties = PropertyMap.Of(("big", new string('x', 300_000))) }));

        AssertViolation(result, "properties_too_large", "properties");
    }

    [Fact]
    [Provokes("properties_too_deep")]
    public async Task Properties_nested_deeper_than_64_levels_are_rejected()
    {
        // The properties object is level 1, so 64 nested arrays make 65 levels.
        var deep = PropertyMap.Parse("{\"fine\":1,\"deep\":" + new string('[', 64) + new string(']', 64) + "}");

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Properties = deep }));

        AssertViolation(result, "properties_too_deep", "properties.deep");
    }

    // ---- mapping ----

    [Fact]
    [Provokes("too_many_mapping_entries")]
    public async Task More_than_1000_mapping_entries_are_rejected_and_1000_are_accepted()
    {
        static OrderedMap<string> Entries(int n) =>
            OrderedMap<string>.From(Enumerable.Range(0, n).Select(i => KeyValuePair.Create($"schema-{i}", $"source-{i}")));

        await Create("thousand", with: r => r with { Mapping = Entries(1000) });
        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Mapping = Entries(1001) }));

        AssertViolation(result, "too_many_mapping_entries", "mapping");
        Assert.Equal(1000, (await Get("thousand")).Mapping.Count);
    }

    [Fact]
    [Provokes("invalid_mapping_entry")]
    public async Task An_empty_schema_id_in_the_mapping_is_rejected()
    {
        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Mapping = OrderedMap.Of((string.Empty, "source")) }));

        AssertViolation(result, "invalid_mapping_entry", "mapping");
    }

    [Theory]
    [Provokes("invalid_mapping_entry")]
    [InlineData("")]
    [InlineData("bad\u0007source")]
    public async Task An_invalid_data_source_id_in_the_mapping_is_rejected(string dataSource)
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Mapping = OrderedMap.Of(("sales", dataSource)) }));

        AssertViolation(result, "invalid_mapping_entry", "mapping.sales");
    }

    [Fact]
    [Provokes("unknown_data_source")]
    public async Task A_mapping_to_an_unregistered_data_source_of_a_registered_schema_is_rejected()
    {
        await AddDataSource("wh-eu", "sales", "Production");

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Mapping = OrderedMap.Of(("sales", "wh-nowhere")) }));

        var violation = AssertViolation(result, "unknown_data_source", "mapping.sales");
        Assert.Contains("wh-eu", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Provokes("unknown_data_source")]
    public async Task A_mapping_to_a_data_source_of_another_access_group_is_rejected()
    {
        await AddDataSource("wh-dev", "sales", "Development");
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Mapping = OrderedMap.Of(("sales", "wh-dev")) }));

        AssertViolation(result, "unknown_data_source", "mapping.sales");
    }

    [Fact]
    [Provokes("unknown_data_source")]
    public async Task A_mapping_to_a_data_source_of_another_schema_is_rejected()
    {
        await AddDataSource("wh-sales", "sales", "Production");
        await AddDataSource("wh-billing", "billing", "Production");

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Mapping = OrderedMap.Of(("sales", "wh-billing")) }));

        AssertViolation(result, "unknown_data_source", "mapping.sales");
    }

    [Fact]
    public async Task A_mapping_to_a_visible_registered_data_source_or_an_unregistered_schema_is_accepted()
    {
        await AddDataSource("wh-eu", "sales", "Production", "Development");

        var created = await Create("acme", with: r => r with { Mapping = OrderedMap.Of(("sales", "wh-eu"), ("unregistered", "anything goes")) });

        Assert.Equal(["sales=wh-eu", "unregistered=anything goes"], created.Mapping.Select(m => $"{m.Key}={m.Value}"));
    }

    // ---- hierarchy ----

    [Fact]
    [Provokes("unknown_hierarchy_level")]
    public async Task An_unknown_level_is_rejected_on_create_with_a_message_listing_the_levels()
    {
        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { HierarchyLevelName = "customer" }));

        var violation = AssertViolation(result, "unknown_hierarchy_level", "hierarchy_level_name");
        Assert.Contains("Customer", violation.Message, StringComparison.Ordinal);
        Assert.Contains("User", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Provokes("unknown_hierarchy_level")]
    public async Task An_unknown_level_is_rejected_as_a_list_filter()
    {
        await Create("acme");

        var v1 = await RejectedWithoutChange(() => Api.ListCustomersAsync(ReadOnly, new CustomerFilter { HierarchyLevelName = "Planet" }));
        var v2 = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(ReadOnly, new CustomerPageRequest { Filter = new CustomerFilter { HierarchyLevelName = "Planet" } }));

        AssertViolation(v1, "unknown_hierarchy_level", "hierarchy_level_name");
        AssertViolation(v2, "unknown_hierarchy_level", "hierarchy_level_name");
    }

    [Fact]
    [Provokes("hierarchy_level_required")]
    public async Task A_parent_without_a_level_is_rejected_on_create()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("bob") { ParentProvidedId = "acme" }));

        var violation = AssertViolation(result, "hierarchy_level_required", "hierarchy_level_name");
        Assert.Contains("User", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Provokes("parent_not_found")]
    public async Task An_unknown_parent_is_rejected_on_create()
    {
        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("bob") { HierarchyLevelName = "User", ParentProvidedId = "nobody" }));

        var violation = AssertViolation(result, "parent_not_found", "parent_provided_id");
        Assert.Contains("nobody", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Provokes("parent_not_found")]
    public async Task A_parent_in_another_access_group_is_rejected_as_unknown_on_update()
    {
        await Create("theirs", caller: OtherWriter);
        await Create("bob", level: "User");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("bob") { ParentProvidedId = "theirs" }));

        AssertViolation(result, "parent_not_found", "parent_provided_id");
    }

    [Fact]
    [Provokes("parent_not_found")]
    public async Task An_unknown_parent_is_rejected_as_a_list_filter()
    {
        await Create("theirs", caller: OtherWriter);

        var v1 = await RejectedWithoutChange(() => Api.ListCustomersAsync(Writer, new CustomerFilter { ParentProvidedId = "theirs" }));
        var v2 = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(Writer, new CustomerPageRequest { Filter = new CustomerFilter { ParentProvidedId = "nobody" } }));

        AssertViolation(v1, "parent_not_found", "parent_provided_id");
        AssertViolation(v2, "parent_not_found", "parent_provided_id");
    }

    // An API token never sees another DVG's customers (they are absent: parent_not_found), so only the host's
    // administrator, who sees every DVG, can name a parent in another group. It goes through the in-process service.
    [Fact]
    [Provokes("parent_access_group_mismatch")]
    public async Task An_administrator_cannot_create_a_child_under_a_parent_of_another_access_group()
    {
        await Create("theirs", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => AdminService.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("bob") { HierarchyLevelName = "User", ParentProvidedId = "theirs" }));

        AssertViolation(result, "parent_access_group_mismatch", "parent_provided_id");
    }

    [Fact]
    [Provokes("parent_access_group_mismatch")]
    public async Task An_administrator_cannot_move_a_customer_under_a_parent_of_another_access_group()
    {
        await Create("theirs", caller: OtherWriter);
        await Create("bob", level: "User");

        var result = await RejectedWithoutChange(() => AdminService.UpdateCustomerAsync(Admin, new UpdateCustomerRequest("bob") { ParentProvidedId = "theirs" }));

        AssertViolation(result, "parent_access_group_mismatch", "parent_provided_id");
    }

    [Fact]
    [Provokes("parent_level_not_higher")]
    public async Task A_child_on_its_parents_level_is_rejected_on_create()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("sub") { HierarchyLevelName = "Customer", ParentProvidedId = "acme" }));

        AssertViolation(result, "parent_level_not_higher", "hierarchy_level_name");
    }

    [Fact]
    [Provokes("parent_level_not_higher")]
    public async Task A_child_above_its_parents_level_is_rejected_on_create()
    {
        await Create("bob", level: "User");

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("boss") { HierarchyLevelName = "Customer", ParentProvidedId = "bob" }));

        AssertViolation(result, "parent_level_not_higher", "hierarchy_level_name");
    }

    [Fact]
    [Provokes("parent_level_not_higher")]
    public async Task A_move_under_a_parent_on_the_same_level_is_rejected()
    {
        await Create("acme");
        await Create("globex");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("globex") { ParentProvidedId = "acme" }));

        AssertViolation(result, "parent_level_not_higher", "parent_provided_id");
    }

    [Fact]
    [Provokes("hierarchy_cycle")]
    public async Task A_move_under_the_customers_own_child_is_rejected()
    {
        await Create("acme");
        await Create("bob", level: "User", parent: "acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { ParentProvidedId = "bob" }));

        var violation = AssertViolation(result, "hierarchy_cycle", "parent_provided_id");
        Assert.Contains("bob", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Provokes("hierarchy_cycle")]
    public async Task A_move_under_the_customer_itself_is_rejected()
    {
        await Create("bob", level: "User");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("bob") { ParentProvidedId = "bob" }));

        AssertViolation(result, "hierarchy_cycle", "parent_provided_id");
    }

    [Fact]
    [Provokes("child_level_not_lower")]
    public async Task A_level_change_leaving_a_child_on_the_same_level_is_rejected()
    {
        await Create("acme");
        await Create("bob", level: "User", parent: "acme");
        await Create("ann", level: "User", parent: "acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { HierarchyLevelName = "User" }));

        AssertViolation(result, "child_level_not_lower", "hierarchy_level_name");
        var failure = Assert.IsType<ValidationFailed>(result.Failure);
        Assert.Equal(2, failure.Violations.Count(v => v.Code == "child_level_not_lower"));
    }

    // ---- paging ----

    [Fact]
    [Provokes("invalid_page")]
    public async Task A_page_below_1_is_rejected()
    {
        var result = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(ReadOnly, new CustomerPageRequest { Page = 0 }));

        AssertViolation(result, "invalid_page", "page");
    }

    [Theory]
    [Provokes("invalid_page_size")]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task A_page_size_outside_1_to_1000_is_rejected(int pageSize)
    {
        var result = await RejectedWithoutChange(() => Api.ListCustomerPageAsync(ReadOnly, new CustomerPageRequest { PageSize = pageSize }));

        AssertViolation(result, "invalid_page_size", "page_size");
    }

    // ---- looked-up identifiers ----

    [Theory]
    [Provokes("invalid_provided_id")]
    [InlineData("")]
    [InlineData("bell\u0007")]
    [InlineData(null)]
    public async Task An_invalid_provided_id_to_get_is_rejected(string? providedId)
    {
        providedId ??= new string('g', 256);
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.GetCustomerAsync(Writer, providedId));

        AssertViolation(result, "invalid_provided_id", "provided_id");
    }

    [Fact]
    [Provokes("invalid_provided_id")]
    public async Task An_empty_provided_id_to_update_is_rejected()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest(string.Empty) { Name = "x" }));

        AssertViolation(result, "invalid_provided_id", "provided_id");
    }

    [Fact]
    [Provokes("invalid_identifier")]
    public async Task An_empty_token_to_delete_is_rejected()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(string.Empty, Cascade: true)));

        AssertViolation(result, "invalid_identifier", "current_token");
    }

    [Fact]
    [Provokes("invalid_identifier")]
    public async Task An_overlong_token_to_refresh_is_rejected()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.RefreshCustomerTokenAsync(Writer, new RefreshTokenRequest(new string('a', 256))));

        AssertViolation(result, "invalid_identifier", "current_token");
    }

    // ---- several rules at once ----

    [Fact]
    public async Task A_request_breaking_several_rules_reports_every_violation()
    {
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("bob")
        {
            Name = string.Empty,
            Emails = ["broken"],
            GroupTags = ["ghost"],
            Mapping = OrderedMap.Of(("sales", string.Empty)),
            HierarchyLevelName = "Planet",
            ParentProvidedId = "nobody",
        }));

        AssertViolation(result, "invalid_name", "name");
        AssertViolation(result, "invalid_email", "emails[0]");
        AssertViolation(result, "unknown_group_tag", "group_tags[0]");
        AssertViolation(result, "invalid_mapping_entry", "mapping.sales");
        AssertViolation(result, "unknown_hierarchy_level", "hierarchy_level_name");
        AssertViolation(result, "parent_not_found", "parent_provided_id");
    }

    private async Task AddDataSource(string id, string schema, params string[] accessGroups)
    {
        var result = await AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest(id, schema, null, accessGroups));
        Assert.True(result.IsSuccess, result.ToString());
    }
}
