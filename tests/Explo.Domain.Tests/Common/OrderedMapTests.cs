namespace Explo.Domain.Tests.Common;

public sealed class OrderedMapTests
{
    private static KeyValuePair<string, int> E(string key, int value) => KeyValuePair.Create(key, value);

    private static OrderedMap<int> Numbered(int count) =>
        OrderedMap<int>.From(Enumerable.Range(0, count).Select(i => E($"k{i}", i)));

    [Fact]
    public void From_keeps_the_order_in_which_keys_first_appear()
    {
        var map = OrderedMap<int>.From([E("z", 1), E("a", 2), E("m", 3)]);

        Assert.Equal(["z", "a", "m"], map.Keys);
        Assert.Equal([1, 2, 3], map.Values);
        Assert.Equal(3, map.Count);
    }

    [Fact]
    public void From_keeps_the_first_position_and_the_last_value_of_a_repeated_key()
    {
        var map = OrderedMap<int>.From([E("a", 1), E("b", 2), E("a", 3), E("c", 4), E("a", 5)]);

        Assert.Equal(["a", "b", "c"], map.Keys);
        Assert.Equal([5, 2, 4], map.Values);
        Assert.Equal(5, map["a"]);
    }

    [Fact]
    public void From_an_empty_sequence_is_the_empty_map()
    {
        var map = OrderedMap<int>.From([]);

        Assert.Same(OrderedMap<int>.Empty, map);
        Assert.Empty(map);
        Assert.False(map.ContainsKey("a"));
    }

    [Fact]
    public void From_rejects_a_null_key()
    {
        Assert.ThrowsAny<ArgumentException>(() => OrderedMap<int>.From([E(null!, 1)]));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(200)]
    public void Keys_are_compared_ordinally_whatever_the_size_of_the_map(int filler)
    {
        // Maps of up to 8 entries scan; larger ones use an index. Both must behave the same.
        string[] special = ["a.b", "a", "$x", " ", "  ", "ü", "u\u0308", "Key", "key", "KEY", "日本", "😀", "a\u0000b"];
        var entries = special.Select((k, i) => E(k, i)).Concat(Enumerable.Range(0, filler).Select(i => E($"f{i}", 1000 + i))).ToList();
        var map = OrderedMap<int>.From(entries);

        Assert.Equal(entries.Count, map.Count);
        Assert.Equal(entries.Select(e => e.Key), map.Keys);
        for (var i = 0; i < special.Length; i++)
        {
            Assert.True(map.TryGetValue(special[i], out var value), special[i]);
            Assert.Equal(i, value);
            Assert.Equal(i, map[special[i]]);
            Assert.True(map.ContainsKey(special[i]));
        }

        // Near misses: other case, other normalization, a prefix, trimmed, and with a trailing dot.
        foreach (var missing in new[] { "A.B", "A", "$X", "", "   ", "Ü", "\u00fc\u0308", "kEY", "a.", "a.b.", "ab", "a\u0000" })
        {
            Assert.False(map.ContainsKey(missing), missing);
            Assert.False(map.TryGetValue(missing, out _), missing);
            Assert.Throws<KeyNotFoundException>(() => map[missing]);
        }
    }

    [Fact]
    public void Small_and_large_maps_find_every_key_and_only_those()
    {
        foreach (var size in new[] { 1, 7, 8, 9, 16, 1000 })
        {
            var map = Numbered(size);
            for (var i = 0; i < size; i++)
            {
                Assert.Equal(i, map[$"k{i}"]);
            }

            Assert.False(map.ContainsKey($"k{size}"));
            Assert.False(map.ContainsKey("K0"));
        }
    }

    [Fact]
    public void A_repeated_key_in_a_large_map_is_found_at_its_first_position_with_its_last_value()
    {
        var entries = Enumerable.Range(0, 20).Select(i => E($"k{i}", i)).Append(E("k3", 99)).ToList();
        var map = OrderedMap<int>.From(entries);

        Assert.Equal(20, map.Count);
        Assert.Equal(99, map["k3"]);
        Assert.Equal("k3", map.Entries[3].Key);
        Assert.Equal(99, map.Entries[3].Value);
    }

    [Fact]
    public void Lookups_reject_a_null_key()
    {
        Assert.ThrowsAny<ArgumentException>(() => Numbered(3).ContainsKey(null!));
        Assert.ThrowsAny<ArgumentException>(() => Numbered(30).ContainsKey(null!));
    }

    [Fact]
    public void Enumeration_and_Entries_follow_the_map_order()
    {
        var map = OrderedMap<int>.From([E("b", 1), E("a", 2)]);

        Assert.Equal([E("b", 1), E("a", 2)], map.ToList());
        Assert.Equal([E("b", 1), E("a", 2)], map.Entries.AsEnumerable());
    }

    [Fact]
    public void SequenceEqual_needs_the_same_keys_in_the_same_order_with_equal_values()
    {
        var map = OrderedMap<int>.From([E("a", 1), E("b", 2)]);

        Assert.True(map.SequenceEqual(OrderedMap<int>.From([E("a", 1), E("b", 2)])));
        Assert.True(map.SequenceEqual(OrderedMap<int>.From([E("a", 0), E("b", 2), E("a", 1)])));
        Assert.False(map.SequenceEqual(OrderedMap<int>.From([E("b", 2), E("a", 1)])), "order matters");
        Assert.False(map.SequenceEqual(OrderedMap<int>.From([E("a", 1), E("b", 3)])), "values matter");
        Assert.False(map.SequenceEqual(OrderedMap<int>.From([E("a", 1), E("B", 2)])), "keys are case-sensitive");
        Assert.False(map.SequenceEqual(OrderedMap<int>.From([E("a", 1)])), "counts matter");
        Assert.False(map.SequenceEqual(OrderedMap<int>.From([E("a", 1), E("b", 2), E("c", 3)])), "counts matter");
        Assert.True(OrderedMap<int>.Empty.SequenceEqual(OrderedMap<int>.From([])));
    }

    [Fact]
    public void SequenceEqual_uses_the_given_value_comparer()
    {
        var lower = OrderedMap.Of(("s1", "ds"));
        var upper = OrderedMap.Of(("s1", "DS"));

        Assert.False(lower.SequenceEqual(upper));
        Assert.False(lower.SequenceEqual(upper, StringComparer.Ordinal));
        Assert.True(lower.SequenceEqual(upper, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void Of_builds_a_string_map_from_pairs_with_the_same_rules_as_From()
    {
        var map = OrderedMap.Of(("s2", "x"), ("s1", "y"), ("s2", "z"));

        Assert.Equal(["s2", "s1"], map.Keys);
        Assert.Equal("z", map["s2"]);
    }
}
