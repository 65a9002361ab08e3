using System.Text.Json;
using Explo.Domain.Ports;

namespace Explo.Domain.LiteDb;

/// <summary>
/// The workspace JSON of schemas 1 and 2, which also held the group tags (as <c>group_tags</c>: <c>id</c> and <c>name</c>
/// each). Since schema 3 the tags have their own collection and the workspace is <see cref="StoredJson.WorkspaceJson"/>'s
/// text, which an older text otherwise matches.
/// </summary>
internal static class WorkspaceJson
{
    /// <summary>The group tags a workspace JSON of schema 1 or 2 holds (none for schema 3).</summary>
    public static IReadOnlyList<GroupTag> ReadLegacyGroupTags(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException("The stored workspace is empty.");
        }

        return document.RootElement.TryGetProperty("group_tags", out var tags) && tags.ValueKind != JsonValueKind.Null
            ? [.. tags.EnumerateArray().Select(t => new GroupTag(new GroupTagId(t.GetProperty("id").GetInt32()), t.GetProperty("name").GetString()!))]
            : [];
    }

    /// <summary>The workspace JSON of schema 1 or 2 written again without its group tags.</summary>
    public static string WithoutGroupTags(string json) => StoredJson.WorkspaceJson(StoredJson.ReadWorkspace(json));
}
