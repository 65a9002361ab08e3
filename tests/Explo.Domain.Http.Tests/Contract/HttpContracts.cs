using Explo.Domain.ContractTests;
using Explo.Domain.ContractTests.Customers;
using Explo.Domain.ContractTests.Properties;

namespace Explo.Domain.Http.Tests.Contract;

public sealed class HttpSmokeContract : SmokeContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpGetOrCreateContract : GetOrCreateContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpGetAndListContract : GetAndListContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpUpdateContract : UpdateContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpDeleteAndRefreshContract : DeleteAndRefreshContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpConditionalWriteContract : ConditionalWriteContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpIdempotencyContract : IdempotencyContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpCursorPageContract : CursorPageContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpCustomerRulesContract : CustomerRulesContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpImportContract : ImportContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpGroupTagContract : GroupTagContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpUserGroupContract : UserGroupContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpAccessContract : AccessContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpAdminContract : AdminContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpEmbedContract : EmbedContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpFeedContract : FeedContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpApiTokenSecretContract : ApiTokenSecretContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpHierarchyPropertiesContract : HierarchyPropertiesContract
{
    protected override int SequenceRuns => 15;

    protected override int TreeRuns => 10;

    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}

public sealed class HttpModelBasedContract : ModelBasedContract
{
    protected override int Runs => 25;

    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => HttpServiceFactory.Create(options);
}
