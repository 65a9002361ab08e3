using Explo.Domain.ContractTests;

namespace Explo.Domain.Tests.Contract;

public sealed class InMemorySmokeContract : SmokeContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}
