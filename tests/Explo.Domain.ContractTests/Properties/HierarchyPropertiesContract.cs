using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Explo.Domain.Testing;

namespace Explo.Domain.ContractTests.Properties;

/// <summary>
/// Property-based contract of the hierarchy: random trees and random operation sequences, run through the port
/// under test, with the invariants of spec section 2 checked after every operation:
/// (a) every customer's computed_properties, computed_parent_schema_datasource_mapping and computed_group_tags equal
/// the plain root-to-leaf fold over its current ancestors; (b) no cycles and no orphans; (c) every edge goes from a
/// strictly higher level to a lower one within one access_group; (d) provided_id and token are unique;
/// (e) a rejected operation leaves the whole state (<see cref="ContractTestBase.Snapshot"/>) exactly as it was.
/// A small model of the rules also predicts the outcome of each operation (success, or which kind of failure) and
/// the own fields of every customer afterwards, so wrongly accepted and wrongly rejected operations both fail.
/// <para>
/// Every generated case runs on a fresh store: a new <see cref="Session"/> is a full <see cref="ContractTestBase"/>
/// built with this adapter's <see cref="ContractTestBase.CreateService"/>, and is disposed when the case ends, so
/// cases (and FsCheck's shrinking) never see each other's data. Set <c>EXPLO_PBT_RUNS</c> to run more cases.
/// </para>
/// </summary>
public abstract class HierarchyPropertiesContract : ContractTestBase
{
    private const int MaxOperations = 30;

    /// <summary>How many operation sequences a default run checks; a slower adapter may lower it (EXPLO_PBT_RUNS overrides).</summary>
    protected virtual int SequenceRuns => 100;

    /// <summary>How many random trees a default run checks; a slower adapter may lower it (EXPLO_PBT_RUNS overrides).</summary>
    protected virtual int TreeRuns => 60;

    private const string Production = "Production";
    private const string Development = "Development";

