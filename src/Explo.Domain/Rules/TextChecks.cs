using System.Globalization;
using System.Text;

namespace Explo.Domain.Rules;

/// <summary>Shared wording for length and character checks of names and ids.</summary>
internal static class TextChecks
{
    /// <summary>The problem with a text field, or null when it is fine.</summary>
    public static string? Problem(string field, string? value, int maxLength, bool forbidControl = true, bool forbidOuterWhiteSpace = false)
    {
        if (value is null || value.Length == 0)
        {
            return $"{field} must not be empty.";
        }

        if (value.Length > maxLength)
        {
            return $"{field} must be at most {maxLength} characters; it has {value.Length}.";
        }

        if (forbidControl)
        {
            for (var i = 0; i < value.Length; i++)
            {
                if (char.IsControl(value[i]))
                {
                    return $"{field} must not contain control characters; found U+{((int)value[i]).ToString("X4", CultureInfo.InvariantCulture)} at position {i}.";
                }
            }
        }

        if (forbidOuterWhiteSpace && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])))
        {
            return $"{field} must not start or end with white space.";
        }

        return null;
    }

    /// <summary>
    /// The problem with a <c>provided_id</c> being set (spec section 2), or null when it is fine. In this order: missing or
    /// empty; over <paramref name="maxLength"/> UTF-16 code units; a control character (Unicode category Cc,
    /// <see cref="char.IsControl(char)"/>); an invisible format character (Unicode category Cf, by code point: zero-width
    /// space, joiners, bidi marks, embeddings, overrides and isolates, the BOM, soft hyphen, tag characters...); only
    /// white space; white space first or last (<see cref="char.IsWhiteSpace(char)"/>). Each message names the field,
    /// and the character and its position where there is one.
    /// </summary>
    public static string? ProvidedIdProblem(string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return $"{field} is required.";
        }

        if (Problem(field, value, maxLength) is { } problem)
        {
            return problem;
        }

        var position = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format)
            {
                return $"{field} must not contain invisible format characters (zero-width characters, bidi controls, byte order marks); found U+{rune.Value.ToString("X4", CultureInfo.InvariantCulture)} at position {position}.";
            }

            position += rune.Utf16SequenceLength;
        }

        if (value.All(char.IsWhiteSpace))
        {
            return $"{field} must not be only white space.";
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return $"{field} must not start or end with white space; it is {Quote(value)}.";
        }

        return null;
    }

    /// <summary>
    /// The problem with a <c>provided_id</c> used to look a customer up, or null: only what no stored id can break
    /// (missing or empty, too long, control characters), so customers created before the stricter rule stay reachable.
    /// </summary>
    public static string? ProvidedIdLookupProblem(string field, string? value, int maxLength) =>
        value is null ? $"{field} is required." : Problem(field, value, maxLength);

    /// <summary>Quotes a value for a message, shortened so a huge input doesn't flood it.</summary>
    public static string Quote(string value) => value.Length <= 80 ? $"'{value}'" : $"'{value[..77]}...'";
}
