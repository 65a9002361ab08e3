using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Explo.Domain.Http;

/// <summary>Writes the API's JSON shapes exactly (snake_case, maps in their stored order).</summary>
internal static class JsonOut
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task Write(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    public static Task Success(HttpContext context, Action<Utf8JsonWriter>? body = null) => Write(context, StatusCodes.Status200OK, w =>
    {
        w.WriteNumber("success", 1);
        body?.Invoke(w);
    });

    /// <summary>
    /// Writes a success body straight to the response as it is produced: <paramref name="body"/> calls the flush
    /// function between items, which hands what is written so far to the connection once it passes
    /// <see cref="FlushThreshold"/> bytes and waits while the client is slow to read (back-pressure), so a response of
    /// any size holds about one item in memory.
    /// </summary>
    public static async Task Stream(HttpContext context, Func<Utf8JsonWriter, Func<ValueTask>, Task> body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        var pipe = context.Response.BodyWriter;
        var writer = new Utf8JsonWriter(pipe, Options);
        await using (writer.ConfigureAwait(false))
        {
            var flushed = 0L;
            async ValueTask Flush()
            {
                writer.Flush();
                if (writer.BytesCommitted - flushed >= FlushThreshold)
                {
                    flushed = writer.BytesCommitted;
                    await pipe.FlushAsync(context.RequestAborted);
                }
            }

            writer.WriteStartObject();
            writer.WriteNumber("success", 1);
            await body(writer, Flush);
            writer.WriteEndObject();
            writer.Flush();
        }

        await pipe.FlushAsync(context.RequestAborted);
    }

    /// <summary>Bytes a streamed response gathers before it hands them to the connection.</summary>
    public const int FlushThreshold = 32 * 1024;

    public static Task Error(HttpContext context, int status, string code, string message, IReadOnlyList<Violation>? violations = null, long moreViolations = 0) => Write(context, status, w =>
    {
        w.WriteNumber("success", 0);
        ErrorFields(w, code, message, violations, moreViolations);
    });

    /// <summary>
    /// The error fields of a failure: <c>error</c>, <c>error_code</c> and, for a validation failure, <c>errors</c>
    /// (at most <see cref="JsonIn.MaxListedViolations"/> entries) and <c>more_errors</c> (how many more there are).
    /// </summary>
    public static void FailureFields(Utf8JsonWriter w, Failure failure) =>
        ErrorFields(w, failure.Code, failure.Message, (failure as ValidationFailed)?.Violations, (failure as ValidationFailed)?.MoreViolations ?? 0);

    private static void ErrorFields(Utf8JsonWriter w, string code, string message, IReadOnlyList<Violation>? violations, long moreViolations)
    {
        w.WriteString("error", message);
        w.WriteString("error_code", code);
        if (violations is { Count: > 0 })
        {
            w.WriteStartArray("errors");
            foreach (var v in violations.Take(JsonIn.MaxListedViolations))
            {
                w.WriteStartObject();
                w.WriteString("field", v.Field);
                w.WriteString("error_code", v.Code);
                w.WriteString("error", v.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            var more = Math.Max(0, violations.Count - JsonIn.MaxListedViolations) + moreViolations;
            if (more > 0)
            {
                w.WriteNumber("more_errors", more);
            }
        }
    }

    public static Task Failure(HttpContext context, Failure failure) => failure switch
    {
        ValidationFailed v => Error(context, StatusCodes.Status400BadRequest, v.Code, v.Message, v.Violations, v.MoreViolations),
        NotFound f => Error(context, StatusCodes.Status404NotFound, f.Code, f.Message),
        Conflict f => Error(context, StatusCodes.Status409Conflict, f.Code, f.Message),
        Forbidden f => Error(context, StatusCodes.Status403Forbidden, f.Code, f.Message),
        Unauthorized f => Error(context, StatusCodes.Status401Unauthorized, f.Code, f.Message),
        _ => Error(context, StatusCodes.Status500InternalServerError, "internal_error", "The server failed to handle the request."),
    };

    public static void Customer(Utf8JsonWriter w, string name, CustomerView c)
    {
        w.WriteStartObject(name);
        CustomerFields(w, c);
        w.WriteEndObject();
    }

    public static void CustomerFields(Utf8JsonWriter w, CustomerView c)
    {
        w.WriteString("token", c.Token);
        w.WriteString("name", c.Name);
        w.WriteString("provided_id", c.ProvidedId);
        w.WriteBoolean("is_demo_group", c.IsDemoGroup);
        Strings(w, "emails", c.Emails);
        Strings(w, "group_tags", c.GroupTags);
        w.WritePropertyName("properties");
        PropertyMap.WriteTo(w, c.Properties);
        w.WritePropertyName("computed_properties");
        PropertyMap.WriteTo(w, c.ComputedProperties);
        w.WriteString("access_group", c.AccessGroup);
        Mapping(w, "parent_schema_datasource_mapping", c.Mapping);
        Mapping(w, "computed_parent_schema_datasource_mapping", c.ComputedMapping);
        w.WriteString("hierarchy_level", c.HierarchyLevel);
        if (c.ParentProvidedId is null)
        {
            w.WriteNull("parent_provided_id");
        }
        else
        {
            w.WriteString("parent_provided_id", c.ParentProvidedId);
        }

        Strings(w, "computed_group_tags", c.ComputedGroupTags);
        w.WriteNumber("id", c.Id.Value);
        w.WriteNumber("version", c.Version);
        w.WriteString("created_at", c.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        w.WriteString("updated_at", c.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
    }

    public static void UserGroup(Utf8JsonWriter w, UserGroupView g)
    {
        w.WriteStartObject("user_group");
        w.WriteNumber("team_id", g.TeamId);
        w.WriteString("token", g.Token);
        w.WriteString("name", g.Name);
        w.WriteString("provided_id", g.ProvidedId);
        w.WritePropertyName("properties");
        PropertyMap.WriteTo(w, g.Properties);
        w.WriteBoolean("is_demo_group", g.IsDemoGroup);
        w.WriteString("api_environment_tag", g.ApiEnvironmentTag);
        w.WriteEndObject();
    }

    public static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void Mapping(Utf8JsonWriter w, string name, OrderedMap<string> mapping)
    {
        w.WriteStartObject(name);
        foreach (var (schema, source) in mapping.Entries)
        {
            w.WriteString(schema, source);
        }

        w.WriteEndObject();
    }
}
