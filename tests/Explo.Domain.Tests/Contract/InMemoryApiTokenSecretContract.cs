using Explo.Domain.ContractTests;
using Explo.Domain.ContractTests.Workspace;

namespace Explo.Domain.Tests.Contract.Workspace;

public sealed class InMemoryApiTokenSecretContract : ApiTokenSecretContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}
