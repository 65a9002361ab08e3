using Explo.Domain.ContractTests;

namespace Explo.Domain.LiteDb.Tests;

/// <summary>Builds the LiteDB adapter for the contract suites: a new file per test.</summary>
internal static class LiteDbServiceFactory
{
    public static ServiceUnderTest Create(ExploServiceOptions options)
    {
        var folder = new TempDatabase();
        var store = new ReopenableStore<LiteDbWorkspaceStore>(() => new LiteDbWorkspaceStore(folder.PathOf()), s => s.CountEvents());
        var service = new ExploService(store, options);
        return new ServiceUnderTest
        {
            Api = service,
            Admin = service,
            EventCount = store.CountEvents,
            Reopen = store.Reopen,
            OnDispose = () =>
            {
                store.Dispose();
                folder.Dispose();
            },
        };
    }
}
