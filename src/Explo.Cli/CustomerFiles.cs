using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Explo.Contracts;
using Explo.Domain;

namespace Explo.Cli;

/// <summary>One row read from an import file: its line, and the request or every reason it can't be one.</summary>
/// <param name="Line">The 1-based line where the row starts (NDJSON, CSV), or its position in a JSON array (from 1).</param>
/// <param name="Request">The request, or null when the row has violations.</param>
/// <param name="Violations">Every problem of the row, each naming its field (empty when the row could be read).</param>
internal sealed record FileRow(int Line, CreateCustomerRequest? Request, IReadOnlyList<Violation> Violations);

/// <summary>
/// Reads and writes customers as JSON (an array of the API's request shape), NDJSON (one object per line) or CSV
/// (a header row; <c>properties.KEY</c> and <c>mapping.SCHEMA</c> columns; property values, e-mails and tags as JSON).
/// Every row is read by the API's own reader (<see cref="BodyReader"/> into <see cref="CreateCustomerBody"/>), so a file
/// row is accepted or rejected exactly as the same object sent to <c>import_customers</c>; a CSV record is first turned
/// into that JSON object. Writing then reading gives back the same customers exactly.
/// </summary>
internal static class CustomerFiles
{
    /// <summary>The field a problem of the whole row is reported on.</summary>
    public const string RowField = "row";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = ExploJson.MaxDepth };

    public static string FormatOf(string path, string? format) =>
        (format ?? Path.GetExtension(path).TrimStart('.')).ToLowerInvariant() switch
        {
            "json" => "json",
            "ndjson" or "jsonl" => "ndjson",
            "csv" => "csv",
            var other => throw new UsageException($"Unknown format '{other}'; use json, ndjson or csv (or a file ending in one of them)."),
        };

    /// <summary>Reads the rows of a file's UTF-8 content (a byte order mark is skipped).</summary>
    /// <param name="utf8">The file's bytes.</param>
    /// <param name="format"><c>json</c>, <c>ndjson</c> or <c>csv</c>.</param>
    /// <returns>The rows, in the file's order.</returns>
    public static List<FileRow> Read(byte[] utf8, string format)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        var content = new ReadOnlyMemory<byte>(utf8);
        if (content.Span.StartsWith(Encoding.UTF8.Preamble))
        {
            content = content[Encoding.UTF8.Preamble.Length..];
        }

        return format switch
        {
            "json" => ReadJson(content),
            "ndjson" => ReadNdjson(content),
            "csv" => ReadCsv(Encoding.UTF8.GetString(content.Span)),
            _ => throw new ArgumentException($"Unknown format '{format}'.", nameof(format)),
        };
    }

    private static FileRow Rejected(int line, string code, string field, string message) => new(line, null, [new Violation(code, field, message)]);

    private static List<FileRow> ReadJson(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException e)
        {
            return [Rejected((int)(e.LineNumber ?? 0) + 1, ErrorCodes.MalformedJson, RowField, "the file is not valid JSON")];
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return [Rejected(1, ErrorCodes.InvalidType, RowField, $"a JSON import file must be an array of customer objects; it is {BodyReader.Describe(document.RootElement)}")];
            }

            // JSON elements carry no line numbers: a row of a JSON array is reported by its position (from 1).
            // Rows are independent: read them on every core, in the file's order.
            // Each row's own text goes through the row reader, so its text checks (a repeated key, a lone surrogate)
            // name the row's own fields, as import_customers does.
            var items = document.RootElement.EnumerateArray().ToArray();
            var parsed = new FileRow[items.Length];
            Parallel.For(0, items.Length, i => parsed[i] = FromText(JsonMarshal.GetRawUtf8Value(items[i]), i + 1));
            return [.. parsed];
        }
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
            if (line.Span.Trim(" \t\r"u8).IsEmpty)
            {
                return;
            }

            parsed[i] = FromText(line.Span, i + 1);
        });

        return parsed.OfType<FileRow>().ToList();
    }

    /// <summary>
    /// One row, read from its text exactly as <c>import_customers</c> reads each of its rows (<see cref="ContractRows"/>:
    /// the text's checks, then every field of the wrong type as a violation naming it); a row with no violation becomes
    /// the core's request, whose rules the service then checks.
    /// </summary>
    private static FileRow FromText(ReadOnlySpan<byte> row, int line)
    {
        var violations = new WireViolations();
        var body = ContractRows.Read(row, violations);
        if (violations.Count == 0 && body is not null)
        {
            return new FileRow(line, body.ToRequest(), []);
        }

        List<Violation> all = [.. violations.Kept];
        if (violations.More > 0)
        {
            all.Add(new Violation(ErrorCodes.InvalidType, RowField, $"{violations.More} more fields of the row have the wrong type"));
        }

        return new FileRow(line, null, all);
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

            if (fields.Count != header.Count)
            {
                rows.Add(Rejected(line, ErrorCodes.MalformedCsv, RowField, $"the row has {fields.Count} fields, the header {header.Count}"));
                continue;
            }

            rows.Add(FromText(CsvRecordAsJson(header, fields), line));
        }

        return rows;
    }

    /// <summary>
    /// A CSV record as the JSON object a client would send: text columns as strings, <c>is_demo_group</c> as a boolean or
    /// a whole number when it is one, <c>emails</c> and <c>group_tags</c> and <c>properties.KEY</c> as JSON when they are
    /// JSON, <c>mapping.SCHEMA</c> as strings; an empty cell is an absent field. Anything of the wrong kind stays what it
    /// is, so the body reader reports it as it would over HTTP.
    /// </summary>
    private static byte[] CsvRecordAsJson(List<string> header, List<string> fields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            for (var i = 0; i < header.Count; i++)
            {
                var cell = fields[i];
                if (cell.Length == 0)
                {
                    continue;
                }

                switch (header[i])
                {
                    case "provided_id" or "name" or "hierarchy_level_name" or "parent_provided_id":
                        w.WriteString(header[i], cell);
                        break;
                    case "is_demo_group":
                        w.WritePropertyName(header[i]);
                        if (cell is "true" or "false")
                        {
                            w.WriteBooleanValue(cell == "true");
                        }
                        else if (long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                        {
                            w.WriteNumberValue(number);
                        }
                        else
                        {
                            w.WriteStringValue(cell);
                        }

                        break;
                    case "emails" or "group_tags":
                        w.WritePropertyName(header[i]);
                        WriteJsonOrString(w, cell);
                        break;
                    default:
                        break;
                }
            }

            WriteColumns(w, "properties", PropertiesPrefix, header, fields, json: true);
            WriteColumns(w, "mapping", MappingPrefix, header, fields, json: false);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The non-empty <c>PREFIX.NAME</c> cells as one object (absent when there are none).</summary>
    private static void WriteColumns(Utf8JsonWriter w, string name, string prefix, List<string> header, List<string> fields, bool json)
    {
        var started = false;
        for (var i = 0; i < header.Count; i++)
        {
            if (fields[i].Length == 0 || !header[i].StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (!started)
            {
                w.WriteStartObject(name);
                started = true;
            }

            w.WritePropertyName(header[i][prefix.Length..]);
            if (json)
            {
                WriteJsonOrString(w, fields[i]);
            }
            else
            {
                w.WriteStringValue(fields[i]);
            }
        }

        if (started)
        {
            w.WriteEndObject();
        }
    }

    /// <summary>A cell's JSON value (numbers keep their exact text); text that is not JSON is written as a string.</summary>
    private static void WriteJsonOrString(Utf8JsonWriter w, string cell)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(cell, DocumentOptions);
        }
        catch (JsonException)
        {
            w.WriteStringValue(cell);
            return;
        }

        using (document)
        {
            document.RootElement.WriteTo(w);
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

    /// <summary>A customer as one line of JSON: the export row of the contract (the import row's fields, then the DVG).</summary>
    private static string ToJson(CustomerView c) => JsonSerializer.Serialize(ExportedCustomerBody.From(c), ExploJson.Context.ExportedCustomerBody);

    /// <summary>A list of strings as compact JSON text.</summary>
    private static string JsonText(IEnumerable<string> values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartArray();
            foreach (var value in values)
            {
                w.WriteStringValue(value);
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
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
                c.Emails.Length == 0 ? string.Empty : JsonText(c.Emails),
                c.GroupTags.Length == 0 ? string.Empty : JsonText(c.GroupTags),
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

