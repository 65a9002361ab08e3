using System.Globalization;
using System.Text.Json;
using Explo.Domain.Rules;
using Microsoft.AspNetCore.Http;

namespace Explo.Domain.Http;

/// <summary>
/// A request body read within the limits and parsed, plus typed field accessors that record a violation naming the
/// field for every wrong type, so one response lists every problem. Unknown fields are ignored.
/// </summary>
internal sealed class JsonIn
{
    /// <summary>Levels a request may wrap around a properties object: the body, the import's customers array, a row.</summary>
    public const int EnvelopeLevels = 3;

    private readonly List<Violation> _violations = [];

    private JsonIn(JsonElement root) => Root = root;

    public JsonElement Root { get; }

    public IReadOnlyList<Violation> Violations => _violations;

    /// <summary>An error response to send instead of handling the request.</summary>
    public sealed record Rejection(int Status, string Code, string Message);

    /// <summary>Reads and parses the body; a rejection names the problem (too large, empty, malformed, too deep, not an object).</summary>
    public static async Task<(JsonIn? Body, Rejection? Rejection)> Read(HttpContext context, ExploLimits limits)
    {
        var declared = context.Request.ContentLength;
        if (declared is { } length && length > limits.MaxRequestBodyBytes)
        {
            return (null, TooLarge(context, length, limits));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limits.MaxRequestBodyBytes)
                {
                    return (null, TooLarge(context, buffer.Length, limits));
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The host's own body limit stopped the read first.
            return (null, TooLarge(context, Math.Max(buffer.Length, limits.MaxRequestBodyBytes + 1L), limits));
        }

        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return (null, new Rejection(StatusCodes.Status400BadRequest, "empty_body", "The request body is empty; send a JSON object."));
        }

        int depth;
        try
        {
            depth = MaxDepth(bytes.Span);
        }
        catch (JsonException e)
        {
            return (null, Malformed(e));
        }

