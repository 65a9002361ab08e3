using Explo.Domain.ContractTests;
using Explo.Domain.InMemory;

namespace Explo.Domain.Tests.Contract;

/// <summary>Builds the in-memory adapter for the contract suites.</summary>
internal static class InMemoryServiceFactory
{
    public static ServiceUnderTest Create(ExploServiceOptions options)
    {
        var store = new InMemoryWorkspaceStore();
        var service = new ExploService(store, options);
        return new ServiceUnderTest { Api = service, Admin = service, EventCount = () => store.Events.Count };
    }
}
