using System.Text.Json;
using Explo.Domain.InMemory;

namespace Explo.Domain.Tests;

/// <summary>The service's queries for in-process tools: explain, find by computed property, stats.</summary>
public sealed class QueryTests
{
    private static readonly Caller Admin = Caller.Administrator();

    /// <summary>
    /// Three levels (Customer > Team > User) in Production: acme > ops > bob, each overriding some of its ancestors'
    /// properties; acme maps schema 40, and Production's default for schema 41 is ds-41. Staging holds globex.
    /// </summary>
    private static async Task<ExploService> Workspace()
    {
        var service = new ExploService(new InMemoryWorkspaceStore());
        Assert.True((await service.AddLevelAsync(Admin, "Team", "Customer")).IsSuccess);
        Assert.True((await service.AddAccessGroupAsync(Admin, "Staging")).IsSuccess);
        Assert.True((await service.AddDataSourceAsync(Admin, new AddDataSourceRequest("ds-41", "41", null, ["Production"]))).IsSuccess);
        Assert.True((await service.SetDefaultDataSourceAsync(Admin, "Production", "41", "ds-41")).IsSuccess);
        CreateCustomerRequest[] rows =
        [
            new("acme") { Properties = PropertyMap.Parse("""{"region":"eu","plan":"gold","tier":1}"""), Mapping = OrderedMap.Of(("40", "213")) },
            new("ops") { ParentProvidedId = "acme", HierarchyLevelName = "Team", Properties = PropertyMap.Parse("""{"plan":"silver","seats":5}""") },
            new("bob") { ParentProvidedId = "ops", HierarchyLevelName = "User", Properties = PropertyMap.Parse("""{"tier":3,"seat":7}""") },
            new("eve") { ParentProvidedId = "ops", HierarchyLevelName = "User", Properties = PropertyMap.Parse("""{"region":"us","seat":"7"}""") },
        ];
        foreach (var row in rows)
        {
            Assert.True((await service.GetOrCreateCustomerAsync(Admin, row)).IsSuccess);
        }

        Assert.True((await service.GetOrCreateCustomerAsync(Caller.Administrator("Staging"), new CreateCustomerRequest("globex") { Properties = PropertyMap.Parse("""{"region":"eu"}""") })).IsSuccess);
        return service;
    }

    [Fact]
    public async Task Explain_names_the_nearest_holder_of_each_computed_property_through_three_levels()
    {
        var service = await Workspace();

        var explained = (await service.ExplainCustomerAsync(Admin, "bob")).SuccessValue;

        Assert.Equal(
            [("region", "acme"), ("plan", "ops"), ("tier", "bob"), ("seats", "ops"), ("seat", "bob")],
            explained.PropertySources.Select(e => (e.Key, e.Value)));
        Assert.Equal(explained.Customer.ComputedProperties.Keys, explained.PropertySources.Keys);
        var got = (await service.GetCustomerAsync(Admin, "bob")).SuccessValue;
        Assert.Equal(PropertyMap.ToJson(got.ComputedProperties), PropertyMap.ToJson(explained.Customer.ComputedProperties));
        Assert.Equal(got.ComputedMapping, explained.Customer.ComputedMapping);
        Assert.Equal((got.Id, got.Token, got.Version, got.HierarchyLevel, got.AccessGroup), (explained.Customer.Id, explained.Customer.Token, explained.Customer.Version, explained.Customer.HierarchyLevel, explained.Customer.AccessGroup));
        Assert.Equal(got.ComputedGroupTags, explained.Customer.ComputedGroupTags);
        Assert.Equal("ops", explained.Customer.ParentProvidedId);
    }

    [Fact]
    public async Task Explain_says_a_mapping_entry_no_customer_holds_comes_from_the_data_visibility_group_default()
    {
        var service = await Workspace();

        var explained = (await service.ExplainCustomerAsync(Admin, "bob")).SuccessValue;

        Assert.Equal([("41", "ds-41"), ("40", "213")], explained.Customer.ComputedMapping.Select(e => (e.Key, e.Value)));
        Assert.Equal([("41", CustomerExplanation.AccessGroupDefault), ("40", "acme")], explained.MappingSources.Select(e => (e.Key, e.Value)));
        Assert.Equal("data visibility group default", CustomerExplanation.AccessGroupDefault);
    }

    [Fact]
    public async Task Explain_of_a_root_names_the_root_itself()
    {
        var service = await Workspace();

        var explained = (await service.ExplainCustomerAsync(Admin, "acme")).SuccessValue;

        Assert.All(explained.PropertySources.Values, source => Assert.Equal("acme", source));
        Assert.Null(explained.Customer.ParentProvidedId);
    }

