using Explo.Domain.ContractTests;

namespace Explo.Domain.LiteDb.Tests;

public sealed class LiteDbSmokeContract : SmokeContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}
