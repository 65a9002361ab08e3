using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Explo.Contracts;
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
    /// <summary>An error response to send instead of handling the request; <paramref name="Violation"/> names the field when there is one.</summary>
    public sealed record Rejection(int Status, string Code, string Message, Violation? Violation = null)
    {
        /// <summary>A 400 for a problem of the text (<see cref="JsonText"/>), listing the field it names.</summary>
        public static Rejection Of(Violation violation) =>
            new(StatusCodes.Status400BadRequest, violation.Code, violation.Message, violation.Field == "body" ? null : violation);
    }

    /// <summary>
    /// Reads and parses the body; a rejection names the problem (too large, cut off, too slow, another charset, empty,
    /// not UTF-8, malformed, too deep, a duplicate key, not an object).
    /// </summary>
    public static async ValueTask<(JsonElement Body, Rejection? Rejection)> Read(HttpContext context, ExploLimits limits)
    {
        if (UnsupportedCharset(context) is { } charset)
        {
            return (default, new Rejection(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedCharset, $"The request body must be UTF-8 JSON; the Content-Type names charset '{Shorten(charset)}'. Send it as UTF-8 (or name no charset)."));
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
                ? new Rejection(StatusCodes.Status408RequestTimeout, ErrorCodes.RequestTimeout, $"The request body arrived too slowly ({seen} bytes read); send it at once.")
                : new Rejection(StatusCodes.Status400BadRequest, ErrorCodes.IncompleteBody, $"The request body ended early ({seen} bytes read, fewer than announced); send the whole body."));
        }
    }

    /// <summary>Checks and parses a whole body (the checks of <see cref="Read"/> after the reading).</summary>
    private static (JsonElement Body, Rejection? Rejection) Parse(ReadOnlySpan<byte> bytes, ExploLimits limits)
    {
        if (bytes.Trim(" \t\r\n"u8).IsEmpty)
        {
            return (default, new Rejection(StatusCodes.Status400BadRequest, ErrorCodes.EmptyBody, "The request body is empty; send a JSON object."));
        }

        if (JsonText.InvalidUtf8(bytes) is { } notUtf8)
        {
            return (default, Rejection.Of(notUtf8));
        }

        // The envelope may wrap the deepest field (properties) in a few levels (body, customers array, row, and one
        // more), so a too-deep properties value reaches the core's rule, which names the field; deeper bodies stop here.
        var envelope = limits with { MaxJsonDepth = limits.MaxJsonDepth + JsonText.EnvelopeLevels };
        int depth;
        try
        {
            var (maxDepth, problem) = JsonText.Scan(bytes, envelope.MaxJsonDepth);
            if (problem is not null)
            {
                return (default, Rejection.Of(problem));
            }

            depth = maxDepth;
        }
        catch (JsonException e)
        {
            return (default, Rejection.Of(JsonText.Malformed(e)));
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
                return (default, new Rejection(StatusCodes.Status400BadRequest, ErrorCodes.InvalidBody, $"The request body must be a JSON object; it is {Explo.Contracts.BodyReader.Describe(root)}."));
            }

            return (root, null);
        }
        catch (JsonException e)
        {
            return (default, Rejection.Of(JsonText.Malformed(e)));
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

    /// <summary>The 413 rejection; the connection closes after it, as the rest of the body is never read.</summary>
    private static Rejection TooLarge(HttpContext context, long size, ExploLimits limits)
    {
        context.Response.Headers.Connection = "close";
        var violation = RuleSets.Request.Check(new RequestEnvelope(size, 0, limits))[0];
        return new Rejection(StatusCodes.Status413PayloadTooLarge, violation.Code, violation.Message);
    }

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
