using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Explo.Domain;

namespace Explo.Cli;

/// <summary>One row read from an import file: its line, and the request or the reason it can't be one.</summary>
/// <param name="Line">The 1-based line where the row starts (NDJSON, CSV), or its position in a JSON array.</param>
/// <param name="Request">The request, or null when the row can't be read.</param>
/// <param name="Error">Why the row can't be read (names the field).</param>
internal sealed record FileRow(int Line, CreateCustomerRequest? Request, string? Error);

/// <summary>
/// Reads and writes customers as JSON (an array of the API's request shape), NDJSON (one object per line) or CSV
/// (a header row; <c>properties.KEY</c> and <c>mapping.SCHEMA</c> columns; property values, e-mails and tags as JSON).
/// Writing then reading gives back the same customers exactly.
/// </summary>
internal static class CustomerFiles
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string FormatOf(string path, string? format) =>
        (format ?? Path.GetExtension(path).TrimStart('.')).ToLowerInvariant() switch
        {
            "json" => "json",
            "ndjson" or "jsonl" => "ndjson",
            "csv" => "csv",
            var other => throw new UsageException($"Unknown format '{other}'; use json, ndjson or csv (or a file ending in one of them)."),
        };

    /// <summary>Reads the rows of a file's UTF-8 content (a byte order mark is skipped).</summary>
    public static List<FileRow> Read(byte[] utf8, string format)
    {
        var content = new ReadOnlyMemory<byte>(utf8);
        if (content.Span.StartsWith(Encoding.UTF8.Preamble))
        {
            content = content[Encoding.UTF8.Preamble.Length..];
        }

        return format switch
        {
            "json" => ReadJson(content),
            "ndjson" => ReadNdjson(content),
            _ => ReadCsv(Encoding.UTF8.GetString(content.Span)),
        };
    }

    private static List<FileRow> ReadJson(ReadOnlyMemory<byte> utf8)
    {
        var rows = new List<FileRow>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            rows.Add(new FileRow((int)(e.LineNumber ?? 0) + 1, null, "the file is not valid JSON"));
            return rows;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                rows.Add(new FileRow(1, null, "a JSON import file must be an array of customer objects"));
                return rows;
            }

            // JSON elements carry no line numbers: a row of a JSON array is reported by its position (from 1).
            // Rows are independent: read them on every core, in the file's order.
            var items = document.RootElement.EnumerateArray().ToArray();
            var parsed = new FileRow[items.Length];
            Parallel.For(0, items.Length, i => parsed[i] = FromObject(items[i], i + 1));
            rows.AddRange(parsed);
        }

        return rows;
    }

    private static List<FileRow> ReadNdjson(ReadOnlyMemory<byte> utf8)
    {
        // Find the lines (parsed straight from the file's bytes), then parse them on every core in the file's order.
        var lines = new List<(int Start, int Length)>();
        var span = utf8.Span;
        for (var start = 0; start <= span.Length;)
        {
            var end = span[start..].IndexOf((byte)'\n');
            var length = end < 0 ? span.Length - start : end;
            lines.Add((start, length));
            start += length + 1;
        }

        var parsed = new FileRow?[lines.Count];
        Parallel.For(0, lines.Count, i =>
        {
            var line = utf8.Slice(lines[i].Start, lines[i].Length);
            var trimmed = line.Span.Trim(" \t\r"u8);
            if (trimmed.IsEmpty)
            {
                return;
            }

            try
            {
                using var document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 256 });
                parsed[i] = FromObject(document.RootElement, i + 1);
            }
            catch (JsonException)
            {
                parsed[i] = new FileRow(i + 1, null, "the line is not valid JSON");
            }
        });

        return parsed.OfType<FileRow>().ToList();
    }

    private static FileRow FromObject(JsonElement item, int line)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return new FileRow(line, null, "a row must be a JSON object");
        }

        string? Str(string name, out string? error)
        {
            error = null;
            if (!item.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                error = $"{name} must be a string";
                return null;
            }

            return v.GetString();
        }

        var id = Str("provided_id", out var e1);
        var name = Str("name", out var e2);
        var level = Str("hierarchy_level_name", out var e3);
        var parent = Str("parent_provided_id", out var e4);
        var error = e1 ?? e2 ?? e3 ?? e4;
        List<string>? emails = null, tags = null;
        OrderedMap<JsonElement>? properties = null;
        OrderedMap<string>? mapping = null;
        bool? demo = null;
        if (item.TryGetProperty("emails", out var em) && em.ValueKind != JsonValueKind.Null)
        {
            emails = Strings(em, "emails", ref error);
        }

        if (item.TryGetProperty("group_tags", out var gt) && gt.ValueKind != JsonValueKind.Null)
        {
            tags = Strings(gt, "group_tags", ref error);
        }

        if (item.TryGetProperty("properties", out var pr) && pr.ValueKind != JsonValueKind.Null)
        {
            if (pr.ValueKind == JsonValueKind.Object)
            {
                properties = PropertyMap.FromJsonObject(pr);
            }
            else
            {
                error ??= "properties must be a JSON object";
            }
        }

        var mappingField = item.TryGetProperty("mapping", out var mp) ? mp : item.TryGetProperty("parent_schema_datasource_mapping", out var psm) ? psm : default;
        if (mappingField.ValueKind == JsonValueKind.Object)
        {
            mapping = OrderedMap<string>.From(mappingField.EnumerateObject().Select(m => KeyValuePair.Create(m.Name, m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText())));
        }
        else if (mappingField.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            error ??= "mapping must be a JSON object";
        }

        if (item.TryGetProperty("is_demo_group", out var d) && d.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            demo = d.GetBoolean();
        }

        if (error is not null)
        {
            return new FileRow(line, null, error);
        }

        return new FileRow(line, new CreateCustomerRequest(id ?? string.Empty)
        {
            Name = name,
            Emails = emails,
            GroupTags = tags,
            Properties = properties,
            Mapping = mapping,
            IsDemoGroup = demo,
            HierarchyLevelName = level,
            ParentProvidedId = parent,
        }, null);
    }

    private static List<string>? Strings(JsonElement array, string field, ref string? error)
    {
        if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
        {
            error ??= $"{field} must be an array of strings";
            return null;
        }

        return array.EnumerateArray().Select(i => i.GetString()!).ToList();
    }

    // ---- CSV ----

    private const string PropertiesPrefix = "properties.";
    private const string MappingPrefix = "mapping.";

    private static List<FileRow> ReadCsv(string text)
    {
        var records = Csv.Parse(text);
        var rows = new List<FileRow>();
        if (records.Count == 0)
        {
            return rows;
        }

        var header = records[0].Fields;
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }

            string? error = fields.Count != header.Count ? $"the row has {fields.Count} fields, the header {header.Count}" : null;
            string? Cell(string column) => header.IndexOf(column) is var i and >= 0 && i < fields.Count && fields[i].Length > 0 ? fields[i] : null;
            var properties = new List<KeyValuePair<string, JsonElement>>();
            var mapping = new List<KeyValuePair<string, string>>();
            for (var i = 0; i < header.Count && i < fields.Count; i++)
            {
                if (fields[i].Length == 0)
                {
                    continue;
                }

                if (header[i].StartsWith(PropertiesPrefix, StringComparison.Ordinal))
                {
                    properties.Add(KeyValuePair.Create(header[i][PropertiesPrefix.Length..], JsonOrString(fields[i])));
                }
                else if (header[i].StartsWith(MappingPrefix, StringComparison.Ordinal))
                {
                    mapping.Add(KeyValuePair.Create(header[i][MappingPrefix.Length..], fields[i]));
                }
            }

            List<string>? List(string column)
            {
                if (Cell(column) is not { } cell)
                {
                    return null;
                }

                try
                {
                    return JsonSerializer.Deserialize<List<string>>(cell) ?? [];
                }
                catch (JsonException)
                {
                    error ??= $"{column} must be a JSON array of strings, such as [\"a\",\"b\"]";
                    return null;
                }
            }

            var emails = List("emails");
            var tags = List("group_tags");
            bool? demo = Cell("is_demo_group") switch
            {
                null => null,
                "true" or "1" => true,
                "false" or "0" => false,
                _ => null,
            };
            if (Cell("is_demo_group") is { } rawDemo && demo is null)
            {
                error ??= $"is_demo_group must be true or false; it is '{rawDemo}'";
            }

            rows.Add(error is not null
                ? new FileRow(line, null, error)
                : new FileRow(line, new CreateCustomerRequest(Cell("provided_id") ?? string.Empty)
                {
                    Name = Cell("name"),
                    Emails = emails,
                    GroupTags = tags,
                    IsDemoGroup = demo,
                    HierarchyLevelName = Cell("hierarchy_level_name"),
                    ParentProvidedId = Cell("parent_provided_id"),
                    Properties = properties.Count == 0 ? null : OrderedMap<JsonElement>.From(properties),
                    Mapping = mapping.Count == 0 ? null : OrderedMap<string>.From(mapping),
                }, null));
        }

        return rows;
    }

    /// <summary>A cell's JSON value; text that is not JSON is taken as a string.</summary>
    private static JsonElement JsonOrString(string cell)
    {
        try
        {
            using var document = JsonDocument.Parse(cell, new JsonDocumentOptions { MaxDepth = 256 });
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(cell);
        }
    }

    // ---- writing ----

    public static void Write(TextWriter output, IReadOnlyList<CustomerView> customers, string format)
    {
        switch (format)
        {
            case "json":
                output.Write('[');
                for (var i = 0; i < customers.Count; i++)
                {
                    output.Write(i == 0 ? "\n" : ",\n");
                    output.Write(ToJson(customers[i]));
                }

                output.Write("\n]\n");
                break;
            case "ndjson":
                foreach (var customer in customers)
                {
                    output.Write(ToJson(customer));
                    output.Write('\n');
                }

                break;
            default:
                WriteCsv(output, customers);
                break;
        }
    }

    private static string ToJson(CustomerView c)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("provided_id", c.ProvidedId);
            w.WriteString("name", c.Name);
            w.WriteBoolean("is_demo_group", c.IsDemoGroup);
            WriteStrings(w, "emails", c.Emails);
            WriteStrings(w, "group_tags", c.GroupTags);
            w.WritePropertyName("properties");
            PropertyMap.WriteTo(w, c.Properties);
            w.WriteStartObject("mapping");
            foreach (var (schema, source) in c.Mapping.Entries)
            {
                w.WriteString(schema, source);
            }

            w.WriteEndObject();
            w.WriteString("hierarchy_level_name", c.HierarchyLevel);
            if (c.ParentProvidedId is null)
            {
                w.WriteNull("parent_provided_id");
            }
            else
            {
                w.WriteString("parent_provided_id", c.ParentProvidedId);
            }

            w.WriteString("access_group", c.AccessGroup);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void WriteCsv(TextWriter output, IReadOnlyList<CustomerView> customers)
    {
        var propertyKeys = customers.SelectMany(c => c.Properties.Keys).Distinct(StringComparer.Ordinal).ToList();
        var schemas = customers.SelectMany(c => c.Mapping.Keys).Distinct(StringComparer.Ordinal).ToList();
        string[] fixedColumns = ["provided_id", "name", "is_demo_group", "emails", "group_tags", "hierarchy_level_name", "parent_provided_id", "access_group"];
        var header = fixedColumns.Concat(propertyKeys.Select(k => PropertiesPrefix + k)).Concat(schemas.Select(s => MappingPrefix + s));
        output.Write(Csv.Line(header));
        foreach (var c in customers)
        {
            var cells = new List<string>
            {
                c.ProvidedId,
                c.Name,
                c.IsDemoGroup ? "true" : "false",
                c.Emails.Length == 0 ? string.Empty : JsonSerializer.Serialize(c.Emails.ToArray(), JsonOptions),
                c.GroupTags.Length == 0 ? string.Empty : JsonSerializer.Serialize(c.GroupTags.ToArray(), JsonOptions),
                c.HierarchyLevel,
                c.ParentProvidedId ?? string.Empty,
                c.AccessGroup,
            };
            cells.AddRange(propertyKeys.Select(k => c.Properties.TryGetValue(k, out var v) ? JsonText(v) : string.Empty));
            cells.AddRange(schemas.Select(s => c.Mapping.TryGetValue(s, out var v) ? v : string.Empty));
            output.Write(Csv.Line(cells));
        }
    }

    /// <summary>A JSON value as compact text (numbers keep their exact text).</summary>
    private static string JsonText(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            value.WriteTo(w);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>RFC 4180 CSV: fields separated by commas, quoted when they hold a comma, quote or line break; quotes doubled.</summary>
internal static class Csv
{
    public static string Line(IEnumerable<string> fields) =>
        string.Join(",", fields.Select(f => f.IndexOfAny([',', '"', '\n', '\r']) >= 0 || (f.Length > 0 && (f[0] == ' ' || f[^1] == ' ')) ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f)) + "\n";

    /// <summary>The records of a CSV text, each with the line it starts on.</summary>
    public static List<(int Line, List<string> Fields)> Parse(string text)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var start = 1;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add((start, fields));
                fields = [];
                line++;
                start = line;
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add((start, fields));
        }

        return records;
    }
}

/// <summary>A usage error: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
