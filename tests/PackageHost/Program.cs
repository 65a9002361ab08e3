// A console host written from the README alone: the LiteDB store, a customer port, a result read with Match.
using Explo.Domain;
using Explo.Domain.LiteDb;

var path = Path.Combine(Path.GetTempPath(), $"package-host-{Guid.NewGuid():N}.db");
try
{
    using (var store = new LiteDbWorkspaceStore(path))
    {
        var service = new ExploService(store, new ExploServiceOptions { CustomerRules = [new RegionIsKnown()] });
        IWorkspaceAdmin admin = service;
        ICustomerService customers = service;
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
