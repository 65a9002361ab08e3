using Explo.Domain.ContractTests;
using Explo.Domain.ContractTests.Customers;

namespace Explo.Domain.Postgres.Tests.Customers;

public sealed class PostgresGetOrCreateContract : GetOrCreateContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresGetAndListContract : GetAndListContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresUpdateContract : UpdateContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresDeleteAndRefreshContract : DeleteAndRefreshContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresConditionalWriteContract : ConditionalWriteContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresIdempotencyContract : IdempotencyContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresCursorPageContract : CursorPageContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresCustomerRulesContract : CustomerRulesContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresImportContract : ImportContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresImportCancellationContract : ImportCancellationContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}
