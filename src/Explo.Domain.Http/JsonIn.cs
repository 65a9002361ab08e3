using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Explo.Domain.Rules;
using Microsoft.AspNetCore.Http;

namespace Explo.Domain.Http;

/// <summary>
/// The hardening layer under the contract: reads a request body within the limits and checks it is one well-formed
/// JSON object of UTF-8 text (no duplicate key, no lone surrogate, not too deep) before any field is looked at. The
/// fields themselves are read by the contract's <see cref="Explo.Contracts.BodyReader"/>.
/// </summary>
internal static class JsonIn
{
    /// <summary>Levels a request may wrap around a properties object: the body, the import's customers array, a row.</summary>
    public const int EnvelopeLevels = 3;

    /// <summary>An error response to send instead of handling the request.</summary>
    public sealed record Rejection(int Status, string Code, string Message);

    /// <summary>
    /// Reads and parses the body; a rejection names the problem (too large, cut off, too slow, another charset, empty,
    /// not UTF-8, malformed, too deep, a duplicate key, not an object).
    /// </summary>
    public static async ValueTask<(JsonElement Body, Rejection? Rejection)> Read(HttpContext context, ExploLimits limits)
    {
        if (UnsupportedCharset(context) is { } charset)
        {
            return (default, new Rejection(StatusCodes.Status415UnsupportedMediaType, "unsupported_charset", $"The request body must be UTF-8 JSON; the Content-Type names charset '{Shorten(charset)}'. Send it as UTF-8 (or name no charset)."));
        }

        var declared = context.Request.ContentLength;
        if (declared is { } length && length > limits.MaxRequestBodyBytes)
        {
            return (default, TooLarge(context, length, limits));
        }

        var (buffer, read, problem) = await ReadBytes(context, limits);
        if (problem is not null)
        {
            return (default, problem);
        }

        try
        {
            return Parse(buffer.AsSpan(0, read), limits);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads the whole body from the connection's pipe into a pooled array (the caller returns it), stopping at the
    /// limit; a rejection when it is over the limit, cut off or too slow.
    /// </summary>
    private static async ValueTask<(byte[] Buffer, int Length, Rejection? Problem)> ReadBytes(HttpContext context, ExploLimits limits)
    {
        var reader = context.Request.BodyReader;
        long seen = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted);
                var body = result.Buffer;
                seen = body.Length;
                if (seen > limits.MaxRequestBodyBytes)
                {
                    reader.AdvanceTo(body.End);
                    return ([], 0, TooLarge(context, seen, limits));
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    // Copied before the pipe is told it is consumed: its segments are recycled then.
                    var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, seen));
                    body.CopyTo(buffer);
                    reader.AdvanceTo(body.End);
                    return (buffer, (int)seen, null);
                }

