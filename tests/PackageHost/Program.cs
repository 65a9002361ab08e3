// A console host written from the README alone: AddExploDomain().UseLiteDb(path), the customer port, a host rule,
// results chained with ThenAsync and read with Match.
using Explo.Domain;
using Explo.Domain.Tests;   // RegionIsKnown: the README's rule, copied from tests/Explo.Domain.Tests/ReadmeRuleExample.cs
using Microsoft.Extensions.DependencyInjection;

var path = Path.Combine(Path.GetTempPath(), $"package-host-{Guid.NewGuid():N}.db");
try
{
    var services = new ServiceCollection();
    services.AddExploDomain(o => o.CustomerRules.Add(new RegionIsKnown())).UseLiteDb(path);
    await using (var provider = services.BuildServiceProvider())
    {
        var admin = provider.GetRequiredService<IWorkspaceAdmin>();
        var customers = provider.GetRequiredService<ICustomerService>();
        var secret = (await admin.CreateApiTokenAsync(Caller.Administrator(), new("Production"))).SuccessValue.Secret;
        var api = Caller.WithApiToken(secret);
        var region = await customers.GetOrCreateCustomerAsync(api, new("acme") { Properties = PropertyMap.Parse("""{"region": "eu"}""") })
            .ThenAsync(_ => customers.GetOrCreateCustomerAsync(api, new("acme-bob") { ParentProvidedId = "acme", HierarchyLevelName = "User" }))
            .ThenAsync(_ => customers.GetCustomerAsync(api, "acme-bob"))
            .Match(customer => customer.ComputedProperties["region"].GetString(), failure => $"{failure.Kind} {failure.Code}");
        var refused = await customers.GetOrCreateCustomerAsync(api, new("mars-inc") { Properties = PropertyMap.Parse("""{"region": "mars"}""") });
        Console.WriteLine($"region={region} refused={refused.Match(_ => "no", failure => failure.Code)}");
    }
}
finally
{
    File.Delete(path);
    File.Delete(Path.ChangeExtension(path, null) + "-log.db");
}
