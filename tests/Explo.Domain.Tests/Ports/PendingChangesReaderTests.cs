using System.Runtime.CompilerServices;
using Explo.Domain.InMemory;
using Explo.Domain.Ports;
using Explo.Domain.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace Explo.Domain.Tests.Ports;

/// <summary>
/// <see cref="PendingChangesReader"/> answers every reader member exactly as a store that applied the staged change sets:
/// a model-based property over change sets that real use cases decided, and a few examples of the subtle cases.
/// </summary>
public sealed class PendingChangesReaderTests
{
    private static readonly Caller Admin = Caller.Administrator();

    // The port's two calls, in one place (with the recorder below). The in-memory store completes them synchronously,
    // on the calling thread, so a test may block on them.
    private static T With<T>(IWorkspaceStore store, Func<IWorkspaceReader, T> read) => store.ReadAsync(read).AsTask().GetAwaiter().GetResult();

    private static void Commit(IWorkspaceStore store, ChangeSet changes) => store.WriteAsync(_ => new WriteDecision<bool>(true, changes)).AsTask().GetAwaiter().GetResult();

    /// <summary>A store that forwards to another and records every change set a unit of work decided (the empty ones aside).</summary>
    private sealed class RecordingStore(IWorkspaceStore inner) : IWorkspaceStore
    {
        public List<ChangeSet> Recorded { get; } = [];

        public ValueTask<T> ReadAsync<T>(Func<IWorkspaceReader, T> query, CancellationToken cancellationToken = default) => inner.ReadAsync(query, cancellationToken);

        public ValueTask<T> WriteAsync<T>(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken = default) => inner.WriteAsync(
            reader =>
            {
                var decision = work(reader);
                if (decision.Changes is { IsEmpty: false } changes)
                {
                    Recorded.Add(changes);
                }

                return decision;
            },
            cancellationToken);
    }

    /// <summary>A new in-memory store with the first <paramref name="count"/> change sets committed, one unit of work each.</summary>
    private static InMemoryWorkspaceStore Replay(IReadOnlyList<ChangeSet> sets, int count)
    {
        var store = new InMemoryWorkspaceStore();
        foreach (var changes in sets.Take(count))
        {
            Commit(store, changes);
        }

        return store;
    }

    private static T Ok<T>(Task<Result<T>> task)
    {
        var result = task.GetAwaiter().GetResult();
        Assert.True(result.IsSuccess, result.IsSuccess ? null : $"{result.Failure.Code}: {result.Failure.Message}");
        return result.SuccessValue;
    }

    // ---- the model-based property -------------------------------------------------------------------------------

    /// <summary>
    /// The service, over a recording store, set up with two DVGs and four levels. Steps pick their targets from its
    /// current state (the k-th customer in id order, the k-th tag), so a generated sequence stays mostly valid and
    /// deterministic, whatever the tokens drawn.
    /// </summary>
    private sealed class World
    {
        public World()
        {
            Store = new RecordingStore(new InMemoryWorkspaceStore());
            Service = new ExploService(Store);
            Ok(Service.AddAccessGroupAsync(Admin, "Development"));
            Ok(Service.AddLevelAsync(Admin, "Region", after: "Customer"));
            Ok(Service.AddLevelAsync(Admin, "Team", after: "Region"));
        }

        public RecordingStore Store { get; }

        public ExploService Service { get; }

        public Workspace Workspace => With(Store, r => r.Workspace)!;

        public IReadOnlyList<Customer> Customers => With(Store, r => r.EnumerateCustomers().ToList());

        public IReadOnlyList<GroupTag> Tags => With(Store, r => r.ListGroupTags());

        public int Rank(Customer customer) => Workspace.Levels.IndexOf(Workspace.Level(customer.LevelId));

        /// <summary>An administrator scoped to the customer's DVG (it sees it and creates beside it).</summary>
        public Caller CallerFor(Customer customer) => Caller.Administrator(Workspace.AccessGroup(customer.AccessGroupId).Name);

        public IReadOnlyList<string> TagNames(IReadOnlyList<int>? picks) =>
            picks is null || Tags.Count == 0 ? [] : [.. picks.Select(p => Tags[p % Tags.Count].Name).Distinct()];
    }

    private static string ProvidedId(int pick) => $"p{pick}";

    private static readonly string[] TagNamePool = ["t0", "t1", "t2", "t3"];

    /// <summary>One use case, its arguments picked from the state it runs on.</summary>
    private abstract record Step
    {
        public abstract void Run(World world);
    }

    /// <summary>Get-or-create: under the picked customer (one level down) or at the root of a picked DVG.</summary>
    private sealed record Create(int Pid, int Parent, int Dvg, int[]? Tags) : Step
    {
        public override void Run(World world)
        {
            var customers = world.Customers;
            var parent = Parent < 0 || customers.Count == 0 ? null : customers[Parent % customers.Count];
            if (parent is not null && world.Rank(parent) == world.Workspace.Levels.Length - 1)
            {
                parent = null;
            }

            var caller = parent is not null ? world.CallerFor(parent) : Caller.Administrator(world.Workspace.AccessGroups[Dvg % world.Workspace.AccessGroups.Length].Name);
            _ = world.Service.GetOrCreateCustomerAsync(caller, new CreateCustomerRequest(ProvidedId(Pid))
            {
                ParentProvidedId = parent?.ProvidedId,
                HierarchyLevelName = parent is null ? null : world.Workspace.Levels[world.Rank(parent) + 1].Name,
                GroupTags = world.TagNames(Tags),
            }).GetAwaiter().GetResult();
        }

        public override string ToString() => $"create p{Pid} under customer #{Parent} in DVG #{Dvg} tags {Picks(Tags)}";
    }

