using Explo.Domain.ContractTests;
using Explo.Domain.ContractTests.Properties;

namespace Explo.Domain.Postgres.Tests.Properties;

/// <summary>The hierarchy properties on PostgreSQL: each case on a new schema (fewer cases by default, each opens a store).</summary>
public sealed class PostgresHierarchyPropertiesContract : HierarchyPropertiesContract
{
    protected override int SequenceRuns => 40;

    protected override int TreeRuns => 25;

    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}

/// <summary>The model-based test on PostgreSQL, closing and reopening the store at random points.</summary>
public sealed class PostgresModelBasedContract : ModelBasedContract
{
    protected override int Runs => 40;

    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => PostgresServiceFactory.Create(options);
}
