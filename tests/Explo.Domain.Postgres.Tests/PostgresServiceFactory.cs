using Explo.Domain.ContractTests;

namespace Explo.Domain.Postgres.Tests;

/// <summary>Builds the PostgreSQL adapter for the contract suites: a new, empty schema of the test server per test.</summary>
internal static class PostgresServiceFactory
{
    public static ServiceUnderTest Create(ExploServiceOptions options)
    {
        var schema = PostgresCluster.NewSchema();
        var store = new ReopenableStore<PostgresWorkspaceStore>(() => new PostgresWorkspaceStore(schema.ConnectionString), s => s.CountEvents());
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
                schema.Dispose();
            },
        };
    }
}
