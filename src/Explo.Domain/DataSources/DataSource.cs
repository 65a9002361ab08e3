using System.Collections.Immutable;

namespace Explo.Domain;

/// <summary>A registered target of a schema-to-data-source mapping.</summary>
/// <param name="Id">The data source id used as a mapping value (unique in the workspace).</param>
/// <param name="SchemaId">The schema it belongs to.</param>
/// <param name="Name">A name for people.</param>
/// <param name="AccessGroups">The DVGs that may map to it.</param>
[Entity]
public sealed record DataSource(string Id, string SchemaId, string Name, ImmutableArray<AccessGroupId> AccessGroups);

/// <summary>The default data source of one schema for one DVG; it is the base layer of every computed mapping in that DVG.</summary>
/// <param name="AccessGroupId">The DVG.</param>
/// <param name="SchemaId">The schema.</param>
/// <param name="DataSourceId">The default data source.</param>
public sealed record DataSourceDefault(AccessGroupId AccessGroupId, string SchemaId, string DataSourceId);
