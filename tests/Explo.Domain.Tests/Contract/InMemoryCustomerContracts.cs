using Explo.Domain.ContractTests;
using Explo.Domain.ContractTests.Customers;
using Explo.Domain.Tests.Contract;

namespace Explo.Domain.Tests.Contract.Customers;

public sealed class InMemoryGetOrCreateContract : GetOrCreateContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryGetAndListContract : GetAndListContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryUpdateContract : UpdateContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryDeleteAndRefreshContract : DeleteAndRefreshContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryConditionalWriteContract : ConditionalWriteContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryIdempotencyContract : IdempotencyContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryCursorPageContract : CursorPageContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryCustomerRulesContract : CustomerRulesContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryImportContract : ImportContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryImportCancellationContract : ImportCancellationContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}
