using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Explo.Domain.Benchmarks;

/// <summary>
/// A tree of customers held in memory the way a store's parent index holds it: every customer by id, the roots, and
/// each customer's children in id order. Ids are 1..N, given level by level (breadth first), as an import creates them.
/// </summary>
public sealed class CustomerTree
{
    internal CustomerTree(Customer[] customers, Customer[][] children, OrderedMap<string> defaults)
    {
        Customers = customers;
        ChildrenById = children;
        Defaults = defaults;
        Roots = customers.Where(c => c.ParentId is null).ToArray();
    }

    /// <summary>Every customer; customer <c>i</c> has id <c>i + 1</c>.</summary>
    public Customer[] Customers { get; }

    public Customer[] Roots { get; }

    /// <summary>The DVG's default mapping (the first layer of every computed mapping).</summary>
    public OrderedMap<string> Defaults { get; }

    private Customer[][] ChildrenById { get; }

    public int Count => Customers.Length;

    public Customer ById(CustomerId id) => Customers[id.Value - 1];

    public IReadOnlyList<Customer> ChildrenOf(Customer customer) => ChildrenById[customer.Id.Value - 1];

    public OrderedMap<string> DefaultMapping(AccessGroupId group) => Defaults;

    /// <summary>Loads customers by id, as a store would for the resolver; counts the customers asked for.</summary>
    public IReadOnlyList<Customer> Load(IReadOnlyCollection<CustomerId> ids)
    {
        Loaded += ids.Count;
        var found = new Customer[ids.Count];
        if (ids is CustomerId[] array)
        {
            // One parent at a time (a chain): no enumerator.
            for (var i = 0; i < array.Length; i++)
            {
                found[i] = ById(array[i]);
            }

            return found;
        }

        var at = 0;
        foreach (var id in ids)
        {
            found[at++] = ById(id);
        }

        return found;
    }

    /// <summary>Finds one customer by id, as a store's single lookup would for the resolver; counted as a load.</summary>
    public Customer? Find(CustomerId id)
    {
        Loaded++;
        return id.Value >= 1 && id.Value <= Customers.Length ? Customers[id.Value - 1] : null;
    }

    /// <summary>How many customers <see cref="Load"/> and <see cref="Find"/> returned so far.</summary>
    public long Loaded { get; set; }

    /// <summary>The depth of a customer (1 for a root).</summary>
    public int DepthOf(Customer customer)
    {
        var depth = 1;
        for (var c = customer; c.ParentId is { } parent; c = ById(parent))
        {
            depth++;
        }

        return depth;
    }
}

/// <summary>The trees of the benchmarks, built directly (no rules run), deterministic.</summary>
public static class Trees
{
    private static readonly LevelId Level = new(1);
    private static readonly AccessGroupId Group = new(1);
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A few dozen distinct values, shared (JSON values are immutable).</summary>
    private static readonly JsonElement[] Values = Enumerable.Range(0, 48)
        .Select(i => JsonSerializer.SerializeToElement<object>(i % 3 == 0 ? i : i % 3 == 1 ? $"value-{i}" : i * 1.5))
        .ToArray();

    private static readonly string[] Schemas = ["40", "41", "42", "43"];

    private static readonly Dictionary<string, CustomerTree> SharedTrees = new(StringComparer.Ordinal);

    /// <summary>
    /// The tree of this name, built by <paramref name="build"/> the first time it is asked for in the process and then
    /// shared: every benchmark row that reads it reads the very same customers at the very same addresses, where rows
    /// that each built a tree of their own read objects laid out afresh by each build (<c>docs/decisions.md</c>,
    /// "The rows compared read one tree").
    /// </summary>
    private static CustomerTree Shared(string name, Func<CustomerTree> build)
    {
        lock (SharedTrees)
        {
            if (!SharedTrees.TryGetValue(name, out var tree))
            {
                tree = build();
                SharedTrees.Add(name, tree);
            }

            return tree;
        }
    }

    /// <summary>The balanced tree of <see cref="Balanced"/> with its default properties, built once per process and shared (see <see cref="Shared"/>).</summary>
    public static CustomerTree SharedBalanced(int branching, int levels) =>
        Shared(string.Create(CultureInfo.InvariantCulture, $"balanced {branching}x{levels}"), () => Balanced(branching, levels));

    /// <summary>The chain of <see cref="Chain"/>, built once per process and shared (see <see cref="Shared"/>).</summary>
    public static CustomerTree SharedChain(int depth) =>
        Shared(string.Create(CultureInfo.InvariantCulture, $"chain {depth}"), () => Chain(depth));

