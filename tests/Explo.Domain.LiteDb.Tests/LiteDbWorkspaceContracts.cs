using Explo.Domain.ContractTests;

namespace Explo.Domain.LiteDb.Tests;

public sealed class LiteDbGroupTagContract : GroupTagContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbUserGroupContract : UserGroupContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbAccessContract : AccessContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbAdminContract : AdminContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbEmbedContract : EmbedContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbFeedContract : FeedContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

public sealed class LiteDbApiTokenSecretContract : ApiTokenSecretContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}
