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
    // Each key's number, which indexes _placeOf: its place in the merged view, or -1. A pop does not remove the keys it
    // takes off the end: it marks them out of the view, so undoing an append costs no hashing, and the number is there
    // for the next sibling that has the key. Keys out of the view are swept when they outnumber the live ones, so the
    // table stays as large as the deepest path's keys, not all the keys ever walked.
    private readonly Dictionary<TKey, int> _numbers;
    private int[] _placeOf = new int[16];
    // The undo log and each layer's start in it: arrays with counts (a push and a pop are the walk's inner loop).
    private Undo[] _undo = new Undo[64];
    private int _undone;
    private int[] _marks = new int[16];
    // Each layer's owner: an entry records the layer (an index here) that supplied its value, not the owner itself.
    private CustomerId?[] _owners = new CustomerId?[16];
    private int _depth;
    private TKey[] _keys = new TKey[16];
    private TValue[] _values = new TValue[16];
    private int[] _layerAt = new int[16];
    private int[] _numberAt = new int[16];
    private int _count;

    /// <summary>Creates an empty scope.</summary>
    /// <param name="comparer">The key comparer; the default one when null.</param>
    internal InheritanceScope(IEqualityComparer<TKey>? comparer = null)
    {
        _numbers = new Dictionary<TKey, int>(comparer);
    }

    /// <summary>How many entries the merged view holds.</summary>
    public int Count => _count;

    /// <summary>How many layers are pushed.</summary>
    public int Depth => _depth;

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
    public CustomerId? SourceAt(int index) => _owners[_layerAt[index]];

    /// <summary>The keys of the merged view, in order (valid until the next change of the scope).</summary>
    public ReadOnlySpan<TKey> Keys => _keys.AsSpan(0, _count);

    /// <summary>The values of the merged view, in the order of <see cref="Keys"/> (valid until the next change of the scope).</summary>
    public ReadOnlySpan<TValue> Values => _values.AsSpan(0, _count);

    /// <summary>Looks a key up in the merged view.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The merged value, when the key is present.</param>
    /// <returns>True when some pushed layer holds the key.</returns>
    public bool TryGetValue(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        if (_numbers.TryGetValue(key, out var number) && _placeOf[number] is var place and >= 0)
        {
            value = _values[place];
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
        var at = Mark(source);
        foreach (var (key, value) in layer)
        {
            Set(key, value, at);
        }
    }

    /// <summary>Overlays one layer of keys, each with the same value (used for tag sets).</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="value">The value.</param>
    /// <param name="source">The customer the layer belongs to.</param>
    internal void PushKeys(ImmutableArray<TKey> keys, TValue value, CustomerId? source)
    {
        var at = Mark(source);
        foreach (var key in keys)
        {
            Set(key, value, at);
        }
    }

    /// <summary>Undoes the last <see cref="Push"/>.</summary>
    internal void Pop()
    {
        Guard.That(_depth > 0, "Pop without a matching Push");
        var mark = _marks[--_depth];
        _owners[_depth] = null;
        for (var i = _undone - 1; i >= mark; i--)
        {
            ref var undo = ref _undo[i];
            if (undo.OldLayer < 0)
            {
                // Appends are undone in reverse order, so the appended entry is always the last one. Its key keeps its
                // number, out of the view (see _numbers).
                _count--;
                _placeOf[_numberAt[_count]] = -1;
                _keys[_count] = default!;
                _values[_count] = default!;
            }
            else
            {
                _values[undo.Place] = undo.OldValue;
                _layerAt[undo.Place] = undo.OldLayer;
            }

            undo = default; // the log keeps no value alive
        }

        _undone = mark;
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

    private void Set(TKey key, TValue value, int layer)
    {
        ref var number = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_numbers, key, out var known);
        if (known)
        {
            var place = _placeOf[number];
            if (place >= 0)
            {
                Log(new Undo(place, _layerAt[place], _values[place]));
                _values[place] = value;
                _layerAt[place] = layer;
                return;
            }
        }
        else
        {
            number = _numbers.Count - 1; // numbers are given in order; only a sweep removes keys, and it renumbers all
            if (number == _placeOf.Length)
            {
                Array.Resize(ref _placeOf, number * 2);
            }
        }

        if (_count == _keys.Length)
        {
            Array.Resize(ref _keys, _count * 2);
            Array.Resize(ref _values, _count * 2);
            Array.Resize(ref _layerAt, _count * 2);
            Array.Resize(ref _numberAt, _count * 2);
        }

        _placeOf[number] = _count;
        _numberAt[_count] = number;
        _keys[_count] = key;
        _values[_count] = value;
        _layerAt[_count] = layer;
        Log(new Undo(_count, -1, default!));
        _count++;
        if (!known && _numbers.Count > (2 * _count) + 64)
        {
            Sweep();
        }
    }

    /// <summary>Starts a layer: its undo entries begin here.</summary>
    /// <param name="owner">The customer the layer belongs to.</param>
    /// <returns>The layer's index, which its entries record.</returns>
    private int Mark(CustomerId? owner)
    {
        if (_depth == _marks.Length)
        {
            Array.Resize(ref _marks, _depth * 2);
            Array.Resize(ref _owners, _depth * 2);
        }

        _marks[_depth] = _undone;
        _owners[_depth] = owner;
        return _depth++;
    }

    private void Log(in Undo undo)
    {
        if (_undone == _undo.Length)
        {
            Array.Resize(ref _undo, _undone * 2);
        }

        _undo[_undone++] = undo;
    }

    /// <summary>Rebuilds the table from the keys in the view, numbering them by their places.</summary>
    private void Sweep()
    {
        _numbers.Clear();
        for (var i = 0; i < _count; i++)
        {
            _numbers.Add(_keys[i], i);
            _placeOf[i] = i;
            _numberAt[i] = i;
        }
    }

    /// <summary>What a pop restores: an overwritten entry's value and layer, or, with <see cref="OldLayer"/> -1, an append.</summary>
    private readonly record struct Undo(int Place, int OldLayer, TValue OldValue);
}
