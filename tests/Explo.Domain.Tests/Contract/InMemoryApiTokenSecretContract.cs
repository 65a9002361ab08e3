using Explo.Domain.ContractTests;

namespace Explo.Domain.Tests.Contract.Workspace;

public sealed class InMemoryApiTokenSecretContract : ApiTokenSecretContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}
