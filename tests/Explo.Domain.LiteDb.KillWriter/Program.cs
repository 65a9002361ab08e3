// Usage: KillWriter <database file, or a PostgreSQL connection string (Host=...)> <seed> [writers]
// Writes customers (roots, children, property updates, moves) through the service, forever, from <writers> concurrent
// loops (1 by default; several make the store commit their units in groups), and after each acknowledged write prints
// "ack <provided_id> <version> <token>" on its own line. The parent test kills it.
using System.Globalization;
using Explo.Domain;
using Explo.Domain.LiteDb;

using var store = args[0].Contains("Host=", StringComparison.Ordinal)
    ? (IDisposable)new Explo.Domain.Postgres.PostgresWorkspaceStore(args[0])
    : new LiteDbWorkspaceStore(args[0]);
var service = new ExploService((Explo.Domain.Ports.IWorkspaceStore)store);
var admin = Caller.Administrator();
var seed = int.Parse(args[1], CultureInfo.InvariantCulture);
var writers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
var output = Console.Out;
var gate = new Lock();
output.WriteLine("ready");
output.Flush();
await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => Write(w))));

async Task Write(int writer)
{
    var random = new Random(seed * 1000 + writer);
    var roots = new List<string>();
    var children = new List<string>();
    for (var i = 0; ; i++)
    {
        Result<CustomerView> result;
        var choice = random.Next(4);
        if (choice == 0 || roots.Count == 0)
        {
            var id = $"root-{writer}-{i}";
            result = (await service.GetOrCreateCustomerAsync(admin, new CreateCustomerRequest(id) { Properties = PropertyMap.Of(("i", i)) })).Map(r => r.Customer);
            roots.Add(id);
        }
        else if (choice == 1 || children.Count == 0)
        {
            var id = $"child-{writer}-{i}";
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
        lock (gate)
        {
            output.WriteLine($"ack {customer.ProvidedId} {customer.Version} {customer.Token}");
            output.Flush();
        }
    }
}
