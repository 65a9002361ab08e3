using Explo.Domain.ContractTests;
using Explo.Domain.ContractTests.Customers;

namespace Explo.Domain.LiteDb.Tests.Customers;

public sealed class LiteDbGetOrCreateContract : GetOrCreateContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbGetAndListContract : GetAndListContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbUpdateContract : UpdateContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbDeleteAndRefreshContract : DeleteAndRefreshContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbConditionalWriteContract : ConditionalWriteContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbIdempotencyContract : IdempotencyContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbCursorPageContract : CursorPageContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbCustomerRulesContract : CustomerRulesContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbImportContract : ImportContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbImportCancellationContract : ImportCancellationContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}
