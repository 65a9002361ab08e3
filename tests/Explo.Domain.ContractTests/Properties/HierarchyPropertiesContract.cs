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
/// the root-to-leaf fold over its current ancestors (on the DVG's default data sources); (b) no cycles and no orphans;
/// (c) every edge goes from a strictly higher level to a lower one within one access_group; (d) provided_id and token
/// are unique; (e) a rejected operation (or one that changes nothing) leaves the whole state
/// (<see cref="ContractTestBase.Snapshot"/>) exactly as it was.
/// <para>
/// The rules are not restated here: every operation is also applied to a <see cref="ReferenceWorkspace"/> set up like
/// the store (its levels, data sources, DVG defaults and tags), which predicts the outcome (success, or the failure
/// type and code) and the whole state afterwards: every customer's own fields, name, version and token, and its
/// computed fields, which the model folds with the core's fold over its path. So wrongly accepted and wrongly
/// rejected operations both fail, and (a) compares the port with the model's fold, checked against the port's
/// parents and own fields.
/// </para>
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
    // The invariants, written plainly over what the port returns, and the comparison with the reference model.
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

    /// <summary>Checks invariants (b) to (d) over every customer of the workspace, as the port shows them.</summary>
    private static void AssertHierarchyInvariants(IReadOnlyList<CustomerView> all, IReadOnlyDictionary<string, int> rankOfLevel)
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
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var current = customer; ;)
            {
                Assert.True(seen.Add(current.ProvidedId), $"the ancestors of {customer.ProvidedId} form a cycle through {current.ProvidedId}");
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
        }
    }

    /// <summary>
    /// (a) The computed fields are the model's: the core's fold over the customer's root-to-leaf path (which the own
    /// fields and parents, compared with the model before this, make the port's path too), the mapping on top of the
    /// DVG's defaults. The defaults' order among themselves is not part of the contract, so the model's defaults (the
    /// first entries of its computed mapping) are taken in the order the customer shows them; everything after them
    /// is fixed by the fold.
    /// </summary>
    private static void AssertComputedFields(ReferenceWorkspace model, ModelCustomer expected, CustomerView actual)
    {
        var where = $"customer {actual.ProvidedId} (path {string.Join(" > ", model.Path(expected).Select(c => c.ProvidedId))})";
        var properties = PropertyMap.ToJson(model.ComputedProperties(expected));
        Assert.True(
            properties == PropertyMap.ToJson(actual.ComputedProperties),
            $"computed_properties of {where}: expected {properties}, got {PropertyMap.ToJson(actual.ComputedProperties)}");

        var shown = actual.ComputedMapping.Keys.ToList();
        var computed = model.ComputedMapping(expected).Entries;
        var defaults = model.DefaultMapping(expected.AccessGroup).Count;
        var mapping = Pairs(computed.Take(defaults).OrderBy(d => shown.IndexOf(d.Key) is var i and >= 0 ? i : int.MaxValue).Concat(computed.Skip(defaults)));
        Assert.True(
            mapping == Pairs(actual.ComputedMapping),
            $"computed mapping of {where}: expected {mapping}, got {Pairs(actual.ComputedMapping)}");

        var tags = model.ComputedTags(expected);
        Assert.True(
            tags.SequenceEqual(actual.ComputedGroupTags, StringComparer.Ordinal),
            $"computed_group_tags of {where}: expected [{string.Join(",", tags)}], got [{string.Join(",", actual.ComputedGroupTags)}]");
    }

    // ---------------------------------------------------------------------------------------------------------
    // One case: a fresh store, set up like every contract test, plus the levels, data sources and tags the
    // generated operations use; and a ReferenceWorkspace set up the same way, which every operation is applied
    // to as well, to predict its outcome and the whole state afterwards.
    // ---------------------------------------------------------------------------------------------------------

    private sealed class Session(Func<ExploServiceOptions, ServiceUnderTest> factory) : ContractTestBase
    {
        private static readonly Actor ProductionActor = new(Production, true);
        private static readonly Actor DevelopmentActor = new(Development, true);
        private static readonly Actor ReadOnlyActor = new(Production, false);

        // A field initializer runs before the base constructor, which calls CreateService.
        private readonly Func<ExploServiceOptions, ServiceUnderTest> _factory = factory;

        /// <summary>Every customer token the port has issued, as the model knows it (both ways).</summary>
        private readonly Dictionary<string, ModelToken> _tokens = new(StringComparer.Ordinal);
        private readonly Dictionary<ModelToken, string> _tokenTexts = [];
        private readonly List<string> _deadTokens = [];
        private readonly StringBuilder _trace = new();

        /// <summary>The reference model of this case's workspace.</summary>
        private ReferenceWorkspace _model = new();

        protected override ServiceUnderTest CreateService(ExploServiceOptions options) => _factory(options);

        private (Caller Caller, Actor Actor, string Name) Who(int who) => (who % 10) switch
        {
            0 => (ReadOnly, ReadOnlyActor, "read-only"),
            1 or 2 => (OtherWriter, DevelopmentActor, "dev"),
            _ => (Writer, ProductionActor, "prod"),
        };

        private static Actor ActorOf(string dvg) => dvg == Production ? ProductionActor : DevelopmentActor;

        /// <summary>A model transition that must succeed (set-up, and the always valid trees).</summary>
        private static ReferenceWorkspace Valid((ReferenceWorkspace Next, OperationOutcome Outcome) transition, string what)
        {
            Assert.True(transition.Outcome == OperationOutcome.Success, $"the model rejects {what}: {transition.Outcome}");
            return transition.Next;
        }

        /// <summary>Records the token the port issued for a model token; a token is never issued twice.</summary>
        private void Issued(ModelToken token, string text)
        {
            Assert.True(_tokens.TryAdd(text, token), $"token {text} was issued before");
            _tokenTexts.Add(token, text);
        }

        private string TokenText(ModelCustomer customer) => _tokenTexts[ReferenceWorkspace.TokenOf(customer)];

        private async Task SetUp(int defaults)
        {
            await AddLevel(LevelNames[1], after: LevelNames[0]);
            await AddLevel(LevelNames[2], after: LevelNames[1]);
            _model = _model.AddLevel(LevelNames[1], after: LevelNames[0]).AddLevel(LevelNames[2], after: LevelNames[1]);
            Assert.Equal(LevelNames, _model.Levels);
            Assert.Equal(_model.Levels, (await AdminService.ListLevelsAsync(Admin)).SuccessValue.Select(l => l.Name));

            await AddDataSources(defaults);

            foreach (var name in TagNames[..2])
            {
                Assert.True((await Api.CreateGroupTagAsync(Writer, name)).IsSuccess);
                _model = Valid(_model.CreateTag(ProductionActor, name), $"tag {name}");
            }
        }

        /// <summary>The data sources (s1 per DVG, s2 shared) and the DVG defaults the bits of <paramref name="defaults"/> choose, in the store and the model.</summary>
        private async Task AddDataSources(int defaults)
        {
            foreach (var (id, schema, groups) in new[] { ("ds_prod", "s1", new[] { Production }), ("ds_dev", "s1", [Development]), ("ds_both", "s2", [Production, Development]) })
            {
                Assert.True((await AdminService.AddDataSourceAsync(Admin, new AddDataSourceRequest(id, schema, null, groups))).IsSuccess);
                _model = _model.AddDataSource(id, schema, groups);
            }

            foreach (var (bit, dvg, schema, source) in new[] { (1, Production, "s1", "ds_prod"), (2, Development, "s1", "ds_dev"), (4, Production, "s2", "ds_both"), (8, Development, "s2", "ds_both") })
            {
                if ((defaults & bit) != 0)
                {
                    Assert.True((await AdminService.SetDefaultDataSourceAsync(Admin, dvg, schema, source)).IsSuccess);
                    _model = _model.SetDefaultDataSource(dvg, schema, source);
                }
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

                    // (e) A rejected operation, and one the model says changes nothing, leaves everything as it was:
                    // no customer, tag, version, timestamp or event.
                    if (actual != OperationOutcome.Success || unchanged)
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

        /// <summary>
        /// The port's answer next to the model's: on a failure (either side) nothing more is done; on success the model
        /// moves on, and <c>Unchanged</c> says whether it stayed as it was (so the store must too).
        /// </summary>
        private (OperationOutcome Expected, OperationOutcome Actual, string? Message, bool Unchanged, List<CustomerView> Views) Compare<T>(
            (ReferenceWorkspace Next, OperationOutcome Outcome) transition,
            Result<T> result,
            Func<T, List<CustomerView>> views,
            string? message = null)
        {
            var actual = OperationOutcome.Of(result);
            if (actual != OperationOutcome.Success || transition.Outcome != OperationOutcome.Success)
            {
                return (transition.Outcome, actual, result.Failure?.Message, false, []);
            }

            var unchanged = ReferenceEquals(transition.Next, _model);
            _model = transition.Next;
            return (transition.Outcome, actual, message, unchanged, views(result.SuccessValue));
        }

        private async Task<(OperationOutcome Expected, OperationOutcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(CreateOp op)
        {
            var (caller, actor, who) = Who(op.Who);
            var dvg = actor.AccessGroup;
            // Mostly an id not in use yet; sometimes any id of the pool (get-or-create of an existing one, or a conflict).
            var id = op.Id % 10 < 7
                ? ProvidedIds.Select((_, i) => ProvidedIds[(i + (op.Id / 10)) % ProvidedIds.Length]).FirstOrDefault(p => _model.Find(p) is null) ?? ProvidedIds[0]
                : ProvidedIds[op.Id / 10 % ProvidedIds.Length];
            var parentId = (op.Parent % 10) switch
            {
                < 3 => null,
                3 => ProvidedIds[op.Parent / 10 % ProvidedIds.Length],
                4 => PickFrom(_model.Customers.Values, op.Parent / 10)?.ProvidedId,
                _ => PickFrom(_model.CustomersIn(dvg).Where(c => _model.Rank(c.Level) < LevelNames.Length - 1), op.Parent / 10)?.ProvidedId,
            };
            var parent = parentId is null ? null : _model.Find(parentId);
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
                    < 7 => LevelNames[Math.Min(3, _model.Rank(parent.Level) + 1)],
                    7 => LevelNames[Math.Min(3, _model.Rank(parent.Level) + 2)],
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

            var existing = _model.Find(id);
            var transition = _model.Create(actor, id, level, parentId, request.Properties, request.Mapping, request.GroupTags, request.Name);
            var result = await Api.GetOrCreateCustomerAsync(caller, request);
            var step = Compare(transition, result, created => [created.Customer], existing is null ? "created" : "existing, unchanged");
            if (step.Actual == OperationOutcome.Success && step.Expected == OperationOutcome.Success)
            {
                var created = result.SuccessValue;
                Assert.Equal(existing is null, created.IsNew);
                Assert.Equal(id, created.Customer.ProvidedId);
                if (existing is null)
                {
                    Issued(ReferenceWorkspace.TokenOf(_model.Find(id)!), created.Customer.Token);
                }
            }

            return step;
        }

        private async Task<(OperationOutcome Expected, OperationOutcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(UpdateOp op)
        {
            var (caller, actor, who) = Who(op.Who);
            var dvg = actor.AccessGroup;
            var id = (op.Target % 10) switch
            {
                0 => null,
                1 => PickFrom(_model.Customers.Values, op.Target / 10)?.ProvidedId,
                _ => PickFrom(_model.CustomersIn(dvg), op.Target / 10)?.ProvidedId,
            } ?? ProvidedIds[op.Target / 10 % ProvidedIds.Length];
            var target = _model.Find(id);
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
                < 9 => PickFrom(_model.CustomersIn(dvg).Where(c => _model.Rank(c.Level) < LevelNames.Length - 1), op.Parent / 10)?.ProvidedId
                    ?? ProvidedIds[op.Parent / 10 % ProvidedIds.Length],
                _ => op.Parent / 10 % 2 == 0 ? ProvidedIds[op.Parent / 100 % ProvidedIds.Length] : PickFrom(_model.Customers.Values, op.Parent / 100)?.ProvidedId,
            };
            var parent = parentId is null ? null : _model.Find(parentId);
            var levelBase = parentGiven ? parent : target?.Parent is { } current ? _model.Customers[current] : null;
            var level = (op.Level % 10) switch
            {
                < 5 => null,
                < 7 => levelBase is null ? LevelNames[op.Level / 10 % 4] : LevelNames[Math.Min(3, _model.Rank(levelBase.Level) + 1)],
                < 9 => LevelNames[op.Level / 10 % 4],
                _ => "Nope",
            };
            var request = new UpdateCustomerRequest(id)
            {
                NewProvidedId = newId,
                HierarchyLevelName = level,
                Properties = op.Properties?.ToMap(),
                Mapping = op.Mapping?.ToMap(target?.AccessGroup ?? dvg),
                GroupTags = op.Tags?.ToNames(),
                Name = op.Misc % 4 is 1 or 3 ? $"renamed {op.Misc}" : null,
                IsDemoGroup = op.Misc % 4 is 2 or 3 ? op.Misc % 8 >= 4 : null,
            };
            if (parentGiven)
            {
                request = request with { ParentProvidedId = new Optional<string?>(parentId) };
            }

            Trace($"{who}: update {id} new_id={newId ?? "-"} level={level ?? "-"} parent={(parentGiven ? parentId ?? "null" : "-")} properties={op.Properties?.ToString() ?? "-"} mapping={op.Mapping?.ToString() ?? "-"} tags={op.Tags?.ToString() ?? "-"} name={request.Name ?? "-"} demo={request.IsDemoGroup?.ToString() ?? "-"}");

            var transition = _model.Update(actor, id, newId, level, parentGiven, parentId, request.Properties, request.Mapping, request.GroupTags, request.Name, request.IsDemoGroup);
            var result = await Api.UpdateCustomerAsync(caller, request);
            return Compare(transition, result, view => [view]);
        }

        private string PickToken(int choice, string dvg) => (choice % 10) switch
        {
            < 7 when _model.CustomersIn(dvg).Any() => TokenText(PickFrom(_model.CustomersIn(dvg), choice / 10)!),
            7 when _model.Customers.Count > 0 => TokenText(PickFrom(_model.Customers.Values, choice / 10)!),
            8 when _deadTokens.Count > 0 => _deadTokens[choice / 10 % _deadTokens.Count],
            _ => new string('f', 64),
        };

        private static ModelCustomer? PickFrom(IEnumerable<ModelCustomer> candidates, int choice)
        {
            var list = candidates.ToList();
            return list.Count == 0 ? null : list[choice % list.Count];
        }

        private string Describe(string token) =>
            _model.FindByToken(_tokens.GetValueOrDefault(token)) is { } owner ? $"token of {owner.ProvidedId}"
            : _tokens.ContainsKey(token) ? "a retired token"
            : "an unknown token";

        private async Task<(OperationOutcome Expected, OperationOutcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(DeleteOp op)
        {
            var (caller, actor, who) = Who(op.Who);
            var token = PickToken(op.Token, actor.AccessGroup);
            Trace($"{who}: delete {Describe(token)} cascade={op.Cascade}");

            var before = _model;
            var transition = _model.DeleteByToken(actor, _tokens.GetValueOrDefault(token), op.Cascade);
            var result = await Api.DeleteCustomerAsync(caller, new DeleteCustomerRequest(token, op.Cascade));

            // What is gone is checked on the next read (a remote adapter need not list the deleted ids).
            var gone = before.Customers.Values.Where(c => !transition.Next.Customers.ContainsKey(c.Key)).ToList();
            var step = Compare(transition, result, _ => [], $"deleted {string.Join(",", gone.Select(c => c.ProvidedId))}");
            if (step.Actual == OperationOutcome.Success && step.Expected == OperationOutcome.Success)
            {
                _deadTokens.AddRange(gone.Select(c => _tokenTexts[ReferenceWorkspace.TokenOf(c)]));
            }

            return step;
        }

        private async Task<(OperationOutcome Expected, OperationOutcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(RefreshOp op)
        {
            var (caller, actor, who) = Who(op.Who);
            var token = PickToken(op.Token, actor.AccessGroup);
            Trace($"{who}: refresh {Describe(token)}");

            var target = _model.FindByToken(_tokens.GetValueOrDefault(token));
            var transition = _model.RefreshByToken(actor, _tokens.GetValueOrDefault(token));
            var result = await Api.RefreshCustomerTokenAsync(caller, new RefreshTokenRequest(token));
            var step = Compare(transition, result, view => [view]);
            if (step.Actual == OperationOutcome.Success && step.Expected == OperationOutcome.Success)
            {
                var view = result.SuccessValue;
                Assert.Equal(target!.ProvidedId, view.ProvidedId);
                Assert.NotEqual(token, view.Token);
                _deadTokens.Add(token);
                Issued(ReferenceWorkspace.TokenOf(_model.Customers[target.Key]), view.Token);
            }

            return step;
        }

        private async Task<(OperationOutcome Expected, OperationOutcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(CreateTagOp op)
        {
            var (caller, actor, who) = Who(op.Who);
            var name = TagNames[op.Name % TagNames.Length];
            Trace($"{who}: create tag '{name}'");

            var transition = _model.CreateTag(actor, name);
            var result = await Api.CreateGroupTagAsync(caller, name);
            var step = Compare(transition, result, _ => []);
            if (step.Actual == OperationOutcome.Success && step.Expected == OperationOutcome.Success)
            {
                Assert.Equal(name, result.SuccessValue.Name);
            }

            return step;
        }

        private async Task<(OperationOutcome Expected, OperationOutcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(RenameTagOp op)
        {
            var (caller, actor, who) = Who(op.Who);
            var name = TagNames[op.Name % TagNames.Length];
            var newName = TagNames[op.NewName % TagNames.Length];
            Trace($"{who}: rename tag '{name}' to '{newName}'");

            var transition = _model.RenameTag(actor, name, newName);
            var result = await Api.RenameGroupTagAsync(caller, name, newName);
            var step = Compare(transition, result, _ => []);
            if (step.Actual == OperationOutcome.Success && step.Expected == OperationOutcome.Success)
            {
                Assert.Equal(newName, result.SuccessValue.Name);
            }

            return step;
        }

        private async Task<(OperationOutcome Expected, OperationOutcome Actual, string? Message, bool Unchanged, List<CustomerView> Views)> Run(DeleteTagOp op)
        {
            var (caller, actor, who) = Who(op.Who);
            var name = TagNames[op.Name % TagNames.Length];
            Trace($"{who}: delete tag '{name}'");

            var transition = _model.DeleteTag(actor, name);
            var result = await Api.DeleteGroupTagAsync(caller, name);
            return Compare(transition, result, _ => []);
        }

        /// <summary>
        /// Reads every customer through the port, checks invariants (a)-(d), that the port shows exactly the model's
        /// customers and tags, and that the views an operation returned are what a read shows afterwards.
        /// </summary>
        private async Task<(List<CustomerView> All, IReadOnlyList<CustomerView> Production, IReadOnlyList<CustomerView> Development)> AssertStateMatches(List<CustomerView> returned)
        {
            var read = await ReadAll();
            var byId = read.All.ToDictionary(c => c.ProvidedId, StringComparer.Ordinal);

            // The port shows exactly the model's customers, each DVG in creation order, with the model's own fields.
            Assert.Equal(_model.CustomersIn(Production).Select(c => c.ProvidedId), read.Production.Select(c => c.ProvidedId));
            Assert.Equal(_model.CustomersIn(Development).Select(c => c.ProvidedId), read.Development.Select(c => c.ProvidedId));
            foreach (var expected in _model.Customers.Values)
            {
                var actual = byId[expected.ProvidedId];
                var what = $"customer {expected.ProvidedId}";
                Assert.True(expected.AccessGroup == actual.AccessGroup, $"access_group of {what}: expected {expected.AccessGroup}, got {actual.AccessGroup}");
                Assert.True(expected.Level == actual.HierarchyLevel, $"hierarchy_level of {what}: expected {expected.Level}, got {actual.HierarchyLevel}");
                var parent = expected.Parent is { } p ? _model.Customers[p].ProvidedId : null;
                Assert.True(parent == actual.ParentProvidedId, $"parent of {what}: expected {parent ?? "(root)"}, got {actual.ParentProvidedId ?? "(root)"}");
                Assert.True(TokenText(expected) == actual.Token, $"token of {what}: expected {TokenText(expected)}, got {actual.Token}");
                Assert.True(expected.Name == actual.Name, $"name of {what}: expected {expected.Name}, got {actual.Name}");
                Assert.True(expected.IsDemoGroup == actual.IsDemoGroup, $"is_demo_group of {what}: expected {expected.IsDemoGroup}, got {actual.IsDemoGroup}");
                Assert.True(expected.Version == actual.Version, $"version of {what}: expected {expected.Version}, got {actual.Version}");
                Assert.Equal(PropertyMap.ToJson(expected.Properties), PropertyMap.ToJson(actual.Properties));
                Assert.Equal(Pairs(expected.Mapping), Pairs(actual.Mapping));
                Assert.Equal(expected.Tags.Select(t => _model.Tags[t]), actual.GroupTags);
                AssertComputedFields(_model, expected, actual);
            }

            Assert.Equal(_model.Tags.Values, (await Api.ListGroupTagsAsync(Writer)).SuccessValue.Select(t => t.Name));

            // What an operation returned is what a read shows afterwards.
            foreach (var view in returned)
            {
                Assert.Equal(Canon(byId[view.ProvidedId]), Canon(view));
            }

            return read;
        }

        /// <summary>
        /// Every customer through the port: Production's and Development's lists, which together must be the admin's
        /// list; checks (b)-(d) over them, and that the levels and DVG defaults are the model's.
        /// </summary>
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
            Assert.Equal(_model.Levels, levels.OrderBy(l => l.Rank).Select(l => l.Name));
            var defaults = DefaultsByDvg((await AdminService.ListDataSourcesAsync(Admin)).SuccessValue);
            foreach (var dvg in new[] { Production, Development })
            {
                Assert.Equal(
                    Pairs(_model.DefaultMapping(dvg).OrderBy(e => e.Key, StringComparer.Ordinal)),
                    Pairs((defaults.GetValueOrDefault(dvg) ?? []).OrderBy(e => e.Key, StringComparer.Ordinal)));
            }

            AssertHierarchyInvariants(all, levels.ToDictionary(l => l.Name, l => l.Rank, StringComparer.Ordinal));
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
            for (var i = 1; i <= tree.ExtraLevels; i++)
            {
                await AddLevel($"L{i}", after: _model.Levels[^2]);
                _model = _model.AddLevel($"L{i}", after: _model.Levels[^2]);
            }

            var levels = _model.Levels;
            await AddDataSources(tree.Defaults);
            foreach (var name in TagNames[..5])
            {
                await CreateTag(name);
                _model = Valid(_model.CreateTag(ProductionActor, name), $"tag {name}");
            }

            // Customers: each under an earlier one (unless that one is on the lowest level) or a root, always valid.
            var ids = new List<string>();
            var ranks = new List<int>();
            var dvgs = new List<string>();
            var bottom = levels.Length - 1;
            for (var i = 0; i < tree.Nodes.Length; i++)
            {
                var node = tree.Nodes[i];
                var parentIndex = node.Parent % (i + 1);
                var hasParent = parentIndex < i && ranks[parentIndex] < bottom;
                var rank = hasParent ? ranks[parentIndex] + 1 + (node.Below % (bottom - ranks[parentIndex])) : node.Below % 3 == 0 ? node.Below % levels.Length : 0;
                var dvg = hasParent ? dvgs[parentIndex] : node.Development ? Development : Production;
                var id = i % 5 == 4 ? $"n{i}.ü $" : $"n{i}";
                var mapping = OrderedMap<string>.From(node.Mapping.ToMap(dvg).Select(e => e.Key switch
                {
                    "s1" => KeyValuePair.Create(e.Key, dvg == Production ? "ds_prod" : "ds_dev"),
                    "s2" => KeyValuePair.Create(e.Key, "ds_both"),
                    _ => e,
                }));
                var level = hasParent || rank > 0 ? levels[rank] : null;
                var parent = hasParent ? ids[parentIndex] : null;
                var tags = node.Tags.ToNames().Where(n => n != TagNames[5]).ToList();
                Trace($"create {id} level={levels[rank]} parent={parent ?? "-"} dvg={dvg} properties={node.Properties} mapping={Pairs(mapping)} tags={node.Tags}");
                _model = Valid(_model.Create(ActorOf(dvg), id, level, parent, node.Properties.ToMap(), mapping, tags), $"creating {id}");
                var view = await Create(
                    id,
                    level: level,
                    parent: parent,
                    caller: dvg == Production ? Writer : OtherWriter,
                    with: r => r with { Properties = node.Properties.ToMap(), Mapping = mapping, GroupTags = tags });
                Issued(ReferenceWorkspace.TokenOf(_model.Find(id)!), view.Token);
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
                _model = Valid(
                    _model.Update(ActorOf(dvgs[i]), ids[i], newId, null, false, null, request.Properties, request.Mapping, request.GroupTags),
                    $"updating {ids[i]}");
                var result = await Api.UpdateCustomerAsync(caller, request);
                Assert.True(result.IsSuccess, result.ToString());
                ids[i] = newId ?? ids[i];
            }

            // The port shows the model's state, with (a)-(d); then every read path must show the same customers.
            var (_, production, development) = await AssertStateMatches([]);

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
