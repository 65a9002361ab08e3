using System.Collections.Immutable;

namespace Explo.Domain;

/// <summary>
/// The small, whole-workspace state: hierarchy levels, DVGs, API tokens and the data-source registry, and the entity
/// counter. Immutable; an admin operation produces a new instance that the store saves whole. Group tags are not part
/// of it (there may be 10,000 of them): stores keep them apart, and readers look them up one by one
/// (<see cref="IGroupTagLookup"/>), so a tag operation writes one tag, not the whole list.
/// </summary>
[Entity]
public sealed class Workspace
{
    /// <summary>The name of the root level of a new workspace.</summary>
    public const string DefaultRootLevelName = "Customer";

    /// <summary>The name of the second level of a new workspace.</summary>
    public const string DefaultLeafLevelName = "User";

    /// <summary>The name of the one DVG of a new workspace.</summary>
    public const string DefaultAccessGroupName = "Production";

    /// <summary>Reconstitutes a workspace (for stores); use <see cref="CreateDefault"/> for a new one.</summary>
    /// <param name="levels">The hierarchy levels, in any order; ranks must be 0..n-1.</param>
    /// <param name="accessGroups">The DVGs.</param>
    /// <param name="apiTokens">The API tokens (hashed).</param>
    /// <param name="dataSources">The data-source registry.</param>
    /// <param name="dataSourceDefaults">Per-DVG default data sources.</param>
    /// <param name="nextEntityId">The next id to hand out for levels, DVGs, tags and tokens.</param>
    public Workspace(
        IEnumerable<HierarchyLevel> levels,
        IEnumerable<AccessGroup> accessGroups,
        IEnumerable<ApiToken> apiTokens,
        IEnumerable<DataSource> dataSources,
        IEnumerable<DataSourceDefault> dataSourceDefaults,
        int nextEntityId)
        : this(levels, accessGroups, apiTokens, dataSources, dataSourceDefaults, [], nextEntityId)
    {
    }

    /// <summary>Reconstitutes a workspace with its embed secrets (for stores); use <see cref="CreateDefault"/> for a new one.</summary>
    /// <param name="levels">The hierarchy levels, in any order; ranks must be 0..n-1.</param>
    /// <param name="accessGroups">The DVGs.</param>
    /// <param name="apiTokens">The API tokens (hashed).</param>
    /// <param name="dataSources">The data-source registry.</param>
    /// <param name="dataSourceDefaults">Per-DVG default data sources.</param>
    /// <param name="embedSecrets">The embed secrets, in creation order, revoked ones included.</param>
    /// <param name="nextEntityId">The next id to hand out for levels, DVGs, tags and tokens.</param>
    public Workspace(
        IEnumerable<HierarchyLevel> levels,
        IEnumerable<AccessGroup> accessGroups,
        IEnumerable<ApiToken> apiTokens,
        IEnumerable<DataSource> dataSources,
        IEnumerable<DataSourceDefault> dataSourceDefaults,
        IEnumerable<EmbedSecret> embedSecrets,
        int nextEntityId)
    {
        EmbedSecrets = Guard.NotNull(embedSecrets).ToImmutableArray();
        Levels = Guard.NotNull(levels).OrderBy(l => l.Rank).ToImmutableArray();
        for (var i = 0; i < Levels.Length; i++)
        {
            Guard.That(Levels[i].Rank == i, "Level ranks must be 0..n-1");
        }

        AccessGroups = Guard.NotNull(accessGroups).ToImmutableArray();
        ApiTokens = Guard.NotNull(apiTokens).ToImmutableArray();
        DataSources = Guard.NotNull(dataSources).ToImmutableArray();
        DataSourceDefaults = Guard.NotNull(dataSourceDefaults).ToImmutableArray();
        NextEntityId = nextEntityId;
    }

    /// <summary>The levels ordered by rank, root first.</summary>
    public ImmutableArray<HierarchyLevel> Levels { get; }

    /// <summary>The DVGs, in creation order.</summary>
    public ImmutableArray<AccessGroup> AccessGroups { get; }

    /// <summary>The API tokens (hashed), in creation order, revoked ones included.</summary>
    public ImmutableArray<ApiToken> ApiTokens { get; }

    /// <summary>The registered data sources.</summary>
    public ImmutableArray<DataSource> DataSources { get; }

    /// <summary>The default data source per DVG and schema.</summary>
    public ImmutableArray<DataSourceDefault> DataSourceDefaults { get; }

    /// <summary>The embed secrets (the keys of embed tokens), in creation order, revoked ones included.</summary>
    public ImmutableArray<EmbedSecret> EmbedSecrets { get; }

