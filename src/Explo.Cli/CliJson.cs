using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Explo.Cli;

/// <summary>A hierarchy level in <c>levels list --json</c>.</summary>
internal sealed record LevelJson(string Name, int Rank);

/// <summary>A data visibility group in <c>dvg list --json</c>, or a group tag in <c>tags list --json</c>.</summary>
internal sealed record NameJson(string Name);

/// <summary>An API token in <c>token list --json</c> (never its secret).</summary>
internal sealed record TokenJson(int Id, string AccessGroup, bool ReadOnly, string Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>An embed secret in <c>secrets list --json</c> (never the secret).</summary>
internal sealed record EmbedSecretJson(string KeyId, string Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A node of <c>tree --json</c>: a customer and its children (down to <c>--depth</c>).</summary>
internal sealed record TreeNodeJson(string ProvidedId, string HierarchyLevel, string AccessGroup, IReadOnlyList<TreeNodeJson> Children);

/// <summary>A customer found by <c>find --json</c>.</summary>
internal sealed record FoundJson(string ProvidedId, string Name, string HierarchyLevel, string AccessGroup);

/// <summary>The answer of <c>stats --json</c>.</summary>
internal sealed record StatsJson(long Customers, int Depth, long? FileBytes, Dictionary<string, long> PerLevel, Dictionary<string, long> PerAccessGroup);

/// <summary>The answer of <c>validate --json</c>.</summary>
internal sealed record ValidateJson(bool Valid, IReadOnlyList<string> Problems);

/// <summary>The report of <c>import --json</c>.</summary>
internal sealed record ImportReportJson(int Created, int Existing, int Invalid, bool Committed, IReadOnlyList<ImportErrorJson> Errors);

/// <summary>One problem of an import: the row's line, the field, what is wrong, and the rule's code.</summary>
internal sealed record ImportErrorJson(int Line, string Field, string Reason, string ErrorCode);

/// <summary>The source-generated metadata of the tool's own JSON shapes (snake_case names).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IReadOnlyList<LevelJson>))]
[JsonSerializable(typeof(IReadOnlyList<NameJson>))]
[JsonSerializable(typeof(IReadOnlyList<TokenJson>))]
[JsonSerializable(typeof(IReadOnlyList<EmbedSecretJson>))]
[JsonSerializable(typeof(IReadOnlyList<TreeNodeJson>))]
[JsonSerializable(typeof(IReadOnlyList<FoundJson>))]
[JsonSerializable(typeof(StatsJson))]
[JsonSerializable(typeof(ValidateJson))]
[JsonSerializable(typeof(ImportReportJson))]
[JsonSerializable(typeof(string))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>The tool's JSON options and context, made once.</summary>
internal static class CliJson
{
    /// <summary>The context: snake_case names, non-ASCII text written as itself, deep trees allowed.</summary>
    public static CliJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 1024,
    });
}
