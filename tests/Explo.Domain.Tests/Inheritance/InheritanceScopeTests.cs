using System.Text.Json;
using Explo.Domain.Inheritance;
using FsCheck;
using FsCheck.Fluent;

namespace Explo.Domain.Tests.Inheritance;

public sealed class InheritanceScopeTests
{
    private static readonly CustomerId Root = new(1);
    private static readonly CustomerId Middle = new(2);
    private static readonly CustomerId Leaf = new(3);

    private static KeyValuePair<string, string> E(string key, string value) => KeyValuePair.Create(key, value);

    /// <summary>The merged view as (key, value, source) triples, in order.</summary>
    private static List<(string Key, string Value, CustomerId? Source)> Contents(InheritanceScope<string, string> scope) =>
        Enumerable.Range(0, scope.Count).Select(i => (scope.KeyAt(i), scope.ValueAt(i), scope.SourceAt(i))).ToList();

    [Fact]
    public void A_new_scope_is_empty()
    {
        var scope = new InheritanceScope<string, string>();

        Assert.Equal(0, scope.Count);
        Assert.Equal(0, scope.Depth);
        Assert.Empty(scope.ToArray());
    }

    [Fact]
    public void The_nearer_layer_wins_and_keys_keep_the_position_of_their_first_appearance()
    {
        var scope = new InheritanceScope<string, string>(StringComparer.Ordinal);
        scope.Push([E("region", "eu"), E("plan", "gold")], Root);
        scope.Push([E("seats", "5"), E("region", "us")], Middle);
        scope.Push([E("plan", "silver"), E("color", "red")], Leaf);

        Assert.Equal(3, scope.Depth);
        Assert.Equal(
            [("region", "us", Middle), ("plan", "silver", Leaf), ("seats", "5", Middle), ("color", "red", Leaf)],
            Contents(scope));
        Assert.Equal([E("region", "us"), E("plan", "silver"), E("seats", "5"), E("color", "red")], scope.ToArray());
    }

    [Fact]
    public void A_null_value_is_a_value_and_overrides()
    {
        var scope = new InheritanceScope<string, JsonElement>(StringComparer.Ordinal);
        scope.Push(PropertyMap.Parse("""{"a":1,"b":2}""").Entries, Root);
        scope.Push(PropertyMap.Parse("""{"a":null}""").Entries, Leaf);

        Assert.Equal(2, scope.Count);
        Assert.Equal("a", scope.KeyAt(0));
        Assert.Equal(JsonValueKind.Null, scope.ValueAt(0).ValueKind);
        Assert.Equal(Leaf, scope.SourceAt(0));
        Assert.Equal("2", scope.ValueAt(1).GetRawText());

        scope.Pop();
        Assert.Equal("1", scope.ValueAt(0).GetRawText());
        Assert.Equal(Root, scope.SourceAt(0));
    }

    [Fact]
    public void Pop_restores_the_previous_view_exactly_including_sources()
    {
        var scope = new InheritanceScope<string, string>(StringComparer.Ordinal);
        scope.Push([E("a", "1"), E("b", "2")], null);
        scope.Push([E("b", "3"), E("c", "4")], Root);
        var afterTwo = Contents(scope);

        // A layer that overrides, appends, repeats a key, and overrides a key it appended itself.
        scope.Push([E("a", "5"), E("d", "6"), E("a", "7"), E("d", "8"), E("c", "9")], Middle);
        Assert.Equal([("a", "7", Middle), ("b", "3", Root), ("c", "9", Middle), ("d", "8", Middle)], Contents(scope));

        scope.Pop();
        Assert.Equal(afterTwo, Contents(scope));
        Assert.Equal([("a", "1", (CustomerId?)null), ("b", "3", Root), ("c", "4", Root)], afterTwo);
        Assert.Equal(2, scope.Depth);

        scope.Pop();
        Assert.Equal([("a", "1", (CustomerId?)null), ("b", "2", (CustomerId?)null)], Contents(scope));

        scope.Pop();
        Assert.Empty(Contents(scope));
        Assert.Equal(0, scope.Depth);
    }

    [Fact]
    public void A_key_removed_by_Pop_can_come_back_at_a_new_position()
    {
        var scope = new InheritanceScope<string, string>(StringComparer.Ordinal);
        scope.Push([E("a", "1")], Root);
        scope.Push([E("x", "2")], Middle);
        scope.Pop();
        scope.Push([E("y", "3"), E("x", "4")], Leaf);

        Assert.Equal([("a", "1", Root), ("y", "3", Leaf), ("x", "4", Leaf)], Contents(scope));
    }