    /// <summary>The next id to hand out for levels, DVGs, tags and tokens.</summary>
    public int NextEntityId { get; }

    /// <summary>A new workspace: levels <c>Customer</c> then <c>User</c>, and the DVG <c>Production</c>.</summary>
    /// <returns>The workspace.</returns>
    public static Workspace CreateDefault() => new(
        [new HierarchyLevel(new LevelId(1), DefaultRootLevelName, 0), new HierarchyLevel(new LevelId(2), DefaultLeafLevelName, 1)],
        [new AccessGroup(new AccessGroupId(3), DefaultAccessGroupName)],
        [],
        [],
        [],
        4);

    /// <summary>The root level.</summary>
    public HierarchyLevel RootLevel => Levels[0];

    /// <summary>Finds a level by exact name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The level or null.</returns>
    public HierarchyLevel? FindLevel(string name) => Levels.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.Ordinal));

    /// <summary>Finds a level by id.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The level or null.</returns>
    public HierarchyLevel? FindLevel(LevelId id) => Levels.FirstOrDefault(l => l.Id == id);

    /// <summary>Gets a level that a stored customer refers to.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The level.</returns>
    public HierarchyLevel Level(LevelId id) => FindLevel(id) ?? throw new InvalidOperationException($"The store refers to hierarchy level {id.Value}, which does not exist.");

    /// <summary>Finds a DVG by exact name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The DVG or null.</returns>
    public AccessGroup? FindAccessGroup(string name) => AccessGroups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.Ordinal));

    /// <summary>Gets a DVG that a stored item refers to.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The DVG.</returns>
    public AccessGroup AccessGroup(AccessGroupId id) => AccessGroups.FirstOrDefault(g => g.Id == id) ?? throw new InvalidOperationException($"The store refers to DVG {id.Value}, which does not exist.");

    /// <summary>Finds a data source by id.</summary>
    /// <param name="id">The data source id.</param>
    /// <returns>The data source or null.</returns>
    public DataSource? FindDataSource(string id) => DataSources.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.Ordinal));

    /// <summary>True when any data source is registered for the schema (then mapping values for it must name one).</summary>
    /// <param name="schemaId">The schema.</param>
    /// <returns>Whether the schema is registered.</returns>
    public bool HasRegisteredSchema(string schemaId) => DataSources.Any(d => string.Equals(d.SchemaId, schemaId, StringComparison.Ordinal));

    /// <summary>The default mapping of a DVG (schema to default data source), the base of every computed mapping there.</summary>
    /// <param name="accessGroup">The DVG.</param>
    /// <returns>The map.</returns>
    public OrderedMap<string> DefaultMapping(AccessGroupId accessGroup)
    {
        if (DataSourceDefaults.IsEmpty)
        {
            return OrderedMap<string>.Empty;
        }

        return OrderedMap<string>.From(DataSourceDefaults.Where(d => d.AccessGroupId == accessGroup).Select(d => KeyValuePair.Create(d.SchemaId, d.DataSourceId)));
    }

    /// <summary>Finds the active token whose secret has the given hash (constant-time comparison).</summary>
    /// <param name="secretHash">The hash of the presented secret.</param>
    /// <returns>The token or null.</returns>
    public ApiToken? FindActiveToken(string secretHash)
    {
        ApiToken? found = null;
        foreach (var token in ApiTokens)
        {
            if (token.Matches(secretHash) && token.IsActive)
            {
                found = token;
            }
        }

        return found;
    }

    /// <summary>A copy with some parts replaced.</summary>
    internal Workspace With(
        IEnumerable<HierarchyLevel>? levels = null,
        IEnumerable<AccessGroup>? accessGroups = null,
        IEnumerable<ApiToken>? apiTokens = null,
        IEnumerable<DataSource>? dataSources = null,
        IEnumerable<DataSourceDefault>? dataSourceDefaults = null,
        IEnumerable<EmbedSecret>? embedSecrets = null,
        int? nextEntityId = null) => new(
        levels ?? Levels,
        accessGroups ?? AccessGroups,
        apiTokens ?? ApiTokens,
        dataSources ?? DataSources,
        dataSourceDefaults ?? DataSourceDefaults,
        embedSecrets ?? EmbedSecrets,
        nextEntityId ?? NextEntityId);

    /// <summary>A copy whose entity counter moved past one newly allocated id.</summary>
    internal (int Id, Workspace Next) AllocateId() => (NextEntityId, With(nextEntityId: NextEntityId + 1));
}
