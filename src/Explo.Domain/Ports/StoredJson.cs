using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Explo.Domain.Ports;

/// <summary>
/// The JSON texts the stores keep, one implementation for every store: each domain event's fields, and the workspace
/// (small, always replaced whole). Both are snake_case objects; the workspace holds its levels, DVGs, API tokens (with
/// their hashes), data sources, data-source defaults and entity counter, and no group tags (stores keep those apart).
/// </summary>
/// <remarks>
/// This is the stores' persisted layout: changing it changes the data stores write to disk, and events copied between
/// stores are compared and kept as these exact texts, so an event written by one store must read the same as one written
/// by another. The texts are written by System.Text.Json source-generated metadata (no reflection); an event type
/// without registered metadata is refused with an <see cref="InvalidOperationException"/>.
/// </remarks>
public static class StoredJson
{
    /// <summary>An event's fields as stored (its kind and time included, as <c>kind</c> and <c>occurred_at</c>).</summary>
    /// <param name="domainEvent">The event; one of the core's event types.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="InvalidOperationException">The event's type is not one of the core's event types.</exception>
    public static string EventJson(DomainEvent domainEvent)
    {
        var type = Guard.NotNull(domainEvent).GetType();
        var shape = StoredJsonContext.Default.GetTypeInfo(type)
            ?? throw new InvalidOperationException($"The event type {type} has no stored JSON layout; register it in {nameof(StoredJsonContext)}.");
        return JsonSerializer.Serialize(domainEvent, shape);
    }

    /// <summary>The workspace as stored.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <returns>The JSON text.</returns>
    public static string WorkspaceJson(Workspace workspace)
    {
        Guard.NotNull(workspace);
        var stored = new StoredWorkspace(
            [.. workspace.Levels.Select(l => new StoredLevel(l.Id.Value, l.Name, l.Rank))],
            [.. workspace.AccessGroups.Select(g => new StoredAccessGroup(g.Id.Value, g.Name))],
            [.. workspace.ApiTokens.Select(t => new StoredToken(t.Id.Value, t.SecretHash, t.AccessGroupId.Value, t.ReadOnly, t.Label, t.CreatedAt, t.RevokedAt))],
            [.. workspace.DataSources.Select(d => new StoredDataSource(d.Id, d.SchemaId, d.Name, [.. d.AccessGroups.Select(g => g.Value)]))],
            [.. workspace.DataSourceDefaults.Select(d => new StoredDefault(d.AccessGroupId.Value, d.SchemaId, d.DataSourceId))],
            workspace.NextEntityId)
        {
            // Written only when there are some, so a workspace without any is stored as before they existed.
            EmbedSecrets = workspace.EmbedSecrets.IsEmpty ? null : [.. workspace.EmbedSecrets.Select(e => new StoredEmbedSecret(e.KeyId, e.Secret, e.Label, e.CreatedAt, e.RevokedAt))],
        };
        return JsonSerializer.Serialize(stored, StoredJsonContext.Default.StoredWorkspace);
    }

    /// <summary>Reads a workspace stored by <see cref="WorkspaceJson"/> (keys it does not know, such as an older layout's <c>group_tags</c>, are ignored).</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The workspace.</returns>
    /// <exception cref="JsonException">The text is not a stored workspace (not JSON of its shape, or a list is missing).</exception>
    /// <exception cref="InvalidOperationException">The text is JSON <c>null</c>.</exception>
    public static Workspace ReadWorkspace(string json)
    {
        var stored = JsonSerializer.Deserialize(Guard.NotNull(json), StoredJsonContext.Default.StoredWorkspace)
            ?? throw new InvalidOperationException("The stored workspace is empty.");
        var missing = new (string Key, object? Value)[]
        {
            ("levels", stored.Levels), ("access_groups", stored.AccessGroups), ("api_tokens", stored.ApiTokens),
            ("data_sources", stored.DataSources), ("data_source_defaults", stored.DataSourceDefaults),
        }.Where(list => list.Value is null).Select(list => list.Key).ToList();
        if (missing.Count > 0)
        {
            throw new JsonException($"The stored workspace has no list for {string.Join(", ", missing)}; it was not written by this layout.");
        }
        return new Workspace(
            stored.Levels.Select(l => new HierarchyLevel(new LevelId(l.Id), l.Name, l.Rank)),
            stored.AccessGroups.Select(g => new AccessGroup(new AccessGroupId(g.Id), g.Name)),
            stored.ApiTokens.Select(t => new ApiToken(new ApiTokenId(t.Id), t.SecretHash, new AccessGroupId(t.AccessGroupId), t.ReadOnly, t.Label, t.CreatedAt, t.RevokedAt)),
            stored.DataSources.Select(d => new DataSource(d.Id, d.SchemaId, d.Name, d.AccessGroups.Select(g => new AccessGroupId(g)).ToImmutableArray())),
            stored.DataSourceDefaults.Select(d => new DataSourceDefault(new AccessGroupId(d.AccessGroupId), d.SchemaId, d.DataSourceId)),
            (stored.EmbedSecrets ?? []).Select(e => new EmbedSecret(e.KeyId, e.Secret, e.Label, e.CreatedAt, e.RevokedAt)),
            stored.NextEntityId);
    }
}

/// <summary>
/// The source-generated metadata of <see cref="StoredJson"/>: every concrete <see cref="DomainEvent"/> type and the
/// stored workspace. A new event type must be added here (a test fails until it is).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CustomerCreated))]
[JsonSerializable(typeof(CustomerUpdated))]
[JsonSerializable(typeof(CustomerMoved))]
[JsonSerializable(typeof(CustomerDeleted))]
[JsonSerializable(typeof(CustomerTokenRotated))]
[JsonSerializable(typeof(GroupTagCreated))]
[JsonSerializable(typeof(GroupTagRenamed))]
[JsonSerializable(typeof(GroupTagDeleted))]
[JsonSerializable(typeof(WorkspaceInitialized))]
[JsonSerializable(typeof(WorkspaceChanged))]
[JsonSerializable(typeof(StoredWorkspace))]
internal sealed partial class StoredJsonContext : JsonSerializerContext;

/// <summary>The stored workspace; the properties' order is the keys' order in the text.</summary>
internal sealed record StoredWorkspace(
    List<StoredLevel> Levels,
    List<StoredAccessGroup> AccessGroups,
    List<StoredToken> ApiTokens,
    List<StoredDataSource> DataSources,
    List<StoredDefault> DataSourceDefaults,
    int NextEntityId)
{
    /// <summary>The embed secrets; absent (null) when there are none, as in a workspace stored before they existed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<StoredEmbedSecret>? EmbedSecrets { get; init; }
}

/// <summary>A stored embed secret (the key itself: encrypting needs it); <c>revoked_at</c> is <c>null</c> while live.</summary>
internal sealed record StoredEmbedSecret(string KeyId, string Secret, string Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A stored hierarchy level.</summary>
internal sealed record StoredLevel(int Id, string Name, int Rank);

/// <summary>A stored DVG.</summary>
internal sealed record StoredAccessGroup(int Id, string Name);

/// <summary>A stored API token (its hash, never a secret); <c>revoked_at</c> is written as <c>null</c> while valid.</summary>
internal sealed record StoredToken(int Id, string SecretHash, int AccessGroupId, bool ReadOnly, string Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A stored data source, with the ids of the DVGs it serves.</summary>
internal sealed record StoredDataSource(string Id, string SchemaId, string Name, List<int> AccessGroups);

/// <summary>A stored default data source of a DVG and schema.</summary>
internal sealed record StoredDefault(int AccessGroupId, string SchemaId, string DataSourceId);