        // The envelope may wrap the deepest field (properties) in up to three levels (body, customers array, row), so a
        // too-deep properties value reaches the core's rule, which names the field; deeper bodies stop here.
        var envelope = limits with { MaxJsonDepth = limits.MaxJsonDepth + EnvelopeLevels };
        if (RuleSets.Request.Validate(new RequestEnvelope(bytes.Length, depth, envelope)) is { } tooDeep)
        {
            return (null, new Rejection(StatusCodes.Status400BadRequest, tooDeep.Code, tooDeep.Message));
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = envelope.MaxJsonDepth + 1 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, new Rejection(StatusCodes.Status400BadRequest, "invalid_body", $"The request body must be a JSON object; it is {Describe(document.RootElement)}."));
            }

            return (new JsonIn(document.RootElement.Clone()), null);
        }
        catch (JsonException e)
        {
            return (null, Malformed(e));
        }
    }

    /// <summary>The 413 rejection; the connection closes after it, as the rest of the body is never read.</summary>
    private static Rejection TooLarge(HttpContext context, long size, ExploLimits limits)
    {
        context.Response.Headers.Connection = "close";
        var violation = RuleSets.Request.Check(new RequestEnvelope(size, 0, limits))[0];
        return new Rejection(StatusCodes.Status413PayloadTooLarge, violation.Code, violation.Message);
    }

    private static Rejection Malformed(JsonException e) => new(
        StatusCodes.Status400BadRequest,
        "malformed_json",
        $"The request body is not valid JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}); check quotes, commas and brackets.");

    /// <summary>The deepest nesting in the text, found with a forward-only reader (fast even for pathological input).</summary>
    private static int MaxDepth(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = int.MaxValue / 2, CommentHandling = JsonCommentHandling.Disallow });
        var max = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                max = Math.Max(max, reader.CurrentDepth + 1);
            }
        }

        return max;
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    private bool TryGet(string field, out JsonElement value) =>
        Root.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;

    private void WrongType(string field, string expected, JsonElement got) =>
        _violations.Add(new Violation("invalid_type", field, $"{field} must be {expected}; it is {Describe(got)}."));

    /// <summary>A string field; null when absent or null.</summary>
    public string? String(string field)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            WrongType(field, "a string", value);
            return null;
        }

        return value.GetString();
    }

    /// <summary>A required string field: absent becomes "" so the core's rule names the field.</summary>
    public string RequiredString(string field) => String(field) ?? string.Empty;

    /// <summary>A string field where an explicit null means something (parent_provided_id: null detaches).</summary>
    public Optional<string?> NullableString(string field)
    {
        if (!Root.TryGetProperty(field, out var value))
        {
            return default;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return new Optional<string?>(null);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            WrongType(field, "a string or null", value);
            return default;
        }

        return new Optional<string?>(value.GetString());
    }

    /// <summary>A boolean field (also 0/1, as Explo's own flags).</summary>
    public bool? Bool(string field)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number when value.TryGetInt32(out var n) && n is 0 or 1:
                return n == 1;
            default:
                WrongType(field, "true or false", value);
                return null;
        }
    }

    /// <summary>A whole-number field.</summary>
    public long? Long(string field)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n))
        {
            WrongType(field, "a whole number", value);
            return null;
        }

        return n;
    }

    /// <summary>An array of strings.</summary>
    public IReadOnlyList<string>? StringArray(string field)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            WrongType(field, "an array of strings", value);
            return null;
        }

        var items = new List<string>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                items.Add(item.GetString()!);
            }
            else
            {
                WrongType($"{field}[{i}]", "a string", item);
            }

            i++;
        }

        return items;
    }

    /// <summary>A JSON object of arbitrary values (properties).</summary>
    public OrderedMap<JsonElement>? Object(string field)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(field, "a JSON object", value);
            return null;
        }

        return PropertyMap.FromJsonObject(value);
    }

    /// <summary>A schema-to-data-source mapping: an object of strings (numbers are taken as their text, as Explo's examples send them).</summary>
    public OrderedMap<string>? Mapping(string field)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(field, "a JSON object of schema id to data source id", value);
            return null;
        }

        var entries = new List<KeyValuePair<string, string>>();
        foreach (var member in value.EnumerateObject())
        {
            switch (member.Value.ValueKind)
            {
                case JsonValueKind.String:
                    entries.Add(KeyValuePair.Create(member.Name, member.Value.GetString()!));
                    break;
                case JsonValueKind.Number:
                    entries.Add(KeyValuePair.Create(member.Name, member.Value.GetRawText()));
                    break;
                default:
                    WrongType($"{field}.{member.Name}", "a data source id (a string)", member.Value);
                    break;
            }
        }

        return OrderedMap<string>.From(entries);
    }

    /// <summary>An array of objects (import rows).</summary>
    public IReadOnlyList<JsonIn>? Objects(string field)
    {
        if (!TryGet(field, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            if (Root.TryGetProperty(field, out var present) && present.ValueKind != JsonValueKind.Null)
            {
                WrongType(field, "an array of objects", present);
            }

            return null;
        }

        var rows = new List<JsonIn>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object)
            {
                rows.Add(new JsonIn(item));
            }
            else
            {
                WrongType($"{field}[{i}]", "an object", item);
            }

            i++;
        }

        return rows;
    }

    /// <summary>Records that a required field is missing or null.</summary>
    public void Require(string field, string expected)
    {
        if (!TryGet(field, out _) && !_violations.Any(v => v.Field == field))
        {
            _violations.Add(new Violation("invalid_type", field, $"{field} must be {expected}; it is missing."));
        }
    }

    /// <summary>Adds the violations of a nested reader under a prefix.</summary>
    public void Absorb(string prefix, JsonIn nested) =>
        _violations.AddRange(nested.Violations.Select(v => v with { Field = $"{prefix}.{v.Field}" }));

    /// <summary>A query-string integer (page, page_size), with a violation naming the parameter when it is not one.</summary>
    public static int? QueryInt(HttpContext context, List<Violation> violations, string code, params string[] names)
    {
        foreach (var name in names)
        {
            if (context.Request.Query.TryGetValue(name, out var raw) && raw.Count > 0)
            {
                if (int.TryParse(raw[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }

                violations.Add(new Violation(code, names[0], $"{names[0]} must be a whole number between 1 and 2147483647; got '{Shorten(raw[0] ?? string.Empty)}'."));
                return null;
            }
        }

        return null;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..37] + "...";
}
