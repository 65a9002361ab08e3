using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Explo.Domain.Http;

/// <summary>
/// Conditional writes at the HTTP edge: the <c>ETag</c> of an answer with one customer is its version
/// (<c>"7"</c>), and <c>If-Match</c> on a write that names one customer becomes the service's expected version.
/// </summary>
internal static class EntityTags
{
    /// <summary>The header a conditional write reads.</summary>
    public const string IfMatchHeader = "If-Match";

    /// <summary>The entity tag of a version: the version as a quoted decimal (a strong tag).</summary>
    public static string Of(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>Sets the answer's <c>ETag</c> to the customer's version.</summary>
    public static void Set(HttpContext context, long version) => context.Response.Headers.ETag = Of(version);

    /// <summary>
    /// The version <c>If-Match</c> requires: null when the header is absent or <c>*</c> (any current customer). A
    /// header that is not one strong tag of this API's form (<c>"7"</c>) is refused rather than never matching, so a
    /// client that sends a list, a weak tag or a foreign value learns so at once.
    /// </summary>
    public static (long? Version, ValidationFailed? Invalid) Required(HttpContext context)
    {
        var values = context.Request.Headers[HeaderNames.IfMatch];
        if (values.Count == 0)
        {
            return (null, null);
        }

        var text = values.Count == 1 ? values[0]!.Trim() : string.Join(',', values.ToArray());
        if (text == "*")
        {
            return (null, null);
        }

        if (text.Length >= 3 && text[0] == '"' && text[^1] == '"'
            && long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return (version, null);
        }

        return (null, Invalid($"{IfMatchHeader} must be * or one entity tag as this API's ETag gives it (a quoted version, \"7\"); weak tags (W/) and lists are not taken."));
    }

    /// <summary>
    /// The expected version of a write that may name one in its body too (<c>expected_version</c>): the one given,
    /// or a failure when both are given and differ.
    /// </summary>
    public static (long? Version, ValidationFailed? Invalid) Agreed(long? header, long? body) =>
        header is { } h && body is { } b && h != b
            ? (null, Invalid(string.Create(CultureInfo.InvariantCulture, $"{IfMatchHeader} names version {h} but expected_version is {b}; give one of them.")))
            : (header ?? body, null);

    private static ValidationFailed Invalid(string message) => new([new Violation(ErrorCodes.InvalidIfMatch, IfMatchHeader, message)]);
}
