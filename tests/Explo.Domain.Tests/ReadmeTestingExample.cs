using Explo.Domain.InMemory;
using Explo.Domain.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace Explo.Domain.Tests;

/// <summary>The README's Explo.Domain.Testing example, compiled and run; <see cref="ReadmeTests"/> keeps the README's copy identical.</summary>
public static class ReadmeTestingExample
{
    public static void Run()
    {
        // README-TESTING-START
        var service = new ExploService(new InMemoryWorkspaceStore());   // your host's service, on your own store
        var admin = Caller.Administrator();
        Prop.ForAll(ExploGenerators.PropertyMapArbitrary, properties =>
        {
            var created = service.GetOrCreateCustomerAsync(admin, new(Guid.NewGuid().ToString("N")) { Properties = properties }).Result;
            return PropertyMap.ToJson(created.SuccessValue.Customer.ComputedProperties) == PropertyMap.ToJson(properties);
        }).QuickCheckThrowOnFailure();
        // The whole model-based test: a fresh system per run, compared with the reference model after every step.
        new ExploMachine(() => { var fresh = new ExploService(new InMemoryWorkspaceStore()); return new ExploSystem(fresh, fresh); }).Check(runs: 20);
        // README-TESTING-END
    }
}
