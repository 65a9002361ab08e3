using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Explo.Domain;

/// <summary>
/// The one helper for programmer-error guards (null arguments, out-of-range arguments).
/// Business failures are never thrown; they are returned as result values.
/// </summary>
internal static class Guard
{
    public static T NotNull<T>([NotNull] T? value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
    {
        if (value is null)
        {
            throw new ArgumentNullException(name);
        }

        return value;
    }

    public static void That([DoesNotReturnIf(false)] bool condition, string message, [CallerArgumentExpression(nameof(condition))] string? expression = null)
    {
        if (!condition)
        {
            throw new ArgumentException($"{message} ({expression})");
        }
    }

    public static InvalidOperationException Unreachable(string what) => new($"Unreachable: {what}");

    /// <summary>Broken infrastructure: the store holds data that breaks an invariant it must keep.</summary>
    public static InvalidOperationException Corrupt(string what) => new($"The store is inconsistent: {what}");
}
