using System.Text.Json;
using System.Text.Json.Nodes;

namespace Explo.Domain.Postgres;

/// <summary>
/// The JSON texts the store keeps: the workspace (small, replaced whole; the same snake_case layout as the LiteDB file's
/// workspace, without group tags, which have their own table) and each event's fields.
/// </summary>
internal static class StoredJson
{
    private static readonly JsonSerializerOptions Snake = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Event(DomainEvent e) => JsonSerializer.Serialize(e, e.GetType(), Snake);

    public static string Workspace(Workspace w)
    {
        var root = new JsonObject
        {
            ["levels"] = Array(w.Levels, l => new JsonObject { ["id"] = l.Id.Value, ["name"] = l.Name, ["rank"] = l.Rank }),
            ["access_groups"] = Array(w.AccessGroups, g => new JsonObject { ["id"] = g.Id.Value, ["name"] = g.Name }),
            ["api_tokens"] = Array(w.ApiTokens, t => new JsonObject
            {
                ["id"] = t.Id.Value,
                ["secret_hash"] = t.SecretHash,
                ["access_group_id"] = t.AccessGroupId.Value,
                ["read_only"] = t.ReadOnly,
                ["label"] = t.Label,
                ["created_at"] = t.CreatedAt,
                ["revoked_at"] = t.RevokedAt,
            }),
            ["data_sources"] = Array(w.DataSources, d => new JsonObject
            {
                ["id"] = d.Id,
                ["schema_id"] = d.SchemaId,
                ["name"] = d.Name,
                ["access_groups"] = Array(d.AccessGroups, g => JsonValue.Create(g.Value)),
            }),
            ["data_source_defaults"] = Array(w.DataSourceDefaults, d => new JsonObject
            {
                ["access_group_id"] = d.AccessGroupId.Value,
                ["schema_id"] = d.SchemaId,
                ["data_source_id"] = d.DataSourceId,
            }),
            ["next_entity_id"] = w.NextEntityId,
        };
        return root.ToJsonString();
    }

    public static Workspace ReadWorkspace(string json)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("The stored workspace is empty.");
        return new Workspace(
            Items(root, "levels").Select(l => new HierarchyLevel(new LevelId(Int(l, "id")), Text(l, "name"), Int(l, "rank"))),
            Items(root, "access_groups").Select(g => new AccessGroup(new AccessGroupId(Int(g, "id")), Text(g, "name"))),
            Items(root, "api_tokens").Select(t => new ApiToken(
                new ApiTokenId(Int(t, "id")),
                Text(t, "secret_hash"),
                new AccessGroupId(Int(t, "access_group_id")),
                t["read_only"]!.GetValue<bool>(),
                Text(t, "label"),
                t["created_at"]!.GetValue<DateTimeOffset>(),
                t["revoked_at"]?.GetValue<DateTimeOffset>())),
            Items(root, "data_sources").Select(d => new DataSource(
                Text(d, "id"),
                Text(d, "schema_id"),
                Text(d, "name"),
                [.. d["access_groups"]!.AsArray().Select(g => new AccessGroupId(g!.GetValue<int>()))])),
            Items(root, "data_source_defaults").Select(d => new DataSourceDefault(
                new AccessGroupId(Int(d, "access_group_id")), Text(d, "schema_id"), Text(d, "data_source_id"))),
            root["next_entity_id"]!.GetValue<int>());
    }

    private static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonNode?> node) => [.. items.Select(node)];

    private static IEnumerable<JsonNode> Items(JsonObject root, string name) => root[name]!.AsArray().Select(n => n!);

    private static int Int(JsonNode node, string name) => node[name]!.GetValue<int>();

    private static string Text(JsonNode node, string name) => node[name]!.GetValue<string>();
}
