using System.Text.Json;

namespace Explo.Domain.Inheritance;

/// <summary>
/// Computes inherited fields (spec section 2, "Inheritance"):
/// <c>computed_properties</c> = root's properties, then each customer down the path, then the own (nearer wins, shallow);
/// <c>computed_parent_schema_datasource_mapping</c> = the DVG's defaults, then the same fold over mappings;
/// <c>computed_group_tags</c> = own tags plus every ancestor's, root first, without repeats.
/// <para>
/// Work is shared: a depth-first walk over the customers and their ancestors applies each customer's own layer once
/// (<see cref="InheritanceScope{TKey,TValue}"/>), so a page whose customers share ancestors never walks a chain twice,
/// and a whole tree resolves in time linear in its size plus the output.
/// </para>
/// </summary>
public static class InheritanceResolver
{
    /// <summary>
    /// Walks a set of customers that is closed under "parent of" (every parent is in the set) depth-first from the roots,
    /// and calls <paramref name="visit"/> with the live computed view of each customer selected by <paramref name="emit"/>.
    /// Siblings are visited in id order. Memory beyond the input is the adjacency plus the entries of one path.
    /// </summary>
    /// <param name="customers">The customers, closed under parent.</param>
    /// <param name="defaultMapping">The default mapping of a DVG.</param>
    /// <param name="emit">Which customers to report.</param>
    /// <param name="visit">Receives each reported customer and its view (valid only during the call).</param>
    /// <exception cref="InvalidOperationException">A parent is missing from the set, or the parent links form a cycle (a corrupt store).</exception>
    public static void Walk(
        IEnumerable<Customer> customers,
        Func<AccessGroupId, OrderedMap<string>> defaultMapping,
        Func<Customer, bool> emit,
        Action<Customer, ComputedView> visit)
    {
        Guard.NotNull(customers);
        Guard.NotNull(defaultMapping);
        Guard.NotNull(emit);
        Guard.NotNull(visit);

        var all = customers as IReadOnlyCollection<Customer> ?? customers.ToList();
        var ids = new HashSet<CustomerId>(all.Count);
        var children = new Dictionary<CustomerId, List<Customer>>();
        var roots = new List<Customer>();
        foreach (var customer in all)
        {
            ids.Add(customer.Id);
            if (customer.ParentId is { } parent)
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(customer);
            }
            else
            {
                roots.Add(customer);
            }
        }

        foreach (var parent in children.Keys)
        {
            if (!ids.Contains(parent))
            {
                throw new InvalidOperationException($"Customer {parent.Value} is referenced as a parent but is missing.");
            }

            children[parent].Sort(ById);
        }