                // Nothing consumed yet: wait for more.
                reader.AdvanceTo(body.Start, body.End);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The host's own body limit stopped the read first.
            return ([], 0, TooLarge(context, Math.Max(seen, limits.MaxRequestBodyBytes + 1L), limits));
        }
        catch (BadHttpRequestException e)
        {
            // The client's fault: the body was cut off (400) or arrived too slowly (408). Nothing more will be read.
            context.Response.Headers.Connection = "close";
            return ([], 0, e.StatusCode == StatusCodes.Status408RequestTimeout
                ? new Rejection(StatusCodes.Status408RequestTimeout, "request_timeout", $"The request body arrived too slowly ({seen} bytes read); send it at once.")
                : new Rejection(StatusCodes.Status400BadRequest, "incomplete_body", $"The request body ended early ({seen} bytes read, fewer than announced); send the whole body."));
        }
    }

    /// <summary>Checks and parses a whole body (the checks of <see cref="Read"/> after the reading).</summary>
    private static (JsonElement Body, Rejection? Rejection) Parse(ReadOnlySpan<byte> bytes, ExploLimits limits)
    {
        if (bytes.Trim(" \t\r\n"u8).IsEmpty)
        {
            return (default, new Rejection(StatusCodes.Status400BadRequest, "empty_body", "The request body is empty; send a JSON object."));
        }

        if (InvalidUtf8(bytes) is { } notUtf8)
        {
            return (default, notUtf8);
        }

        // The envelope may wrap the deepest field (properties) in up to three levels (body, customers array, row), so a
        // too-deep properties value reaches the core's rule, which names the field; deeper bodies stop here.
        var envelope = limits with { MaxJsonDepth = limits.MaxJsonDepth + EnvelopeLevels };
        int depth;
        try
        {
            var (maxDepth, problem) = Scan(bytes, envelope.MaxJsonDepth);
            if (problem is not null)
            {
                return (default, problem);
            }

            depth = maxDepth;
        }
        catch (JsonException e)
        {
            return (default, Malformed(e));
        }

        if (RuleSets.Request.Validate(new RequestEnvelope(bytes.Length, depth, envelope)) is { } tooDeep)
        {
            return (default, new Rejection(StatusCodes.Status400BadRequest, tooDeep.Code, tooDeep.Message));
        }

        try
        {
            // One parse into a document of its own (not pooled): the request's values (properties) keep pointing into it.
            var json = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = envelope.MaxJsonDepth + 1 });
            var root = JsonElement.ParseValue(ref json);
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (default, new Rejection(StatusCodes.Status400BadRequest, "invalid_body", $"The request body must be a JSON object; it is {Explo.Contracts.BodyReader.Describe(root)}."));
            }

            return (root, null);
        }
        catch (JsonException e)
        {
            return (default, Malformed(e));
        }
    }

    /// <summary>The charset a Content-Type names when it is not UTF-8; null for UTF-8 or none.</summary>
    private static string? UnsupportedCharset(HttpContext context)
    {
        if (context.Request.ContentType is not { Length: > 0 } contentType
            || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            || media.Charset is not { Length: > 0 } charset)
        {
            return null;
        }

        var name = charset.ToString().Trim('"');
        return name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase) ? null : name;
    }

    /// <summary>
    /// The 400 for a body that is not UTF-8 (an invalid byte, an overlong form, an encoded surrogate as in CESU-8, a
    /// truncated sequence), naming where; null for valid UTF-8.
    /// </summary>
    private static Rejection? InvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return null;
        }

        var offset = 0;
        var chars = new char[4096];
        while (offset < bytes.Length)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(bytes[offset..], chars, out var read, out _, replaceInvalidSequences: false, isFinalBlock: true);
            if (status == System.Buffers.OperationStatus.InvalidData)
            {
                offset += read;
                break;
            }

            offset += read;
        }

        var (line, column) = Position(bytes, offset);
        return new Rejection(StatusCodes.Status400BadRequest, "invalid_utf8", $"The request body is not valid UTF-8 at line {line}, byte {column} (byte 0x{bytes[Math.Min(offset, bytes.Length - 1)]:x2}); send JSON text encoded as UTF-8.");
    }

    private static (long Line, long Column) Position(ReadOnlySpan<byte> bytes, int offset)
    {
        var before = bytes[..Math.Min(offset, bytes.Length)];
        var lastNewline = before.LastIndexOf((byte)'\n');
        return (before.Count((byte)'\n') + 1, offset - lastNewline);
    }

    /// <summary>
    /// One forward-only pass over the text: the deepest nesting (stopping once past <paramref name="maxDepth"/>), a key
    /// repeated in any object (named by its path), and escaped strings that are not valid UTF-16 (a lone surrogate
    /// such as <c>\ud800</c>). Throws <see cref="JsonException"/> for malformed JSON.
    /// </summary>
    private static (int Depth, Rejection? Problem) Scan(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = int.MaxValue / 2, CommentHandling = JsonCommentHandling.Disallow });
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

                    Enter(frames, reader.TokenType == JsonTokenType.StartArray);
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    Advance(frames);
                    break;
                case JsonTokenType.PropertyName:
                    if (!TryText(ref reader, out var key))
                    {
                        return (max, LoneSurrogate(json, reader, PathOf(frames)));
                    }

                    var frame = frames[^1];
                    frame.Key = key;
                    if (!frame.Keys!.Add(key))
                    {
                        return (max, new Rejection(StatusCodes.Status400BadRequest, "duplicate_key", $"The key {Quote(key)} appears twice in the same object at {PathOf(frames)}; every key of a JSON object must be unique."));
                    }

                    break;
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped && !TryText(ref reader, out _))
                    {
                        return (max, LoneSurrogate(json, reader, PathOf(frames)));
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

    private static Rejection LoneSurrogate(ReadOnlySpan<byte> json, Utf8JsonReader reader, string path)
    {
        var (line, column) = Position(json, (int)reader.TokenStartIndex);
        return new Rejection(StatusCodes.Status400BadRequest, "invalid_utf8", $"The string at {path} (line {line}, byte {column}) escapes a lone surrogate (such as \\ud800 without its partner), which is not Unicode text; send valid UTF-16 escapes.");
    }

    /// <summary>Where the reader is, for messages: an object with its keys so far, or an array with its index.</summary>
    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public HashSet<string>? Keys { get; } = isArray ? null : new HashSet<string>(StringComparer.Ordinal);

        public string? Key { get; set; }

        public int Index { get; set; }
    }

    private static void Enter(List<Frame> frames, bool isArray) => frames.Add(new Frame(isArray));

    /// <summary>A value ended: in an array, the next value has the next index.</summary>
    private static void Advance(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray)
        {
            frames[^1].Index++;
        }
    }

    /// <summary>The path of the current position, as fields are named in errors: <c>customers[3].properties.region</c>.</summary>
    private static string PathOf(List<Frame> frames)
    {
        var path = new StringBuilder();
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

        return path.Length == 0 ? "the top level" : path.ToString();
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

    private static string Quote(string value) => $"'{Shorten(value)}'";

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..37] + "...";
}
