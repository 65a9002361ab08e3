using Explo.Domain.ContractTests;

namespace Explo.Domain.Tests.Contract;

public sealed class InMemoryGroupTagContract : GroupTagContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryUserGroupContract : UserGroupContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryAccessContract : AccessContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryAdminContract : AdminContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryEmbedContract : EmbedContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}

public sealed class InMemoryFeedContract : FeedContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => InMemoryServiceFactory.Create(options);
}