        roots.Sort(ById);
        var visited = Walk(roots, c => children.TryGetValue(c.Id, out var kids) ? kids : [], defaultMapping, emit, visit);
        if (visited != ids.Count)
        {
            throw new InvalidOperationException("The parent links of the customers form a cycle; the store is inconsistent.");
        }
    }

    /// <summary>
    /// Walks the trees under some roots depth-first, reading each customer's children from <paramref name="childrenOf"/>
    /// (for example a store's parent index, or an adjacency the caller keeps), and calls <paramref name="visit"/> with the
    /// live computed view of each customer selected by <paramref name="emit"/>. Nothing is retained per customer: the
    /// memory used is the entries and the pending siblings of one root-to-leaf path, so a whole tree of any size streams
    /// through in memory that grows with its depth.
    /// </summary>
    /// <param name="roots">The customers to start from (root customers, or any customers whose ancestors are not wanted), in visiting order.</param>
    /// <param name="childrenOf">A customer's direct children, in the order to visit them (id order for the API's order).</param>
    /// <param name="defaultMapping">The default mapping of a DVG.</param>
    /// <param name="emit">Which customers to report.</param>
    /// <param name="visit">Receives each reported customer and its view (valid only during the call).</param>
    /// <returns>How many customers were walked.</returns>
    /// <exception cref="InvalidOperationException">A child does not name the customer it is listed under as its parent (a corrupt store).</exception>
    public static int Walk(
        IEnumerable<Customer> roots,
        Func<Customer, IReadOnlyList<Customer>> childrenOf,
        Func<AccessGroupId, OrderedMap<string>> defaultMapping,
        Func<Customer, bool> emit,
        Action<Customer, ComputedView> visit)
    {
        Guard.NotNull(roots);
        Guard.NotNull(childrenOf);
        Guard.NotNull(defaultMapping);
        Guard.NotNull(emit);
        Guard.NotNull(visit);

        var properties = new InheritanceScope<string, JsonElement>(StringComparer.Ordinal);
        var mapping = new InheritanceScope<string, string>(StringComparer.Ordinal);
        var tags = new InheritanceScope<GroupTagId, bool>();
        var view = new ComputedView(properties, mapping, tags);
        var stack = new Stack<(Customer Customer, IReadOnlyList<Customer> Children, int NextChild)>();
        var visited = 0;

        foreach (var root in roots)
        {
            mapping.Push(defaultMapping(root.AccessGroupId).Entries, null);
            Enter(root);
            while (stack.Count > 0)
            {
                var (current, kids, next) = stack.Pop();
                if (next < kids.Count)
                {
                    stack.Push((current, kids, next + 1));
                    var child = kids[next];
                    if (child.ParentId != current.Id)
                    {
                        throw new InvalidOperationException($"Customer {child.Id.Value} is listed as a child of customer {current.Id.Value} but names {child.ParentId?.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no parent"}; the store is inconsistent.");
                    }

                    Enter(child);
                }
                else
                {
                    properties.Pop();
                    mapping.Pop();
                    tags.Pop();
                }
            }

            mapping.Pop();
        }

        return visited;

        void Enter(Customer customer)
        {
            visited++;
            properties.Push(customer.Properties.Entries, customer.Id);
            mapping.Push(customer.Mapping.Entries, customer.Id);
            tags.PushKeys(customer.GroupTags, true, customer.Id);
            if (emit(customer))
            {
                visit(customer, view);
            }

            stack.Push((customer, childrenOf(customer), 0));
        }
    }

    /// <summary>
    /// Walks the trees under some roots as <see cref="Walk(IEnumerable{Customer}, Func{Customer, IReadOnlyList{Customer}}, Func{AccessGroupId, OrderedMap{string}}, Func{Customer, bool}, Action{Customer, ComputedView})"/>
    /// does, with the subtrees spread over the cores: the top of the trees is walked level by level until there are at
    /// least eight subtrees per worker, and each subtree is then walked by one worker, which first applies its
    /// ancestors' layers (without reporting them). Every customer is reported once, with the same computed view as the
    /// sequential walk gives it; the order is only that of each subtree's walk, and each worker reports to a visitor of
    /// its own (<paramref name="newVisitor"/>, called once per worker), so a visitor needs no lock.
    /// </summary>
    /// <param name="roots">The customers to start from, as for the sequential walk.</param>
    /// <param name="childrenOf">A customer's direct children; called from several threads at once.</param>
    /// <param name="defaultMapping">The default mapping of a DVG; called from several threads at once.</param>
    /// <param name="emit">Which customers to report; called from several threads at once.</param>
    /// <param name="newVisitor">Makes the visitor of one worker (and one for the top of the trees, walked by the caller's thread).</param>
    /// <param name="workers">How many workers walk the subtrees at most (for example the processor count, which the host knows).</param>
    /// <returns>How many customers were walked.</returns>
    /// <exception cref="InvalidOperationException">A child does not name the customer it is listed under as its parent (a corrupt store).</exception>
    public static int WalkParallel(
        IReadOnlyList<Customer> roots,
        Func<Customer, IReadOnlyList<Customer>> childrenOf,
        Func<AccessGroupId, OrderedMap<string>> defaultMapping,
        Func<Customer, bool> emit,
        Func<Action<Customer, ComputedView>> newVisitor,
        int workers)
    {
        Guard.NotNull(roots);
        Guard.NotNull(childrenOf);
        Guard.NotNull(defaultMapping);
        Guard.NotNull(emit);
        Guard.NotNull(newVisitor);
        Guard.That(workers > 0, "A parallel walk has at least one worker");
        var degree = workers;

        // The top: whole levels taken while there are too few subtrees to share out; a leaf met on the way is a
        // subtree of its own. Each subtree keeps its ancestors, root first.
        var top = new HashSet<CustomerId>();
        var subtrees = roots.Select(r => (Root: r, Ancestors: Array.Empty<Customer>())).ToList();
        while (subtrees.Count < degree * 8)
        {
            var next = new List<(Customer Root, Customer[] Ancestors)>(subtrees.Count * 4);
            var expanded = false;
            foreach (var (root, ancestors) in subtrees)
            {
                var children = childrenOf(root);
                if (children.Count == 0)
                {
                    next.Add((root, ancestors));
                    continue;
                }

                expanded = true;
                top.Add(root.Id);
                Customer[] below = [.. ancestors, root];
                foreach (var child in children)
                {
                    if (child.ParentId != root.Id)
                    {
                        throw new InvalidOperationException($"Customer {child.Id.Value} is listed as a child of customer {root.Id.Value} but names {child.ParentId?.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no parent"}; the store is inconsistent.");
                    }

                    next.Add((child, below));
                }
            }

            subtrees = next;
            if (!expanded)
            {
                break;
            }
        }

        // The top's customers, by the caller's thread, in the sequential walk's order.
        var visitTop = newVisitor();
        var walked = Walk(
            roots.Where(r => top.Contains(r.Id)),
            c => top.Contains(c.Id) ? childrenOf(c).Where(k => top.Contains(k.Id)).ToList() : [],
            defaultMapping,
            emit,
            visitTop);

        // Each subtree by one worker: its ancestors are walked through (their layers applied, not reported), then it.
        Parallel.ForEach(
            subtrees,
            new ParallelOptions { MaxDegreeOfParallelism = degree },
            () => (Visit: newVisitor(), Walked: 0),
            (subtree, _, worker) =>
            {
                var (root, ancestors) = subtree;
                var count = Walk(
                    ancestors.Length == 0 ? [root] : [ancestors[0]],
                    c => PositionIn(ancestors, c) is var at and >= 0 ? [at + 1 < ancestors.Length ? ancestors[at + 1] : root] : childrenOf(c),
                    defaultMapping,
                    c => PositionIn(ancestors, c) < 0 && emit(c),
                    worker.Visit);
                return (worker.Visit, worker.Walked + count - ancestors.Length);
            },
            worker => Interlocked.Add(ref walked, worker.Walked));
        return walked;
    }

    /// <summary>Where a customer is among a subtree's ancestors (by id: a few at most), or -1.</summary>
    private static int PositionIn(Customer[] ancestors, Customer customer)
    {
        for (var i = 0; i < ancestors.Length; i++)
        {
            if (ancestors[i].Id == customer.Id)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Resolves the computed fields of some customers, loading their ancestors in batches (one batch per level of depth,
    /// each ancestor once). Customers that share most of their ancestors are resolved by one walk that applies each
    /// shared ancestor once; customers that share few, by folding each one's chain.
    /// </summary>
    /// <param name="targets">The customers to resolve.</param>
    /// <param name="loadCustomers">Loads customers by id (used for ancestors not among the targets).</param>
    /// <param name="defaultMapping">The default mapping of a DVG.</param>
    /// <returns>The computed fields of each target.</returns>
    public static IReadOnlyDictionary<CustomerId, ComputedFields> Resolve(
        IReadOnlyCollection<Customer> targets,
        Func<IReadOnlyCollection<CustomerId>, IReadOnlyList<Customer>> loadCustomers,
        Func<AccessGroupId, OrderedMap<string>> defaultMapping)
    {
        Guard.NotNull(targets);
        var result = new Dictionary<CustomerId, ComputedFields>(targets.Count);
        Resolve(targets, loadCustomers, defaultMapping, (customer, fields) => result[customer.Id] = fields);
        return result;
    }

    /// <summary>
    /// Resolves the computed fields of some customers as <see cref="Resolve(IReadOnlyCollection{Customer}, Func{IReadOnlyCollection{CustomerId}, IReadOnlyList{Customer}}, Func{AccessGroupId, OrderedMap{string}})"/>
    /// does, and hands each target's fields to <paramref name="visit"/> as soon as they are ready, so a caller that
    /// consumes them one by one (an export, a page being written out) keeps none of them longer than it needs.
    /// </summary>
    /// <param name="targets">The customers to resolve.</param>
    /// <param name="loadCustomers">Loads customers by id (used for ancestors not among the targets).</param>
    /// <param name="defaultMapping">The default mapping of a DVG.</param>
    /// <param name="visit">Receives each target (once, even if listed twice) and its computed fields, in no particular order.</param>
    /// <exception cref="InvalidOperationException">An ancestor is missing, the loader returned customers not asked for, or the parent links form a cycle (a corrupt store).</exception>
    public static void Resolve(
        IReadOnlyCollection<Customer> targets,
        Func<IReadOnlyCollection<CustomerId>, IReadOnlyList<Customer>> loadCustomers,
        Func<AccessGroupId, OrderedMap<string>> defaultMapping,
        Action<Customer, ComputedFields> visit)
    {
        Guard.NotNull(targets);
        Guard.NotNull(loadCustomers);
        Guard.NotNull(defaultMapping);
        Guard.NotNull(visit);
        if (targets.Count == 1)
        {
            var target = targets.First();
            visit(target, ResolveOne(target, loadCustomers, defaultMapping));
            return;
        }

        // Every customer involved gets a slot: the targets first, then the ancestors as they are loaded.
        var slots = new Dictionary<CustomerId, int>(targets.Count * 2);
        var all = new List<Customer>(targets.Count * 2);
        foreach (var target in targets)
        {
            if (slots.TryAdd(target.Id, all.Count))
            {
                all.Add(target);
            }
        }

        var wanted = all.Count;
        var frontier = MissingParents(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(all), slots);
        while (frontier.Count > 0)
        {
            var loaded = loadCustomers(frontier);
            var first = all.Count;
            foreach (var customer in loaded)
            {
                if (!frontier.Remove(customer.Id))
                {
                    throw Guard.Corrupt($"asked for ancestors, the store returned customer {customer.Id.Value}, which was not asked for (or twice).");
                }

                slots.Add(customer.Id, all.Count);
                all.Add(customer);
            }

            if (frontier.Count > 0)
            {
                throw Guard.Corrupt($"customer {frontier.First().Value} is referenced as a parent but is missing.");
            }

            frontier = MissingParents(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(all)[first..], slots);
        }

        // Each ancestor is loaded once, and each customer's parent is looked up once: the chains are followed through
        // slots from here on.
        var parentOf = new int[all.Count];
        for (var i = 0; i < parentOf.Length; i++)
        {
            parentOf[i] = all[i].ParentId is { } parent ? slots[parent] : -1;
        }

        // When the customers share most of their ancestors (a page of one part of the tree), one walk applies each
        // shared ancestor once; when they share few (a sample from all over a large tree), the walk would visit several
        // ancestors per customer, and folding each customer's own chain is cheaper.
        var chainSteps = ChainSteps(parentOf, wanted);
        if (all.Count * 2L <= chainSteps)
        {
            Walk(all, defaultMapping, c => slots[c.Id] < wanted, (c, view) => visit(c, view.Materialize()));
            return;
        }

        var path = System.Buffers.ArrayPool<Customer>.Shared.Rent(16);
        try
        {
            for (var t = 0; t < wanted; t++)
            {
                int length = 0, propertyCount = 0, mappingCount = 0;
                for (var at = t; at >= 0; at = parentOf[at])
                {
                    if (length == path.Length)
                    {
                        path = GrowPath(path, length);
                    }

                    var customer = all[at];
                    path[length++] = customer;
                    propertyCount += customer.Properties.Count;
                    mappingCount += customer.Mapping.Count;
                }

                visit(all[t], Fold(path.AsSpan(0, length), propertyCount, mappingCount, defaultMapping));
            }
        }
        finally
        {
            ReturnPath(path, path.Length);
        }
    }

    /// <summary>
    /// The number of customers on the chains of the first <paramref name="wanted"/> slots (each counted with its
    /// ancestors), from each slot's parent slot; a cycle in the parent links is a corrupt store.
    /// </summary>
    private static long ChainSteps(int[] parentOf, int wanted)
    {
        // depth[i]: 0 unknown, -1 on the chain being measured, else the number of customers from i up to its root.
        var depth = new int[parentOf.Length];
        var climb = new Stack<int>();
        var steps = 0L;
        for (var t = 0; t < wanted; t++)
        {
            var at = t;
            while (at >= 0 && depth[at] == 0)
            {
                depth[at] = -1;
                climb.Push(at);
                at = parentOf[at];
            }

            if (at >= 0 && depth[at] < 0)
            {
                throw new InvalidOperationException("The parent links of the customers form a cycle; the store is inconsistent.");
            }

            var above = at >= 0 ? depth[at] : 0;
            while (climb.Count > 0)
            {
                depth[climb.Pop()] = ++above;
            }

            steps += depth[t];
        }

        return steps;
    }

    /// <summary>
    /// Resolves the computed fields of one customer (the most common read), looking its ancestors up one at a time with
    /// <paramref name="findCustomer"/> (for example <see cref="Ports.IWorkspaceReader.FindCustomer"/>), then folding the
    /// chain root first straight into the output maps. Nothing is allocated per ancestor: the chain is held in a pooled
    /// buffer, and the output maps are sized once.
    /// </summary>
    /// <param name="target">The customer to resolve.</param>
    /// <param name="findCustomer">Finds a customer by id, or returns null when there is none.</param>
    /// <param name="defaultMapping">The default mapping of a DVG.</param>
    /// <returns>The computed fields of <paramref name="target"/>.</returns>
    /// <exception cref="InvalidOperationException">An ancestor is missing, the lookup returned another customer, or the parent links form a cycle (a corrupt store).</exception>
    public static ComputedFields ResolveOne(
        Customer target,
        Func<CustomerId, Customer?> findCustomer,
        Func<AccessGroupId, OrderedMap<string>> defaultMapping)
    {
        Guard.NotNull(target);
        Guard.NotNull(findCustomer);
        Guard.NotNull(defaultMapping);

        var path = System.Buffers.ArrayPool<Customer>.Shared.Rent(16);
        var length = 0;
        try
        {
            var (propertyCount, mappingCount) = CollectPath(target, findCustomer, ref path, ref length);
            return Fold(path.AsSpan(0, length), propertyCount, mappingCount, defaultMapping);
        }
        finally
        {
            ReturnPath(path, length);
        }
    }

    /// <summary>
    /// Resolves the computed fields of one customer as <see cref="ResolveOne(Customer, Func{CustomerId, Customer?}, Func{AccessGroupId, OrderedMap{string}})"/>
    /// does, and says where each value comes from: the chain is walked root first by <see cref="Walk(IEnumerable{Customer}, Func{Customer, IReadOnlyList{Customer}}, Func{AccessGroupId, OrderedMap{string}}, Func{Customer, bool}, Action{Customer, ComputedView})"/>,
    /// whose merged view records the customer that supplied each entry (<see cref="InheritanceScope{TKey,TValue}.SourceAt"/>).
    /// </summary>
    /// <param name="target">The customer to explain.</param>
    /// <param name="findCustomer">Finds a customer by id, or returns null when there is none.</param>
    /// <param name="defaultMapping">The default mapping of a DVG.</param>
    /// <returns>The computed fields of <paramref name="target"/>, the source of each, and its ancestors nearest first.</returns>
    /// <exception cref="InvalidOperationException">An ancestor is missing, the lookup returned another customer, or the parent links form a cycle (a corrupt store).</exception>
    public static ExplainedFields Explain(
        Customer target,
        Func<CustomerId, Customer?> findCustomer,
        Func<AccessGroupId, OrderedMap<string>> defaultMapping)
    {
        Guard.NotNull(target);
        Guard.NotNull(findCustomer);
        Guard.NotNull(defaultMapping);

        var path = System.Buffers.ArrayPool<Customer>.Shared.Rent(16);
        var length = 0;
        Customer[] chain;
        try
        {
            CollectPath(target, findCustomer, ref path, ref length);
            chain = path.AsSpan(0, length).ToArray();
        }
        finally
        {
            ReturnPath(path, length);
        }

        // chain[i + 1] is the parent of chain[i]: the walk goes down from the root to the target, one child each.
        var position = new Dictionary<CustomerId, int>(chain.Length);
        for (var i = 0; i < chain.Length; i++)
        {
            position[chain[i].Id] = i;
        }

        ExplainedFields? explained = null;
        Walk(
            [chain[^1]],
            c => position[c.Id] is var i and > 0 ? [chain[i - 1]] : [],
            defaultMapping,
            c => c.Id == target.Id,
            (_, view) =>
            {
                var propertySources = new KeyValuePair<string, CustomerId>[view.Properties.Count];
                for (var i = 0; i < propertySources.Length; i++)
                {
                    propertySources[i] = KeyValuePair.Create(view.Properties.KeyAt(i), view.Properties.SourceAt(i) ?? throw Guard.Corrupt("a property has no source customer."));
                }

                var mappingSources = new KeyValuePair<string, CustomerId?>[view.Mapping.Count];
                for (var i = 0; i < mappingSources.Length; i++)
                {
                    mappingSources[i] = KeyValuePair.Create(view.Mapping.KeyAt(i), view.Mapping.SourceAt(i));
                }

                explained = new ExplainedFields(
                    view.Materialize(),
                    OrderedMap<CustomerId>.FromDistinct(propertySources),
                    OrderedMap<CustomerId?>.FromDistinct(mappingSources),
                    [.. chain.Skip(1)]);
            });
        return explained ?? throw Guard.Corrupt($"customer {target.Id.Value} was not reached from its root.");
    }

    /// <summary>
    /// The fold of inheritance over plain layers, root first: a key keeps the place of its first appearance and takes
    /// the value of the last (nearest) layer that holds it. The resolver folds chains of customers with the same code;
    /// a model of the rules (or any caller holding layers rather than customers) uses this.
    /// </summary>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="layersRootFirst">The layers, root first (for a mapping, the DVG defaults first).</param>
    /// <returns>The merged map.</returns>
    public static OrderedMap<TValue> Fold<TValue>(IEnumerable<OrderedMap<TValue>> layersRootFirst)
    {
        var layers = Guard.NotNull(layersRootFirst) as IReadOnlyCollection<OrderedMap<TValue>> ?? layersRootFirst.ToList();
        var capacity = 0;
        foreach (var layer in layers)
        {
            capacity += Guard.NotNull(layer).Count;
        }

        var fold = new MapFold<TValue>(capacity);
        foreach (var layer in layers)
        {
            fold.Add(layer.Entries);
        }

        return fold.ToMap();
    }

    /// <summary>
    /// Collects <paramref name="target"/> and its ancestors, nearest first, into a pooled buffer (grown as needed), and
    /// counts their property and mapping entries. A cycle (a corrupt store) is caught in constant memory.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // the single read's hot path, as it was before it was shared
    private static (int PropertyCount, int MappingCount) CollectPath(Customer target, Func<CustomerId, Customer?> findCustomer, ref Customer[] path, ref int length)
    {
        path[length++] = target;
        int propertyCount = target.Properties.Count, mappingCount = target.Mapping.Count;

        // Brent's method compares each parent with one earlier customer of the path, moved forward at every power of two.
        var mark = target.Id;
        var stride = 1;
        for (var current = target; current.ParentId is { } parent;)
        {
            current = findCustomer(parent) ?? throw Guard.Corrupt($"customer {parent.Value} is referenced as a parent but is missing.");
            if (current.Id != parent)
            {
                throw Guard.Corrupt($"asked for customer {parent.Value}, the store returned customer {current.Id.Value}.");
            }

            if (current.Id == mark)
            {
                throw new InvalidOperationException("The parent links of the customers form a cycle; the store is inconsistent.");
            }

            if (length == path.Length)
            {
                path = GrowPath(path, length);
            }

            path[length++] = current;
            propertyCount += current.Properties.Count;
            mappingCount += current.Mapping.Count;
            if (length == stride * 2)
            {
                mark = current.Id;
                stride *= 2;
            }
        }

        return (propertyCount, mappingCount);
    }

    /// <summary>A pooled path buffer twice the size, holding the first <paramref name="length"/> customers; the full one goes back to the pool.</summary>
    private static Customer[] GrowPath(Customer[] path, int length)
    {
        var larger = System.Buffers.ArrayPool<Customer>.Shared.Rent(length * 2);
        Array.Copy(path, larger, length);
        ReturnPath(path, length);
        return larger;
    }

    /// <summary>Gives a path buffer back to the pool, cleared so the pool does not keep customers alive.</summary>
    private static void ReturnPath(Customer[] buffer, int used)
    {
        Array.Clear(buffer, 0, used);
        System.Buffers.ArrayPool<Customer>.Shared.Return(buffer);
    }

    /// <summary>One customer through the batch loader: one parent per call.</summary>
    private static ComputedFields ResolveOne(
        Customer target,
        Func<IReadOnlyCollection<CustomerId>, IReadOnlyList<Customer>> loadCustomers,
        Func<AccessGroupId, OrderedMap<string>> defaultMapping)
    {
        var ask = new CustomerId[1];
        return ResolveOne(
            target,
            id =>
            {
                ask[0] = id;
                var loaded = loadCustomers(ask);
                return loaded.Count switch
                {
                    0 => null,
                    1 => loaded[0],
                    _ => throw Guard.Corrupt($"asked for customer {id.Value}, the store returned {loaded.Count} customers."),
                };
            },
            defaultMapping);
    }

    /// <summary>
    /// The computed fields of <c>path[0]</c> from its whole chain (nearest first), folded root first straight into the
    /// output maps, each key's place and index found once; nothing is pushed, undone or copied twice.
    /// </summary>
    /// <param name="path">The customer and its ancestors, nearest first.</param>
    /// <param name="propertyCount">The number of property entries on the path (sizes the output once).</param>
    /// <param name="mappingCount">The number of mapping entries on the path, defaults excluded.</param>
    /// <param name="defaultMapping">The default mapping of a DVG.</param>
    private static ComputedFields Fold(ReadOnlySpan<Customer> path, int propertyCount, int mappingCount, Func<AccessGroupId, OrderedMap<string>> defaultMapping)
    {
        var defaults = defaultMapping(path[0].AccessGroupId);
        var properties = new MapFold<System.Text.Json.JsonElement>(propertyCount);
        var mapping = new MapFold<string>(mappingCount + defaults.Count);
        List<GroupTagId>? tags = null;
        HashSet<GroupTagId>? tagSet = null;
        mapping.Add(defaults.Entries);
        for (var i = path.Length - 1; i >= 0; i--)
        {
            var customer = path[i];
            properties.Add(customer.Properties.Entries);
            mapping.Add(customer.Mapping.Entries);
            foreach (var tag in customer.GroupTags)
            {
                if ((tagSet ??= []).Add(tag))
                {
                    (tags ??= []).Add(tag);
                }
            }
        }

        return new ComputedFields(properties.ToMap(), mapping.ToMap(), tags is null ? [] : [.. tags]);
    }

    /// <summary>A root-first merge into one ordered map: a key keeps its first place and takes the last value.</summary>
    private sealed class MapFold<TValue>(int capacity)
    {
        // Up to this many entries a map keeps no index (see OrderedMap), and a linear search finds a key fastest.
        private const int Linear = 8;
        // Built in place: when no key repeats (a chain of distinct keys), the array is handed over without a copy.
        private readonly System.Collections.Immutable.ImmutableArray<KeyValuePair<string, TValue>>.Builder _entries =
            System.Collections.Immutable.ImmutableArray.CreateBuilder<KeyValuePair<string, TValue>>(capacity);

        private readonly Dictionary<string, int>? _index = capacity > Linear ? new(capacity, StringComparer.Ordinal) : null;

        public void Add(System.Collections.Immutable.ImmutableArray<KeyValuePair<string, TValue>> layer)
        {
            if (_index is null)
            {
                foreach (var entry in layer)
                {
                    var at = _entries.Count - 1;
                    while (at >= 0 && !string.Equals(_entries[at].Key, entry.Key, StringComparison.Ordinal))
                    {
                        at--;
                    }

                    if (at >= 0)
                    {
                        _entries[at] = entry;
                    }
                    else
                    {
                        _entries.Add(entry);
                    }
                }

                return;
            }

            foreach (var entry in layer)
            {
                ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_index, entry.Key, out var exists);
                if (exists)
                {
                    _entries[slot] = entry;
                }
                else
                {
                    slot = _entries.Count;
                    _entries.Add(entry);
                }
            }
        }

        public OrderedMap<TValue> ToMap() => OrderedMap<TValue>.FromIndexed(_entries, _index);
    }

    private static HashSet<CustomerId> MissingParents(ReadOnlySpan<Customer> customers, Dictionary<CustomerId, int> known)
    {
        var missing = new HashSet<CustomerId>();
        foreach (var customer in customers)
        {
            if (customer.ParentId is { } parent && !known.ContainsKey(parent))
            {
                missing.Add(parent);
            }
        }

        return missing;
    }

    private static readonly Comparison<Customer> ById = (a, b) => a.Id.Value.CompareTo(b.Id.Value);
}
