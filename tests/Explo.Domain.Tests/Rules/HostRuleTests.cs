using Explo.Domain.InMemory;

namespace Explo.Domain.Tests.Rules;

/// <summary>A host's own customer rules (<see cref="ExploServiceOptions.CustomerRules"/>) run after the core's, on every path that writes a customer.</summary>
public sealed class HostRuleTests
{
    private static async Task<(ExploService Service, Caller Api)> Start(bool withRule = true)
    {
        var service = new ExploService(new InMemoryWorkspaceStore(), new ExploServiceOptions { CustomerRules = withRule ? [new RegionIsKnown()] : [] });
        var secret = (await service.CreateApiTokenAsync(Caller.Administrator(), new("Production"))).SuccessValue.Secret;
        return (service, Caller.WithApiToken(secret));
    }

    private static OrderedMap<System.Text.Json.JsonElement> Region(string region) => PropertyMap.Of(("region", region));

    [Fact]
    public async Task A_create_that_breaks_a_host_rule_is_refused_with_its_code_and_field_beside_the_cores_and_changes_nothing()
    {
        var (service, api) = await Start();

        var refused = await service.GetOrCreateCustomerAsync(api, new("acme") { Properties = Region("mars"), Emails = ["not-an-address"] });

        var failed = Assert.IsType<ValidationFailed>(refused.Failure);
        Assert.Equal([("invalid_email", "emails[0]"), ("unknown_region", "properties.region")], failed.Violations.Select(v => (v.Code, v.Field)));
        Assert.Contains("must be one of eu, us", failed.Message, StringComparison.Ordinal);
        Assert.Empty((await service.ListCustomersAsync(api, new CustomerFilter())).SuccessValue);
    }

    [Fact]
    public async Task Updates_and_import_rows_meet_the_host_rule_too()
    {
        var (service, api) = await Start();
        Assert.True((await service.GetOrCreateCustomerAsync(api, new("acme") { Properties = Region("eu") })).IsSuccess);

        var update = await service.UpdateCustomerAsync(api, new("acme") { Properties = Region("mars") });
        var import = await service.ImportCustomersAsync(api, [new("good") { Properties = Region("us") }, new("bad") { Properties = Region("venus") }]);

        Assert.Equal("unknown_region", update.Failure?.Code);
        Assert.Equal("eu", (await service.GetCustomerAsync(api, "acme")).SuccessValue.Properties["region"].GetString());
        var row = Assert.Single(import.SuccessValue.Errors);
        Assert.Equal(("bad", "unknown_region"), (row.ProvidedId, row.Failure.Code));
        Assert.Equal(1, import.SuccessValue.Created);
    }

    [Fact]
    public async Task Without_host_rules_only_the_cores_apply()
    {
        var (service, api) = await Start(withRule: false);

        Assert.True((await service.GetOrCreateCustomerAsync(api, new("acme") { Properties = Region("mars") })).IsSuccess);
    }
}
