using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Explo.Domain;

/// <summary>
/// The API's opaque cursors: <c>base64url(prefix + payload)</c>, the prefix naming what the cursor is for (so one
/// endpoint's cursor is refused by another), and only the canonical text of a payload taken (so a cursor has one form).
/// </summary>
internal static class Cursors
{
    /// <summary>Longest cursor text looked at.</summary>
    private const int MaxLength = 128;

    public static string Of(string prefix, string payload) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(prefix + payload));

    /// <summary>The payload of a cursor with this prefix, or null for anything else (malformed, another endpoint's).</summary>
    public static string? Payload(string prefix, string cursor)
    {
        if (cursor.Length is 0 or > MaxLength)
        {
            return null;
        }

        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith(prefix, StringComparison.Ordinal) && Of(prefix, text[prefix.Length..]) == cursor ? text[prefix.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A non-negative number in its canonical decimal form, or null.</summary>
    public static long? Number(ReadOnlySpan<char> text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
        && text.SequenceEqual(value.ToString(CultureInfo.InvariantCulture))
            ? value
            : null;
}

/// <summary>
/// The v2 list's cursors: the last customer id of a page and a tag of the filter it was read with, as
/// <c>base64url("cu1:" + id + ":" + tag)</c>, so a cursor read with another filter is refused rather than misread.
/// </summary>
internal static class CustomerCursor
{
    private const string Prefix = "cu1:";

    public static string Of(long lastId, CustomerFilter filter) =>
        Cursors.Of(Prefix, string.Create(CultureInfo.InvariantCulture, $"{lastId}:{Tag(filter)}"));

    /// <summary>The last id a cursor names, or null when it is malformed, another endpoint's, or read with another filter.</summary>
    public static long? Parse(string cursor, CustomerFilter filter)
    {
        if (Cursors.Payload(Prefix, cursor) is not { } payload)
        {
            return null;
        }

        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && payload[(colon + 1)..] == Tag(filter) ? Cursors.Number(payload.AsSpan(0, colon)) : null;
    }

    /// <summary>8 hex digits of SHA-256 of the filter's parts.</summary>
    private static string Tag(CustomerFilter filter) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{filter.ParentProvidedId}\u0000{filter.HierarchyLevelName}")).AsSpan(0, 4));
}
