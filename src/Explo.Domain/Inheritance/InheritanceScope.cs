using System.Collections.Immutable;

namespace Explo.Domain.Inheritance;

/// <summary>
/// The merged view of a root-to-node path, maintained incrementally: <see cref="Push"/> overlays one customer's
/// own entries (the nearer customer wins), <see cref="Pop"/> undoes the last push exactly. A depth-first walk
/// therefore applies each customer's layer once, and the cost of a push or pop is the size of that layer,
/// independent of the depth. Keys keep the position of their first appearance, root first.
/// Outside the core it is read-only: a walk's callback can read the merged entries but not change them.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class InheritanceScope<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _slots;
    private readonly List<Undo> _undo = [];
    private readonly List<int> _marks = [];
    private TKey[] _keys = new TKey[16];
    private TValue[] _values = new TValue[16];
    private CustomerId?[] _sources = new CustomerId?[16];
    private int _count;

    /// <summary>Creates an empty scope.</summary>
    /// <param name="comparer">The key comparer; the default one when null.</param>
    internal InheritanceScope(IEqualityComparer<TKey>? comparer = null) => _slots = new Dictionary<TKey, int>(comparer);

    /// <summary>How many entries the merged view holds.</summary>
    public int Count => _count;

    /// <summary>How many layers are pushed.</summary>
    public int Depth => _marks.Count;

    /// <summary>The key at a position of the merged view.</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <returns>The key.</returns>
    public TKey KeyAt(int index) => _keys[index];

    /// <summary>The value at a position of the merged view.</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <returns>The value.</returns>
    public TValue ValueAt(int index) => _values[index];

    /// <summary>The customer whose layer supplied the value at a position (null for a layer without owner, such as DVG defaults).</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <returns>The customer id, or null.</returns>
    public CustomerId? SourceAt(int index) => _sources[index];

    /// <summary>Looks a key up in the merged view.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The merged value, when the key is present.</param>
    /// <returns>True when some pushed layer holds the key.</returns>
    public bool TryGetValue(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        if (_slots.TryGetValue(key, out var slot))
        {
            value = _values[slot];
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Overlays one layer of entries; existing keys take the new value and keep their position.</summary>
    /// <param name="layer">The entries.</param>
    /// <param name="source">The customer the layer belongs to.</param>
    internal void Push(ImmutableArray<KeyValuePair<TKey, TValue>> layer, CustomerId? source)
    {
        // An immutable array, not an IEnumerable: no enumerator is allocated per customer of a walk.
        _marks.Add(_undo.Count);
        foreach (var (key, value) in layer)
        {
            Set(key, value, source);
        }
    }

    /// <summary>Overlays one layer of keys, each with the same value (used for tag sets).</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="value">The value.</param>
    /// <param name="source">The customer the layer belongs to.</param>
    internal void PushKeys(ImmutableArray<TKey> keys, TValue value, CustomerId? source)
    {
        _marks.Add(_undo.Count);
        foreach (var key in keys)
        {
            Set(key, value, source);
        }
    }

    /// <summary>Undoes the last <see cref="Push"/>.</summary>
    internal void Pop()
    {
        Guard.That(_marks.Count > 0, "Pop without a matching Push");
        var mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        for (var i = _undo.Count - 1; i >= mark; i--)
        {
            var undo = _undo[i];
            if (undo.Appended)
            {
                // Appends are undone in reverse order, so the appended slot is always the last one.
                _count--;
                _slots.Remove(_keys[_count]);
                _keys[_count] = default!;
                _values[_count] = default!;
                _sources[_count] = null;
            }
            else
            {
                _values[undo.Slot] = undo.OldValue;
                _sources[undo.Slot] = undo.OldSource;
            }
        }

        _undo.RemoveRange(mark, _undo.Count - mark);
    }

    /// <summary>Copies the merged view into an immutable array of entries, in order (one copy, no intermediate array).</summary>
    /// <returns>The entries.</returns>
    internal ImmutableArray<KeyValuePair<TKey, TValue>> ToImmutableArray() =>
        System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(ToArray()); // a fresh array, owned by no one else

    /// <summary>Copies the merged view into a new array of entries, in order.</summary>
    /// <returns>The entries.</returns>
    public KeyValuePair<TKey, TValue>[] ToArray()
    {
        var entries = new KeyValuePair<TKey, TValue>[_count];
        for (var i = 0; i < _count; i++)
        {
            entries[i] = KeyValuePair.Create(_keys[i], _values[i]);
        }

        return entries;
    }

    private void Set(TKey key, TValue value, CustomerId? source)
    {
        if (_slots.TryGetValue(key, out var slot))
        {
            _undo.Add(new Undo(slot, false, _values[slot], _sources[slot]));
            _values[slot] = value;
            _sources[slot] = source;
            return;
        }

        if (_count == _keys.Length)
        {
            Array.Resize(ref _keys, _count * 2);
            Array.Resize(ref _values, _count * 2);
            Array.Resize(ref _sources, _count * 2);
        }

        _keys[_count] = key;
        _values[_count] = value;
        _sources[_count] = source;
        _slots[key] = _count;
        _undo.Add(new Undo(_count, true, default!, null));
        _count++;
    }

    private readonly record struct Undo(int Slot, bool Appended, TValue OldValue, CustomerId? OldSource);
}
