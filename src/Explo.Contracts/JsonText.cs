using System.Text;
using System.Text.Json;
using Explo.Domain;
using Explo.Domain.Rules;

namespace Explo.Contracts;

/// <summary>
/// The checks of JSON text that a parser lets through: bytes that are not UTF-8, escaped lone surrogates (not Unicode
/// text), a key repeated in one object (which a reader would resolve silently, one way or another), and nesting deeper
/// than a bound. Every reader of the API's JSON text runs them (the HTTP adapter on a body, the command-line tool on each
/// row of a file), so the same text is refused the same way everywhere.
/// </summary>
public static class JsonText
{
    /// <summary>
    /// Levels a request may wrap around its deepest field beyond <see cref="ExploLimits.MaxJsonDepth"/> before its text
    /// is refused as too deep (<c>json_too_deep</c>): the body, the import's <c>customers</c> array, a row, and one level
    /// more, so properties one level over their own limit reach the core's rule, which names the property.
    /// </summary>
    public const int EnvelopeLevels = 4;

    /// <summary>The problem with text that is not valid UTF-8 (<c>invalid_utf8</c>, naming the line and byte); null for valid UTF-8.</summary>
    /// <param name="utf8">The text.</param>
    /// <returns>The violation, or null.</returns>
    public static Violation? InvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return null;
        }

        var offset = 0;
        var chars = new char[4096];
        while (offset < utf8.Length)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(utf8[offset..], chars, out var read, out _, replaceInvalidSequences: false, isFinalBlock: true);
            offset += read;
            if (status == System.Buffers.OperationStatus.InvalidData)
            {
                break;
            }
        }

        var (line, column) = Position(utf8, offset);
        return new Violation(ErrorCodes.InvalidUtf8, "body", $"The text is not valid UTF-8 at line {line}, byte {column} (byte 0x{utf8[Math.Min(offset, utf8.Length - 1)]:x2}); send JSON text encoded as UTF-8.");
    }

    /// <summary>
    /// One forward-only pass over the text: the deepest nesting (stopping once past <paramref name="maxDepth"/>), a key
    /// repeated in any object (<c>duplicate_key</c>, named by its path), and escaped strings that are not valid UTF-16
    /// (<c>invalid_utf8</c>, a lone surrogate such as <c>\ud800</c>).
    /// </summary>
    /// <param name="utf8">The text (valid UTF-8).</param>
    /// <param name="maxDepth">The depth past which the scan stops.</param>
    /// <param name="prefix">Put before every path (a row's position in a file).</param>
    /// <returns>The deepest nesting seen, and the first problem.</returns>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static (int Depth, Violation? Problem) Scan(ReadOnlySpan<byte> utf8, int maxDepth, string prefix = "")
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = int.MaxValue / 2, CommentHandling = JsonCommentHandling.Disallow });
        var frames = new List<Frame>();
        var max = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    max = Math.Max(max, reader.CurrentDepth + 1);
                    if (max > maxDepth)
                    {
                        return (max, null);
                    }

                    frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    Advance(frames);
                    break;
                case JsonTokenType.PropertyName:
                    if (!TryText(ref reader, out var key))
                    {
                        return (max, LoneSurrogate(utf8, reader, prefix, frames));
                    }

                    var frame = frames[^1];
                    frame.Key = key;
                    if (!frame.Keys!.Add(key))
                    {
                        var path = PathOf(prefix, frames);
                        return (max, new Violation(ErrorCodes.DuplicateKey, path, $"The key {Quote(key)} appears twice in the same object at {path}; every key of a JSON object must be unique."));
                    }

                    break;
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped && !TryText(ref reader, out _))
                    {
                        return (max, LoneSurrogate(utf8, reader, prefix, frames));
                    }

                    Advance(frames);
                    break;
                default:
                    Advance(frames);
                    break;
            }
        }

        return (max, null);
    }

    /// <summary>The problem with text that is not JSON (<c>malformed_json</c>, naming the line and byte).</summary>
    /// <param name="error">The parser's error.</param>
    /// <param name="field">The field to name.</param>
    /// <returns>The violation.</returns>
    public static Violation Malformed(JsonException error, string field = "body")
    {
        ArgumentNullException.ThrowIfNull(error);
        return new Violation(ErrorCodes.MalformedJson, field, $"The text is not valid JSON (line {(error.LineNumber ?? 0) + 1}, byte {(error.BytePositionInLine ?? 0) + 1}); check quotes, commas and brackets.");
    }

    private static bool TryText(ref Utf8JsonReader reader, out string text)
    {
        try
        {
            text = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            // The text escapes a surrogate that has no partner (\ud800 alone): not a Unicode string.
            text = string.Empty;
            return false;
        }
    }

    private static Violation LoneSurrogate(ReadOnlySpan<byte> utf8, Utf8JsonReader reader, string prefix, List<Frame> frames)
    {
        var (line, column) = Position(utf8, (int)reader.TokenStartIndex);
        var path = PathOf(prefix, frames);
        return new Violation(ErrorCodes.InvalidUtf8, path, $"The string at {path} (line {line}, byte {column}) escapes a lone surrogate (such as \\ud800 without its partner), which is not Unicode text; send valid UTF-16 escapes.");
    }

    private static (long Line, long Column) Position(ReadOnlySpan<byte> utf8, int offset)
    {
        var before = utf8[..Math.Min(offset, utf8.Length)];
        var lastNewline = before.LastIndexOf((byte)'\n');
        return (before.Count((byte)'\n') + 1, offset - lastNewline);
    }

    /// <summary>Where the reader is: an object with its keys so far, or an array with its index.</summary>
    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public HashSet<string>? Keys { get; } = isArray ? null : new HashSet<string>(StringComparer.Ordinal);

        public string? Key { get; set; }

        public int Index { get; set; }
    }

    /// <summary>A value ended: in an array, the next value has the next index.</summary>
    private static void Advance(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray)
        {
            frames[^1].Index++;
        }
    }

    /// <summary>The path of the current position, as fields are named in errors: <c>customers[3].properties.region</c>.</summary>
    private static string PathOf(string prefix, List<Frame> frames)
    {
        var path = new StringBuilder(prefix.TrimEnd('.'));
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                path.Append('[').Append(frame.Index).Append(']');
            }
            else if (frame.Key is not null)
            {
                path.Append(path.Length == 0 ? string.Empty : ".").Append(frame.Key);
            }
        }

        return path.Length == 0 ? "body" : path.ToString();
    }

    private static string Quote(string value) => $"'{(value.Length <= 40 ? value : value[..37] + "...")}'";
}

