using System.Text.RegularExpressions;

namespace Explo.Domain.ContractTests.Customers;

/// <summary>Get-or-create customer (spec section 3, <c>POST /api/create_customer/</c>).</summary>
public abstract class GetOrCreateContract : ContractTestBase
{
    [Fact]
    public async Task Creating_a_new_customer_stores_every_given_field_and_reports_it_as_new()
    {
        await CreateTag("vip");
        var request = new CreateCustomerRequest("acme")
        {
            Name = "Acme Corp",
            IsDemoGroup = true,
            Emails = ["ops@acme.example", "ceo@acme.example"],
            GroupTags = ["vip"],
            Properties = PropertyMap.Of(("region", "eu"), ("seats", 12)),
            Mapping = OrderedMap.Of(("sales", "warehouse-eu")),
        };

        var result = await Api.GetOrCreateCustomerAsync(Writer, request);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.True(result.SuccessValue.IsNew);
        var customer = result.SuccessValue.Customer;
        Assert.Equal("acme", customer.ProvidedId);
        Assert.Equal("Acme Corp", customer.Name);
        Assert.True(customer.IsDemoGroup);
        Assert.Equal<string>(["ops@acme.example", "ceo@acme.example"], customer.Emails);
        Assert.Equal<string>(["vip"], customer.GroupTags);
        Assert.Equal("""{"region":"eu","seats":12}""", PropertyMap.ToJson(customer.Properties));
        Assert.Equal(["sales=warehouse-eu"], customer.Mapping.Select(m => $"{m.Key}={m.Value}"));
        Assert.Equal("Customer", customer.HierarchyLevel);
        Assert.Equal("Production", customer.AccessGroup);
        Assert.Null(customer.ParentProvidedId);
        Assert.Equal(1, customer.Version);
        Assert.Equal(Start, customer.CreatedAt);
        Assert.Equal(Start, customer.UpdatedAt);
        Assert.Equal(Describe(customer), Describe(await Get("acme")));
    }

    [Fact]
    public async Task A_customer_created_without_optional_fields_gets_the_defaults()
    {
        var customer = await Create("bare");

        Assert.Equal("bare", customer.Name);
        Assert.False(customer.IsDemoGroup);
        Assert.Empty(customer.Emails);
        Assert.Empty(customer.GroupTags);
        Assert.Empty(customer.Properties);
        Assert.Empty(customer.Mapping);
        Assert.Equal("Customer", customer.HierarchyLevel);
        Assert.Null(customer.ParentProvidedId);
    }

    [Fact]
    public async Task The_name_defaults_to_the_provided_id()
    {
        var customer = await Create("Tenant #42");

        Assert.Equal("Tenant #42", customer.Name);
    }

    [Fact]
    public async Task A_new_customer_gets_a_token_of_64_lowercase_hex_characters_unique_to_it()
    {
        var first = await Create("first");
        var second = await Create("second");

        Assert.Matches(new Regex("^[0-9a-f]{64}$"), first.Token);
        Assert.Matches(new Regex("^[0-9a-f]{64}$"), second.Token);
        Assert.NotEqual(first.Token, second.Token);
    }

    [Fact]
    public async Task An_existing_provided_id_is_returned_unchanged_and_not_new_even_when_other_fields_differ()
    {
        await CreateTag("vip");
        await Create("acme", with: r => r with { Name = "Acme", Properties = PropertyMap.Of(("region", "eu")) });
        await Create("holding");
        var stored = await Get("acme");
        var before = await Snapshot();
        Clock.Advance(TimeSpan.FromMinutes(5));

        var again = await Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme")
        {
            Name = "Another name",
            IsDemoGroup = true,
            Emails = ["x@y.example"],
            GroupTags = ["vip"],
            Properties = PropertyMap.Of(("region", "us")),
            Mapping = OrderedMap.Of(("sales", "other")),
            HierarchyLevelName = "User",
            ParentProvidedId = "holding",
        });

        Assert.True(again.IsSuccess, again.ToString());
        Assert.False(again.SuccessValue.IsNew);
        Assert.Equal(Describe(stored), Describe(again.SuccessValue.Customer));
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task Getting_an_existing_customer_emits_no_event()
    {
        await Create("acme");
        var events = Sut.EventCount();

        var again = await Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme"));

        Assert.False(again.SuccessValue.IsNew);
        Assert.Equal(events, Sut.EventCount());
    }

    [Fact]
    public async Task Creating_a_customer_emits_an_event()
    {
        var before = Sut.EventCount();

        await Create("acme");

        Assert.Equal(before + 1, Sut.EventCount());
    }