    /// <summary>Update of the picked customer: a new provided id, a move under another customer one level up, tags, a name.</summary>
    private sealed record Update(int Target, int? Rename, int? MoveTo, int[]? Tags, int? Name) : Step
    {
        public override void Run(World world)
        {
            var customers = world.Customers;
            if (customers.Count == 0)
            {
                return;
            }

            var target = customers[Target % customers.Count];
            var rank = world.Rank(target);
            var parents = customers.Where(c => c.AccessGroupId == target.AccessGroupId && world.Rank(c) == rank - 1).ToList();
            var move = MoveTo is { } m && parents.Count > 0 ? parents[m % parents.Count].ProvidedId : null;
            _ = world.Service.UpdateCustomerAsync(world.CallerFor(target), new UpdateCustomerRequest(target.ProvidedId)
            {
                NewProvidedId = Rename is { } r ? ProvidedId(r) : null,
                ParentProvidedId = move is null ? default : new Optional<string?>(move),
                GroupTags = Tags is null ? null : world.TagNames(Tags),
                Name = Name is { } n ? $"name {n}" : null,
            }).GetAwaiter().GetResult();
        }

        public override string ToString() => $"update customer #{Target} rename {Rename} move {MoveTo} tags {Picks(Tags)} name {Name}";
    }

