using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Explo.Domain.Testing;

/// <summary>
/// FsCheck generators for Explo.Domain: awkward property maps, valid customers, whole valid trees, and operation
/// sequences over a <see cref="ReferenceWorkspace"/>. Hosts can use them in their own properties.
/// </summary>
public static class ExploGenerators
{
    /// <summary>Property keys that must round-trip exactly: dots, <c>$</c>, spaces, unicode, case.</summary>
    public static IReadOnlyList<string> AwkwardKeys { get; } = ["a", "b", "A", "a.b", "$x", "with space", "ünïcødé", "键", "x/y?z=1&w", "'quoted'"];

    /// <summary>
    /// Provided ids the operation generator draws from, so operations collide; the last two break the provided_id rule
    /// (outer white space, a zero-width space), so creating or renaming to them is rejected.
    /// </summary>
    public static IReadOnlyList<string> ProvidedIds { get; } = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "a.b", "Ab", "ab", "ünï", "x y", " c7", "c\u200B8"];

    /// <summary>Tag names the operation generator draws from; the last is invalid (outer white space).</summary>
    public static IReadOnlyList<string> TagNames { get; } = ["t0", "t1", "Tag X", "ö", " bad"];

    private static readonly string[] Scalars =
        ["null", "true", "false", "0", "-1", "12345678901234567890", "0.1000000000000000055511151231257827", "1e400", "\"\"", "\"x\"", "\"line\\nbreak \\\"q\\\" ü 键\""];

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Any JSON value: scalars with exact numbers and awkward strings, and nested arrays and objects.</summary>
    public static Gen<JsonElement> JsonValues { get; } = Gen.Sized(size => JsonText(Math.Min(size, 3))).Select(Parse);

    private static Gen<string> JsonText(int depth) => depth <= 0
        ? Gen.Elements(Scalars)
        : Gen.Frequency(
            (4, Gen.Elements(Scalars)),
            (1, JsonText(depth - 1).ArrayOf().Select(items => "[" + string.Join(",", items.Take(3)) + "]")),
            (1, Gen.Zip(Gen.Elements(AwkwardKeys.ToArray()), JsonText(depth - 1)).ArrayOf().Select(members =>
                "{" + string.Join(",", members.Take(3).DistinctBy(m => m.Item1).Select(m => JsonSerializer.Serialize(m.Item1) + ":" + m.Item2)) + "}")));

    /// <summary>Property maps of up to four entries with awkward keys and any JSON values.</summary>
    public static Gen<OrderedMap<JsonElement>> PropertyMaps { get; } =
        Gen.Zip(Gen.Elements(AwkwardKeys.ToArray()), JsonValues).ArrayOf()
            .Select(entries => OrderedMap<JsonElement>.From(entries.Take(4).Select(e => KeyValuePair.Create(e.Item1, e.Item2))));

    /// <summary>Schema-to-data-source mappings (opaque strings: no data source registry).</summary>
    public static Gen<OrderedMap<string>> Mappings { get; } =
        Gen.Zip(Gen.Elements("40", "134", "s.1"), Gen.Elements("213", "386", "ds/x")).ArrayOf()
            .Select(entries => OrderedMap<string>.From(entries.Take(3).Select(e => KeyValuePair.Create(e.Item1, e.Item2))));

    /// <summary>An arbitrary for property maps (generation only).</summary>
    public static Arbitrary<OrderedMap<JsonElement>> PropertyMapArbitrary { get; } = Arb.From(PropertyMaps);

    /// <summary>Valid root customers with unique-looking ids.</summary>
    public static Gen<CreateCustomerRequest> RootCustomers { get; } =
        from n in Gen.Choose(0, 1_000_000)
        from properties in PropertyMaps
        from mapping in Mappings
        select new CreateCustomerRequest($"customer-{n}") { Properties = properties, Mapping = mapping };

    /// <summary>
    /// A whole valid tree as get-or-create requests, parents first: <paramref name="size"/> customers, at most
    /// <paramref name="depth"/> deep, each child one level below its parent (levels named root first).
    /// </summary>
    public static Gen<IReadOnlyList<CreateCustomerRequest>> Trees(int size, int depth, IReadOnlyList<string> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var maxDepth = Math.Min(depth, levels.Count);
        return Gen.Zip(Gen.Choose(0, int.MaxValue).ArrayOf(size), PropertyMaps.ArrayOf(size)).Select(t =>
        {
            var (choices, properties) = t;
            var depths = new int[size];
            var requests = new List<CreateCustomerRequest>(size);
            for (var i = 0; i < size; i++)
            {
                var candidates = Enumerable.Range(0, i).Where(p => depths[p] < maxDepth - 1).ToList();
                var parent = i == 0 || candidates.Count == 0 || choices[i] % 5 == 0 ? -1 : candidates[choices[i] % candidates.Count];
                depths[i] = parent < 0 ? 0 : depths[parent] + 1;
                requests.Add(new CreateCustomerRequest($"n{i}")
                {
                    ParentProvidedId = parent < 0 ? null : $"n{parent}",
                    HierarchyLevelName = parent < 0 ? null : levels[depths[i]],
                    Properties = properties[i],
                });
            }

            return (IReadOnlyList<CreateCustomerRequest>)requests;
        });
    }

    /// <summary>The next operation for a model: mostly on existing customers and tags, sometimes on absent ones.</summary>
    /// <param name="model">The current model.</param>
    /// <param name="canReopen">True to also generate store reopenings.</param>
    /// <returns>The generator.</returns>
    public static Gen<ModelOperation> Operations(ReferenceWorkspace model, bool canReopen)
    {
        ArgumentNullException.ThrowIfNull(model);
        var existing = model.Customers.Values.Select(c => c.ProvidedId).ToArray();
        var ids = existing.Length == 0 ? Gen.Elements(ProvidedIds.ToArray()) : Gen.Frequency((3, Gen.Elements(existing)), (2, Gen.Elements(ProvidedIds.ToArray())));
        var actor = Gen.Frequency((6, Gen.Constant(ExploSystem.Actors[0])), (2, Gen.Constant(ExploSystem.Actors[1])), (1, Gen.Constant(ExploSystem.Actors[2])));
        var level = Gen.Frequency((1, Gen.Constant<string?>(null)), (3, Gen.Elements(model.Levels.ToArray()).Select(l => (string?)l)));
        var parent = Gen.Frequency((1, Gen.Constant<string?>(null)), (3, ids.Select(i => (string?)i)));
        var validTags = TagNames.Take(TagNames.Count - 1).ToArray();
        var existingTags = model.Tags.Values.ToArray();
        var tags = Gen.Frequency(
            (3, Gen.Constant<IReadOnlyList<string>?>(null)),
            (existingTags.Length == 0 ? 0 : 3, Gen.SubListOf(existingTags).Select(t => (IReadOnlyList<string>?)t.ToArray())),
            (1, Gen.SubListOf(validTags).Select(t => (IReadOnlyList<string>?)t.ToArray())));
        var properties = Gen.Frequency((1, Gen.Constant<OrderedMap<JsonElement>?>(null)), (2, PropertyMaps.Select(p => (OrderedMap<JsonElement>?)p)));
        var mapping = Gen.Frequency((2, Gen.Constant<OrderedMap<string>?>(null)), (1, Mappings.Select(m => (OrderedMap<string>?)m)));
        var tagName = Gen.Elements(TagNames.ToArray());

        var randomCreate = from a in actor from id in ids from l in level from p in parent from pr in properties from m in mapping from t in tags
                           select (ModelOperation)new CreateCustomer(a, id, l, p, pr, m, t);

        // Children one level below an existing parent of the actor's DVG, so trees grow deep enough to matter.
        var parents = model.Customers.Values.Where(c => c.AccessGroup == ExploSystem.Actors[0].AccessGroup && model.Rank(c.Level) < model.Levels.Length - 1).ToArray();
        var create = parents.Length == 0
            ? randomCreate
            : Gen.Frequency(
                (1, randomCreate),
                (2, from p in Gen.Elements(parents) from id in Gen.Elements(ProvidedIds.ToArray()) from pr in properties from m in mapping from t in tags
                    select (ModelOperation)new CreateCustomer(ExploSystem.Actors[0], id + "-" + p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), model.Levels[model.Rank(p.Level) + 1], p.ProvidedId, pr, m, t)));
        // An expected version: mostly none; else the customer's current one, or a stale or future one.
        Gen<long?> ExpectedVersion(string providedId)
        {
            var current = model.Find(providedId)?.Version ?? 1;
            return Gen.Frequency(
                (6, Gen.Constant<long?>(null)),
                (2, Gen.Constant<long?>(current)),
                (1, Gen.Elements<long?>(current - 1, current + 1)));
        }

        var update = from a in actor from id in ids from rename in Gen.Frequency((5, Gen.Constant<string?>(null)), (1, ids.Select(i => (string?)(i + "'"))), (1, ids.Select(i => (string?)i)))
                     from l in Gen.Frequency((2, Gen.Constant<string?>(null)), (1, level))
                     from move in Gen.Elements(0, 0, 1, 2) from p in ids from pr in properties from m in mapping from t in tags
                     from v in ExpectedVersion(id)
                     select (ModelOperation)new UpdateCustomer(a, id, rename, l, move > 0, move == 2 ? null : p, pr, m, t, v);
        // Level changes and moves of customers that have children: the hierarchy rules' hardest cases.
        var withChildren = model.Customers.Values.Where(c => model.Children(c.Key).Any()).ToArray();
        var reshape = withChildren.Length == 0
            ? update
            : from c in Gen.Elements(withChildren)
              from l in Gen.Elements(model.Levels.ToArray())
              from p in Gen.Frequency((2, Gen.Constant<string?>(null)), (1, Gen.Elements(model.Customers.Values.Select(x => x.ProvidedId).ToArray()).Select(x => (string?)x)))
              select (ModelOperation)new UpdateCustomer(ExploSystem.Actors[0], c.ProvidedId, null, l, p is not null, p, null, null, null);

        var delete = from a in actor from id in ids from cascade in Gen.Elements(true, false) from v in ExpectedVersion(id) select (ModelOperation)new DeleteCustomer(a, id, cascade, v);
        var refresh = from a in actor from id in ids from v in ExpectedVersion(id) select (ModelOperation)new RefreshToken(a, id, v);

        // Writes under idempotency keys: a new key (from a few, so keys collide) on a create or an update, the exact
        // retry of an earlier keyed write, or an earlier key on another write.
        var keys = Gen.Elements("k0", "k1", "k2", "k3");
        var newKeyed = from k in keys from w in Gen.Frequency((1, randomCreate), (1, update)) select (ModelOperation)new IdempotentWrite(k, w);
        var keyed = model.KeyedWrites.IsEmpty
            ? newKeyed
            : Gen.Frequency(
                (2, newKeyed),
                (3, Gen.Elements(model.KeyedWrites.ToArray()).Select(w => (ModelOperation)w)),
                (1, from earlier in Gen.Elements(model.KeyedWrites.ToArray()) from w in Gen.Frequency((1, randomCreate), (1, update)) select (ModelOperation)new IdempotentWrite(earlier.Key, w)));
        var createTag = from a in actor from n in tagName select (ModelOperation)new CreateTag(a, n);
        var renameTag = from a in actor from n in tagName from m in tagName select (ModelOperation)new RenameTag(a, n, m);
        var deleteTag = from a in actor from n in tagName select (ModelOperation)new DeleteTag(a, n);

        var choices = new List<(int, Gen<ModelOperation>)> { (model.Customers.Count < 4 ? 14 : 6, create), (6, update), (3, reshape), (2, delete), (1, refresh), (2, createTag), (1, renameTag), (1, deleteTag), (3, keyed) };
        if (canReopen)
        {
            choices.Add((1, Gen.Constant<ModelOperation>(new ReopenStore())));
        }

        return Gen.Frequency(choices.ToArray());
    }
}
