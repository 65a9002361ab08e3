using System.Globalization;

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

    /// <summary>Quotes a value for a message, shortened so a huge input doesn't flood it.</summary>
    public static string Quote(string value) => value.Length <= 80 ? $"'{value}'" : $"'{value[..77]}...'";
}
