// Usage: KillWriter <database file> <seed>
// Writes customers (roots, children, property updates, moves) through the service, forever, and after each
// acknowledged write prints "ack <provided_id> <version> <token>" on its own line. The parent test kills it.
using Explo.Domain;
using Explo.Domain.LiteDb;

using var store = new LiteDbWorkspaceStore(args[0]);
var service = new ExploService(store);
var admin = Caller.Administrator();
var random = new Random(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
var roots = new List<string>();
var children = new List<string>();
var output = Console.Out;
output.WriteLine("ready");
output.Flush();
for (var i = 0; ; i++)
{
    Result<CustomerView> result;
    var choice = random.Next(4);
    if (choice == 0 || roots.Count == 0)
    {
        var id = $"root-{i}";
        result = (await service.GetOrCreateCustomerAsync(admin, new CreateCustomerRequest(id) { Properties = PropertyMap.Of(("i", i)) })).Map(r => r.Customer);
        roots.Add(id);
    }
    else if (choice == 1 || children.Count == 0)
    {
        var id = $"child-{i}";
        result = (await service.GetOrCreateCustomerAsync(admin, new CreateCustomerRequest(id) { ParentProvidedId = roots[random.Next(roots.Count)], HierarchyLevelName = "User" })).Map(r => r.Customer);
        children.Add(id);
    }
    else if (choice == 2)
    {
        result = await service.UpdateCustomerAsync(admin, new UpdateCustomerRequest(roots[random.Next(roots.Count)]) { Properties = PropertyMap.Of(("i", i), ("pad", new string('x', random.Next(2000)))) });
    }
    else
    {
        result = await service.UpdateCustomerAsync(admin, new UpdateCustomerRequest(children[random.Next(children.Count)]) { ParentProvidedId = roots[random.Next(roots.Count)] });
    }

    var customer = result.SuccessValue;
    output.WriteLine($"ack {customer.ProvidedId} {customer.Version} {customer.Token}");
    output.Flush();
}