/// <summary>
/// Reads one customer row from its JSON text, as the command-line tool reads each row of an import file and a client
/// reads a row it is given: the text's checks (<see cref="JsonText"/>), then the fields (<see cref="BodyReader"/>).
/// </summary>
public static class ContractRows
{
    /// <summary>Reads a row; every problem goes to <paramref name="violations"/>.</summary>
    /// <param name="utf8">The row's JSON text (one object).</param>
    /// <param name="violations">Where problems are recorded.</param>
    /// <param name="limits">The limits (the depth past which the text is refused); the defaults when null.</param>
    /// <returns>The row as far as it could be read; null when the text can't be read as an object at all.</returns>
    public static CreateCustomerBody? Read(ReadOnlySpan<byte> utf8, WireViolations violations, ExploLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var maxDepth = (limits ?? ExploLimits.Default).MaxJsonDepth + JsonText.EnvelopeLevels;
        if (JsonText.InvalidUtf8(utf8) is { } notUtf8)
        {
            violations.Add(notUtf8 with { Field = "row" });
            return null;
        }

        try
        {
            var (depth, problem) = JsonText.Scan(utf8, maxDepth);
            if (problem is not null)
            {
                violations.Add(problem);
                return null;
            }

            if (depth > maxDepth)
            {
                violations.Add(new Violation(RuleCodes.JsonTooDeep, "row", $"The row's JSON is nested more than {maxDepth} levels deep; properties may be nested at most {maxDepth - JsonText.EnvelopeLevels} levels."));
                return null;
            }

            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
            using var document = JsonDocument.ParseValue(ref reader);
            return Read(document.RootElement, violations);
        }
        catch (JsonException e)
        {
            violations.Add(JsonText.Malformed(e, "row"));
            return null;
        }
    }

    /// <summary>Reads a row that is already parsed (its text checked by the caller); every problem goes to <paramref name="violations"/>.</summary>
    /// <param name="row">The row.</param>
    /// <param name="violations">Where problems are recorded.</param>
    /// <returns>The row as far as it could be read; null when it is not a JSON object.</returns>
    public static CreateCustomerBody? Read(JsonElement row, WireViolations violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (row.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new Violation(ErrorCodes.InvalidType, "row", $"A row must be a JSON object; it is {BodyReader.Describe(row)}."));
            return null;
        }

        return BodyReader.Read(row, ExploJson.Context.CreateCustomerBody, violations);
    }
}