    [Fact]
    public async Task Explain_for_a_caller_of_another_data_visibility_group_is_customer_not_found()
    {
        var service = await Workspace();
        var token = (await service.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Staging", ReadOnly: true))).SuccessValue;

        var byToken = await service.ExplainCustomerAsync(Caller.WithApiToken(token.Secret), "bob");
        var byScopedAdmin = await service.ExplainCustomerAsync(Caller.Administrator("Staging"), "bob");

        Assert.Equal("customer_not_found", byToken.Failure!.Code);
        Assert.IsType<NotFound>(byToken.Failure);
        Assert.Equal("customer_not_found", byScopedAdmin.Failure!.Code);
        Assert.True((await service.ExplainCustomerAsync(Caller.WithApiToken(token.Secret), "globex")).IsSuccess);
        Assert.Equal("invalid_provided_id", (await service.ExplainCustomerAsync(Admin, string.Empty)).Failure!.Code);
    }

    [Fact]
    public async Task Find_matches_computed_values_by_json_equality_in_creation_order()
    {
        var service = await Workspace();

        async Task<string[]> Find(Caller caller, string key, string json) =>
            [.. (await service.FindCustomersByComputedPropertyAsync(caller, key, [JsonElement.Parse(json)])).SuccessValue.Select(c => c.ProvidedId)];

        Assert.Equal(["acme", "ops", "bob", "globex"], await Find(Admin, "region", "\"eu\""));
        Assert.Equal(["eve"], await Find(Admin, "region", "\"us\""));
        Assert.Equal(["ops", "bob", "eve"], await Find(Admin, "plan", "\"silver\""));
        Assert.Equal(["bob"], await Find(Admin, "tier", "3.0"));
        Assert.Equal(["bob"], await Find(Admin, "seat", "7"));
        Assert.Equal(["eve"], await Find(Admin, "seat", "\"7\""));
        Assert.Empty(await Find(Admin, "nobody-has-it", "1"));
        Assert.Equal(["globex"], await Find(Caller.Administrator("Staging"), "region", "\"eu\""));

        var either = (await service.FindCustomersByComputedPropertyAsync(Admin, "seat", [JsonElement.Parse("7"), JsonElement.Parse("\"7\"")])).SuccessValue;
        Assert.Equal(["bob", "eve"], either.Select(c => c.ProvidedId));
        Assert.Equal("ops", either[0].ParentProvidedId);
        Assert.Equal("""{"region":"eu","plan":"silver","tier":3,"seats":5,"seat":7}""", PropertyMap.ToJson(either[0].ComputedProperties));
    }

    [Fact]
    public async Task Find_for_a_token_of_another_group_sees_only_its_group()
    {
        var service = await Workspace();
        var token = (await service.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Staging"))).SuccessValue;

        var found = (await service.FindCustomersByComputedPropertyAsync(Caller.WithApiToken(token.Secret), "plan", [JsonElement.Parse("\"silver\"")])).SuccessValue;

        Assert.Empty(found);
        Assert.Equal("invalid_api_token", (await service.FindCustomersByComputedPropertyAsync(Caller.WithApiToken("nope-nope-nope-nope"), "plan", [JsonElement.Parse("1")])).Failure!.Code);
    }

    [Fact]
    public async Task Stats_count_customers_per_level_and_group_and_the_deepest_path()
    {
        var service = await Workspace();

        var all = (await service.GetWorkspaceStatsAsync(Admin)).SuccessValue;
        var staging = (await service.GetWorkspaceStatsAsync(Caller.Administrator("Staging"))).SuccessValue;

        Assert.Equal(5, all.Customers);
        Assert.Equal(3, all.MaxDepth);
        Assert.Equal([("Customer", 2L), ("Team", 1L), ("User", 2L)], all.PerLevel.Select(e => (e.Key, e.Value)));
        Assert.Equal([("Production", 4L), ("Staging", 1L)], all.PerAccessGroup.Select(e => (e.Key, e.Value)));
        Assert.Equal((1L, 1), (staging.Customers, staging.MaxDepth));
        Assert.Equal([("Staging", 1L)], staging.PerAccessGroup.Select(e => (e.Key, e.Value)));
    }

    [Fact]
    public async Task Stats_of_an_empty_workspace_are_zero_and_a_long_chain_is_measured_without_recursion()
    {
        var service = new ExploService(new InMemoryWorkspaceStore());
        var empty = (await service.GetWorkspaceStatsAsync(Admin)).SuccessValue;
        Assert.Equal((0L, 0), (empty.Customers, empty.MaxDepth));
        Assert.Empty(empty.PerLevel);

        // 200 levels, one customer each, the deepest first in creation order.
        for (var i = 1; i < 200; i++)
        {
            Assert.True((await service.AddLevelAsync(Admin, $"L{i}")).IsSuccess);
        }

        var rows = Enumerable.Range(0, 200).Reverse().Select(i => new CreateCustomerRequest($"c{i}")
        {
            HierarchyLevelName = i == 0 ? null : $"L{i}",
            ParentProvidedId = i == 0 ? null : $"c{i - 1}",
        }).ToList();
        Assert.Equal(200, (await service.ImportCustomersAsync(Admin, rows)).SuccessValue.Created);

        var stats = (await service.GetWorkspaceStatsAsync(Admin)).SuccessValue;
        Assert.Equal((200L, 200), (stats.Customers, stats.MaxDepth));
    }
}
