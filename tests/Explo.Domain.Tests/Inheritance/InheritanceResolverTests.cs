using System.Collections.Immutable;
using System.Text.Json;
using Explo.Domain.Inheritance;
using FsCheck;
using FsCheck.Fluent;

namespace Explo.Domain.Tests.Inheritance;

public sealed class InheritanceResolverTests
{
    private static readonly AccessGroupId Production = new(3);
    private static readonly AccessGroupId Development = new(4);
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Customer C(long id, long? parent, string? properties = null, OrderedMap<string>? mapping = null, int[]? tags = null, AccessGroupId? group = null) => new(
        new CustomerId(id),
        $"c{id}",
        $"c{id}",
        id.ToString("x64", System.Globalization.CultureInfo.InvariantCulture),
        false,
        [],
        (tags ?? []).Select(t => new GroupTagId(t)).ToImmutableArray(),
        properties is null ? PropertyMap.Empty : PropertyMap.Parse(properties),
        mapping ?? OrderedMap<string>.Empty,
        new LevelId(1),
        group ?? Production,
        parent is null ? null : new CustomerId(parent.Value),
        At,
        At,
        1);

    private static OrderedMap<string> NoDefaults(AccessGroupId group) => OrderedMap<string>.Empty;

    /// <summary>A loader over a fixed set of customers that records every call.</summary>
    private sealed class CountingLoader(IEnumerable<Customer> store)
    {
        private readonly Dictionary<CustomerId, Customer> _store = store.ToDictionary(c => c.Id);

        public List<List<long>> Calls { get; } = [];

        public IReadOnlyList<Customer> Load(IReadOnlyCollection<CustomerId> ids)
        {
            Calls.Add(ids.Select(i => i.Value).Order().ToList());
            return ids.Where(_store.ContainsKey).Select(i => _store[i]).ToList();
        }

        public IEnumerable<long> AllLoaded => Calls.SelectMany(c => c);
    }

    private static IReadOnlyDictionary<CustomerId, ComputedFields> ResolveAll(IReadOnlyCollection<Customer> targets, IEnumerable<Customer> store, Func<AccessGroupId, OrderedMap<string>>? defaults = null) =>
        InheritanceResolver.Resolve(targets, new CountingLoader(store).Load, defaults ?? NoDefaults);

    private static string Json(OrderedMap<JsonElement> map) => PropertyMap.ToJson(map);

    [Fact]
    public void The_nearer_customer_wins_and_keys_keep_the_order_of_first_appearance_root_first()
    {
        Customer[] all =
        [
            C(1, null, """{"region":"eu","plan":"gold","tier":1}"""),
            C(2, 1, """{"seats":5,"plan":"silver"}"""),
            C(3, 2, """{"tier":3,"color":"red","region":"us"}"""),
        ];

        var computed = ResolveAll([all[2]], all)[new CustomerId(3)];

        Assert.Equal("""{"region":"us","plan":"silver","tier":3,"seats":5,"color":"red"}""", Json(computed.Properties));
    }

    [Fact]
    public void A_null_value_is_a_value_and_overrides_an_ancestor()
    {
        Customer[] all = [C(1, null, """{"a":1,"b":2}"""), C(2, 1, """{"a":null}"""), C(3, 2, """{"b":3}""")];

        var computed = ResolveAll([all[1], all[2]], all);

        Assert.Equal("""{"a":null,"b":2}""", Json(computed[new CustomerId(2)].Properties));
        Assert.Equal("""{"a":null,"b":3}""", Json(computed[new CustomerId(3)].Properties));
    }

    [Fact]
    public void A_nested_object_is_one_value_the_merge_is_shallow()
    {
        Customer[] all =
        [
            C(1, null, """{"o":{"x":1,"y":2},"list":[1,2,3]}"""),
            C(2, 1, """{"o":{"x":3},"list":[]}"""),
        ];

        var computed = ResolveAll([all[1]], all)[new CustomerId(2)];

        Assert.Equal("""{"o":{"x":3},"list":[]}""", Json(computed.Properties));
    }

    [Fact]
    public void Exact_numbers_and_odd_keys_pass_through_unchanged()
    {
        Customer[] all =
        [
            C(1, null, """{"a.b":12345678901234567890,"$x":1e400," ":0.1000000000000000055511151231257827}"""),
            C(2, 1, """{"ü":"日本","A.B":true}"""),
        ];

        var computed = ResolveAll([all[1]], all)[new CustomerId(2)];

        Assert.Equal("""{"a.b":12345678901234567890,"$x":1e400," ":0.1000000000000000055511151231257827,"ü":"日本","A.B":true}""", Json(computed.Properties));
    }

