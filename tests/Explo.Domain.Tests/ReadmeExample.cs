namespace Explo.Domain.Tests;

/// <summary>The README's in-process example, compiled and run; <see cref="ReadmeTests"/> keeps the README's copy identical.</summary>
public static class ReadmeExample
{
    public static async Task<string> RunAsync()
    {
        // README-EXAMPLE-START
        var service = new ExploService(new Explo.Domain.InMemory.InMemoryWorkspaceStore());
        var secret = (await service.CreateApiTokenAsync(Caller.Administrator(), new("Production"))).SuccessValue.Secret;
        var api = Caller.WithApiToken(secret);
        var region = await service.GetOrCreateCustomerAsync(api, new("acme") { Properties = PropertyMap.Parse("""{"region": "eu", "plan": "gold"}""") })
            .ThenAsync(_ => service.GetOrCreateCustomerAsync(api, new("acme-bob") { ParentProvidedId = "acme", HierarchyLevelName = "User" }))
            .ThenAsync(_ => service.GetCustomerAsync(api, "acme-bob"))
            .Match(
                customer => customer.ComputedProperties["region"].GetString(),  // "eu", inherited from acme
                failure => $"{failure.Kind} {failure.Code}: {failure.Message}");
        // README-EXAMPLE-END
        return region!;
    }
}