    [Fact]
    public void An_empty_layer_counts_as_a_layer()
    {
        var scope = new InheritanceScope<string, string>(StringComparer.Ordinal);
        scope.Push([E("a", "1")], Root);
        scope.Push([], Middle);
        scope.Pop();

        Assert.Equal(1, scope.Depth);
        Assert.Equal([("a", "1", Root)], Contents(scope));
    }

    [Fact]
    public void Pop_without_a_matching_Push_throws_and_changes_nothing()
    {
        var scope = new InheritanceScope<string, string>(StringComparer.Ordinal);
        scope.Push([E("a", "1")], Root);
        scope.Pop();

        Assert.ThrowsAny<ArgumentException>(scope.Pop);
        Assert.Equal(0, scope.Count);
        Assert.Equal(0, scope.Depth);
    }

    [Fact]
    public void PushKeys_merges_tag_sets_root_first_without_repeats()
    {
        var scope = new InheritanceScope<GroupTagId, bool>();
        scope.PushKeys([new GroupTagId(5), new GroupTagId(2), new GroupTagId(8)], true, Root);
        scope.PushKeys([new GroupTagId(2), new GroupTagId(9), new GroupTagId(9), new GroupTagId(5), new GroupTagId(1)], true, Leaf);

        // A tag repeated by the nearer customer keeps its root-first position; its source is the nearer customer.
        Assert.Equal([5, 2, 8, 9, 1], Enumerable.Range(0, scope.Count).Select(i => scope.KeyAt(i).Value));
        Assert.Equal([Leaf, Leaf, Root, Leaf, Leaf], Enumerable.Range(0, scope.Count).Select(i => scope.SourceAt(i)));

        scope.Pop();
        Assert.Equal([5, 2, 8], Enumerable.Range(0, scope.Count).Select(i => scope.KeyAt(i).Value));
        Assert.Equal([Root, Root, Root], Enumerable.Range(0, scope.Count).Select(i => scope.SourceAt(i)));
    }

    [Fact]
    public void Keys_are_compared_with_the_given_comparer()
    {
        var ordinal = new InheritanceScope<string, string>(StringComparer.Ordinal);
        ordinal.Push([E("Key", "1"), E("key", "2"), E("a.b", "3"), E("ü", "4"), E("u\u0308", "5")], Root);
        Assert.Equal(5, ordinal.Count);

        var defaultComparer = new InheritanceScope<string, string>();
        defaultComparer.Push([E("Key", "1"), E("key", "2")], Root);
        Assert.Equal(2, defaultComparer.Count);

        var ignoreCase = new InheritanceScope<string, string>(StringComparer.OrdinalIgnoreCase);
        ignoreCase.Push([E("Key", "1")], Root);
        ignoreCase.Push([E("KEY", "2")], Leaf);
        Assert.Equal([("Key", "2", Leaf)], Contents(ignoreCase));
    }