    private static readonly string[] ProvidedIds =
        ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "a.b", "$x", " sp ", "z\u200Bw", "ünï", "Ab", "ab", "日本", "x/y?z=1&w"];

    /// <summary>The levels of every case, root first (the new workspace's two plus two in between).</summary>
    private static readonly string[] LevelNames = ["Customer", "Region", "Team", "User"];

    /// <summary>Tag names; the last one is invalid (outer white space), so creating or renaming to it is rejected.</summary>
    private static readonly string[] TagNames = ["t0", "t1", "t2", "Tag X", "ö", " bad"];

    private static readonly string[] PropertyKeys = ["a", "b", "a.b", "$x", " ", "ü", "A", "n"];

    private static readonly string[] PropertyValues =
        ["1", "\"x\"", "null", "true", """{"o":1}""", "[1,2]", "12345678901234567890", "0.1000000000000000055511151231257827", "\"ü\"", "{}"];

    /// <summary>Mapping values by schema: s1 and s2 have registered data sources (so values are checked), s3 has none.</summary>
    private static readonly string[][] SourcesBySchema =
    [
        ["ds_prod", "ds_dev", "ds_prod", "ds_dev", "ds_both", "nope"],
        ["ds_both", "ds_both", "ds_prod"],
        ["x", "y", "z"],
    ];

    [Fact]
    public void Random_operation_sequences_keep_every_hierarchy_invariant()
    {
        Prop.ForAll(Arb.From(ScenarioGen, ShrinkScenario), scenario => RunCase(session => session.RunScenario(scenario)))
            .Check(RunSettings.Config(SequenceRuns));
    }

    [Fact]
    public void Random_trees_show_the_root_to_leaf_fold_on_every_read_path()
    {
        Prop.ForAll(Arb.From(TreeGen, ShrinkTree), tree => RunCase(session => session.RunTree(tree)))
            .Check(RunSettings.Config(TreeRuns));
    }

    /// <summary>Runs one generated case on a fresh store of the adapter under test, and disposes it.</summary>
    private void RunCase(Func<Session, Task> body)
    {
        using var session = new Session(CreateService);

        // Off the test's synchronization context, so a blocking wait can't deadlock a remote adapter.
        Task.Run(() => body(session)).GetAwaiter().GetResult();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Generated input. Operations hold raw numbers that are interpreted against the model state when they run,
    // so that most of them hit existing customers, and removing one while shrinking keeps the rest meaningful.
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>Own properties to set, as indexes into the key and value pools.</summary>
    public sealed record Layer((int Key, int Value)[] Entries)
    {
        public OrderedMap<JsonElement> ToMap() =>
            OrderedMap<JsonElement>.From(Entries.Select(e => KeyValuePair.Create(PropertyKeys[e.Key], Parse(PropertyValues[e.Value]))));

        public override string ToString() => PropertyMap.ToJson(ToMap());
    }

    /// <summary>
    /// An own mapping to set, as schema indexes and value choices. Mostly the value a customer of the given DVG may
    /// map to; sometimes another one from the pool (which the rules may reject).
    /// </summary>
    public sealed record MapLayer((int Schema, int Source)[] Entries)
    {
        public OrderedMap<string> ToMap(string dvg) =>
            OrderedMap<string>.From(Entries.Select(e => KeyValuePair.Create($"s{e.Schema + 1}", (e.Schema, e.Source % 10) switch
            {
                (0, < 8) => dvg == Production ? "ds_prod" : "ds_dev",
                (1, < 8) => "ds_both",
                _ => SourcesBySchema[e.Schema][e.Source / 10 % SourcesBySchema[e.Schema].Length],
            })));

        public override string ToString() => "{" + string.Join(",", Entries.Select(e => $"s{e.Schema + 1}:{e.Source}")) + "}";
    }

    /// <summary>Group tag names to set, as indexes into the tag name pool.</summary>
    public sealed record TagList(int[] Names)
    {
        public string[] ToNames() => Names.Select(n => TagNames[n % TagNames.Length]).ToArray();

        public override string ToString() => "[" + string.Join(",", ToNames()) + "]";
    }

    public abstract record Op;

    public sealed record CreateOp(int Who, int Id, int Parent, int Level, Layer? Properties, MapLayer? Mapping, TagList? Tags, bool WithName) : Op;

    public sealed record UpdateOp(int Who, int Target, int Rename, int Level, int Parent, Layer? Properties, MapLayer? Mapping, TagList? Tags, int Misc) : Op;

    public sealed record DeleteOp(int Who, int Token, bool Cascade) : Op;

    public sealed record RefreshOp(int Who, int Token) : Op;

    public sealed record CreateTagOp(int Who, int Name) : Op;

    public sealed record RenameTagOp(int Who, int Name, int NewName) : Op;

    public sealed record DeleteTagOp(int Who, int Name) : Op;

    /// <summary>One case: which DVG defaults exist (bits), and the operations.</summary>
    public sealed record Scenario(int Defaults, Op[] Ops)
    {
        public override string ToString() => $"defaults={Defaults}, {Ops.Length} operations:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", Ops.AsEnumerable());
    }

    /// <summary>A customer of a generated tree: its parent (an index below its own, or itself for a root), how far below the parent it sits, and its own fields.</summary>
    public sealed record TreeNode(int Parent, int Below, bool Development, Layer Properties, MapLayer Mapping, TagList Tags);

    /// <summary>A change made after the tree is built: new own fields, or a new provided id.</summary>
    public sealed record TreeEdit(int Node, Layer? Properties, MapLayer? Mapping, TagList? Tags, bool Rename);

    /// <summary>One tree case: extra levels between the root and leaf levels, the customers, edits, defaults and a page size.</summary>
    public sealed record Tree(int ExtraLevels, TreeNode[] Nodes, TreeEdit[] Edits, int Defaults, int PageSize)
    {
        public override string ToString() =>
            $"levels=+{ExtraLevels}, defaults={Defaults}, page_size={PageSize}{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", Nodes.Select((n, i) => $"#{i} {n}").Concat(Edits.Select(e => e.ToString())));
    }

    private static Gen<int> Pick => Gen.Choose(0, 9999);

    private static Gen<T?> Maybe<T>(Gen<T> gen, int present, int absent)
        where T : class =>
        Gen.Frequency((absent, Gen.Constant<T?>(null)), (present, gen.Select(v => (T?)v)));

    private static readonly Gen<Layer> LayerGen =
        Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Gen.Zip(Gen.Choose(0, PropertyKeys.Length - 1), Gen.Choose(0, PropertyValues.Length - 1)), n))
            .Select(entries => new Layer(entries));

    private static readonly Gen<MapLayer> MapLayerGen =
        Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Zip(Gen.Frequency((3, Gen.Choose(0, 1)), (2, Gen.Constant(2))), Gen.Choose(0, 99)), n))
            .Select(entries => new MapLayer(entries));

    private static readonly Gen<TagList> TagListGen =
        Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Frequency((20, Gen.Choose(0, 1)), (4, Gen.Choose(2, 4)), (1, Gen.Constant(5))), n))
            .Select(names => new TagList(names));

    private static readonly Gen<Op> CreateGen =
        from who in Pick
        from id in Pick
        from parent in Pick
        from level in Pick
        from properties in Maybe(LayerGen, 3, 1)
        from mapping in Maybe(MapLayerGen, 1, 2)
        from tags in Maybe(TagListGen, 1, 2)
        from withName in Gen.Elements(true, false)
        select (Op)new CreateOp(who, id, parent, level, properties, mapping, tags, withName);

    private static readonly Gen<Op> UpdateGen =
        from who in Pick
        from target in Pick
        from rename in Pick
        from level in Pick
        from parent in Pick
        from properties in Maybe(LayerGen, 2, 3)
        from mapping in Maybe(MapLayerGen, 1, 3)
        from tags in Maybe(TagListGen, 1, 3)
        from misc in Pick
        select (Op)new UpdateOp(who, target, rename, level, parent, properties, mapping, tags, misc);

    private static readonly Gen<Op> OpGen = Gen.Frequency(
        (10, CreateGen),
        (9, UpdateGen),
        (2, Gen.Zip(Pick, Pick).SelectMany(p => Gen.Elements(true, false).Select(cascade => (Op)new DeleteOp(p.Item1, p.Item2, cascade)))),
        (1, Gen.Zip(Pick, Pick).Select(p => (Op)new RefreshOp(p.Item1, p.Item2))),
        (1, Gen.Zip(Pick, Pick).Select(p => (Op)new CreateTagOp(p.Item1, p.Item2))),
        (1, Gen.Zip(Pick, Gen.Zip(Pick, Pick)).Select(p => (Op)new RenameTagOp(p.Item1, p.Item2.Item1, p.Item2.Item2))),
        (1, Gen.Zip(Pick, Pick).Select(p => (Op)new DeleteTagOp(p.Item1, p.Item2))));

    private static readonly Gen<Scenario> ScenarioGen =
        from defaults in Gen.Choose(0, 15)
        from count in Gen.Choose(1, MaxOperations)
        from ops in Gen.ArrayOf(OpGen, count)
        select new Scenario(defaults, ops);

    private static IEnumerable<Scenario> ShrinkScenario(Scenario scenario)
    {
        var ops = scenario.Ops;
        if (ops.Length > 1)
        {
            yield return scenario with { Ops = ops[..(ops.Length / 2)] };
        }

        for (var i = ops.Length - 1; i >= 0; i--)
        {
            yield return scenario with { Ops = [.. ops[..i], .. ops[(i + 1)..]] };
        }

        if (scenario.Defaults != 0)
        {
            yield return scenario with { Defaults = 0 };
        }
    }

    private static readonly Gen<Tree> TreeGen =
        from extra in Gen.Choose(0, 4)
        from size in Gen.Choose(1, 30)
        from nodes in Gen.ArrayOf(
            from parent in Pick
            from below in Pick
            from development in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
            from properties in LayerGen
            from mapping in MapLayerGen
            from tags in TagListGen
            select new TreeNode(parent, below, development, properties, mapping, tags),
            size)
        from editCount in Gen.Choose(0, 8)
        from edits in Gen.ArrayOf(
            from node in Pick
            from properties in Maybe(LayerGen, 2, 1)
            from mapping in Maybe(MapLayerGen, 1, 1)
            from tags in Maybe(TagListGen, 1, 1)
            from rename in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
            select new TreeEdit(node, properties, mapping, tags, rename),
            editCount)
        from defaults in Gen.Choose(0, 15)
        from pageSize in Gen.Choose(1, 7)
        select new Tree(extra, nodes, edits, defaults, pageSize);

    private static IEnumerable<Tree> ShrinkTree(Tree tree)
    {
        for (var i = tree.Edits.Length - 1; i >= 0; i--)
        {
            yield return tree with { Edits = [.. tree.Edits[..i], .. tree.Edits[(i + 1)..]] };
        }

        // Dropping the last customer keeps every other parent index valid.
        if (tree.Nodes.Length > 1)
        {
            yield return tree with { Nodes = tree.Nodes[..^1] };
        }

        if (tree.ExtraLevels > 0)
        {
            yield return tree with { ExtraLevels = tree.ExtraLevels - 1 };
        }
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The invariants, written plainly over what the port returns.
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>The default mapping of each DVG as the admin listing of data sources shows it.</summary>
    private static Dictionary<string, List<KeyValuePair<string, string>>> DefaultsByDvg(IReadOnlyList<DataSourceView> sources)
    {
        var defaults = new Dictionary<string, List<KeyValuePair<string, string>>>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var dvg in source.DefaultIn)
            {
                if (!defaults.TryGetValue(dvg, out var list))
                {
                    defaults[dvg] = list = [];
                }

                Assert.False(list.Any(e => e.Key == source.SchemaId), $"two defaults for schema {source.SchemaId} in {dvg}");
                list.Add(KeyValuePair.Create(source.SchemaId, source.Id));
            }
        }

        return defaults;
    }

    /// <summary>Sets a key in an ordered list of entries: an existing key keeps its position and takes the value, a new one goes last.</summary>
    private static void Put<TValue>(List<KeyValuePair<string, TValue>> entries, string key, TValue value)
    {
        var at = entries.FindIndex(e => string.Equals(e.Key, key, StringComparison.Ordinal));
        if (at >= 0)
        {
            entries[at] = KeyValuePair.Create(key, value);
        }
        else
        {
            entries.Add(KeyValuePair.Create(key, value));
        }
    }

    private static string Pairs(IEnumerable<KeyValuePair<string, string>> entries) => "{" + string.Join(",", entries.Select(e => $"{e.Key}={e.Value}")) + "}";

    /// <summary>Every field of a view, as text, to compare two reads of one customer.</summary>
    private static string Canon(CustomerView c) => string.Join(
        " | ",
        c.Id.ToString(),
        c.ProvidedId,
        c.Name,
        c.Token,
        c.IsDemoGroup ? "demo" : "-",
        string.Join(",", c.Emails),
        string.Join(",", c.GroupTags),
        PropertyMap.ToJson(c.Properties),
        Pairs(c.Mapping),
        c.HierarchyLevel,
        c.AccessGroup,
        c.ParentProvidedId ?? "(root)",
        PropertyMap.ToJson(c.ComputedProperties),
        Pairs(c.ComputedMapping),
        string.Join(",", c.ComputedGroupTags),
        c.CreatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        c.UpdatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        c.Version.ToString(CultureInfo.InvariantCulture));

    /// <summary>Checks invariants (a) to (d) over every customer of the workspace.</summary>
    private static void AssertHierarchyInvariants(
        IReadOnlyList<CustomerView> all,
        IReadOnlyDictionary<string, int> rankOfLevel,
        IReadOnlyDictionary<string, List<KeyValuePair<string, string>>> defaultsByDvg)
    {
        // (d) provided_id and token are unique; tokens are 64 lowercase hex characters.
        var byId = new Dictionary<string, CustomerView>(StringComparer.Ordinal);
        foreach (var customer in all)
        {
            Assert.True(byId.TryAdd(customer.ProvidedId, customer), $"provided_id {customer.ProvidedId} is used twice");
            Assert.Matches("^[0-9a-f]{64}$", customer.Token);
        }

        Assert.Equal(all.Count, all.Select(c => c.Token).Distinct(StringComparer.Ordinal).Count());

        foreach (var customer in all)
        {
            // (b) the parent chain ends at a root, through existing customers, without meeting a customer twice.
            // (c) each step goes to a strictly higher level (smaller rank) in the same access_group.
            var path = new List<CustomerView>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var current = customer; ;)
            {
                Assert.True(seen.Add(current.ProvidedId), $"the ancestors of {customer.ProvidedId} form a cycle through {current.ProvidedId}");
                path.Add(current);
                if (current.ParentProvidedId is not { } parentId)
                {
                    break;
                }

                Assert.True(byId.TryGetValue(parentId, out var parent), $"{current.ProvidedId} has parent {parentId}, which does not exist");
                Assert.True(
                    rankOfLevel[parent.HierarchyLevel] < rankOfLevel[current.HierarchyLevel],
                    $"{parent.ProvidedId} ({parent.HierarchyLevel}) is the parent of {current.ProvidedId} ({current.HierarchyLevel}) but not at a higher level");
                Assert.True(
                    parent.AccessGroup == current.AccessGroup,
                    $"{parent.ProvidedId} ({parent.AccessGroup}) is the parent of {current.ProvidedId} ({current.AccessGroup}) in another access_group");
                current = parent;
            }

            path.Reverse();
            AssertComputedFieldsAreTheFold(customer, path, defaultsByDvg.GetValueOrDefault(customer.AccessGroup) ?? []);
        }
    }

    /// <summary>(a) The computed fields equal the fold over the path root first: the nearer wins, a key keeps its first position.</summary>
    private static void AssertComputedFieldsAreTheFold(CustomerView customer, List<CustomerView> rootFirst, List<KeyValuePair<string, string>> defaults)
    {
        var properties = new List<KeyValuePair<string, JsonElement>>();
        foreach (var layer in rootFirst)
        {
            foreach (var (key, value) in layer.Properties)
            {
                Put(properties, key, value);
            }
        }

        // The DVG defaults are the base of the mapping. Their order among themselves is not part of the contract,
        // so they are taken in the order the customer shows them; everything after them is fixed by the fold.
        var shown = customer.ComputedMapping.Keys.ToList();
        var mapping = defaults.OrderBy(d => shown.IndexOf(d.Key) is var i and >= 0 ? i : int.MaxValue).ToList();
        foreach (var layer in rootFirst)
        {
            foreach (var (schema, source) in layer.Mapping)
            {
                Put(mapping, schema, source);
            }
        }

        var tags = new List<string>();
        foreach (var layer in rootFirst)
        {
            foreach (var tag in layer.GroupTags)
            {
                if (!tags.Contains(tag, StringComparer.Ordinal))
                {
                    tags.Add(tag);
                }
            }
        }

        var where = $"customer {customer.ProvidedId} (path {string.Join(" > ", rootFirst.Select(c => c.ProvidedId))})";
        Assert.True(
            PropertyMap.ToJson(OrderedMap<JsonElement>.From(properties)) == PropertyMap.ToJson(customer.ComputedProperties),
            $"computed_properties of {where}: expected {PropertyMap.ToJson(OrderedMap<JsonElement>.From(properties))}, got {PropertyMap.ToJson(customer.ComputedProperties)}");
        Assert.True(
            Pairs(mapping) == Pairs(customer.ComputedMapping),
            $"computed mapping of {where}: expected {Pairs(mapping)}, got {Pairs(customer.ComputedMapping)}");
        Assert.True(
            tags.SequenceEqual(customer.ComputedGroupTags, StringComparer.Ordinal),
            $"computed_group_tags of {where}: expected [{string.Join(",", tags)}], got [{string.Join(",", customer.ComputedGroupTags)}]");
    }

    // ---------------------------------------------------------------------------------------------------------
    // One case: a fresh store, set up like every contract test, plus the levels, data sources and tags the
    // generated operations use.
    // ---------------------------------------------------------------------------------------------------------

    private enum Outcome
    {
        Success,
        Validation,
        NotFound,
        Conflict,
        Forbidden,
    }

    private sealed class ModelTag
    {
        public required string Name { get; set; }
    }

    private sealed class ModelCustomer
    {
        public required string Id { get; set; }

        public required string Dvg { get; init; }

        public required string Level { get; set; }

        public ModelCustomer? Parent { get; set; }

        public required List<KeyValuePair<string, JsonElement>> Properties { get; set; }

        public required List<KeyValuePair<string, string>> Mapping { get; set; }

        public required List<ModelTag> Tags { get; set; }

        public required string Token { get; set; }
    }

    private sealed class Session(Func<ExploServiceOptions, ServiceUnderTest> factory) : ContractTestBase
    {
        // A field initializer runs before the base constructor, which calls CreateService.
        private readonly Func<ExploServiceOptions, ServiceUnderTest> _factory = factory;

        private readonly List<ModelCustomer> _customers = [];
        private readonly List<ModelTag> _tags = [];
        private readonly List<string> _deadTokens = [];
        private readonly StringBuilder _trace = new();

        protected override ServiceUnderTest CreateService(ExploServiceOptions options) => _factory(options);

        private static int Rank(string level) => Array.IndexOf(LevelNames, level);

        private ModelCustomer? Find(string providedId) => _customers.FirstOrDefault(c => string.Equals(c.Id, providedId, StringComparison.Ordinal));

        private ModelTag? FindTag(string name) => _tags.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

        private IEnumerable<ModelCustomer> Children(ModelCustomer parent) => _customers.Where(c => c.Parent == parent);

        private static bool IsAncestorOrSelf(ModelCustomer candidate, ModelCustomer of)
        {
            for (var current = of; current is not null; current = current.Parent)
            {
                if (current == candidate)
                {
                    return true;
                }
            }

            return false;
        }

        private List<ModelCustomer> Subtree(ModelCustomer root)
        {
            var subtree = new List<ModelCustomer> { root };
            for (var i = 0; i < subtree.Count; i++)
            {
                subtree.AddRange(Children(subtree[i]));
            }

            return subtree;
        }

        private (Caller Caller, string Dvg, bool ReadOnly, string Name) Who(int who) => (who % 10) switch
        {
            0 => (ReadOnly, Production, true, "read-only"),
            1 or 2 => (OtherWriter, Development, false, "dev"),
            _ => (Writer, Production, false, "prod"),
        };

        private static bool MappingIsValid(OrderedMap<string> mapping, string dvg) => mapping.All(e => e.Key switch
        {
            "s1" => (e.Value == "ds_prod" && dvg == Production) || (e.Value == "ds_dev" && dvg == Development),
            "s2" => e.Value == "ds_both",
            _ => true,
        });

        /// <summary>The spec's provided_id rule, restated: 1-255 chars, no control or format (Cf) characters, no outer white space.</summary>
        private static bool ProvidedIdIsValid(string id) =>
            id.Length is > 0 and <= 255
            && !id.Any(char.IsControl)
            && !id.EnumerateRunes().Any(r => System.Text.Rune.GetUnicodeCategory(r) == System.Globalization.UnicodeCategory.Format)
            && !char.IsWhiteSpace(id[0]) && !char.IsWhiteSpace(id[^1]);

        private bool TagsExist(IReadOnlyList<string> names) => names.All(n => FindTag(n) is not null);

        private List<ModelTag> TagsOf(IReadOnlyList<string> names) => names.Distinct(StringComparer.Ordinal).Select(n => FindTag(n)!).ToList();

        private static Outcome OutcomeOf<T>(Result<T> result) => result.Failure switch
        {
            null => Outcome.Success,
            ValidationFailed => Outcome.Validation,
            NotFound => Outcome.NotFound,
            Conflict => Outcome.Conflict,
            Forbidden => Outcome.Forbidden,
            var other => throw new Xunit.Sdk.XunitException($"unexpected failure {other}"),
        };

        private async Task SetUp(int defaults)
        {
            await AddLevel(LevelNames[1], after: LevelNames[0]);
            await AddLevel(LevelNames[2], after: LevelNames[1]);
            Assert.Equal(LevelNames, (await AdminService.ListLevelsAsync(Admin)).SuccessValue.Select(l => l.Name));

            foreach (var (id, schema, groups) in new[] { ("ds_prod", "s1", new[] { Production }), ("ds_dev", "s1", [Development]), ("ds_both", "s2", [Production, Development]) })
            {
                Assert.True((await AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest(id, schema, null, groups))).IsSuccess);
            }

            foreach (var (bit, dvg, schema, source) in new[] { (1, Production, "s1", "ds_prod"), (2, Development, "s1", "ds_dev"), (4, Production, "s2", "ds_both"), (8, Development, "s2", "ds_both") })
            {
                if ((defaults & bit) != 0)
                {
                    Assert.True((await AdminService.SetDefaultDataSourceAsync(Admin, dvg, schema, source)).IsSuccess);
                }
            }

            foreach (var name in TagNames[..2])
            {
                Assert.True((await Api.CreateGroupTagAsync(Writer, name)).IsSuccess);
                _tags.Add(new ModelTag { Name = name });
            }
        }

        private void Trace(string line) => _trace.AppendLine(line);

        private Xunit.Sdk.XunitException WithTrace(Exception e) =>
            new($"{e.GetType().Name}: {e.Message}{Environment.NewLine}Steps so far:{Environment.NewLine}{_trace}", e);

        public async Task RunScenario(Scenario scenario)
        {
            try
            {
                await SetUp(scenario.Defaults);
                for (var step = 0; step < scenario.Ops.Length; step++)
                {
                    Clock.Advance(TimeSpan.FromSeconds(1));
                    var before = await Snapshot();
                    var (expected, actual, message, unchanged, views) = scenario.Ops[step] switch
                    {
                        CreateOp op => await Run(op),
                        UpdateOp op => await Run(op),
                        DeleteOp op => await Run(op),
                        RefreshOp op => await Run(op),
                        CreateTagOp op => await Run(op),
                        RenameTagOp op => await Run(op),
                        DeleteTagOp op => await Run(op),
                        var other => throw new InvalidOperationException($"unknown operation {other}"),
                    };

                    Trace($"    -> {actual}{(message is null ? string.Empty : ": " + message)}");
                    Assert.True(expected == actual, $"step {step + 1}: expected {expected}, got {actual} {message}");

                    // (e) A rejected operation changes nothing: no customer, tag, version, timestamp or event.
                    if (actual != Outcome.Success || unchanged)
                    {
                        Assert.Equal(before, await Snapshot());
                    }

                    await AssertStateMatches(views);
                }
            }
            catch (Exception e)
            {
                throw WithTrace(e);
            }
        }

        private async Task<(Outcome Expected, Outcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(CreateOp op)
        {
            var (caller, dvg, readOnly, who) = Who(op.Who);
            // Mostly an id not in use yet; sometimes any id of the pool (get-or-create of an existing one, or a conflict).
            var id = op.Id % 10 < 7
                ? ProvidedIds.Select((_, i) => ProvidedIds[(i + (op.Id / 10)) % ProvidedIds.Length]).FirstOrDefault(p => Find(p) is null) ?? ProvidedIds[0]
                : ProvidedIds[op.Id / 10 % ProvidedIds.Length];
            var parentId = (op.Parent % 10) switch
            {
                < 3 => null,
                3 => ProvidedIds[op.Parent / 10 % ProvidedIds.Length],
                4 => PickFrom(_customers, op.Parent / 10)?.Id,
                _ => PickFrom(CustomersIn(dvg).Where(c => Rank(c.Level) < LevelNames.Length - 1), op.Parent / 10)?.Id,
            };
            var parent = parentId is null ? null : Find(parentId);
            var level = parent is null
                ? (op.Level % 10) switch
                {
                    < 6 => null,
                    < 9 => LevelNames[op.Level / 10 % 4],
                    _ => "Nope",
                }
                : (op.Level % 10) switch
                {
                    0 => null,
                    < 7 => LevelNames[Math.Min(3, Rank(parent.Level) + 1)],
                    7 => LevelNames[Math.Min(3, Rank(parent.Level) + 2)],
                    8 => LevelNames[op.Level / 10 % 4],
                    _ => "Nope",
                };
            var request = new CreateCustomerRequest(id)
            {
                HierarchyLevelName = level,
                ParentProvidedId = parentId,
                Properties = op.Properties?.ToMap(),
                Mapping = op.Mapping?.ToMap(dvg),
                GroupTags = op.Tags?.ToNames(),
                Name = op.WithName ? $"Name of {id}" : null,
            };
            Trace($"{who}: create {id} level={level ?? "-"} parent={parentId ?? "-"} properties={op.Properties?.ToString() ?? "-"} mapping={op.Mapping?.ToString() ?? "-"} tags={op.Tags?.ToString() ?? "-"}");

            var existing = Find(id);
            var visibleParent = parent is not null && parent.Dvg == dvg ? parent : null;
            Outcome expected;
            if (readOnly)
            {
                expected = Outcome.Forbidden;
            }
            else if (existing is not null)
            {
                expected = existing.Dvg == dvg ? Outcome.Success : Outcome.Conflict;
            }
            else
            {
                var valid = ProvidedIdIsValid(id)
                    && (level is null || Rank(level) >= 0)
                    && (parentId is null || (visibleParent is not null && level is not null))
                    && (visibleParent is null || level is null || Rank(level) < 0 || Rank(visibleParent.Level) < Rank(level))
                    && (request.GroupTags is null || TagsExist(request.GroupTags))
                    && (request.Mapping is null || MappingIsValid(request.Mapping, dvg));
                expected = valid ? Outcome.Success : Outcome.Validation;
            }

            var result = await Api.GetOrCreateCustomerAsync(caller, request);
            var actual = OutcomeOf(result);
            if (actual != Outcome.Success || expected != Outcome.Success)
            {
                return (expected, actual, result.Failure?.Message, false, []);
            }

            var created = result.SuccessValue;
            Assert.Equal(existing is null, created.IsNew);
            Assert.Equal(id, created.Customer.ProvidedId);
            if (existing is null)
            {
                _customers.Add(new ModelCustomer
                {
                    Id = id,
                    Dvg = dvg,
                    Level = level ?? LevelNames[0],
                    Parent = visibleParent,
                    Properties = request.Properties?.Entries.ToList() ?? [],
                    Mapping = request.Mapping?.Entries.ToList() ?? [],
                    Tags = request.GroupTags is null ? [] : TagsOf(request.GroupTags),
                    Token = created.Customer.Token,
                });
            }

            return (expected, actual, existing is null ? "created" : "existing, unchanged", existing is not null, [created.Customer]);
        }

        private async Task<(Outcome Expected, Outcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(UpdateOp op)
        {
            var (caller, dvg, readOnly, who) = Who(op.Who);
            var id = (op.Target % 10) switch
            {
                0 => null,
                1 => PickFrom(_customers, op.Target / 10)?.Id,
                _ => PickFrom(CustomersIn(dvg), op.Target / 10)?.Id,
            } ?? ProvidedIds[op.Target / 10 % ProvidedIds.Length];
            var target = Find(id);
            var newId = (op.Rename % 10) switch
            {
                < 7 => null,
                7 => id,
                _ => ProvidedIds[op.Rename / 10 % ProvidedIds.Length],
            };
            var parentGiven = op.Parent % 10 >= 4;
            var parentId = (op.Parent % 10) switch
            {
                < 5 => null,
                < 9 => PickFrom(CustomersIn(dvg).Where(c => Rank(c.Level) < LevelNames.Length - 1), op.Parent / 10)?.Id
                    ?? ProvidedIds[op.Parent / 10 % ProvidedIds.Length],
                _ => op.Parent / 10 % 2 == 0 ? ProvidedIds[op.Parent / 100 % ProvidedIds.Length] : PickFrom(_customers, op.Parent / 100)?.Id,
            };
            var parent = parentId is null ? null : Find(parentId);
            var levelBase = parentGiven ? parent : target?.Parent;
            var level = (op.Level % 10) switch
            {
                < 5 => null,
                < 7 => levelBase is null ? LevelNames[op.Level / 10 % 4] : LevelNames[Math.Min(3, Rank(levelBase.Level) + 1)],
                < 9 => LevelNames[op.Level / 10 % 4],
                _ => "Nope",
            };
            var request = new UpdateCustomerRequest(id)
            {
                NewProvidedId = newId,
                HierarchyLevelName = level,
                Properties = op.Properties?.ToMap(),
                Mapping = op.Mapping?.ToMap(target?.Dvg ?? dvg),
                GroupTags = op.Tags?.ToNames(),
                Name = op.Misc % 4 is 1 or 3 ? $"renamed {op.Misc}" : null,
                IsDemoGroup = op.Misc % 4 is 2 or 3 ? op.Misc % 8 >= 4 : null,
            };
            if (parentGiven)
            {
                request = request with { ParentProvidedId = new Optional<string?>(parentId) };
            }

            Trace($"{who}: update {id} new_id={newId ?? "-"} level={level ?? "-"} parent={(parentGiven ? parentId ?? "null" : "-")} properties={op.Properties?.ToString() ?? "-"} mapping={op.Mapping?.ToString() ?? "-"} tags={op.Tags?.ToString() ?? "-"}");

            Outcome expected;
            ModelCustomer? newParent = null;
            if (readOnly)
            {
                expected = Outcome.Forbidden;
            }
            else if (target is null || target.Dvg != dvg)
            {
                expected = Outcome.NotFound;
            }
            else
            {
                var valid = true;
                var effectiveLevel = level is null ? target.Level : Rank(level) >= 0 ? level : null;
                valid &= effectiveLevel is not null;
                if (parentGiven && parentId is not null)
                {
                    newParent = parent is not null && parent.Dvg == dvg ? parent : null;
                    valid &= newParent is not null && !IsAncestorOrSelf(target, newParent);
                }

                var effectiveParent = parentGiven ? newParent : target.Parent;
                if (effectiveParent is not null && effectiveLevel is not null)
                {
                    valid &= Rank(effectiveParent.Level) < Rank(effectiveLevel);
                }

                if (effectiveLevel is not null && effectiveLevel != target.Level)
                {
                    valid &= Children(target).All(child => Rank(child.Level) > Rank(effectiveLevel));
                }

                valid &= newId is null || newId == target.Id || ProvidedIdIsValid(newId);
                valid &= request.GroupTags is null || TagsExist(request.GroupTags);
                valid &= request.Mapping is null || MappingIsValid(request.Mapping, dvg);
                expected = !valid ? Outcome.Validation
                    : newId is not null && newId != id && Find(newId) is not null ? Outcome.Conflict
                    : Outcome.Success;
            }

            var result = await Api.UpdateCustomerAsync(caller, request);
            var actual = OutcomeOf(result);
            if (actual != Outcome.Success || expected != Outcome.Success)
            {
                return (expected, actual, result.Failure?.Message, false, []);
            }

            target!.Id = newId ?? target.Id;
            target.Level = level ?? target.Level;
            if (parentGiven)
            {
                target.Parent = newParent;
            }

            target.Properties = request.Properties?.Entries.ToList() ?? target.Properties;
            target.Mapping = request.Mapping?.Entries.ToList() ?? target.Mapping;
            target.Tags = request.GroupTags is null ? target.Tags : TagsOf(request.GroupTags);
            return (expected, actual, null, false, [result.SuccessValue]);
        }

        private string PickToken(int choice, string dvg) => (choice % 10) switch
        {
            < 7 when CustomersIn(dvg).Any() => PickFrom(CustomersIn(dvg), choice / 10)!.Token,
            7 when _customers.Count > 0 => PickFrom(_customers, choice / 10)!.Token,
            8 when _deadTokens.Count > 0 => _deadTokens[choice / 10 % _deadTokens.Count],
            _ => new string('f', 64),
        };

        private IEnumerable<ModelCustomer> CustomersIn(string dvg) => _customers.Where(c => c.Dvg == dvg);

        private static ModelCustomer? PickFrom(IEnumerable<ModelCustomer> candidates, int choice)
        {
            var list = candidates.ToList();
            return list.Count == 0 ? null : list[choice % list.Count];
        }

        private string Describe(string token) =>
            _customers.FirstOrDefault(c => c.Token == token) is { } owner ? $"token of {owner.Id}"
            : _deadTokens.Contains(token) ? "a retired token"
            : "an unknown token";

        private async Task<(Outcome Expected, Outcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(DeleteOp op)
        {
            var (caller, dvg, readOnly, who) = Who(op.Who);
            var token = PickToken(op.Token, dvg);
            Trace($"{who}: delete {Describe(token)} cascade={op.Cascade}");

            var target = _customers.FirstOrDefault(c => c.Token == token && c.Dvg == dvg);
            var expected = readOnly ? Outcome.Forbidden
                : target is null ? Outcome.NotFound
                : Children(target).Any() && !op.Cascade ? Outcome.Conflict
                : Outcome.Success;

            var result = await Api.DeleteCustomerAsync(caller, new DeleteCustomerRequest(token, op.Cascade));
            var actual = OutcomeOf(result);
            if (actual != Outcome.Success || expected != Outcome.Success)
            {
                return (expected, actual, result.Failure?.Message, false, []);
            }

            // What is gone is checked on the next read (a remote adapter need not list the deleted ids).
            var subtree = Subtree(target!);
            foreach (var customer in subtree)
            {
                _customers.Remove(customer);
                _deadTokens.Add(customer.Token);
            }

            return (expected, actual, $"deleted {string.Join(",", subtree.Select(c => c.Id))}", false, []);
        }

        private async Task<(Outcome Expected, Outcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(RefreshOp op)
        {
            var (caller, dvg, readOnly, who) = Who(op.Who);
            var token = PickToken(op.Token, dvg);
            Trace($"{who}: refresh {Describe(token)}");

            var target = _customers.FirstOrDefault(c => c.Token == token && c.Dvg == dvg);
            var expected = readOnly ? Outcome.Forbidden : target is null ? Outcome.NotFound : Outcome.Success;

            var result = await Api.RefreshCustomerTokenAsync(caller, token);
            var actual = OutcomeOf(result);
            if (actual != Outcome.Success || expected != Outcome.Success)
            {
                return (expected, actual, result.Failure?.Message, false, []);
            }

            var view = result.SuccessValue;
            Assert.Equal(target!.Id, view.ProvidedId);
            Assert.NotEqual(token, view.Token);
            _deadTokens.Add(token);
            target.Token = view.Token;
            return (expected, actual, null, false, [view]);
        }

        private async Task<(Outcome Expected, Outcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(CreateTagOp op)
        {
            var (caller, _, readOnly, who) = Who(op.Who);
            var name = TagNames[op.Name % TagNames.Length];
            Trace($"{who}: create tag '{name}'");

            var expected = readOnly ? Outcome.Forbidden
                : name != name.Trim() ? Outcome.Validation
                : FindTag(name) is not null ? Outcome.Conflict
                : Outcome.Success;

            var result = await Api.CreateGroupTagAsync(caller, name);
            var actual = OutcomeOf(result);
            if (actual == Outcome.Success && expected == Outcome.Success)
            {
                Assert.Equal(name, result.SuccessValue.Name);
                _tags.Add(new ModelTag { Name = name });
            }

            return (expected, actual, result.Failure?.Message, false, []);
        }

        private async Task<(Outcome Expected, Outcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(RenameTagOp op)
        {
            var (caller, _, readOnly, who) = Who(op.Who);
            var name = TagNames[op.Name % TagNames.Length];
            var newName = TagNames[op.NewName % TagNames.Length];
            Trace($"{who}: rename tag '{name}' to '{newName}'");

            var tag = FindTag(name);
            var expected = readOnly ? Outcome.Forbidden
                : newName != newName.Trim() ? Outcome.Validation
                : tag is null ? Outcome.NotFound
                : name == newName ? Outcome.Success
                : FindTag(newName) is not null ? Outcome.Conflict
                : Outcome.Success;

            var result = await Api.RenameGroupTagAsync(caller, name, newName);
            var actual = OutcomeOf(result);
            if (actual == Outcome.Success && expected == Outcome.Success)
            {
                Assert.Equal(newName, result.SuccessValue.Name);
                tag!.Name = newName;
            }

            return (expected, actual, result.Failure?.Message, name == newName, []);
        }

        private async Task<(Outcome Expected, Outcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(DeleteTagOp op)
        {
            var (caller, _, readOnly, who) = Who(op.Who);
            var name = TagNames[op.Name % TagNames.Length];
            Trace($"{who}: delete tag '{name}'");

            var tag = FindTag(name);
            var expected = readOnly ? Outcome.Forbidden : tag is null ? Outcome.NotFound : Outcome.Success;

            var result = await Api.DeleteGroupTagAsync(caller, name);
            var actual = OutcomeOf(result);
            if (actual == Outcome.Success && expected == Outcome.Success)
            {
                _tags.Remove(tag!);
                foreach (var customer in _customers)
                {
                    customer.Tags.Remove(tag!);
                }
            }

            return (expected, actual, result.Failure?.Message, false, []);
        }

        /// <summary>Reads every customer through the port, checks invariants (a)-(d), the model, and the views an operation returned.</summary>
        private async Task AssertStateMatches(List<CustomerView> returned)
        {
            var (all, production, development) = await ReadAll();
            var byId = all.ToDictionary(c => c.ProvidedId, StringComparer.Ordinal);

            // The port shows exactly the model's customers, each DVG in creation order, with the model's own fields.
            Assert.Equal(_customers.Where(c => c.Dvg == Production).Select(c => c.Id), production.Select(c => c.ProvidedId));
            Assert.Equal(_customers.Where(c => c.Dvg == Development).Select(c => c.Id), development.Select(c => c.ProvidedId));
            foreach (var expected in _customers)
            {
                var actual = byId[expected.Id];
                Assert.Equal(expected.Dvg, actual.AccessGroup);
                Assert.Equal(expected.Level, actual.HierarchyLevel);
                Assert.Equal(expected.Parent?.Id, actual.ParentProvidedId);
                Assert.Equal(expected.Token, actual.Token);
                Assert.Equal(PropertyMap.ToJson(OrderedMap<JsonElement>.From(expected.Properties)), PropertyMap.ToJson(actual.Properties));
                Assert.Equal(Pairs(expected.Mapping), Pairs(actual.Mapping));
                Assert.Equal(expected.Tags.Select(t => t.Name), actual.GroupTags);
            }

            Assert.Equal(_tags.Select(t => t.Name), (await Api.ListGroupTagsAsync(Writer)).SuccessValue.Select(t => t.Name));

            // What an operation returned is what a read shows afterwards.
            foreach (var view in returned)
            {
                Assert.Equal(Canon(byId[view.ProvidedId]), Canon(view));
            }
        }

        /// <summary>Every customer through the port: Production's and Development's lists, which together must be the admin's list.</summary>
        private async Task<(List<CustomerView> All, IReadOnlyList<CustomerView> Production, IReadOnlyList<CustomerView> Development)> ReadAll()
        {
            var production = (await Api.ListCustomersAsync(Writer, new CustomerFilter())).SuccessValue;
            var development = (await Api.ListCustomersAsync(OtherWriter, new CustomerFilter())).SuccessValue;
            var everyone = (await AdminService.ListCustomersAsync(Admin, new CustomerFilter())).SuccessValue;
            Assert.All(production, c => Assert.Equal(Production, c.AccessGroup));
            Assert.All(development, c => Assert.Equal(Development, c.AccessGroup));
            var all = production.Concat(development).ToList();
            Assert.Equal(everyone.Select(c => c.ProvidedId).Order(StringComparer.Ordinal), all.Select(c => c.ProvidedId).Order(StringComparer.Ordinal));

            var levels = (await AdminService.ListLevelsAsync(Admin)).SuccessValue;
            var ranks = levels.ToDictionary(l => l.Name, l => l.Rank, StringComparer.Ordinal);
            var defaults = DefaultsByDvg((await AdminService.ListDataSourcesAsync(Admin)).SuccessValue);
            AssertHierarchyInvariants(all, ranks, defaults);
            return (all, production, development);
        }

        // -----------------------------------------------------------------------------------------------------
        // Random trees: build, edit, then read every customer on every read path.
        // -----------------------------------------------------------------------------------------------------

        public async Task RunTree(Tree tree)
        {
            try
            {
                await BuildAndCheckTree(tree);
            }
            catch (Exception e)
            {
                throw WithTrace(e);
            }
        }

        private async Task BuildAndCheckTree(Tree tree)
        {
            // Levels: Customer, L1..Ln, User.
            var levels = new List<string> { LevelNames[0] };
            for (var i = 1; i <= tree.ExtraLevels; i++)
            {
                await AddLevel($"L{i}", after: levels[^1]);
                levels.Add($"L{i}");
            }

            levels.Add(LevelNames[3]);
            Assert.True((await AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest("ds_prod", "s1", null, [Production]))).IsSuccess);
            Assert.True((await AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest("ds_dev", "s1", null, [Development]))).IsSuccess);
            Assert.True((await AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest("ds_both", "s2", null, [Production, Development]))).IsSuccess);
            foreach (var (bit, dvg, schema, source) in new[] { (1, Production, "s1", "ds_prod"), (2, Development, "s1", "ds_dev"), (4, Production, "s2", "ds_both"), (8, Development, "s2", "ds_both") })
            {
                if ((tree.Defaults & bit) != 0)
                {
                    Assert.True((await AdminService.SetDefaultDataSourceAsync(Admin, dvg, schema, source)).IsSuccess);
                }
            }

            foreach (var name in TagNames[..5])
            {
                await CreateTag(name);
            }

            // Customers: each under an earlier one (unless that one is on the lowest level) or a root, always valid.
            var ids = new List<string>();
            var ranks = new List<int>();
            var dvgs = new List<string>();
            var bottom = levels.Count - 1;
            for (var i = 0; i < tree.Nodes.Length; i++)
            {
                var node = tree.Nodes[i];
                var parentIndex = node.Parent % (i + 1);
                var hasParent = parentIndex < i && ranks[parentIndex] < bottom;
                var rank = hasParent ? ranks[parentIndex] + 1 + (node.Below % (bottom - ranks[parentIndex])) : node.Below % 3 == 0 ? node.Below % levels.Count : 0;
                var dvg = hasParent ? dvgs[parentIndex] : node.Development ? Development : Production;
                var id = i % 5 == 4 ? $"n{i}.ü $" : $"n{i}";
                var mapping = OrderedMap<string>.From(node.Mapping.ToMap(dvg).Select(e => e.Key switch
                {
                    "s1" => KeyValuePair.Create(e.Key, dvg == Production ? "ds_prod" : "ds_dev"),
                    "s2" => KeyValuePair.Create(e.Key, "ds_both"),
                    _ => e,
                }));
                Trace($"create {id} level={levels[rank]} parent={(hasParent ? ids[parentIndex] : "-")} dvg={dvg} properties={node.Properties} mapping={Pairs(mapping)} tags={node.Tags}");
                await Create(
                    id,
                    level: hasParent || rank > 0 ? levels[rank] : null,
                    parent: hasParent ? ids[parentIndex] : null,
                    caller: dvg == Production ? Writer : OtherWriter,
                    with: r => r with { Properties = node.Properties.ToMap(), Mapping = mapping, GroupTags = node.Tags.ToNames().Where(n => n != TagNames[5]).ToList() });
                ids.Add(id);
                ranks.Add(rank);
                dvgs.Add(dvg);
            }

            // Edits after the tree is built: the descendants must show them on the next read.
            for (var k = 0; k < tree.Edits.Length; k++)
            {
                var edit = tree.Edits[k];
                var i = edit.Node % ids.Count;
                var caller = dvgs[i] == Production ? Writer : OtherWriter;
                var newId = edit.Rename ? $"r{k}-{ids[i]}" : null;
                var mapping = edit.Mapping?.ToMap(dvgs[i]) is { } map
                    ? OrderedMap<string>.From(map.Where(e => e.Key == "s3"))
                    : null;
                var request = new UpdateCustomerRequest(ids[i])
                {
                    NewProvidedId = newId,
                    Properties = edit.Properties?.ToMap(),
                    Mapping = mapping,
                    GroupTags = edit.Tags?.ToNames().Where(n => n != TagNames[5]).ToList(),
                };
                Trace($"update {ids[i]} new_id={newId ?? "-"} properties={edit.Properties?.ToString() ?? "-"} mapping={(mapping is null ? "-" : Pairs(mapping))} tags={edit.Tags?.ToString() ?? "-"}");
                var result = await Api.UpdateCustomerAsync(caller, request);
                Assert.True(result.IsSuccess, result.ToString());
                ids[i] = newId ?? ids[i];
            }

            var (all, production, development) = await ReadAll();
            Assert.Equal(ids.Order(StringComparer.Ordinal), all.Select(c => c.ProvidedId).Order(StringComparer.Ordinal));

            foreach (var (caller, list) in new[] { (Writer, production), (OtherWriter, development) })
            {
                var canon = list.Select(Canon).ToList();

                // get_customer shows what the list shows.
                foreach (var customer in list)
                {
                    Assert.Equal(Canon(customer), Canon((await Api.GetCustomerAsync(caller, customer.ProvidedId)).SuccessValue));
                }

                // v2 pages, put together, are the v1 list, in the same order; a page past the end is empty.
                var paged = new List<string>();
                for (var page = 1; ; page++)
                {
                    var result = (await Api.ListCustomerPageAsync(caller, new CustomerPageRequest { Page = page, PageSize = tree.PageSize })).SuccessValue;
                    Assert.Equal(list.Count, result.TotalCount);
                    if (result.Customers.Count == 0)
                    {
                        Assert.True((page - 1) * tree.PageSize >= list.Count, $"page {page} is empty too soon");
                        break;
                    }

                    Assert.True(result.Customers.Count <= tree.PageSize);
                    paged.AddRange(result.Customers.Select(Canon));
                }

                Assert.Equal(canon, paged);

                // The parent and level filters show the same customers as the full list, in the same order.
                foreach (var parent in list)
                {
                    var children = (await Api.ListCustomersAsync(caller, new CustomerFilter { ParentProvidedId = parent.ProvidedId })).SuccessValue;
                    Assert.Equal(list.Where(c => c.ParentProvidedId == parent.ProvidedId).Select(Canon), children.Select(Canon));

                    var childPage = (await Api.ListCustomerPageAsync(caller, new CustomerPageRequest { PageSize = tree.PageSize, Filter = new CustomerFilter { ParentProvidedId = parent.ProvidedId } })).SuccessValue;
                    Assert.Equal(children.Count, childPage.TotalCount);
                    Assert.Equal(children.Take(tree.PageSize).Select(Canon), childPage.Customers.Select(Canon));
                }

                foreach (var level in levels)
                {
                    var atLevel = (await Api.ListCustomersAsync(caller, new CustomerFilter { HierarchyLevelName = level })).SuccessValue;
                    Assert.Equal(list.Where(c => c.HierarchyLevel == level).Select(Canon), atLevel.Select(Canon));
                }
            }
        }
    }
}
