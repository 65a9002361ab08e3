using Explo.Domain.ContractTests;

namespace Explo.Domain.Postgres.Tests;

/// <summary>The PostgreSQL store takes a copy (<see cref="CopyIntoStoreContract{TStore}"/>), in a schema of its own.</summary>
public sealed class CopyIntoPostgresTests : CopyIntoStoreContract<PostgresWorkspaceStore>, IDisposable
{
    private readonly PostgresSchema _schema = PostgresCluster.NewSchema();

    public void Dispose() => _schema.Dispose();

    protected override PostgresWorkspaceStore Open() => new(_schema.ConnectionString);
}