    [Fact]
    public void The_dvg_defaults_are_the_base_of_the_mapping_and_are_overridden_by_the_nearer()
    {
        var defaults = OrderedMap.Of(("s1", "default1"), ("s2", "default2"), ("s3", "default3"));
        Customer[] all =
        [
            C(1, null, mapping: OrderedMap.Of(("s4", "root4"), ("s2", "root2"))),
            C(2, 1, mapping: OrderedMap.Of(("s3", "mid3"), ("s4", "mid4"))),
            C(3, 2, mapping: OrderedMap.Of(("s2", "leaf2"), ("s5", "leaf5"))),
        ];

        var computed = ResolveAll(all, all, _ => defaults);

        Assert.Equal(
            [KeyValuePair.Create("s1", "default1"), KeyValuePair.Create("s2", "root2"), KeyValuePair.Create("s3", "default3"), KeyValuePair.Create("s4", "root4")],
            computed[new CustomerId(1)].Mapping.Entries.AsEnumerable());
        Assert.Equal(
            [KeyValuePair.Create("s1", "default1"), KeyValuePair.Create("s2", "leaf2"), KeyValuePair.Create("s3", "mid3"), KeyValuePair.Create("s4", "mid4"), KeyValuePair.Create("s5", "leaf5")],
            computed[new CustomerId(3)].Mapping.Entries.AsEnumerable());
    }

    [Fact]
    public void Each_tree_gets_the_defaults_of_its_own_dvg()
    {
        Customer[] all =
        [
            C(1, null, group: Production),
            C(2, 1, group: Production),
            C(3, null, group: Development),
            C(4, 3, mapping: OrderedMap.Of(("s9", "own")), group: Development),
            C(5, null, group: new AccessGroupId(99)),
        ];
        OrderedMap<string> Defaults(AccessGroupId group) =>
            group == Production ? OrderedMap.Of(("s1", "prod")) : group == Development ? OrderedMap.Of(("s1", "dev")) : OrderedMap<string>.Empty;

        var computed = ResolveAll(all, all, Defaults);

        Assert.Equal("prod", computed[new CustomerId(2)].Mapping["s1"]);
        Assert.Equal([KeyValuePair.Create("s1", "dev"), KeyValuePair.Create("s9", "own")], computed[new CustomerId(4)].Mapping.Entries.AsEnumerable());
        Assert.Empty(computed[new CustomerId(5)].Mapping);
    }

    [Fact]
    public void The_walk_reports_the_dvg_default_as_an_entry_without_source()
    {
        Customer[] all = [C(1, null, mapping: OrderedMap.Of(("s2", "root"))), C(2, 1, mapping: OrderedMap.Of(("s3", "leaf")))];
        var seen = new List<(string Key, string Value, CustomerId? Source)>();

        InheritanceResolver.Walk(all, _ => OrderedMap.Of(("s1", "default"), ("s2", "default")), c => c.Id.Value == 2, (_, view) =>
        {
            for (var i = 0; i < view.Mapping.Count; i++)
            {
                seen.Add((view.Mapping.KeyAt(i), view.Mapping.ValueAt(i), view.Mapping.SourceAt(i)));
            }
        });

        Assert.Equal([("s1", "default", (CustomerId?)null), ("s2", "root", new CustomerId(1)), ("s3", "leaf", new CustomerId(2))], seen);
    }

    [Fact]
    public void Group_tags_are_root_first_without_repeats()
    {
        Customer[] all =
        [
            C(1, null, tags: [7, 3]),
            C(2, 1, tags: [3, 5, 5]),
            C(3, 2, tags: [1, 7, 2]),
        ];

        var computed = ResolveAll(all, all);

        Assert.Equal([7, 3], computed[new CustomerId(1)].GroupTags.Select(t => t.Value));
        Assert.Equal([7, 3, 5], computed[new CustomerId(2)].GroupTags.Select(t => t.Value));
        Assert.Equal([7, 3, 5, 1, 2], computed[new CustomerId(3)].GroupTags.Select(t => t.Value));
    }

    [Fact]
    public void Siblings_do_not_see_each_others_layers()
    {
        Customer[] all =
        [
            C(1, null, """{"base":0}""", OrderedMap.Of(("s", "root")), [1]),
            C(2, 1, """{"a":2,"base":2}""", OrderedMap.Of(("s", "two")), [2]),
            C(3, 2, """{"deep":3}""", tags: [3]),
            C(4, 1, """{"b":4}""", tags: [4]),
            C(5, 4, """{"base":5}"""),
        ];

        var computed = ResolveAll(all, all);

        Assert.Equal("""{"base":2,"a":2,"deep":3}""", Json(computed[new CustomerId(3)].Properties));
        Assert.Equal("""{"base":0,"b":4}""", Json(computed[new CustomerId(4)].Properties));
        Assert.Equal("""{"base":5,"b":4}""", Json(computed[new CustomerId(5)].Properties));
        Assert.Equal("root", computed[new CustomerId(5)].Mapping["s"]);
        Assert.Equal([1, 4], computed[new CustomerId(5)].GroupTags.Select(t => t.Value));
        Assert.Equal([1, 2, 3], computed[new CustomerId(3)].GroupTags.Select(t => t.Value));
    }

