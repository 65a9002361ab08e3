using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Explo.Domain;

namespace Explo.Client;

/// <summary>Reads the API's JSON shapes into the core's values, and writes its request bodies.</summary>
internal static class Wire
{
    public static CustomerView Customer(JsonElement e) => new()
    {
        Id = new CustomerId(Long(e, "id")),
        ProvidedId = String(e, "provided_id") ?? string.Empty,
        Name = String(e, "name") ?? string.Empty,
        Token = String(e, "token") ?? string.Empty,
        IsDemoGroup = Bool(e, "is_demo_group"),
        Emails = Strings(e, "emails"),
        GroupTags = Strings(e, "group_tags"),
        Properties = Properties(e, "properties"),
        Mapping = Mapping(e, "parent_schema_datasource_mapping"),
        HierarchyLevel = String(e, "hierarchy_level") ?? string.Empty,
        AccessGroup = String(e, "access_group") ?? string.Empty,
        ParentProvidedId = String(e, "parent_provided_id"),
        ComputedProperties = Properties(e, "computed_properties"),
        ComputedMapping = Mapping(e, "computed_parent_schema_datasource_mapping"),
        ComputedGroupTags = Strings(e, "computed_group_tags"),
        CreatedAt = Time(e, "created_at"),
        UpdatedAt = Time(e, "updated_at"),
        Version = Long(e, "version"),
    };

    public static UserGroupView UserGroup(JsonElement e) => new()
    {
        TeamId = Long(e, "team_id"),
        Token = String(e, "token") ?? string.Empty,
        Name = String(e, "name") ?? string.Empty,
        ProvidedId = String(e, "provided_id") ?? string.Empty,
        Properties = Properties(e, "properties"),
        IsDemoGroup = Bool(e, "is_demo_group"),
        ApiEnvironmentTag = String(e, "api_environment_tag") ?? UserGroupView.CustomerEnvironmentTag,
    };

    public static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;

    public static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n == 1));

    public static ImmutableArray<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToImmutableArray()
            : [];

    private static OrderedMap<JsonElement> Properties(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? PropertyMap.FromJsonObject(v) : PropertyMap.Empty;

    private static OrderedMap<string> Mapping(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
            ? OrderedMap<string>.From(v.EnumerateObject().Select(m => KeyValuePair.Create(m.Name, m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText())))
            : OrderedMap<string>.Empty;

    private static DateTimeOffset Time(JsonElement e, string name) =>
        String(e, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) ? time : default;

    /// <summary>The failure an error body describes, by HTTP status; null for a status that has no result value.</summary>
    public static Failure? Failure(int status, JsonElement body)
    {
        var code = String(body, "error_code") ?? "unknown_error";
        var message = String(body, "error") ?? $"The server answered {status}.";
        return status switch
        {
            400 or 413 => Validation(body, code, message),
            401 => new Unauthorized(code, message),
            403 or 429 => new Forbidden(code, message),
            404 => new NotFound(code, message),
            409 => new Conflict(code, message),
            _ => null,
        };
    }

    /// <summary>A failure from an import row or an error body, by the failure's kind name.</summary>
    public static Failure RowFailure(JsonElement row)
    {
        var code = String(row, "error_code") ?? "unknown_error";
        var message = String(row, "error") ?? string.Empty;
        return String(row, "kind") switch
        {
            nameof(NotFound) => new NotFound(code, message),
            nameof(Conflict) => new Conflict(code, message),
            nameof(Forbidden) => new Forbidden(code, message),
            nameof(Unauthorized) => new Unauthorized(code, message),
            _ => Validation(row, code, message),
        };
    }

    private static ValidationFailed Validation(JsonElement body, string code, string message)
    {
        if (body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
        {
            // The server lists at most 100 violations and counts the rest in more_errors.
            var more = body.TryGetProperty("more_errors", out var count) && count.TryGetInt64(out var n) ? n : 0;
            return new ValidationFailed(errors.EnumerateArray()
                .Select(v => new Violation(String(v, "error_code") ?? code, String(v, "field") ?? string.Empty, String(v, "error") ?? message))
                .ToList()) { MoreViolations = more };
        }

        return new ValidationFailed(code, "body", message);
    }

    /// <summary>The fields customers and user groups share: name, mapping, is_demo_group, properties (each only when given).</summary>
    public static void WriteShared(Utf8JsonWriter w, string? name, OrderedMap<string>? mapping, bool? isDemoGroup, OrderedMap<JsonElement>? properties)
    {
        OptionalString(w, "name", name);
        OptionalMapping(w, "mapping", mapping);
        OptionalBool(w, "is_demo_group", isDemoGroup);
        OptionalProperties(w, "properties", properties);
    }

    public static void WriteCreate(Utf8JsonWriter w, CreateCustomerRequest r)
    {
        w.WriteString("provided_id", r.ProvidedId);
        WriteShared(w, r.Name, r.Mapping, r.IsDemoGroup, r.Properties);
        OptionalStrings(w, "emails", r.Emails);
        OptionalStrings(w, "group_tags", r.GroupTags);
        OptionalString(w, "hierarchy_level_name", r.HierarchyLevelName);
        OptionalString(w, "parent_provided_id", r.ParentProvidedId);
    }

    public static void OptionalString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    public static void OptionalBool(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } b)
        {
            w.WriteBoolean(name, b);
        }
    }

    public static void OptionalStrings(Utf8JsonWriter w, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    public static void OptionalProperties(Utf8JsonWriter w, string name, OrderedMap<JsonElement>? properties)
    {
        if (properties is not null)
        {
            w.WritePropertyName(name);
            PropertyMap.WriteTo(w, properties);
        }
    }

    public static void OptionalMapping(Utf8JsonWriter w, string name, OrderedMap<string>? mapping)
    {
        if (mapping is null)
        {
            return;
        }

        w.WriteStartObject(name);
        foreach (var (schema, source) in mapping.Entries)
        {
            w.WriteString(schema, source);
        }

        w.WriteEndObject();
    }
}
