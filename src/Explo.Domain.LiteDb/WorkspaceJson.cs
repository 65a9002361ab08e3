using System.Collections.Immutable;
using System.Text.Json;

namespace Explo.Domain.LiteDb;

/// <summary>
/// The workspace as one JSON text (it is small and always replaced whole). Since schema 3 it holds no group tags (they
/// have their own collection); <see cref="ReadLegacyGroupTags"/> reads the tags an older file kept in it.
/// </summary>
internal static class WorkspaceJson
{
    public static string Write(Workspace workspace)
    {
        var dto = new WorkspaceDto(
            workspace.Levels.Select(l => new LevelDto(l.Id.Value, l.Name, l.Rank)).ToList(),
            workspace.AccessGroups.Select(g => new GroupDto(g.Id.Value, g.Name)).ToList(),
            workspace.ApiTokens.Select(t => new TokenDto(t.Id.Value, t.SecretHash, t.AccessGroupId.Value, t.ReadOnly, t.Label, t.CreatedAt, t.RevokedAt)).ToList(),
            null,
            workspace.DataSources.Select(d => new DataSourceDto(d.Id, d.SchemaId, d.Name, d.AccessGroups.Select(g => g.Value).ToList())).ToList(),
            workspace.DataSourceDefaults.Select(d => new DefaultDto(d.AccessGroupId.Value, d.SchemaId, d.DataSourceId)).ToList(),
            workspace.NextEntityId);
        return JsonSerializer.Serialize(dto, Options);
    }

    public static Workspace Read(string json)
    {
        var dto = JsonSerializer.Deserialize<WorkspaceDto>(json, Options)
            ?? throw new InvalidOperationException("The stored workspace is empty.");
        return new Workspace(
            dto.Levels.Select(l => new HierarchyLevel(new LevelId(l.Id), l.Name, l.Rank)),
            dto.AccessGroups.Select(g => new AccessGroup(new AccessGroupId(g.Id), g.Name)),
            dto.ApiTokens.Select(t => new ApiToken(new ApiTokenId(t.Id), t.SecretHash, new AccessGroupId(t.AccessGroupId), t.ReadOnly, t.Label, t.CreatedAt, t.RevokedAt)),
            dto.DataSources.Select(d => new DataSource(d.Id, d.SchemaId, d.Name, d.AccessGroups.Select(g => new AccessGroupId(g)).ToImmutableArray())),
            dto.DataSourceDefaults.Select(d => new DataSourceDefault(new AccessGroupId(d.AccessGroupId), d.SchemaId, d.DataSourceId)),
            dto.NextEntityId);
    }

    /// <summary>The group tags a workspace JSON of schema 1 or 2 holds (none for schema 3).</summary>
    public static IReadOnlyList<GroupTag> ReadLegacyGroupTags(string json)
    {
        var dto = JsonSerializer.Deserialize<WorkspaceDto>(json, Options)
            ?? throw new InvalidOperationException("The stored workspace is empty.");
        return dto.GroupTags?.Select(t => new GroupTag(new GroupTagId(t.Id), t.Name)).ToList() ?? [];
    }

    /// <summary>The workspace JSON of schema 1 or 2 written again without its group tags.</summary>
    public static string WithoutGroupTags(string json) => Write(Read(json));

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record WorkspaceDto(
        List<LevelDto> Levels,
        List<GroupDto> AccessGroups,
        List<TokenDto> ApiTokens,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] List<GroupDto>? GroupTags,
        List<DataSourceDto> DataSources,
        List<DefaultDto> DataSourceDefaults,
        int NextEntityId);

    private sealed record LevelDto(int Id, string Name, int Rank);

    private sealed record GroupDto(int Id, string Name);

    private sealed record TokenDto(int Id, string SecretHash, int AccessGroupId, bool ReadOnly, string Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    private sealed record DataSourceDto(string Id, string SchemaId, string Name, List<int> AccessGroups);

    private sealed record DefaultDto(int AccessGroupId, string SchemaId, string DataSourceId);
}
