using System.Collections.Immutable;

namespace Explo.Domain;

/// <summary>Syntax check and de-duplication of customer e-mail addresses.</summary>
public static class EmailAddresses
{
    /// <summary>
    /// True for a syntactically valid address: one <c>@</c>, a non-empty local part of at most 64 printable,
    /// non-space characters without consecutive or outer dots, and a domain of dot-separated labels of letters,
    /// digits and hyphens (at least two labels, none starting or ending with a hyphen); at most 254 characters.
    /// </summary>
    /// <param name="address">The address.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValid(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > 254)
        {
            return false;
        }

        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != address.LastIndexOf('@') || at > 64)
        {
            return false;
        }

        var local = address.AsSpan(0, at);
        var domain = address.AsSpan(at + 1);
        if (local[0] == '.' || local[^1] == '.' || local.IndexOf("..", StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        foreach (var c in local)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '(' or ')' or ',' or ':' or ';' or '<' or '>' or '[' or ']' or '\\' or '"')
            {
                return false;
            }
        }

        var labels = 0;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsLetterOrDigit(c) || c == '-'))
                {
                    return false;
                }
            }

            labels++;
        }

        return labels >= 2;
    }

    /// <summary>The addresses with repeats removed, ignoring case; the first spelling of each is kept, in order.</summary>
    /// <param name="addresses">The addresses.</param>
    /// <returns>The distinct addresses.</returns>
    public static ImmutableArray<string> Distinct(IEnumerable<string> addresses) =>
        Guard.NotNull(addresses).Distinct(StringComparer.OrdinalIgnoreCase).ToImmutableArray();
}
