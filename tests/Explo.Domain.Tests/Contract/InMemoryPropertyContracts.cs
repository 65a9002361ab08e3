using Explo.Domain.ContractTests;
using Explo.Domain.ContractTests.Properties;

namespace Explo.Domain.Tests.Contract;

public sealed class InMemoryHierarchyPropertiesContract : HierarchyPropertiesContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryModelBasedContract : ModelBasedContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}