    [Fact]
    public void A_parent_with_a_larger_id_than_its_child_resolves_the_same()
    {
        Customer[] all = [C(9, null, """{"a":"root"}"""), C(2, 9, """{"b":"mid"}"""), C(5, 2, """{"a":"leaf"}""")];

        var computed = ResolveAll([all[2]], all);

        Assert.Equal("""{"a":"leaf","b":"mid"}""", Json(computed[new CustomerId(5)].Properties));
    }

    [Fact]
    public void Resolve_of_no_targets_loads_nothing()
    {
        var loader = new CountingLoader([]);

        Assert.Empty(InheritanceResolver.Resolve([], loader.Load, NoDefaults));
        Assert.Empty(loader.Calls);
    }

    [Fact]
    public void Resolve_of_roots_loads_nothing()
    {
        Customer[] roots = [C(1, null, """{"a":1}"""), C(2, null)];
        var loader = new CountingLoader(roots);

        var computed = InheritanceResolver.Resolve(roots, loader.Load, NoDefaults);

        Assert.Empty(loader.Calls);
        Assert.Equal(2, computed.Count);
        Assert.Equal("""{"a":1}""", Json(computed[new CustomerId(1)].Properties));
    }

    [Fact]
    public void A_page_sharing_ancestors_loads_each_ancestor_once_in_one_call_per_depth_level()
    {
        //          1
        //       /     \
        //      2       3
        //    /   \      \
        //   4     5      6
        //  / \    |      |
        // 7   8   9      10
        var store = new[]
        {
            C(1, null, """{"r":1}"""), C(2, 1), C(3, 1), C(4, 2), C(5, 2), C(6, 3), C(7, 4), C(8, 4), C(9, 5), C(10, 6, """{"r":10}"""),
        };
        var page = new[] { store[6], store[7], store[8], store[9] };
        var loader = new CountingLoader(store);

        var computed = InheritanceResolver.Resolve(page, loader.Load, NoDefaults);

        Assert.Equal([[4, 5, 6], [2, 3], [1]], loader.Calls);
        Assert.Equal(loader.AllLoaded.Count(), loader.AllLoaded.Distinct().Count());
        Assert.Equal([7, 8, 9, 10], computed.Keys.Select(k => k.Value).Order());
        Assert.Equal("""{"r":1}""", Json(computed[new CustomerId(7)].Properties));
        Assert.Equal("""{"r":10}""", Json(computed[new CustomerId(10)].Properties));
    }

    [Fact]
    public void Targets_that_are_ancestors_of_other_targets_are_never_loaded()
    {
        var store = new[] { C(1, null), C(2, 1, """{"x":2}"""), C(3, 2), C(4, 3), C(5, 2) };
        var page = new[] { store[3], store[1], store[4] };
        var loader = new CountingLoader(store);

        var computed = InheritanceResolver.Resolve(page, loader.Load, NoDefaults);

        // 4 needs 3 (not a target) and then 2 (a target, known); 2 and 5 need 1.
        Assert.Equal([[1, 3]], loader.Calls);
        Assert.Equal(3, computed.Count);
        Assert.Equal("""{"x":2}""", Json(computed[new CustomerId(4)].Properties));
    }

    [Fact]
    public void A_chain_10000_deep_resolves_without_overflowing_the_stack()
    {
        const int depth = 10_000;
        var chain = Enumerable.Range(1, depth)
            .Select(i => C(i, i == 1 ? null : i - 1, $$"""{"k{{i}}":{{i}},"shared":{{i}}}""", OrderedMap.Of(($"s{i % 7}", $"d{i}")), [i % 13]))
            .ToList();
        var loader = new CountingLoader(chain);

        var computed = InheritanceResolver.Resolve([chain[^1]], loader.Load, NoDefaults)[new CustomerId(depth)];

        // One load per level above the target, one ancestor each.
        Assert.Equal(depth - 1, loader.Calls.Count);
        Assert.All(loader.Calls, call => Assert.Single(call));
        Assert.Equal(depth - 1, loader.AllLoaded.Distinct().Count());

        Assert.Equal(depth + 1, computed.Properties.Count);
        Assert.Equal("shared", computed.Properties.Entries[1].Key);
        Assert.Equal($"{depth}", computed.Properties["shared"].GetRawText());
        Assert.Equal(
            new[] { "k1", "shared" }.Concat(Enumerable.Range(2, depth - 1).Select(i => $"k{i}")),
            computed.Properties.Keys);
        Assert.Equal(7, computed.Mapping.Count);
        Assert.Equal($"d{depth}", computed.Mapping[$"s{depth % 7}"]);
        Assert.Equal(13, computed.GroupTags.Length);
    }

