using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Explo.Domain;

/// <summary>
/// An immutable map from string keys to values that keeps the order in which keys first appeared.
/// Keys are compared ordinally (exact, case-sensitive), so keys with dots, <c>$</c>, spaces or any
/// unicode round-trip exactly. Used for customer properties and schema-to-data-source mappings.
/// </summary>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class OrderedMap<TValue> : IReadOnlyDictionary<string, TValue>
{
    // Up to this many entries (or entries beyond the shared index) a linear search finds a key fastest.
    private const int Linear = 8;
    private readonly ImmutableArray<KeyValuePair<string, TValue>> _entries;

    // The places of the first _indexed entries' keys. It may be shared with the maps of other customers whose entries
    // begin with the same keys in the same places (the computed maps of siblings share their ancestors'), so it is
    // never changed once a map holds it.
    private readonly Dictionary<string, int>? _index;
    private readonly int _indexed;

    // The places of the keys after the first _indexed, when there are more than eight of them (else a linear search).
    private readonly Dictionary<string, int>? _rest;

    /// <summary>The empty map.</summary>
    public static OrderedMap<TValue> Empty { get; } = new(ImmutableArray<KeyValuePair<string, TValue>>.Empty);

    private OrderedMap(ImmutableArray<KeyValuePair<string, TValue>> entries, Dictionary<string, int>? index, int indexed, Dictionary<string, int>? rest)
    {
        _entries = entries;
        _index = index;
        _indexed = index is null ? 0 : indexed;
        _rest = rest;
    }

    private OrderedMap(ImmutableArray<KeyValuePair<string, TValue>> entries)
    {
        _entries = entries;
        if (entries.Length > Linear)
        {
            _index = new Dictionary<string, int>(entries.Length, StringComparer.Ordinal);
            for (var i = 0; i < entries.Length; i++)
            {
                _index[entries[i].Key] = i;
            }

            _indexed = entries.Length;
        }
    }

    /// <summary>
    /// Builds a map from entries in order; a repeated key keeps its first position and takes the last value.
    /// </summary>
    /// <param name="entries">The entries.</param>
    /// <returns>The map.</returns>
    public static OrderedMap<TValue> From(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        Guard.NotNull(entries);
        var builder = ImmutableArray.CreateBuilder<KeyValuePair<string, TValue>>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            Guard.NotNull(entry.Key);
            if (positions.TryGetValue(entry.Key, out var at))
            {
                builder[at] = entry;
            }
            else
            {
                positions[entry.Key] = builder.Count;
                builder.Add(entry);
            }
        }

        return builder.Count == 0 ? Empty : new OrderedMap<TValue>(builder.ToImmutable());
    }

    /// <summary>Builds a map from entries that are known to have distinct keys (no check beyond a debug assertion).</summary>
    internal static OrderedMap<TValue> FromDistinct(KeyValuePair<string, TValue>[] entries) =>
        entries.Length == 0 ? Empty : new OrderedMap<TValue>(ImmutableArray.Create(entries));

    /// <summary>Builds a map from an immutable array of entries known to have distinct keys (taken as it is, not copied).</summary>
    internal static OrderedMap<TValue> FromDistinctImmutable(ImmutableArray<KeyValuePair<string, TValue>> entries) =>
        entries.Length == 0 ? Empty : new OrderedMap<TValue>(entries);

    /// <summary>
    /// Builds a map from an array of distinct entries the caller hands over (taken as it is, not copied; the caller must
    /// not change it afterwards), with the index of their positions when the caller already built one (also taken over);
    /// without one, a map of more than eight entries builds its own.
    /// </summary>
    internal static OrderedMap<TValue> FromOwned(KeyValuePair<string, TValue>[] entries, Dictionary<string, int>? index)
    {
        if (entries.Length == 0)
        {
            return Empty;
        }

        var immutable = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(entries);
        return index is not null && entries.Length > Linear ? new OrderedMap<TValue>(immutable, index, entries.Length, null) : new OrderedMap<TValue>(immutable);
    }

    /// <summary>
    /// Builds a map from an array of distinct entries the caller hands over, whose first <paramref name="indexed"/> keys
    /// are in <paramref name="shared"/> at their places (an index other maps may hold too: never changed afterwards),
    /// and the places of the keys after them in <paramref name="rest"/> (taken over; null for at most eight, searched).
    /// </summary>
    internal static OrderedMap<TValue> FromShared(KeyValuePair<string, TValue>[] entries, Dictionary<string, int> shared, int indexed, Dictionary<string, int>? rest)
    {
        var immutable = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(entries);
        return entries.Length <= Linear ? new OrderedMap<TValue>(immutable) : new OrderedMap<TValue>(immutable, shared, indexed, entries.Length - indexed > Linear ? rest : null);
    }

    /// <summary>The entries in order.</summary>
    public ImmutableArray<KeyValuePair<string, TValue>> Entries => _entries;

    /// <inheritdoc />
    public int Count => _entries.Length;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    /// <inheritdoc />
    public IEnumerable<TValue> Values => _entries.Select(e => e.Value);

    /// <inheritdoc />
    public TValue this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The key '{key}' is not in the map.");

    /// <inheritdoc />
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            value = default;
            return false;
        }

        value = _entries[i].Value;
        return true;
    }

    private int IndexOf(string key)
    {
        Guard.NotNull(key);
        if (_index is not null && _index.TryGetValue(key, out var place))
        {
            return place;
        }

        if (_rest is not null)
        {
            return _rest.TryGetValue(key, out var later) ? later : -1;
        }

        for (var i = _indexed; i < _entries.Length; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True when both maps hold the same keys in the same order with equal values.</summary>
    /// <param name="other">The other map.</param>
    /// <param name="valueComparer">How values are compared; the default comparer when null.</param>
    /// <returns>Whether the maps are equal.</returns>
    public bool SequenceEqual(OrderedMap<TValue> other, IEqualityComparer<TValue>? valueComparer = null)
    {
        Guard.NotNull(other);
        if (other.Count != Count)
        {
            return false;
        }

        valueComparer ??= EqualityComparer<TValue>.Default;
        for (var i = 0; i < _entries.Length; i++)
        {
            if (!string.Equals(_entries[i].Key, other._entries[i].Key, StringComparison.Ordinal)
                || !valueComparer.Equals(_entries[i].Value, other._entries[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, TValue>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Factory helpers for <see cref="OrderedMap{TValue}"/>.</summary>
public static class OrderedMap
{
    /// <summary>Builds a string map (for example a schema-to-data-source mapping) from pairs.</summary>
    /// <param name="pairs">Key and value pairs, in order.</param>
    /// <returns>The map.</returns>
    public static OrderedMap<string> Of(params (string Key, string Value)[] pairs) =>
        OrderedMap<string>.From(Guard.NotNull(pairs).Select(p => KeyValuePair.Create(p.Key, p.Value)));
}