    /// <summary>
    /// A balanced tree: one root, each customer with <paramref name="branching"/> children, <paramref name="levels"/>
    /// levels in all; every customer has <paramref name="ownProperties"/> own properties whose keys are drawn from a pool of
    /// <paramref name="keyPool"/> keys, so descendants override ancestors; the root maps every schema, one customer in
    /// ten overrides one schema. Branching 10 and 7 levels give 1,111,111 customers.
    /// </summary>
    public static CustomerTree Balanced(int branching, int levels, int ownProperties = 5, int keyPool = 40)
    {
        var keys = Enumerable.Range(0, keyPool).Select(i => string.Create(CultureInfo.InvariantCulture, $"key-{i:D2}")).ToArray();
        var total = 0L;
        var width = 1L;
        for (var l = 0; l < levels; l++)
        {
            total += width;
            width *= branching;
        }

        var customers = new Customer[total];
        var children = new Customer[total][];
        customers[0] = Make(1, null, Own(1), RootMapping());
        var levelStart = 0L;
        var levelCount = 1L;
        var next = 1L;
        for (var l = 1; l < levels; l++)
        {
            for (var p = levelStart; p < levelStart + levelCount; p++)
            {
                var kids = new Customer[branching];
                for (var k = 0; k < branching; k++)
                {
                    var id = next + 1;
                    kids[k] = customers[next++] = Make(id, customers[p].Id, Own(id), id % 10 == 0 ? Override(id) : OrderedMap<string>.Empty);
                }

                children[p] = kids;
            }

            levelStart += levelCount;
            levelCount *= branching;
        }

        for (var i = levelStart; i < total; i++)
        {
            children[i] = [];
        }

        return new CustomerTree(customers, children, DefaultsMapping());

        OrderedMap<JsonElement> Own(long id)
        {
            // Distinct keys within a customer: consecutive keys of the pool from a start that depends on the id.
            var start = (int)((id * 7919) % keyPool);
            var entries = new KeyValuePair<string, JsonElement>[ownProperties];
            for (var j = 0; j < ownProperties; j++)
            {
                entries[j] = KeyValuePair.Create(keys[(start + j) % keyPool], Values[(id + j) % Values.Length]);
            }

            return OrderedMap<JsonElement>.FromDistinct(entries);
        }
    }

    /// <summary>A chain: each customer the only child of the one above; one own property each, with its own key, so the
    /// deepest customer inherits <paramref name="depth"/> keys.</summary>
    public static CustomerTree Chain(int depth)
    {
        var customers = new Customer[depth];
        var children = new Customer[depth][];
        for (var i = 0; i < depth; i++)
        {
            var id = i + 1L;
            var own = OrderedMap<JsonElement>.FromDistinct([KeyValuePair.Create(string.Create(CultureInfo.InvariantCulture, $"level-{id}"), Values[id % Values.Length])]);
            customers[i] = Make(id, i == 0 ? null : customers[i - 1].Id, own, i == 0 ? RootMapping() : OrderedMap<string>.Empty);
        }

        for (var i = 0; i < depth; i++)
        {
            children[i] = i + 1 < depth ? [customers[i + 1]] : [];
        }

        return new CustomerTree(customers, children, DefaultsMapping());
    }

    /// <summary>
    /// A realistic mix, three levels: 1,000 accounts with 10 properties and a mapping, 9 teams each with 3 properties,
    /// 10 users per team with 2 (100,000 customers).
    /// </summary>
    public static CustomerTree Mix(int accounts = 1_000, int teamsPerAccount = 9, int usersPerTeam = 10)
    {
        var list = new List<Customer>();
        var children = new List<Customer[]>();
        var accountIds = new List<CustomerId>();
        for (var a = 0; a < accounts; a++)
        {
            var id = list.Count + 1L;
            list.Add(Make(id, null, Props(id, 10, "account"), RootMapping()));
            accountIds.Add(new CustomerId(id));
        }

        var teams = new List<Customer>();
        foreach (var account in accountIds)
        {
            for (var t = 0; t < teamsPerAccount; t++)
            {
                var id = list.Count + 1L;
                var team = Make(id, account, Props(id, 3, "team"), t == 0 ? Override(id) : OrderedMap<string>.Empty);
                list.Add(team);
                teams.Add(team);
            }
        }

        foreach (var team in teams)
        {
            for (var u = 0; u < usersPerTeam; u++)
            {
                var id = list.Count + 1L;
                list.Add(Make(id, team.Id, Props(id, 2, "user"), OrderedMap<string>.Empty));
            }
        }

        var customers = list.ToArray();
        var byParent = customers.Where(c => c.ParentId is not null).ToLookup(c => c.ParentId!.Value);
        foreach (var c in customers)
        {
            children.Add(byParent[c.Id].ToArray());
        }

        return new CustomerTree(customers, [.. children], DefaultsMapping());

        static OrderedMap<JsonElement> Props(long id, int count, string kind) =>
            OrderedMap<JsonElement>.FromDistinct(Enumerable.Range(0, count)
                .Select(j => KeyValuePair.Create(j == 0 ? "plan" : string.Create(CultureInfo.InvariantCulture, $"{kind}-{j}"), Values[(id + j) % Values.Length]))
                .ToArray());
    }

    private static Customer Make(long id, CustomerId? parent, OrderedMap<JsonElement> properties, OrderedMap<string> mapping)
    {
        var providedId = string.Create(CultureInfo.InvariantCulture, $"c{id}");
        return new Customer(
            new CustomerId(id), providedId, providedId, id.ToString("x64", CultureInfo.InvariantCulture), false,
            ImmutableArray<string>.Empty, ImmutableArray<GroupTagId>.Empty, properties, mapping, Level, Group, parent, Epoch, Epoch, 1);
    }

    private static OrderedMap<string> RootMapping() =>
        OrderedMap<string>.FromDistinct(Schemas.Select(s => KeyValuePair.Create(s, "ds-" + s)).ToArray());

    private static OrderedMap<string> Override(long id) =>
        OrderedMap<string>.FromDistinct([KeyValuePair.Create(Schemas[id % Schemas.Length], string.Create(CultureInfo.InvariantCulture, $"ds-{id}"))]);

    private static OrderedMap<string> DefaultsMapping() =>
        OrderedMap<string>.FromDistinct([KeyValuePair.Create("40", "ds-default-40"), KeyValuePair.Create("99", "ds-default-99")]);
}