    [Fact]
    public void The_scope_grows_past_its_initial_capacity_and_shrinks_back()
    {
        var scope = new InheritanceScope<string, string>(StringComparer.Ordinal);
        scope.Push([.. Enumerable.Range(0, 10).Select(i => E($"k{i}", "root"))], Root);
        var before = Contents(scope);

        scope.Push([.. Enumerable.Range(0, 1000).Select(i => E($"k{i}", "leaf"))], Leaf);
        Assert.Equal(1000, scope.Count);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"k{i}"), Enumerable.Range(0, scope.Count).Select(scope.KeyAt));
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal("leaf", scope.ValueAt(i)));

        scope.Pop();
        Assert.Equal(before, Contents(scope));

        scope.Push([.. Enumerable.Range(500, 20).Select(i => E($"k{i}", "again"))], Middle);
        Assert.Equal(30, scope.Count);
        Assert.Equal("k500", scope.KeyAt(10));
    }

    [Fact]
    public void Thousands_of_siblings_with_keys_of_their_own_each_see_only_their_own_and_the_parent_s()
    {
        // Keys taken off by a pop stay known to the scope until they outnumber the keys in view, then are swept: each
        // sibling must see exactly the parent's keys and its own, whatever the sweeps did in between.
        var scope = new InheritanceScope<string, string>(StringComparer.Ordinal);
        scope.Push([E("a", "root"), E("b", "root"), E("c", "root")], Root);
        for (var i = 0; i < 3_000; i++)
        {
            // Each key a string of its own, as a store reads it: equal keys are not the same instance.
            scope.Push([E(new string($"own{i}".AsSpan()), $"v{i}"), E(new string("b".AsSpan()), $"b{i}")], new CustomerId(i + 10));
            Assert.Equal(["a", "b", "c", $"own{i}"], scope.Keys.ToArray());
            Assert.Equal(["root", $"b{i}", "root", $"v{i}"], scope.Values.ToArray());
            Assert.True(scope.TryGetValue($"own{i}", out var own) && own == $"v{i}");
            Assert.False(scope.TryGetValue($"own{i - 1}", out _));
            Assert.False(scope.TryGetValue($"own{(i * 7) % 3_000}", out _) && (i * 7) % 3_000 != i);
            scope.Pop();
            Assert.Equal(["a", "b", "c"], scope.Keys.ToArray());
            Assert.Equal("root", scope.ValueAt(1));
        }

        // A key seen by an earlier sibling comes back at the end of the view.
        scope.Push([E("own5", "again"), E("a", "leaf")], Leaf);
        Assert.Equal([("a", "leaf", (CustomerId?)Leaf), ("b", "root", Root), ("c", "root", Root), ("own5", "again", Leaf)], Contents(scope));
    }

    [Fact]
    public void A_deep_stack_of_layers_pushes_and_pops_back_to_empty()
    {
        var scope = new InheritanceScope<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < 10_000; i++)
        {
            scope.Push([E("shared", $"v{i}"), E($"own{i}", "x")], new CustomerId(i + 1));
        }

        Assert.Equal(10_001, scope.Count);
        Assert.Equal("v9999", scope.ValueAt(0));
        Assert.Equal(new CustomerId(10_000), scope.SourceAt(0));

        for (var i = 9_999; i >= 0; i--)
        {
            Assert.Equal($"v{i}", scope.ValueAt(0));
            Assert.Equal(new CustomerId(i + 1), scope.SourceAt(0));
            scope.Pop();
        }

        Assert.Equal(0, scope.Count);
    }

    /// <summary>One step of a random walk over a scope: push a layer, or pop the top one.</summary>
    public sealed record Step(bool IsPop, int Source, (int Key, int Value)[] Layer)
    {
        public override string ToString() => IsPop ? "Pop" : $"Push(#{Source}: {string.Join(",", Layer.Select(e => $"k{e.Key}={e.Value}"))})";
    }

    private static readonly Gen<Step> StepGen =
        Gen.Frequency(
            (2, Gen.Constant(new Step(true, 0, []))),
            (3,
                from source in Gen.Choose(0, 5)
                from size in Gen.Choose(0, 6)
                from layer in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 9), Gen.Choose(0, 3)), size)
                select new Step(false, source, layer)));

    [Fact]
    public void Any_sequence_of_pushes_and_pops_equals_the_fold_of_the_layers_on_the_stack()
    {
        var arb = Arb.From(Gen.Choose(0, 60).SelectMany(n => Gen.ArrayOf(StepGen, n)));
        Prop.ForAll(arb, steps =>
        {
            var scope = new InheritanceScope<string, string>(StringComparer.Ordinal);
            var stack = new List<(CustomerId? Source, (int Key, int Value)[] Layer)>();
            foreach (var step in steps)
            {
                if (step.IsPop)
                {
                    if (stack.Count == 0)
                    {
                        continue;
                    }

                    stack.RemoveAt(stack.Count - 1);
                    scope.Pop();
                }
                else
                {
                    CustomerId? source = step.Source == 0 ? null : new CustomerId(step.Source);
                    stack.Add((source, step.Layer));
                    scope.Push([.. step.Layer.Select(e => E($"k{e.Key}", $"v{e.Value}"))], source);
                }

                // The plain fold: every layer on the stack, bottom first; a key keeps its first position, the last writer wins.
                var expected = new List<(string Key, string Value, CustomerId? Source)>();
                foreach (var (source, layer) in stack)
                {
                    foreach (var (key, value) in layer)
                    {
                        var at = expected.FindIndex(e => e.Key == $"k{key}");
                        if (at >= 0)
                        {
                            expected[at] = ($"k{key}", $"v{value}", source);
                        }
                        else
                        {
                            expected.Add(($"k{key}", $"v{value}", source));
                        }
                    }
                }

                Assert.Equal(stack.Count, scope.Depth);
                Assert.Equal(expected, Contents(scope));
            }
        }).Check(Explo.Domain.Testing.RunSettings.Config(100));
    }
}
