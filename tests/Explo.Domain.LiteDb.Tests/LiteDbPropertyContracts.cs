using Explo.Domain.ContractTests;
using Explo.Domain.ContractTests.Properties;

namespace Explo.Domain.LiteDb.Tests.Properties;

/// <summary>The hierarchy properties on LiteDB: each case on a new file (fewer cases by default, each opens a file).</summary>
public sealed class LiteDbHierarchyPropertiesContract : HierarchyPropertiesContract
{
    protected override int SequenceRuns => 40;

    protected override int TreeRuns => 25;

    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}

/// <summary>The model-based test on LiteDB, closing and reopening the file at random points.</summary>
public sealed class LiteDbModelBasedContract : ModelBasedContract
{
    protected override int Runs => 40;

    protected override ServiceUnderTest CreateService(ExploServiceOptions options) => LiteDbServiceFactory.Create(options);
}
