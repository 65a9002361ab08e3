using Explo.Domain.ContractTests;

namespace Explo.Domain.Postgres.Tests;

public sealed class PostgresGroupTagContract : GroupTagContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresUserGroupContract : UserGroupContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresAccessContract : AccessContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresAdminContract : AdminContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresEmbedContract : EmbedContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresFeedContract : FeedContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

public sealed class PostgresApiTokenSecretContract : ApiTokenSecretContract
{
    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}