    [Fact]
    public void A_chain_10000_deep_gives_the_deepest_customer_10000_keys()
    {
        const int depth = 10_000;
        var chain = Enumerable.Range(1, depth).Select(i => C(i, i == 1 ? null : i - 1, $$"""{"k{{i}}":{{i}}}""")).ToList();
        var deepest = 0;

        InheritanceResolver.Walk(chain, NoDefaults, c => c.Id.Value == depth, (_, view) => deepest = view.Properties.Count);
        var resolved = InheritanceResolver.Resolve([chain[^1]], new CountingLoader(chain).Load, NoDefaults)[new CustomerId(depth)];

        Assert.Equal(depth, deepest);
        Assert.Equal(depth, resolved.Properties.Count);
        Assert.Equal(Enumerable.Range(1, depth).Select(i => $"k{i}"), resolved.Properties.Keys);
    }

    [Fact]
    public void The_walk_visits_roots_and_siblings_in_id_order_and_emits_only_the_selected()
    {
        Customer[] all = [C(5, null), C(3, 5), C(9, 5), C(1, 9), C(2, null), C(4, 2)];
        var visited = new List<long>();

        InheritanceResolver.Walk(all, NoDefaults, c => c.Id.Value != 9, (c, _) => visited.Add(c.Id.Value));

        Assert.Equal([2, 4, 5, 3, 1], visited);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(4, 3)]
    [InlineData(2, 7)]
    public void The_parallel_walk_reports_every_customer_once_with_the_sequential_walk_s_fields(int workers, int seed)
    {
        // A random forest of 600 customers over three roots, two DVGs, properties that override, mappings and tags.
        var random = new Random(seed);
        var all = new List<Customer>();
        for (var id = 1; id <= 600; id++)
        {
            long? parent = id <= 3 ? null : random.Next(1, id);
            var group = parent is { } p ? all[(int)p - 1].AccessGroupId : (id == 2 ? Development : Production);
            all.Add(C(id, parent, $$"""{"k{{random.Next(6)}}":{{id}},"own{{id % 4}}":"v{{id}}"}""", id % 5 == 0 ? OrderedMap.Of(("s1", $"ds{id}")) : null, id % 7 == 0 ? [id % 3] : null, group));
        }

        var children = all.GroupBy(c => c.ParentId).Where(g => g.Key is not null).ToDictionary(g => g.Key!.Value, g => g.OrderBy(c => c.Id.Value).ToList());
        IReadOnlyList<Customer> ChildrenOf(Customer c) => children.TryGetValue(c.Id, out var kids) ? kids : [];
        OrderedMap<string> Defaults(AccessGroupId g) => OrderedMap.Of(("s1", $"default-{g.Value}"), ("s2", "d"));
        static string Text(ComputedFields f) => $"{PropertyMap.ToJson(f.Properties)}|{string.Join(",", f.Mapping.Select(m => $"{m.Key}={m.Value}"))}|{string.Join(",", f.GroupTags)}";
        var roots = all.Where(c => c.ParentId is null).ToList();

        var expected = new Dictionary<long, string>();
        var sequential = InheritanceResolver.Walk(roots, ChildrenOf, Defaults, c => c.Id.Value % 10 != 3, (c, view) => expected.Add(c.Id.Value, Text(view.Materialize())));
        var visitors = new System.Collections.Concurrent.ConcurrentBag<List<(long Id, string Fields)>>();
        var parallel = InheritanceResolver.WalkParallel(roots, ChildrenOf, Defaults, c => c.Id.Value % 10 != 3, () =>
        {
            var seen = new List<(long, string)>();
            visitors.Add(seen);
            return (c, view) => seen.Add((c.Id.Value, Text(view.Materialize())));
        }, workers);

        var reported = visitors.SelectMany(v => v).ToList();
        Assert.Equal(600, sequential);
        Assert.Equal(sequential, parallel);
        Assert.Equal(reported.Count, reported.Select(r => r.Id).Distinct().Count());
        Assert.Equal(expected.OrderBy(e => e.Key), reported.Select(r => KeyValuePair.Create(r.Id, r.Fields)).OrderBy(e => e.Key));
    }