    /// <summary>A move of the picked customer under another customer one level up, in its DVG.</summary>
    private sealed record Move(int Target, int To) : Step
    {
        public override void Run(World world)
        {
            var customers = world.Customers;
            if (customers.Count == 0)
            {
                return;
            }

            var target = customers[Target % customers.Count];
            var rank = world.Rank(target);
            var parents = customers.Where(c => c.AccessGroupId == target.AccessGroupId && world.Rank(c) == rank - 1 && c.Id != target.ParentId).ToList();
            if (parents.Count > 0)
            {
                _ = world.Service.UpdateCustomerAsync(world.CallerFor(target), new UpdateCustomerRequest(target.ProvidedId) { ParentProvidedId = new Optional<string?>(parents[To % parents.Count].ProvidedId) }).GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>A level change of the picked customer (often refused: parents and children must stay above and below).</summary>
    private sealed record ChangeLevel(int Target, int Level) : Step
    {
        public override void Run(World world)
        {
            var customers = world.Customers;
            if (customers.Count > 0)
            {
                var target = customers[Target % customers.Count];
                var levels = world.Workspace.Levels;
                _ = world.Service.UpdateCustomerAsync(world.CallerFor(target), new UpdateCustomerRequest(target.ProvidedId) { HierarchyLevelName = levels[Level % levels.Length].Name }).GetAwaiter().GetResult();
            }
        }
    }

    private sealed record Delete(int Target, bool Cascade) : Step
    {
        public override void Run(World world)
        {
            var customers = world.Customers;
            if (customers.Count > 0)
            {
                var target = customers[Target % customers.Count];
                _ = world.Service.DeleteCustomerAsync(world.CallerFor(target), new DeleteCustomerRequest(target.Token, Cascade)).GetAwaiter().GetResult();
            }
        }
    }

    private sealed record Refresh(int Target) : Step
    {
        public override void Run(World world)
        {
            var customers = world.Customers;
            if (customers.Count > 0)
            {
                var target = customers[Target % customers.Count];
                _ = world.Service.RefreshCustomerTokenAsync(world.CallerFor(target), new RefreshTokenRequest(target.Token)).GetAwaiter().GetResult();
            }
        }
    }

    private sealed record CreateTag(int Name) : Step
    {
        public override void Run(World world) => _ = world.Service.CreateGroupTagAsync(Admin, TagNamePool[Name % TagNamePool.Length]).GetAwaiter().GetResult();
    }

    private sealed record RenameTag(int Tag, int Name) : Step
    {
        public override void Run(World world)
        {
            if (world.Tags is { Count: > 0 } tags)
            {
                // Mostly to a free name of the pool, so that the old name is free for the next tag created.
                var free = TagNamePool.Where(n => tags.All(t => t.Name != n)).ToList();
                var name = free.Count > 0 && Name % 4 != 0 ? free[Name % free.Count] : TagNamePool[Name % TagNamePool.Length];
                _ = world.Service.RenameGroupTagAsync(Admin, tags[Tag % tags.Count].Name, name).GetAwaiter().GetResult();
            }
        }
    }

    private sealed record DeleteTag(int Tag) : Step
    {
        public override void Run(World world)
        {
            if (world.Tags is { Count: > 0 } tags)
            {
                _ = world.Service.DeleteGroupTagAsync(Admin, tags[Tag % tags.Count].Name).GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>
    /// An import into Production: each row at the root, or under an earlier row or a picked Production customer (one
    /// level down); atomic (one change set) or in batches of two rows (several).
    /// </summary>
    private sealed record Import(int[] Pids, int[] Parents, bool Atomic) : Step
    {
        public override void Run(World world)
        {
            var levels = world.Workspace.Levels;
            var production = world.Customers.Where(c => c.AccessGroupId == world.Workspace.AccessGroups[0].Id).ToList();
            var rows = new List<CreateCustomerRequest>();
            var ranks = new List<int>();
            for (var i = 0; i < Pids.Length; i++)
            {
                var (parent, rank) = Parents[i] switch
                {
                    < 0 => (null, 0),
                    var p when p % 2 == 0 && i > 0 && ranks[p % i] < levels.Length - 1 => (rows[p % i].ProvidedId, ranks[p % i] + 1),
                    var p when production.Count > 0 && world.Rank(production[p % production.Count]) < levels.Length - 1 =>
                        (production[p % production.Count].ProvidedId, world.Rank(production[p % production.Count]) + 1),
                    _ => ((string?)null, 0),
                };
                rows.Add(new CreateCustomerRequest(ProvidedId(Pids[i])) { ParentProvidedId = parent, HierarchyLevelName = parent is null ? null : levels[rank].Name });
                ranks.Add(rank);
            }

            _ = world.Service.ImportCustomersAsync(Admin, rows, new ImportOptions { Atomic = Atomic, BatchSize = 2 }).GetAwaiter().GetResult();
        }

        public override string ToString() => $"import{(Atomic ? " atomic" : "")} p{Picks(Pids)} under {Picks(Parents)}";
    }

    /// <summary>A workspace change: a level just above the leaf.</summary>
    private sealed record AddLevel : Step
    {
        public override void Run(World world)
        {
            var levels = world.Workspace.Levels;
            _ = world.Service.AddLevelAsync(Admin, $"Level{levels.Length}", after: levels[^2].Name).GetAwaiter().GetResult();
        }
    }

    /// <summary>A workspace change: another DVG (refused once it exists).</summary>
    private sealed record AddAccessGroup(int Name) : Step
    {
        public override void Run(World world) => _ = world.Service.AddAccessGroupAsync(Admin, $"Dvg{Name % 2}").GetAwaiter().GetResult();
    }

    /// <summary>The steps to run, and where to cut the recorded change sets (committed below the cut, staged above).</summary>
    private sealed record Scenario(IReadOnlyList<Step> Steps, IReadOnlyList<int> Cuts)
    {
        public override string ToString() =>
            $"cuts [{string.Join(", ", Cuts)}] over:" + string.Concat(Steps.Select((s, i) => $"{Environment.NewLine}  {i + 1}. {s}"));
    }

    private static readonly Gen<int> Pick = Gen.Choose(0, 1000);

    private static string Picks(int[]? picks) => picks is null ? "(none)" : $"[{string.Join(",", picks)}]";

    private static Gen<T?> Sometimes<T>(Gen<T> gen, int weightOfNull = 1)
        where T : struct => Gen.Frequency((weightOfNull, Gen.Constant<T?>(null)), (1, gen.Select(v => (T?)v)));

    private static readonly Gen<int[]?> TagPicks = Gen.Frequency((2, Gen.Constant<int[]?>(null)), (3, Pick.ArrayOf().Select(a => (int[]?)a.Take(3).ToArray())));

    private static Gen<Step> Steps { get; } = Gen.Frequency(
        (8, from pid in Gen.Choose(0, 19) from parent in Gen.Choose(-3, 1000) from dvg in Pick from tags in TagPicks select (Step)new Create(pid, parent, dvg, tags)),
        (6, from target in Pick from rename in Sometimes(Gen.Choose(0, 19), 3) from move in Sometimes(Pick, 2) from tags in TagPicks from name in Sometimes(Pick)
            select (Step)new Update(target, rename, move, tags, name)),
        (2, from target in Pick from to in Pick select (Step)new Move(target, to)),
        (1, from target in Pick from level in Pick select (Step)new ChangeLevel(target, level)),
        (2, from target in Pick from cascade in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false))) select (Step)new Delete(target, cascade)),
        (1, Pick.Select(target => (Step)new Refresh(target))),
        (2, Pick.Select(name => (Step)new CreateTag(name))),
        (2, from tag in Pick from name in Pick select (Step)new RenameTag(tag, name)),
        (1, Pick.Select(tag => (Step)new DeleteTag(tag))),
        (2, from count in Gen.Choose(1, 6) from pids in Gen.Choose(0, 19).ArrayOf(count) from parents in Gen.Choose(-2, 1000).ArrayOf(count) from atomic in Gen.Elements(true, false)
            select (Step)new Import(pids, parents, atomic)),
        (1, Gen.Constant<Step>(new AddLevel())),
        (1, Pick.Select(name => (Step)new AddAccessGroup(name))));

    private static Gen<Scenario> Scenarios { get; } =
        from count in Gen.Choose(1, 50)
        from steps in Steps.ArrayOf(count)
        from cuts in Pick.ArrayOf(2)
        select new Scenario(steps, cuts);

    [Fact]
    public void Staged_change_sets_read_exactly_like_a_store_that_applied_them()
    {
        Prop.ForAll(Arb.From(Scenarios), Check).Check(RunSettings.Config(60));
    }

    /// <summary>
    /// Runs the scenario through the service and records its change sets; then, for a few cuts k (always 0, and the
    /// generated ones), lays the sets after k one by one over a store holding the first k, and after each one compares
    /// every member with a store that committed as many.
    /// </summary>
    private static void Check(Scenario scenario)
    {
        var world = new World();
        foreach (var step in scenario.Steps)
        {
            step.Run(world);
        }

        var sets = world.Store.Recorded;
        var stores = Enumerable.Range(0, sets.Count + 1).Select(j => Replay(sets, j)).ToArray();
        var keys = Keys.Of(sets);
        foreach (var k in scenario.Cuts.Select(c => c % (sets.Count + 1)).Prepend(0).Distinct())
        {
            With(stores[k], committed =>
            {
                var overlay = new PendingChangesReader(committed);
                Assert.True(overlay.IsEmpty);
                Compare(committed, overlay, keys, $"with {k} sets committed and none staged");
                for (var j = k + 1; j <= sets.Count; j++)
                {
                    overlay.Stage(sets[j - 1]);
                    Assert.False(overlay.IsEmpty);
                    With(stores[j], expected => Compare(expected, overlay, keys, $"with {k} sets committed and {j - k} staged"));
                }

                return true;
            });
        }

        // The last store holds what the service's store holds.
        Assert.Equal(With(world.Store, r => r.EnumerateCustomers().Select(Describe).ToList()), With(stores[^1], r => r.EnumerateCustomers().Select(Describe).ToList()));
    }

    /// <summary>Every key worth asking about: each one any change set named, some that none did, and every query.</summary>
    private sealed record Keys(
        IReadOnlyList<CustomerId> CustomerIds,
        IReadOnlyList<string> ProvidedIds,
        IReadOnlyList<string> Tokens,
        IReadOnlyList<GroupTagId> TagIds,
        IReadOnlyList<string> TagNames,
        IReadOnlyList<CustomerQuery> Queries)
    {
        public static Keys Of(IReadOnlyList<ChangeSet> sets)
        {
            var customers = sets.SelectMany(s => s.UpsertedCustomers).ToList();
            var maxId = customers.Count == 0 ? 0 : customers.Max(c => c.Id.Value);
            var ids = Enumerable.Range(0, (int)maxId + 3).Select(i => new CustomerId(i)).ToList();
            var providedIds = customers.Select(c => c.ProvidedId).Concat(Enumerable.Range(0, 21).Select(ProvidedId)).Append("no such id").Distinct(StringComparer.Ordinal).ToList();
            var tokens = customers.Select(c => c.Token).Append(new string('0', 64)).Distinct(StringComparer.Ordinal).ToList();
            var tags = sets.SelectMany(s => s.UpsertedGroupTags).ToList();
            var maxTag = tags.Count == 0 ? 0 : tags.Max(t => t.Id.Value);
            var tagIds = Enumerable.Range(0, maxTag + 3).Select(i => new GroupTagId(i)).ToList();
            var tagNames = tags.Select(t => t.Name).Concat(TagNamePool).Append("no such tag").Distinct(StringComparer.Ordinal).ToList();

            var workspaces = sets.Select(s => s.Workspace).OfType<Workspace>().ToList();
            var groups = workspaces.SelectMany(w => w.AccessGroups).Select(g => g.Id).Append(new AccessGroupId(999)).Distinct().ToList();
            var levels = workspaces.SelectMany(w => w.Levels).Select(l => l.Id).Append(new LevelId(999)).Distinct().ToList();
            var queries = new List<CustomerQuery> { new() };
            queries.AddRange(groups.Select(g => new CustomerQuery(AccessGroupId: g)));
            queries.AddRange(levels.Select(l => new CustomerQuery(LevelId: l)));
            queries.AddRange(groups.SelectMany(g => levels.Select(l => new CustomerQuery(AccessGroupId: g, LevelId: l))));
            queries.AddRange(ids.Select(p => new CustomerQuery(ParentId: p)));
            queries.AddRange(ids.Select(p => new CustomerQuery(AccessGroupId: groups[0], ParentId: p)));
            queries.AddRange(ids.Select((p, i) => new CustomerQuery(ParentId: p, LevelId: levels[i % levels.Count])));
            return new Keys(ids, providedIds, tokens, tagIds, tagNames, queries);
        }
    }

    /// <summary>Compares every member of the overlay with the store that applied the same change sets.</summary>
    private static bool Compare(IWorkspaceReader expected, PendingChangesReader actual, Keys keys, string context)
    {
        Expect(context, "Workspace", ReferenceEquals(expected.Workspace, actual.Workspace), "another workspace");
        Expect(context, "LastCustomerId", expected.LastCustomerId == actual.LastCustomerId, $"{actual.LastCustomerId}, expected {expected.LastCustomerId}");

        Expect(context, "CountGroupTags", expected.CountGroupTags() == actual.CountGroupTags(), $"{actual.CountGroupTags()}, expected {expected.CountGroupTags()}");
        Expect(context, "ListGroupTags", expected.ListGroupTags().SequenceEqual(actual.ListGroupTags()), $"[{string.Join(", ", actual.ListGroupTags())}], expected [{string.Join(", ", expected.ListGroupTags())}]");
        foreach (var name in keys.TagNames)
        {
            Expect(context, $"FindGroupTag(\"{name}\")", expected.FindGroupTag(name) == actual.FindGroupTag(name), $"{actual.FindGroupTag(name)}, expected {expected.FindGroupTag(name)}");
        }

        foreach (var id in keys.TagIds)
        {
            Expect(context, $"FindGroupTag({id.Value})", expected.FindGroupTag(id) == actual.FindGroupTag(id), $"{actual.FindGroupTag(id)}, expected {expected.FindGroupTag(id)}");
            SameCustomers(context, $"CustomersWithGroupTag({id.Value})", expected.CustomersWithGroupTag(id), actual.CustomersWithGroupTag(id));
        }

        foreach (var id in keys.CustomerIds)
        {
            SameCustomers(context, $"FindCustomer({id.Value})", Optional(expected.FindCustomer(id)), Optional(actual.FindCustomer(id)));
            SameCustomers(context, $"GetChildren({id.Value})", expected.GetChildren(id), actual.GetChildren(id));
        }

        SameCustomers(context, "FindCustomers(every id)", ById(expected.FindCustomers(keys.CustomerIds)), ById(actual.FindCustomers(keys.CustomerIds)));
        SameCustomers(context, "FindCustomers(none)", expected.FindCustomers([]), actual.FindCustomers([]));
        foreach (var providedId in keys.ProvidedIds)
        {
            SameCustomers(context, $"FindCustomerByProvidedId(\"{providedId}\")", Optional(expected.FindCustomerByProvidedId(providedId)), Optional(actual.FindCustomerByProvidedId(providedId)));
        }

        SameCustomers(context, "FindCustomersByProvidedIds(every provided id)", ById(expected.FindCustomersByProvidedIds(keys.ProvidedIds)), ById(actual.FindCustomersByProvidedIds(keys.ProvidedIds)));
        foreach (var token in keys.Tokens)
        {
            SameCustomers(context, $"FindCustomerByToken({token[..8]}…)", Optional(expected.FindCustomerByToken(token)), Optional(actual.FindCustomerByToken(token)));
        }

        var expectedTokens = expected.FindTokensInUse(keys.Tokens).Order(StringComparer.Ordinal).ToList();
        var actualTokens = actual.FindTokensInUse(keys.Tokens).Order(StringComparer.Ordinal).ToList();
        Expect(context, "FindTokensInUse(every token)", expectedTokens.SequenceEqual(actualTokens), $"{actualTokens.Count} tokens, expected {expectedTokens.Count}");

        foreach (var query in keys.Queries)
        {
            var count = expected.CountCustomers(query);
            Expect(context, $"CountCustomers({query})", count == actual.CountCustomers(query), $"{actual.CountCustomers(query)}, expected {count}");
            var windows = new (long Skip, int Take)[] { (0, int.MaxValue), (0, 0), (0, 1), (1, 1), (1, 3), (2, 2), (Math.Max(count - 1, 0), 2), (count, 1), (count + 2, 5), (1, int.MaxValue) };
            foreach (var (skip, take) in windows)
            {
                SameCustomers(context, $"ListCustomers({query}, {skip}, {take})", expected.ListCustomers(query, (int)skip, take), actual.ListCustomers(query, (int)skip, take));
            }
        }

        SameCustomers(context, "EnumerateCustomers()", expected.EnumerateCustomers().ToList(), actual.EnumerateCustomers().ToList());
        return true;
    }

    private static IReadOnlyList<Customer> Optional(Customer? customer) => customer is null ? [] : [customer];

    private static IReadOnlyList<Customer> ById(IEnumerable<Customer> customers) => [.. customers.OrderBy(c => c.Id.Value)];

    private static void Expect(string context, string member, bool ok, string got)
    {
        if (!ok)
        {
            Assert.Fail($"{member} {context}: got {got}");
        }
    }

    /// <summary>The same customer objects (each store holds the instances of the change sets), in the same order.</summary>
    private static void SameCustomers(string context, string member, IReadOnlyList<Customer> expected, IReadOnlyList<Customer> actual)
    {
        if (expected.Count != actual.Count || expected.Zip(actual).Any(p => !ReferenceEquals(p.First, p.Second)))
        {
            Assert.Fail($"{member} {context}: got [{string.Join(", ", actual.Select(Describe))}], expected [{string.Join(", ", expected.Select(Describe))}]");
        }
    }

    private static string Describe(Customer c) =>
        $"{c.Id.Value}:{c.ProvidedId} v{c.Version} parent={c.ParentId?.Value} level={c.LevelId.Value} dvg={c.AccessGroupId.Value} token={c.Token[..6]} tags=[{string.Join(",", c.GroupTags.Select(t => t.Value))}]";

    // ---- examples ---------------------------------------------------------------------------------------------------

    /// <summary>A service over a recording in-memory store.</summary>
    private sealed class Fixture
    {
        public Fixture()
        {
            Store = new RecordingStore(new InMemoryWorkspaceStore());
            Service = new ExploService(Store);
        }

        public RecordingStore Store { get; }

        public ExploService Service { get; }

        /// <summary>How many change sets are recorded so far (where the committed part ends).</summary>
        public int Mark() => Store.Recorded.Count;

        /// <summary>Runs <paramref name="check"/> on an overlay over a store with the sets before <paramref name="mark"/> committed and the others staged.</summary>
        public void Overlay(int mark, Action<PendingChangesReader> check)
        {
            var committed = Replay(Store.Recorded, mark);
            With(committed, reader =>
            {
                var overlay = new PendingChangesReader(reader);
                foreach (var changes in Store.Recorded.Skip(mark))
                {
                    overlay.Stage(changes);
                }

                check(overlay);
                return true;
            });
        }

        /// <summary>Reads the store the service ran on.</summary>
        public T Now<T>(Func<IWorkspaceReader, T> read) => With(Store, read);
    }

    [Fact]
    public void A_renamed_tag_frees_its_old_name_for_a_new_tag_while_the_committed_view_still_has_it()
    {
        var f = new Fixture();
        Ok(f.Service.CreateGroupTagAsync(Admin, "a"));
        var mark = f.Mark();
        var a = f.Now(r => r.FindGroupTag("a"))!;

        Ok(f.Service.RenameGroupTagAsync(Admin, "a", "b"));
        f.Overlay(mark, overlay =>
        {
            Assert.Equal(a.Id, overlay.Committed.FindGroupTag("a")!.Id);
            Assert.Null(overlay.FindGroupTag("a"));
            Assert.Equal(a with { Name = "b" }, overlay.FindGroupTag("b"));
            Assert.Equal(a with { Name = "b" }, overlay.FindGroupTag(a.Id));
            Assert.Equal(1, overlay.CountGroupTags());
        });

        Ok(f.Service.CreateGroupTagAsync(Admin, "a"));
        var reused = f.Now(r => r.FindGroupTag("a"))!;
        Assert.NotEqual(a.Id, reused.Id);
        f.Overlay(mark, overlay =>
        {
            Assert.Equal(reused, overlay.FindGroupTag("a"));
            Assert.Equal(a.Id, overlay.FindGroupTag("b")!.Id);
            Assert.Equal(2, overlay.CountGroupTags());
            Assert.Equal(["b", "a"], overlay.ListGroupTags().Select(t => t.Name));
        });

        // Deleted, then its name reused again: the name goes to the newest tag, the deleted id to nobody.
        Ok(f.Service.DeleteGroupTagAsync(Admin, "b"));
        Ok(f.Service.RenameGroupTagAsync(Admin, "a", "b"));
        f.Overlay(mark, overlay =>
        {
            Assert.Null(overlay.FindGroupTag(a.Id));
            Assert.Null(overlay.FindGroupTag("a"));
            Assert.Equal(reused with { Name = "b" }, overlay.FindGroupTag("b"));
            Assert.Equal(1, overlay.CountGroupTags());
            Assert.Equal([reused with { Name = "b" }], overlay.ListGroupTags());
        });
    }

    [Fact]
    public void Two_tags_swapping_names_in_one_change_set_keep_both()
    {
        var store = new InMemoryWorkspaceStore();
        Commit(store, new ChangeSet(null, [], [], []) { UpsertedGroupTags = [new GroupTag(new GroupTagId(1), "x"), new GroupTag(new GroupTagId(2), "y")] });
        With(store, committed =>
        {
            var overlay = new PendingChangesReader(committed);
            overlay.Stage(new ChangeSet(null, [], [], []) { UpsertedGroupTags = [new GroupTag(new GroupTagId(1), "y"), new GroupTag(new GroupTagId(2), "x")] });
            Assert.Equal(new GroupTagId(1), overlay.FindGroupTag("y")!.Id);
            Assert.Equal(new GroupTagId(2), overlay.FindGroupTag("x")!.Id);
            Assert.Equal(2, overlay.CountGroupTags());

            // An id that is not stored is ignored by a delete; a new tag may then take a freed name.
            overlay.Stage(new ChangeSet(null, [], [], []) { DeletedGroupTags = [new GroupTagId(1), new GroupTagId(9)], UpsertedGroupTags = [new GroupTag(new GroupTagId(3), "y")] });
            Assert.Equal(new GroupTagId(3), overlay.FindGroupTag("y")!.Id);
            Assert.Equal(["x", "y"], overlay.ListGroupTags().Select(t => t.Name));
            Assert.Equal(2, overlay.CountGroupTags());
            return true;
        });
    }

    [Fact]
    public void A_customer_created_and_deleted_within_the_staged_sets_still_counts_for_the_last_id()
    {
        var f = new Fixture();
        Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("c1")));
        Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("c2")));
        var mark = f.Mark();
        var created = Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("c3"))).Customer;
        Ok(f.Service.DeleteCustomerAsync(Admin, new DeleteCustomerRequest(created.Token)));

        f.Overlay(mark, overlay =>
        {
            Assert.Equal(2, overlay.Committed.LastCustomerId);
            Assert.Equal(3, overlay.LastCustomerId);
            Assert.Equal(f.Now(r => r.LastCustomerId), overlay.LastCustomerId);
            Assert.Null(overlay.FindCustomer(created.Id));
            Assert.Null(overlay.FindCustomerByProvidedId("c3"));
            Assert.Null(overlay.FindCustomerByToken(created.Token));
            Assert.Empty(overlay.FindTokensInUse([created.Token]));
            Assert.Equal(2, overlay.CountCustomers(new CustomerQuery()));
            Assert.Equal([1L, 2L], overlay.EnumerateCustomers().Select(c => c.Id.Value));
        });

        // The next customer the service creates gets id 4: ids are never reused.
        Assert.Equal(4, Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("c4"))).Customer.Id.Value);
    }

    [Fact]
    public void A_changed_provided_id_or_token_is_found_by_its_new_value_only_and_the_old_one_can_be_taken()
    {
        var f = new Fixture();
        var first = Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("p"))).Customer;
        var mark = f.Mark();
        Ok(f.Service.UpdateCustomerAsync(Admin, new UpdateCustomerRequest("p") { NewProvidedId = "q" }));
        var refreshed = Ok(f.Service.RefreshCustomerTokenAsync(Admin, new RefreshTokenRequest(first.Token)));
        f.Overlay(mark, overlay =>
        {
            Assert.Equal(first.Id, overlay.Committed.FindCustomerByProvidedId("p")!.Id);
            Assert.Null(overlay.FindCustomerByProvidedId("p"));
            Assert.Equal("q", overlay.FindCustomerByProvidedId("q")!.ProvidedId);
            Assert.Empty(overlay.FindCustomersByProvidedIds(["p"]));
            Assert.Null(overlay.FindCustomerByToken(first.Token));
            Assert.Equal(first.Id, overlay.FindCustomerByToken(refreshed.Token)!.Id);
            Assert.Equal([refreshed.Token], overlay.FindTokensInUse([first.Token, refreshed.Token]));
        });

        var second = Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("p"))).Customer;
        f.Overlay(mark, overlay =>
        {
            Assert.Equal(second.Id, overlay.FindCustomerByProvidedId("p")!.Id);
            Assert.Equal([first.Id, second.Id], overlay.FindCustomersByProvidedIds(["p", "q", "r"]).Select(c => c.Id).OrderBy(id => id.Value));
            Assert.Equal([first.Id, second.Id], overlay.ListCustomers(new CustomerQuery(), 0, 10).Select(c => c.Id));
        });
    }

    [Fact]
    public void Two_customers_swapping_provided_ids_and_tokens_in_one_change_set_keep_both()
    {
        var f = new Fixture();
        Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("x")));
        Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("y")));
        var (x, y) = f.Now(r => (r.FindCustomerByProvidedId("x")!, r.FindCustomerByProvidedId("y")!));
        var now = DateTimeOffset.UnixEpoch;

        // The store allows it (each holder gives its key up in the same change set), whatever the order of the upserts.
        Commit(f.Store, new ChangeSet(null, [], [y.Next(now, providedId: "x", token: x.Token), x.Next(now, providedId: "y", token: y.Token)], []));
        Commit(f.Store, new ChangeSet(null, [], [f.Now(r => r.FindCustomer(x.Id))!.Next(now, providedId: "z")], []));
        f.Overlay(2, overlay =>
        {
            With(f.Store, expected =>
            {
                foreach (var key in new[] { "x", "y", "z" })
                {
                    Assert.Same(expected.FindCustomerByProvidedId(key), overlay.FindCustomerByProvidedId(key));
                }

                Assert.Same(expected.FindCustomerByToken(x.Token), overlay.FindCustomerByToken(x.Token));
                Assert.Same(expected.FindCustomerByToken(y.Token), overlay.FindCustomerByToken(y.Token));
                Assert.Equal(y.Id, overlay.FindCustomerByProvidedId("x")!.Id);
                Assert.Null(overlay.FindCustomerByProvidedId("y"));
                Assert.Equal(x.Id, overlay.FindCustomerByToken(y.Token)!.Id);
                return true;
            });
        });
    }

    [Fact]
    public void A_moved_child_leaves_its_committed_parent_and_joins_the_new_one_in_id_order()
    {
        var f = new Fixture();
        Ok(f.Service.AddLevelAsync(Admin, "Region", after: "Customer"));
        Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("r1")));
        var a = Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("a") { ParentProvidedId = "r1", HierarchyLevelName = "Region" })).Customer;
        var b = Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("b") { ParentProvidedId = "r1", HierarchyLevelName = "Region" })).Customer;

        // The newest committed customer is a parent of older ones.
        var r2 = Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("r2"))).Customer;
        Ok(f.Service.UpdateCustomerAsync(Admin, new UpdateCustomerRequest("a") { ParentProvidedId = new Optional<string?>("r2") }));
        Ok(f.Service.UpdateCustomerAsync(Admin, new UpdateCustomerRequest("b") { ParentProvidedId = new Optional<string?>("r2") }));
        var mark = f.Mark();

        Ok(f.Service.UpdateCustomerAsync(Admin, new UpdateCustomerRequest("a") { ParentProvidedId = new Optional<string?>("r1") }));
        var c = Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("c") { ParentProvidedId = "r2", HierarchyLevelName = "Region" })).Customer;
        var d = Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("d") { ParentProvidedId = "r2", HierarchyLevelName = "Region" })).Customer;
        f.Overlay(mark, overlay =>
        {
            Assert.Equal(r2.Id.Value, overlay.Committed.LastCustomerId);
            var r1 = overlay.FindCustomerByProvidedId("r1")!.Id;
            Assert.Equal([a.Id], overlay.GetChildren(r1).Select(x => x.Id));
            Assert.Equal([b.Id, c.Id, d.Id], overlay.GetChildren(r2.Id).Select(x => x.Id));
            Assert.Empty(overlay.GetChildren(c.Id));
            Assert.Equal(3, overlay.CountCustomers(new CustomerQuery(ParentId: r2.Id)));
            Assert.Equal([c.Id, d.Id], overlay.ListCustomers(new CustomerQuery(ParentId: r2.Id), 1, 5).Select(x => x.Id));
            Assert.Equal([d.Id], overlay.ListCustomers(new CustomerQuery(ParentId: r2.Id), 2, 1).Select(x => x.Id));
            Assert.Equal(1, overlay.CountCustomers(new CustomerQuery(ParentId: r1)));
        });
    }

    [Fact]
    public void With_nothing_staged_every_member_answers_straight_from_the_committed_view()
    {
        var f = new Fixture();
        var made = Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("c1")));
        Ok(f.Service.CreateGroupTagAsync(Admin, "t"));
        f.Overlay(f.Mark(), overlay =>
        {
            var spy = new SpyReader(overlay.Committed);
            var empty = new PendingChangesReader(spy);
            Assert.True(empty.IsEmpty);
            var query = new CustomerQuery();
            var id = made.Customer.Id;
            var tag = new GroupTagId(1);

            // Each answer is the committed reader's own object, from exactly one call of the same member.
            void Delegates(string member, Func<object?> call)
            {
                spy.Calls.Clear();
                var answer = call();
                Assert.Equal([member], spy.Calls);
                Assert.Same(spy.LastAnswer, answer);
            }

            Delegates(nameof(IWorkspaceReader.Workspace), () => empty.Workspace);
            Delegates(nameof(IWorkspaceReader.FindGroupTag) + "(name)", () => empty.FindGroupTag("t"));
            Delegates(nameof(IWorkspaceReader.FindGroupTag) + "(id)", () => empty.FindGroupTag(tag));
            Delegates(nameof(IWorkspaceReader.ListGroupTags), empty.ListGroupTags);
            Delegates(nameof(IWorkspaceReader.FindCustomer), () => empty.FindCustomer(id));
            Delegates(nameof(IWorkspaceReader.FindCustomers), () => empty.FindCustomers([id]));
            Delegates(nameof(IWorkspaceReader.FindCustomerByProvidedId), () => empty.FindCustomerByProvidedId("c1"));
            Delegates(nameof(IWorkspaceReader.FindCustomerByToken), () => empty.FindCustomerByToken(made.Customer.Token));
            Delegates(nameof(IWorkspaceReader.FindCustomersByProvidedIds), () => empty.FindCustomersByProvidedIds(["c1"]));
            Delegates(nameof(IWorkspaceReader.FindTokensInUse), () => empty.FindTokensInUse([made.Customer.Token]));
            Delegates(nameof(IWorkspaceReader.GetChildren), () => empty.GetChildren(id));
            Delegates(nameof(IWorkspaceReader.ListCustomers), () => empty.ListCustomers(query, 0, 5));
            Delegates(nameof(IWorkspaceReader.CustomersWithGroupTag), () => empty.CustomersWithGroupTag(tag));
            Delegates(nameof(IWorkspaceReader.EnumerateCustomers), empty.EnumerateCustomers);

            spy.Calls.Clear();
            Assert.Equal(1, empty.LastCustomerId);
            Assert.Equal(1, empty.CountGroupTags());
            Assert.Equal(1, empty.CountCustomers(query));
            Assert.Equal([nameof(IWorkspaceReader.LastCustomerId), nameof(IWorkspaceReader.CountGroupTags), nameof(IWorkspaceReader.CountCustomers)], spy.Calls);

            // An empty change set stages nothing.
            empty.Stage(new ChangeSet(null, [], [], []));
            Assert.True(empty.IsEmpty);
        });
    }

    [Fact]
    public void Staging_looks_each_customer_up_once_and_lookups_ask_the_committed_view_at_most_once()
    {
        var f = new Fixture();
        var c1 = Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("c1"))).Customer;
        var c2 = Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("c2"))).Customer;
        var mark = f.Mark();
        Ok(f.Service.UpdateCustomerAsync(Admin, new UpdateCustomerRequest("c1") { NewProvidedId = "c1'" }));
        Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("c3")));
        Ok(f.Service.UpdateCustomerAsync(Admin, new UpdateCustomerRequest("c1'") { Name = "one" }));
        var staged = f.Store.Recorded.Skip(mark).ToList();

        With(Replay(f.Store.Recorded, mark), committed =>
        {
            var spy = new SpyReader(committed);
            var overlay = new PendingChangesReader(spy);
            overlay.Stage(staged[0]);
            Assert.Equal([nameof(IWorkspaceReader.LastCustomerId), nameof(IWorkspaceReader.FindCustomers)], spy.Calls);

            // A new customer (above the committed last id) and one staged before are not looked up again.
            spy.Calls.Clear();
            overlay.Stage(staged[1]);
            overlay.Stage(staged[2]);
            Assert.Empty(spy.Calls);

            // Staged customers, new ids and keys a staged customer gave up are answered without the committed view.
            Assert.Equal("one", overlay.FindCustomer(c1.Id)!.Name);
            Assert.Equal("c3", overlay.FindCustomer(new CustomerId(3))!.ProvidedId);
            Assert.Null(overlay.FindCustomer(new CustomerId(4)));
            Assert.Null(overlay.FindCustomerByProvidedId("c1"));
            Assert.Equal(c1.Id, overlay.FindCustomerByProvidedId("c1'")!.Id);
            Assert.Equal(c1.Id, overlay.FindCustomerByToken(c1.Token)!.Id);
            Assert.Empty(overlay.GetChildren(new CustomerId(3)));
            Assert.Empty(spy.Calls);

            // Anything else: one call of the same member.

            Assert.Equal(c2.Id, overlay.FindCustomer(c2.Id)!.Id);
            Assert.Equal(c2.Id, overlay.FindCustomerByProvidedId("c2")!.Id);
            Assert.Equal(c2.Id, overlay.FindCustomerByToken(c2.Token)!.Id);
            Assert.Equal([c1.Id, c2.Id], overlay.FindCustomers([c1.Id, c2.Id, new CustomerId(4)]).Select(c => c.Id).OrderBy(id => id.Value));
            Assert.Equal([c2.Id], overlay.FindCustomersByProvidedIds(["c2", "c1"]).Select(c => c.Id));
            Assert.True(overlay.FindTokensInUse([c2.Token, c1.Token, new string('0', 64)]).SetEquals([c1.Token, c2.Token]));
            Assert.Equal(
                [nameof(IWorkspaceReader.FindCustomer), nameof(IWorkspaceReader.FindCustomerByProvidedId), nameof(IWorkspaceReader.FindCustomerByToken), nameof(IWorkspaceReader.FindCustomers), nameof(IWorkspaceReader.FindCustomersByProvidedIds), nameof(IWorkspaceReader.FindTokensInUse)],
                spy.Calls);
            return true;
        });
    }

    [Fact]
    public void The_enumeration_streams_the_committed_one()
    {
        var f = new Fixture();
        for (var i = 0; i < 5; i++)
        {
            Ok(f.Service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest($"c{i}")));
        }

        var mark = f.Mark();
        Ok(f.Service.UpdateCustomerAsync(Admin, new UpdateCustomerRequest("c0") { Name = "zero" }));
        With(Replay(f.Store.Recorded, mark), committed =>
        {
            var spy = new SpyReader(committed);
            var overlay = new PendingChangesReader(spy);
            overlay.Stage(f.Store.Recorded[mark]);
            Assert.Equal("zero", overlay.EnumerateCustomers().First().Name);
            Assert.Equal(1, spy.Enumerated);
            Assert.Equal(["zero", "c1", "c2"], overlay.EnumerateCustomers().Take(3).Select(c => c.Name));
            Assert.Equal(1 + 3, spy.Enumerated);
            return true;
        });
    }

    /// <summary>A reader that forwards to another and notes each member called, the last answer, and how many customers its enumerations yielded.</summary>
    private sealed class SpyReader(IWorkspaceReader inner) : IWorkspaceReader
    {
        public List<string> Calls { get; } = [];

        public object? LastAnswer { get; private set; }

        public int Enumerated { get; private set; }

        public Workspace? Workspace => Note(inner.Workspace);

        public long LastCustomerId => Note(inner.LastCustomerId);

        public IdempotencyRecord? FindIdempotencyRecord(string scope, string key) => Note(inner.FindIdempotencyRecord(scope, key));

        public GroupTag? FindGroupTag(string name) => Note(inner.FindGroupTag(name), nameof(FindGroupTag) + "(name)");

        public GroupTag? FindGroupTag(GroupTagId id) => Note(inner.FindGroupTag(id), nameof(FindGroupTag) + "(id)");

        public int CountGroupTags() => Note(inner.CountGroupTags());

        public IReadOnlyList<GroupTag> ListGroupTags() => Note(inner.ListGroupTags());

        public Customer? FindCustomer(CustomerId id) => Note(inner.FindCustomer(id));

        public IReadOnlyList<Customer> FindCustomers(IReadOnlyCollection<CustomerId> ids) => Note(inner.FindCustomers(ids));

        public Customer? FindCustomerByProvidedId(string providedId) => Note(inner.FindCustomerByProvidedId(providedId));

        public Customer? FindCustomerByToken(string token) => Note(inner.FindCustomerByToken(token));

        public IReadOnlyList<Customer> FindCustomersByProvidedIds(IReadOnlyCollection<string> providedIds) => Note(inner.FindCustomersByProvidedIds(providedIds));

        public IReadOnlySet<string> FindTokensInUse(IReadOnlyCollection<string> tokens) => Note(inner.FindTokensInUse(tokens));

        public IReadOnlyList<Customer> GetChildren(CustomerId parentId) => Note(inner.GetChildren(parentId));

        public long CountCustomers(CustomerQuery query) => Note(inner.CountCustomers(query));

        public IReadOnlyList<Customer> ListCustomers(CustomerQuery query, int skip, int take) => Note(inner.ListCustomers(query, skip, take));

        public IReadOnlyList<Customer> CustomersWithGroupTag(GroupTagId tagId) => Note(inner.CustomersWithGroupTag(tagId));

        public IEnumerable<Customer> EnumerateCustomers() => Note(Counted(inner.EnumerateCustomers()));

        private IEnumerable<Customer> Counted(IEnumerable<Customer> customers)
        {
            foreach (var customer in customers)
            {
                Enumerated++;
                yield return customer;
            }
        }

        private T Note<T>(T answer, [CallerMemberName] string member = "")
        {
            Calls.Add(member);
            LastAnswer = answer;
            return answer;
        }
    }
}