    [Fact]
    public async Task A_provided_id_taken_in_another_access_group_is_a_conflict()
    {
        await Create("acme", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme") { Name = "Mine" }));

        var failure = AssertFails<Conflict, GetOrCreateResult>(result, "provided_id_taken");
        Assert.Contains("provided_id", failure.Message, StringComparison.Ordinal);
        Assert.Equal("Development", (await Get("acme")).AccessGroup);
    }

    [Fact]
    public async Task A_child_is_created_under_its_parent_at_the_given_level()
    {
        await Create("acme");

        var child = await Create("acme-bob", level: "User", parent: "acme");

        Assert.Equal("acme", child.ParentProvidedId);
        Assert.Equal("User", child.HierarchyLevel);
    }

    [Fact]
    public async Task A_parent_without_a_level_is_rejected_with_a_message_naming_the_valid_levels()
    {
        await AddLevel("Team", after: "Customer");
        await Create("acme");

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme-team") { ParentProvidedId = "acme" }));

        var violation = AssertViolation(result, "hierarchy_level_required", "hierarchy_level_name");
        Assert.Contains("Team", violation.Message, StringComparison.Ordinal);
        Assert.Contains("User", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_level_hint_names_only_the_levels_below_the_parent()
    {
        await AddLevel("Team", after: "Customer");
        await Create("acme");
        await Create("acme-team", level: "Team", parent: "acme");

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("acme-bob") { ParentProvidedId = "acme-team" }));

        var violation = AssertViolation(result, "hierarchy_level_required", "hierarchy_level_name");
        Assert.Contains("User", violation.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Team", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parent_in_another_access_group_behaves_as_absent()
    {
        await Create("other-root", caller: OtherWriter);

        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("mine") { HierarchyLevelName = "User", ParentProvidedId = "other-root" }));

        AssertViolation(result, "parent_not_found", "parent_provided_id");
    }

    [Fact]
    public async Task A_read_only_token_cannot_create_a_customer()
    {
        var result = await RejectedWithoutChange(() => Api.GetOrCreateCustomerAsync(ReadOnly, new CreateCustomerRequest("acme")));

        AssertFails<Forbidden, GetOrCreateResult>(result, "read_only_token");
    }

    [Fact]
    public async Task A_customer_goes_into_the_access_group_of_the_token_that_created_it()
    {
        var mine = await Create("mine");
        var theirs = await Create("theirs", caller: OtherWriter);

        Assert.Equal("Production", mine.AccessGroup);
        Assert.Equal("Development", theirs.AccessGroup);
    }

    [Fact]
    public async Task Concurrent_calls_with_one_new_provided_id_create_exactly_one_customer()
    {
        const int callers = 16;
        var events = Sut.EventCount();

        var results = await Task.WhenAll(Enumerable.Range(0, callers).Select(i =>
            Task.Run(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest("contended") { Name = $"caller {i}" }))));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Single(results, r => r.SuccessValue.IsNew);
        Assert.Single(results.Select(r => r.SuccessValue.Customer.Token).Distinct());
        Assert.Single(results.Select(r => r.SuccessValue.Customer.Id).Distinct());
        Assert.Single(results.Select(r => r.SuccessValue.Customer.Name).Distinct());
        var all = (await AdminService.ListCustomersAsync(Admin, new CustomerFilter())).SuccessValue;
        Assert.Single(all, c => c.ProvidedId == "contended");
        Assert.Equal(events + 1, Sut.EventCount());
    }