    [Fact]
    public void Materialized_fields_outlive_the_walk()
    {
        Customer[] all = [C(1, null, """{"a":1}"""), C(2, 1, """{"b":2}"""), C(3, 1, """{"c":3}""")];
        var materialized = new Dictionary<long, ComputedFields>();

        InheritanceResolver.Walk(all, NoDefaults, _ => true, (c, view) => materialized[c.Id.Value] = view.Materialize());

        Assert.Equal("""{"a":1}""", Json(materialized[1].Properties));
        Assert.Equal("""{"a":1,"b":2}""", Json(materialized[2].Properties));
        Assert.Equal("""{"a":1,"c":3}""", Json(materialized[3].Properties));
    }

    [Fact]
    public void A_missing_parent_is_a_corrupt_store()
    {
        Customer[] all = [C(1, null), C(2, 1), C(3, 42)];

        Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Resolve([all[2]], new CountingLoader(all).Load, NoDefaults));
        Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Walk(all, NoDefaults, _ => true, (_, _) => { }));
    }

    [Fact]
    public void A_missing_grandparent_is_a_corrupt_store()
    {
        Customer[] all = [C(2, 1), C(3, 2)];

        Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Resolve([all[1]], new CountingLoader(all).Load, NoDefaults));
    }

    [Fact]
    public void A_cycle_is_a_corrupt_store()
    {
        Customer[] cycle = [C(1, 3), C(2, 1), C(3, 2)];
        Customer[] withTree = [C(10, null), C(11, 10), .. cycle];

        Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Resolve([cycle[0]], new CountingLoader(cycle).Load, NoDefaults));
        Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Resolve([withTree[1], cycle[1]], new CountingLoader(withTree).Load, NoDefaults));
        Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Walk(withTree, NoDefaults, _ => true, (_, _) => { }));

        // A long tail into a long cycle: 100 -> 99 -> ... -> 60, then 60 -> 59 -> ... -> 20 -> 60 again.
        var rho = Enumerable.Range(20, 81).Select(i => C(i, i == 20 ? 60 : i - 1)).ToArray();
        var error = Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Resolve([rho[^1]], new CountingLoader(rho).Load, NoDefaults));
        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_customer_that_is_its_own_parent_is_a_corrupt_store()
    {
        Customer[] all = [C(1, null), C(2, 2)];

        Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Resolve([all[1]], new CountingLoader(all).Load, NoDefaults));
        Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Walk(all, NoDefaults, _ => true, (_, _) => { }));
    }

    [Fact]
    public void Resolve_with_a_visitor_hands_each_target_over_once_even_when_listed_twice()
    {
        Customer[] all = [C(1, null, """{"a":1}"""), C(2, 1, """{"b":2}"""), C(3, 1, """{"c":3}"""), C(4, 3, """{"a":4}""")];
        var visits = new List<(long Id, string Properties)>();

        InheritanceResolver.Resolve([all[3], all[1], all[3]], new CountingLoader(all).Load, NoDefaults, (c, fields) => visits.Add((c.Id.Value, Json(fields.Properties))));
        InheritanceResolver.Resolve([], new CountingLoader(all).Load, NoDefaults, (c, _) => visits.Add((c.Id.Value, "unexpected")));

        Assert.Equal([(2L, """{"a":1,"b":2}"""), (4L, """{"a":4,"c":3}""")], visits.OrderBy(v => v.Id));
    }

    [Fact]
    public void A_resolve_inside_a_visitor_and_one_after_a_corrupt_store_give_the_same_fields_as_a_first_one()
    {
        // A tree wide enough for shared states (four targets or more under one customer) and indexes (nine keys or more).
        var all = new List<Customer> { C(1, null, """{"r0":0,"r1":1,"r2":2,"r3":3,"r4":4,"r5":5,"r6":6,"r7":7,"r8":8}""", tags: [1]) };
        for (var i = 2; i <= 21; i++)
        {
            all.Add(C(i, 1, $$"""{"k{{i}}":{{i}},"r{{i % 9}}":"own"}""", tags: [i % 3]));
        }

        var targets = all.Skip(1).ToList();
        string Render(ComputedFields f) => $"{Json(f.Properties)} {string.Join(",", f.Mapping.Keys)} [{string.Join(",", f.GroupTags.Select(t => t.Value))}] {f.Properties.TryGetValue("r0", out var r0) && r0.GetRawText() == "0"}";
        var first = new Dictionary<long, string>();
        InheritanceResolver.Resolve(targets, new CountingLoader(all).Load, NoDefaults, (c, f) => first.Add(c.Id.Value, Render(f)));

        // Nested: each visit resolves the page again on the same thread, while the outer resolution is under way.
        var nested = new Dictionary<long, string>();
        var outer = new Dictionary<long, string>();
        InheritanceResolver.Resolve(targets, new CountingLoader(all).Load, NoDefaults, (c, f) =>
        {
            outer.Add(c.Id.Value, Render(f));
            if (c.Id.Value == 2)
            {
                InheritanceResolver.Resolve(targets, new CountingLoader(all).Load, NoDefaults, (d, g) => nested.Add(d.Id.Value, Render(g)));
            }
        });

        // A corrupt store fails a resolution part way; the next one on the thread starts clean.
        Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Resolve([.. targets, C(99, 98)], new CountingLoader(all).Load, NoDefaults, (_, _) => { }));
        var after = new Dictionary<long, string>();
        InheritanceResolver.Resolve(targets, new CountingLoader(all).Load, NoDefaults, (c, f) => after.Add(c.Id.Value, Render(f)));

        Assert.Equal(20, first.Count);
        Assert.Contains("\"k7\":7", first[7], StringComparison.Ordinal);
        Assert.EndsWith("True", first[7], StringComparison.Ordinal);
        Assert.Equal(first.OrderBy(e => e.Key), outer.OrderBy(e => e.Key));
        Assert.Equal(first.OrderBy(e => e.Key), nested.OrderBy(e => e.Key));
        Assert.Equal(first.OrderBy(e => e.Key), after.OrderBy(e => e.Key));
    }

    [Fact]
    public void ResolveOne_looks_each_ancestor_up_once_and_rejects_a_corrupt_chain()
    {
        const int depth = 5_000;
        var chain = Enumerable.Range(1, depth).Select(i => C(i, i == 1 ? null : i - 1, $$"""{"k{{i % 100}}":{{i}}}""")).ToDictionary(c => c.Id);
        var asked = new List<long>();

        var computed = InheritanceResolver.ResolveOne(chain[new CustomerId(depth)], id => { asked.Add(id.Value); return chain.GetValueOrDefault(id); }, NoDefaults);

        Assert.Equal(Enumerable.Range(1, depth - 1).Reverse().Select(i => (long)i), asked);
        Assert.Equal(100, computed.Properties.Count);
        Assert.Equal("k1", computed.Properties.Entries[0].Key);
        Assert.Equal("4901", computed.Properties["k1"].GetRawText());

        // A missing parent, a lookup that returns another customer, a cycle: each is a corrupt store.
        Customer[] broken = [C(1, null), C(2, 1), C(3, 42), C(4, 4), C(5, 6), C(6, 5)];
        var byId = broken.ToDictionary(c => c.Id);
        var missing = Assert.Throws<InvalidOperationException>(() => InheritanceResolver.ResolveOne(broken[2], id => byId.GetValueOrDefault(id), NoDefaults));
        Assert.Contains("42", missing.Message, StringComparison.Ordinal);
        var other = Assert.Throws<InvalidOperationException>(() => InheritanceResolver.ResolveOne(broken[1], _ => C(9, null), NoDefaults));
        Assert.Contains("9", other.Message, StringComparison.Ordinal);
        Assert.Contains("cycle", Assert.Throws<InvalidOperationException>(() => InheritanceResolver.ResolveOne(broken[3], id => byId.GetValueOrDefault(id), NoDefaults)).Message, StringComparison.Ordinal);
        Assert.Contains("cycle", Assert.Throws<InvalidOperationException>(() => InheritanceResolver.ResolveOne(broken[4], id => byId.GetValueOrDefault(id), NoDefaults)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_below_a_target_ancestor_chain_is_a_corrupt_store()
    {
        // 4 -> 3 -> 2 -> 3: the loader finds every parent, but the chain never reaches a root.
        Customer[] all = [C(2, 3), C(3, 2), C(4, 3)];

        Assert.Throws<InvalidOperationException>(() => InheritanceResolver.Resolve([all[2]], new CountingLoader(all).Load, NoDefaults));
    }

    // ---- Property: Resolve over random forests equals the naive per-customer fold. ----

    /// <summary>A generated forest: customer i's parent is a generated index (any order of ids), or none.</summary>
    public sealed record Forest(Node[] Nodes, long[] Ids, bool[] IsTarget, int[][] Defaults)
    {
        public override string ToString() =>
            string.Join("; ", Nodes.Select((n, i) => $"#{Ids[i]}{(IsTarget[i] ? "*" : "")}<-{(n.Parent is { } p ? $"#{Ids[p]}" : "root")} {n}"));
    }

    /// <summary>One generated customer: parent index (smaller than its own), own layers and tags (as pool indexes).</summary>
    public sealed record Node(int? Parent, int Group, (int Key, int Value)[] Properties, (int Schema, int Source)[] Mapping, int[] Tags)
    {
        public override string ToString() =>
            $"p{{{string.Join(",", Properties.Select(p => $"{Keys[p.Key]}={Values[p.Value]}"))}}} m{{{string.Join(",", Mapping.Select(m => $"s{m.Schema}={m.Source}"))}}} t[{string.Join(",", Tags)}]";
    }

    // More keys than a map holds without an index (8), so outputs have indexes, shared with their ancestors' states.
    private static readonly string[] Keys = ["a", "b", "a.b", "$x", " ", "ü", "A", "n", .. Enumerable.Range(0, 16).Select(i => $"k{i}")];

    private static readonly string[] Schemas = [.. Enumerable.Range(0, 12).Select(i => $"s{i}")];

    private static readonly string[] Values = ["1", "\"x\"", "null", "true", """{"o":1}""", "[1,2]", "12345678901234567890", "1e400", "{}"];

    private static Gen<T[]> Upto<T>(Gen<T> gen, int max) => Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(gen, n));

    private static readonly Gen<Forest> ForestGen =
        from size in Gen.Choose(1, 40)
        from nodes in Gen.CollectToArray(
            Enumerable.Range(0, size),
            i =>
                from hasParent in Gen.Elements(i > 0, i > 0, i > 0, false)
                from parent in Gen.Choose(0, Math.Max(0, i - 1))
                from dvg in Gen.Choose(0, 1)
                from properties in Upto(Gen.Zip(Gen.Choose(0, Keys.Length - 1), Gen.Choose(0, Values.Length - 1)), 7)
                from mapping in Upto(Gen.Zip(Gen.Choose(0, Schemas.Length - 1), Gen.Choose(0, 3)), 5)
                from tags in Upto(Gen.Choose(0, 19), 6)
                select new Node(hasParent ? parent : null, dvg, properties, mapping, tags))
        from ids in Gen.Shuffle(Enumerable.Range(1, size * 3).Select(i => (long)i)).Select(all => all.Take(size).ToArray())
        from isTarget in Gen.ArrayOf(Gen.Elements(true, false), size)
        from defaults in Gen.ArrayOf(Upto(Gen.Choose(0, Schemas.Length - 1), 6), 2)
        select new Forest(nodes, ids, isTarget, defaults);

    [Fact]
    public void Resolve_over_random_forests_equals_the_naive_fold_of_each_customer()
    {
        Prop.ForAll(Arb.From(ForestGen), forest =>
        {
            var nodes = forest.Nodes;
            var groups = new AccessGroupId[nodes.Length];
            var customers = new Customer[nodes.Length];
            for (var i = 0; i < nodes.Length; i++)
            {
                var node = nodes[i];

                // A child is in its parent's DVG (hierarchy rule 1), so every tree has one DVG.
                groups[i] = node.Parent is { } p ? groups[p] : new AccessGroupId(node.Group + 1);
                customers[i] = new Customer(
                    new CustomerId(forest.Ids[i]),
                    $"c{i}",
                    $"c{i}",
                    forest.Ids[i].ToString("x64", System.Globalization.CultureInfo.InvariantCulture),
                    false,
                    [],
                    node.Tags.Select(t => new GroupTagId(t + 1)).ToImmutableArray(),
                    // Each customer's keys are strings of its own (as a store reads them), equal to the others' but not the same instances.
                    OrderedMap<JsonElement>.From(node.Properties.Select(e => KeyValuePair.Create(new string(Keys[e.Key].AsSpan()), JsonDocument.Parse(Values[e.Value]).RootElement.Clone()))),
                    OrderedMap<string>.From(node.Mapping.Select(e => KeyValuePair.Create(new string(Schemas[e.Schema].AsSpan()), $"ds{e.Source}"))),
                    new LevelId(1),
                    groups[i],
                    node.Parent is { } parent ? new CustomerId(forest.Ids[parent]) : null,
                    At,
                    At,
                    1);
            }

            OrderedMap<string> Defaults(AccessGroupId group) =>
                OrderedMap<string>.From(forest.Defaults[group.Value - 1].Select(s => KeyValuePair.Create(Schemas[s], $"default{s}-{group.Value}")));

            var targets = customers.Where((_, i) => forest.IsTarget[i]).ToList();
            var loader = new CountingLoader(customers);
            var computed = InheritanceResolver.Resolve(targets, loader.Load, Defaults);
            var streamed = new Dictionary<CustomerId, ComputedFields>();
            InheritanceResolver.Resolve(targets, new CountingLoader(customers).Load, Defaults, (c, fields) => Assert.True(streamed.TryAdd(c.Id, fields), $"#{c.Id.Value} visited twice"));
            Assert.Equal(computed.Keys.Select(k => k.Value).Order(), streamed.Keys.Select(k => k.Value).Order());

            Assert.Equal(targets.Select(t => t.Id.Value).Order(), computed.Keys.Select(k => k.Value).Order());
            var targetIds = targets.Select(t => t.Id.Value).ToHashSet();
            Assert.Equal(loader.AllLoaded.Count(), loader.AllLoaded.Distinct().Count());
            Assert.DoesNotContain(loader.AllLoaded, targetIds.Contains);

            var byIndexId = customers.ToDictionary(c => c.Id);
            var neededAncestors = new HashSet<long>();
            var deepest = 0;
            foreach (var target in targets)
            {
                // The naive fold: walk up to the root, then merge root first; the nearer wins, keys keep first position.
                var path = new List<Customer>();
                for (Customer? c = target; c is not null; c = c.ParentId is { } p ? byIndexId[p] : null)
                {
                    path.Add(c);
                }

                path.Reverse();
                deepest = Math.Max(deepest, path.Count - 1);
                neededAncestors.UnionWith(path.Select(c => c.Id.Value).Where(id => !targetIds.Contains(id)));

                var properties = new List<KeyValuePair<string, string>>();
                var mapping = Defaults(target.AccessGroupId).Entries.ToList();
                var tags = new List<GroupTagId>();
                foreach (var layer in path)
                {
                    foreach (var (key, value) in layer.Properties)
                    {
                        Put(properties, key, value.GetRawText());
                    }

                    foreach (var (schema, source) in layer.Mapping)
                    {
                        Put(mapping, schema, source);
                    }

                    foreach (var tag in layer.GroupTags)
                    {
                        if (!tags.Contains(tag))
                        {
                            tags.Add(tag);
                        }
                    }
                }

                // The batch resolver, and the single lookup one customer at a time, both give the naive fold.
                var alone = InheritanceResolver.ResolveOne(target, id => byIndexId.GetValueOrDefault(id), Defaults);
                var explained = InheritanceResolver.Explain(target, id => byIndexId.GetValueOrDefault(id), Defaults);
                foreach (var actual in new[] { computed[target.Id], streamed[target.Id], alone, explained.Fields })
                {
                    Assert.Equal(properties, actual.Properties.Entries.Select(e => KeyValuePair.Create(e.Key, e.Value.GetRawText())));
                    Assert.Equal(mapping, actual.Mapping.Entries.AsEnumerable());
                    Assert.Equal(tags, actual.GroupTags.AsEnumerable());

                    // Every key is found at its place and no other key is (an index shared with an ancestor's state
                    // holds none of a sibling's keys).
                    foreach (var key in Keys)
                    {
                        var at = properties.FindIndex(e => e.Key == key);
                        Assert.Equal(at >= 0, actual.Properties.TryGetValue(new string(key.AsSpan()), out var value));
                        Assert.Equal(at >= 0 ? properties[at].Value : null, at >= 0 ? value.GetRawText() : null);
                    }

                    foreach (var schema in Schemas)
                    {
                        var at = mapping.FindIndex(e => e.Key == schema);
                        Assert.Equal(at >= 0, actual.Mapping.TryGetValue(new string(schema.AsSpan()), out var source));
                        Assert.Equal(at >= 0 ? mapping[at].Value : null, source);
                    }
                }

                // The plain fold over the path's layers gives the same maps.
                Assert.Equal(properties, InheritanceResolver.Fold(path.Select(c => c.Properties)).Entries.Select(e => KeyValuePair.Create(e.Key, e.Value.GetRawText())));
                Assert.Equal(mapping, InheritanceResolver.Fold(path.Select(c => c.Mapping).Prepend(Defaults(target.AccessGroupId))).Entries.AsEnumerable());

                // Each value's source is the nearest customer of the path that holds the key (none: the DVG default).
                Assert.Equal(
                    properties.Select(p => KeyValuePair.Create(p.Key, path.Last(c => c.Properties.ContainsKey(p.Key)).Id)),
                    explained.PropertySources.Entries.AsEnumerable());
                Assert.Equal(
                    mapping.Select(m => KeyValuePair.Create(m.Key, path.LastOrDefault(c => c.Mapping.ContainsKey(m.Key))?.Id)),
                    explained.MappingSources.Entries.AsEnumerable());
                Assert.Equal(Enumerable.Reverse(path).Skip(1).Select(c => c.Id), explained.Ancestors.Select(c => c.Id));
            }

            // Exactly the ancestors that aren't targets are loaded, and never more rounds than the deepest target is deep.
            Assert.Equal(neededAncestors.Order(), loader.AllLoaded.Order());
            Assert.True(loader.Calls.Count <= deepest, $"{loader.Calls.Count} loads for a depth of {deepest}");
        }).Check(Explo.Domain.Testing.RunSettings.Config(200));
    }

    private static void Put<TValue>(List<KeyValuePair<string, TValue>> entries, string key, TValue value)
    {
        var at = entries.FindIndex(e => e.Key == key);
        if (at >= 0)
        {
            entries[at] = KeyValuePair.Create(key, value);
        }
        else
        {
            entries.Add(KeyValuePair.Create(key, value));
        }
    }
}
