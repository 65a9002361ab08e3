using Explo.Domain.ContractTests;

namespace Explo.Domain.Postgres.Tests;

public sealed class PostgresSmokeContract : SmokeContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}