    [Fact]
    public async Task Concurrent_creates_of_different_customers_all_succeed()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest($"c{i}")))));

        Assert.All(results, r => Assert.True(r.IsSuccess && r.SuccessValue.IsNew, r.ToString()));
        Assert.Equal(16, results.Select(r => r.SuccessValue.Customer.Token).Distinct().Count());
        Assert.Equal(16, results.Select(r => r.SuccessValue.Customer.Id).Distinct().Count());
    }

    // ---- field values that must survive exactly ----

    [Fact]
    public async Task Emails_are_de_duplicated_ignoring_case_keeping_the_first_spelling()
    {
        var created = await Create("acme", with: r => r with { Emails = ["Ann@Acme.example", "bob@acme.example", "ann@acme.EXAMPLE", "ANN@ACME.EXAMPLE", "Bob@Acme.Example"] });

        Assert.Equal<string>(["Ann@Acme.example", "bob@acme.example"], created.Emails);
        Assert.Equal<string>(["Ann@Acme.example", "bob@acme.example"], (await Get("acme")).Emails);

        var updated = await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Emails = ["x@acme.example", "X@ACME.EXAMPLE"] });
        Assert.Equal<string>(["x@acme.example"], updated.SuccessValue.Emails);
    }

    [Fact]
    public async Task Property_keys_with_dots_dollars_spaces_and_unicode_round_trip_exactly()
    {
        string[] keys = ["a.b.c", "$set", "$", "with space", " padded ", "Key", "key", "ünïcödé", "日本語", "emoji 😀", "tab\tescaped", "quote\"d"];
        var properties = OrderedMap<System.Text.Json.JsonElement>.From(keys.Select((k, i) => KeyValuePair.Create(k, System.Text.Json.JsonSerializer.SerializeToElement(i))));

        var created = await Create("acme", with: r => r with { Properties = properties });
        var child = await Create("acme-bob", level: "User", parent: "acme");

        foreach (var view in new[] { created, (await Api.GetCustomerAsync(Writer, "acme")).SuccessValue, (await Api.ListCustomersAsync(Writer, new CustomerFilter())).SuccessValue[0] })
        {
            Assert.Equal(keys, view.Properties.Keys);
            Assert.Equal(Enumerable.Range(0, keys.Length), view.Properties.Values.Select(v => v.GetInt32()));
        }

        Assert.Equal(keys, (await Api.GetCustomerAsync(Writer, "acme-bob")).SuccessValue.ComputedProperties.Keys);
        Assert.Empty(child.Properties);
    }

    [Fact]
    public async Task Property_values_keep_their_exact_json_text()
    {
        const string json = """{"big":12345678901234567890,"dec":0.1000000000000000055511151231257827,"trailing":1.50,"exp":1E+400,"negzero":-0.0,"nested":{"list":[1,"two",{"three":null}],"flag":true,"empty":{}},"nothing":null,"text":"ünïcödé 日本語"}""";
        var properties = PropertyMap.Parse(json);

        var created = await Create("acme", with: r => r with { Properties = properties });
        await Create("acme-bob", level: "User", parent: "acme");

        Assert.Equal(json, PropertyMap.ToJson(created.Properties));
        Assert.Equal(json, PropertyMap.ToJson((await Api.GetCustomerAsync(Writer, "acme")).SuccessValue.Properties));
        Assert.Equal(json, PropertyMap.ToJson((await Api.ListCustomerPageAsync(Writer, new CustomerPageRequest())).SuccessValue.Customers[0].Properties));
        var child = (await Api.GetCustomerAsync(Writer, "acme-bob")).SuccessValue;
        Assert.Equal(json, PropertyMap.ToJson(child.ComputedProperties));
        Assert.Equal("12345678901234567890", child.ComputedProperties["big"].GetRawText());
        Assert.Equal("0.1000000000000000055511151231257827", child.ComputedProperties["dec"].GetRawText());
    }

    [Fact]
    public async Task String_values_outside_the_basic_multilingual_plane_round_trip()
    {
        // Compared as values: a writer may escape them as surrogate pairs (\uD83D\uDE00), which is the same JSON string.
        await Create("acme", with: r => r with { Properties = PropertyMap.Of(("text", "emoji 😀 clef 𝄞")) });

        Assert.Equal("emoji 😀 clef 𝄞", (await Api.GetCustomerAsync(Writer, "acme")).SuccessValue.Properties["text"].GetString());
    }

    [Fact]
    public async Task Property_values_keep_their_exact_json_text_through_an_update()
    {
        await Create("acme");
        var properties = PropertyMap.Parse("""{"big":12345678901234567890,"dec":0.1000000000000000055511151231257827}""");

        await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Properties = properties });

        var stored = (await Api.GetCustomerAsync(Writer, "acme")).SuccessValue;
        Assert.Equal("12345678901234567890", stored.Properties["big"].GetRawText());
        Assert.Equal("0.1000000000000000055511151231257827", stored.Properties["dec"].GetRawText());
    }

    [Fact]
    public async Task A_null_property_value_is_stored_and_overrides_the_inherited_one()
    {
        await Create("acme", with: r => r with { Properties = PropertyMap.Parse("""{"plan":"gold","region":"eu"}""") });

        var child = await Create("acme-bob", level: "User", parent: "acme", with: r => r with { Properties = PropertyMap.Parse("""{"plan":null}""") });

        Assert.Equal("""{"plan":null}""", PropertyMap.ToJson(child.Properties));
        Assert.Equal("""{"plan":null,"region":"eu"}""", PropertyMap.ToJson(child.ComputedProperties));
    }
}
