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
        // The path's frames, each with the children still to visit (an array read directly: the common case).
        var frames = new WalkFrame[16];
        var depth = 0;
        var visited = 0;

        foreach (var root in roots)
        {
            mapping.Push(defaultMapping(root.AccessGroupId).Entries, null);
            Descend(root);
            while (depth > 0)
            {
                ref var top = ref frames[depth - 1];
                Customer child;
                if (top.Next < (top.Array?.Length ?? top.List.Count))
                {
                    child = top.Array is { } kids ? kids[top.Next] : top.List[top.Next];
                    top.Next++;
                }
                else
                {
                    PopLayers(top.Pushed);
                    frames[--depth] = default;
                    continue;
                }

                if (child.ParentId != top.Customer.Id)
                {
                    throw MisplacedChild(child, top.Customer);
                }

                Descend(child);
            }

            mapping.Pop();
        }

        return visited;

        // Pushes the customer's layers and visits it; then a customer with children gets a frame, and a leaf (most
        // customers of a tree) has its layers popped at once.
        void Descend(Customer customer)
        {
            var pushed = Enter(customer);
            var children = childrenOf(customer);
            var array = children as Customer[];
            if ((array?.Length ?? children.Count) == 0)
            {
                PopLayers(pushed);
                return;
            }

            if (depth == frames.Length)
            {
                Array.Resize(ref frames, depth * 2);
            }

            frames[depth++] = new WalkFrame(customer, array, children, pushed);
        }

        int Enter(Customer customer)
        {
            // An empty layer changes nothing in the view, so it is not pushed (most customers have no mapping or tags
            // of their own); the frame remembers which were, for the pops.
            visited++;
            var pushed = 0;
            if (!customer.Properties.Entries.IsEmpty)
            {
                properties.Push(customer.Properties.Entries, customer.Id);
                pushed |= PushedProperties;
            }

            if (!customer.Mapping.Entries.IsEmpty)
            {
                mapping.Push(customer.Mapping.Entries, customer.Id);
                pushed |= PushedMapping;
            }

            if (!customer.GroupTags.IsEmpty)
            {
                tags.PushKeys(customer.GroupTags, true, customer.Id);
                pushed |= PushedTags;
            }

            if (emit(customer))
            {
                visit(customer, view);
            }

            return pushed;
        }

        // Only the layers the customer had were pushed (see Enter).
        void PopLayers(int pushed)
        {
            if ((pushed & PushedProperties) != 0)
            {
                properties.Pop();
            }

            if ((pushed & PushedMapping) != 0)
            {
                mapping.Pop();
            }

            if ((pushed & PushedTags) != 0)
            {
                tags.Pop();
            }
        }
    }

    /// <summary>A customer on the walk's path and the next of its children to visit.</summary>
    private struct WalkFrame(Customer customer, Customer[]? array, IReadOnlyList<Customer> list, int pushed)
    {
        public readonly Customer Customer = customer;
        public readonly Customer[]? Array = array;
        public readonly IReadOnlyList<Customer> List = list;
        public readonly int Pushed = pushed;
        public int Next;
    }

    private const int PushedProperties = 1;
    private const int PushedMapping = 2;
    private const int PushedTags = 4;

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

        // The top: whole levels taken while there are too few subtrees to share out; a leaf met on the way is a
        // subtree of its own. Each subtree keeps its ancestors, root first.
        var top = new HashSet<CustomerId>();
        var subtrees = roots.Select(r => (Root: r, Ancestors: Array.Empty<Customer>())).ToList();
        while (subtrees.Count < workers * 8)
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
                        throw MisplacedChild(child, root);
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
            new ParallelOptions { MaxDegreeOfParallelism = workers },
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

    /// <summary>The error of a child listed under a customer it does not name as its parent (a corrupt store).</summary>
    private static InvalidOperationException MisplacedChild(Customer child, Customer parent) =>
        new($"Customer {child.Id.Value} is listed as a child of customer {parent.Id.Value} but names {child.ParentId?.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no parent"}; the store is inconsistent.");

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
    /// each ancestor once). The ancestors shared by several targets get the state of their chain once, and each target
    /// is folded from its nearest such state, sharing that state's index of keys.
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

        var space = ResolveSpace.Take();
        try
        {
            Resolve(targets, loadCustomers, defaultMapping, visit, space);
        }
        finally
        {
            space.Return();
        }
    }

    /// <summary>The body of a page's resolution, in space reused from the thread's previous one.</summary>
    private static void Resolve(
        IReadOnlyCollection<Customer> targets,
        Func<IReadOnlyCollection<CustomerId>, IReadOnlyList<Customer>> loadCustomers,
        Func<AccessGroupId, OrderedMap<string>> defaultMapping,
        Action<Customer, ComputedFields> visit,
        ResolveSpace space)
    {
        // Every customer involved gets a slot: the targets first, then each level of ancestors. A parent gets its slot
        // when it is first met, before it is loaded, so each customer's parent is looked up once and each loaded
        // customer is placed with one more lookup; the chains are followed through slots from here on.
        var slots = space.Slots;
        var all = space.All;
        foreach (var target in targets)
        {
            if (slots.TryAdd(target.Id, all.Count))
            {
                all.Add(target);
            }
        }

        var wanted = all.Count;
        var parentSlots = space.ParentOf;
        for (var first = 0; first < all.Count;)
        {
            var end = all.Count;
            var asked = new List<CustomerId>();
            for (var i = first; i < end; i++)
            {
                if (all[i].ParentId is not { } parent)
                {
                    parentSlots.Add(-1);
                    continue;
                }

                ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(slots, parent, out var known);
                if (!known)
                {
                    slot = end + asked.Count;
                    asked.Add(parent);
                }

                parentSlots.Add(slot);
            }

            if (asked.Count > 0)
            {
                PlaceLoaded(loadCustomers(asked), asked, slots, all);
            }

            first = end;
        }

        var parentOf = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(parentSlots);

        CheckAcyclic(parentOf, wanted, space);

        // The customers on the chains of SharedBy targets or more (a target counts for itself) are the shared top: each
        // gets the computed state of its chain, built once from its parent's. Every other customer is on the chains of
        // fewer targets, below their nearest shared ancestor, and is folded into each of their outputs. Each output
        // starts as a copy of a state's entries and shares the state's index (see MapFold), so no shared key is hashed
        // again. A mark counts a customer's targets up to SharedBy; each walk up stops at a customer whose count is
        // full (so are its ancestors'), so marking takes at most SharedBy steps a customer.
        var marks = space.Marks(all.Count);
        for (var t = 0; t < wanted; t++)
        {
            for (var at = t; at >= 0 && marks[at] < SharedBy; at = parentOf[at])
            {
                marks[at]++;
            }
        }

        var states = space.States(all.Count);
        var work = space.Fold;
        for (var t = 0; t < wanted; t++)
        {
            if (marks[t] == SharedBy)
            {
                visit(all[t], StateOf(t, parentOf, all, states, defaultMapping, space.Climb).ToFields(handOver: false));
                continue;
            }

            int length = 0, propertyCount = 0, mappingCount = 0;
            var path = space.Path;
            var at = t;
            for (; at >= 0 && marks[at] < SharedBy; at = parentOf[at])
            {
                if (length == path.Length)
                {
                    Array.Resize(ref space.Path, length * 2);
                    path = space.Path;
                }

                var customer = all[at];
                path[length++] = customer;
                propertyCount += customer.Properties.Count;
                mappingCount += customer.Mapping.Count;
            }

            var from = at >= 0 ? StateOf(at, parentOf, all, states, defaultMapping, space.Climb) : null;
            work.Begin(from, from is null ? defaultMapping(all[t].AccessGroupId) : null, propertyCount, mappingCount);
            for (var i = length - 1; i >= 0; i--)
            {
                work.Add(path[i]);
            }

            visit(all[t], work.ToFields(handOver: true));
        }
    }

    /// <summary>
    /// The computed state of a customer of the shared top, built (with those of its ancestors not built yet) from its
    /// parent's state and its own layer.
    /// </summary>
    private static ChainFold StateOf(int slot, ReadOnlySpan<int> parentOf, List<Customer> all, ChainFold?[] states, Func<AccessGroupId, OrderedMap<string>> defaultMapping, Stack<int> climb)
    {
        if (states[slot] is { } built)
        {
            return built;
        }

        var at = slot;
        for (; at >= 0 && states[at] is null; at = parentOf[at])
        {
            climb.Push(at);
        }

        var from = at >= 0 ? states[at] : null;
        while (climb.Count > 0)
        {
            var below = climb.Pop();
            var customer = all[below];
            var state = new ChainFold();
            state.Begin(from, from is null ? defaultMapping(customer.AccessGroupId) : null, customer.Properties.Count, customer.Mapping.Count);
            state.Add(customer);
            state.Flatten();
            states[below] = state;
            from = state;
        }

        return from!;
    }

    /// <summary>
    /// Checks that the chains of the first <paramref name="wanted"/> slots, followed through each slot's parent slot,
    /// end at roots: a cycle in the parent links is a corrupt store. Linear in the slots: each chain is measured once.
    /// </summary>
    private static void CheckAcyclic(ReadOnlySpan<int> parentOf, int wanted, ResolveSpace space)
    {
        // depth[i]: 0 unknown, -1 on the chain being measured, else the number of customers from i up to its root.
        var depth = space.Marks(parentOf.Length);
        var climb = space.Climb;
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
        }
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

        var fold = new MapFold<TValue>();
        fold.Begin(null, capacity);
        foreach (var layer in layers)
        {
            fold.Add(layer.Entries);
        }

        return fold.ToMap(handOver: true);
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
        var fold = new ChainFold();
        fold.Begin(null, defaultMapping(path[0].AccessGroupId), propertyCount, mappingCount);
        for (var i = path.Length - 1; i >= 0; i--)
        {
            fold.Add(path[i]);
        }

        return fold.ToFields(handOver: true);
    }

    /// <summary>
    /// The working space of a page's resolution (the slots of the customers involved, their parents, the marks of the
    /// shared top and its states, the chain being folded and the fold), kept by each thread from one resolution to the
    /// next. Fresh memory is expensive: a page of 1,000 from a deep tree involves some 3,500 customers, whose slot table
    /// alone is a large-object allocation the operating system faults in page by page; reused, it is mapped and in
    /// cache. A resolution takes the thread's space (a nested one, from a visitor, makes its own) and gives it back
    /// emptied, holding no customer; a space grown beyond <see cref="KeptCustomers"/> customers is let go instead.
    /// </summary>
    private sealed class ResolveSpace
    {
        /// <summary>The most customers a kept space has held (about 1 MB of tables).</summary>
        private const int KeptCustomers = 16_384;

        [ThreadStatic]
        private static ResolveSpace? t_kept;

        private int[] _marks = [];
        private ChainFold?[] _states = [];
        private int _statesUsed;

#pragma warning disable CA1051, SA1401 // a field, so the path can be grown through a ref
        public Customer[] Path = new Customer[16];
#pragma warning restore CA1051, SA1401

        public Dictionary<CustomerId, int> Slots { get; } = [];

        public List<Customer> All { get; } = [];

        public List<int> ParentOf { get; } = [];

        public Stack<int> Climb { get; } = new();

        public ChainFold Fold { get; } = new();

        /// <summary>The thread's kept space, or a new one.</summary>
        public static ResolveSpace Take()
        {
            var space = t_kept ?? new ResolveSpace();
            t_kept = null;
            return space;
        }

        /// <summary>A mark for each of <paramref name="count"/> slots, all 0.</summary>
        public int[] Marks(int count)
        {
            if (_marks.Length < count)
            {
                _marks = new int[Math.Max(count, _marks.Length * 2)];
            }
            else
            {
                Array.Clear(_marks, 0, count);
            }

            return _marks;
        }

        /// <summary>A state for each of <paramref name="count"/> slots, none built.</summary>
        public ChainFold?[] States(int count)
        {
            if (_states.Length < count)
            {
                _states = new ChainFold?[Math.Max(count, _states.Length * 2)];
            }

            _statesUsed = count;
            return _states;
        }

        /// <summary>Empties the space and keeps it for the thread's next resolution, unless it grew too large.</summary>
        public void Return()
        {
            if (All.Count > KeptCustomers || Path.Length > KeptCustomers)
            {
                return;
            }

            Slots.Clear();
            All.Clear();
            ParentOf.Clear();
            Climb.Clear();
            Array.Clear(Path);
            Array.Clear(_states, 0, _statesUsed);
            _statesUsed = 0;
            Fold.Clear();
            t_kept = this;
        }
    }

    /// <summary>
    /// The computed fields of one chain, root first, under construction: started empty (the DVG's defaults for the
    /// mapping) or from a copy of an ancestor's, then one customer's layer at a time.
    /// </summary>
    private sealed class ChainFold
    {
        // Up to this many tags a linear search finds one fastest; beyond, a set.
        private const int LinearTags = 8;
        private readonly List<GroupTagId> _tags = [];
        private HashSet<GroupTagId>? _tagSet;

        public MapFold<System.Text.Json.JsonElement> Properties { get; } = new();

        public MapFold<string> Mapping { get; } = new();

        /// <summary>Starts the fold from <paramref name="from"/>'s state, or empty with <paramref name="defaults"/> as the mapping's first layer.</summary>
        /// <param name="from">The state of an ancestor, or null.</param>
        /// <param name="defaults">The DVG's default mapping, when <paramref name="from"/> is null.</param>
        /// <param name="propertyRoom">At most how many property entries the layers to come hold.</param>
        /// <param name="mappingRoom">At most how many mapping entries the layers to come hold.</param>
        public void Begin(ChainFold? from, OrderedMap<string>? defaults, int propertyRoom, int mappingRoom)
        {
            Properties.Begin(from?.Properties, propertyRoom);
            Mapping.Begin(from?.Mapping, mappingRoom + (defaults?.Count ?? 0));
            _tags.Clear();
            _tagSet = null;
            if (from is not null)
            {
                _tags.AddRange(from._tags);
            }
            else if (defaults is not null)
            {
                Mapping.Add(defaults.Entries);
            }
        }

        /// <summary>Applies one customer's own layer: its entries win over the ones before, and its tags join.</summary>
        public void Add(Customer customer)
        {
            // Most layers of a deep chain are small: an empty part costs a test here, not a call.
            var properties = customer.Properties.Entries;
            if (!properties.IsEmpty)
            {
                Properties.Add(properties);
            }

            var mapping = customer.Mapping.Entries;
            if (!mapping.IsEmpty)
            {
                Mapping.Add(mapping);
            }

            var tags = customer.GroupTags;
            if (tags.IsEmpty)
            {
                return;
            }

            foreach (var tag in tags)
            {
                if (!HasTag(tag))
                {
                    _tags.Add(tag);
                    _tagSet?.Add(tag);
                }
            }
        }

        /// <summary>Makes the fold a state other folds can start from (see <see cref="MapFold{TValue}.Flatten"/>).</summary>
        public void Flatten()
        {
            Properties.Flatten();
            Mapping.Flatten();
        }

        /// <summary>The fields as they stand, in fresh arrays.</summary>
        /// <param name="handOver">Whether the fold's indexes go to the output (a fold that ends here) or are copied (a state kept for more).</param>
        public ComputedFields ToFields(bool handOver) =>
            new(Properties.ToMap(handOver), Mapping.ToMap(handOver), _tags.Count == 0 ? [] : [.. _tags]);

        /// <summary>Lets go of every entry and tag.</summary>
        public void Clear()
        {
            Properties.Clear();
            Mapping.Clear();
            _tags.Clear();
            _tagSet = null;
        }

        private bool HasTag(GroupTagId tag)
        {
            if (_tagSet is not null)
            {
                return _tagSet.Contains(tag);
            }

            if (_tags.Count < LinearTags)
            {
                return _tags.Contains(tag);
            }

            _tagSet = [.. _tags];
            return _tagSet.Contains(tag);
        }
    }

    /// <summary>
    /// A root-first merge into one ordered map: a key keeps its first place and takes the last value. The entries are
    /// built in an array with room for every entry to come. A fold started from an ancestor's state shares that state's
    /// index of places (never changed: the ancestor's keys keep their places below it) and indexes only the keys it
    /// adds itself, in a dictionary of its own once there are more than eight; the output map takes both, so siblings'
    /// maps share their ancestors' index, and no key of an ancestor is hashed again for a descendant.
    /// </summary>
    private sealed class MapFold<TValue>
    {
        // Up to this many entries a map keeps no index (see OrderedMap), and a linear search finds a key fastest.
        private const int Linear = 8;
        private KeyValuePair<string, TValue>[] _entries = [];
        private int _count;
        private int _capacity;

        // The index shared with the state the fold started from: the places of its first _sharedCount keys, read only.
        private Dictionary<string, int>? _shared;
        private int _sharedCount;

        // The places of the keys after the first _sharedCount, once there are more than eight of them.
        private Dictionary<string, int>? _rest;

        /// <summary>Starts from a copy of <paramref name="from"/>'s entries (sharing its index), or empty.</summary>
        /// <param name="from">The state to start from (flattened: see <see cref="Flatten"/>), or null.</param>
        /// <param name="room">At most how many entries the layers to come hold.</param>
        public void Begin(MapFold<TValue>? from, int room)
        {
            var count = from?._count ?? 0;
            _capacity = count + room;
            if (_entries.Length < _capacity)
            {
                _entries = new KeyValuePair<string, TValue>[Math.Max(_capacity, _entries.Length * 2)];
            }
            else
            {
                Array.Clear(_entries, 0, _count);
            }

            if (count > 0)
            {
                Array.Copy(from!._entries, _entries, count);
            }

            _count = count;
            _shared = from?._shared;
            _sharedCount = _shared is null ? 0 : count;
            _rest = null;
        }

        /// <summary>Applies one layer: its keys already present take its values, the others are appended in its order.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // one entry at a time down a deep chain
        public void Add(System.Collections.Immutable.ImmutableArray<KeyValuePair<string, TValue>> layer)
        {
            if (layer.Length == 1 && _shared is null && _rest is not null && _count < _entries.Length)
            {
                PutInRest(layer[0]);
                return;
            }

            AddLayer(layer);
        }

        private void AddLayer(System.Collections.Immutable.ImmutableArray<KeyValuePair<string, TValue>> layer)
        {
            if (layer.IsEmpty)
            {
                return;
            }

            if (_count + layer.Length > _entries.Length)
            {
                // More than the room announced: grown, so a caller's miscount costs time, never an entry.
                _capacity = _count + layer.Length;
                Array.Resize(ref _entries, Math.Max(_capacity, _entries.Length * 2));
            }

            if (_rest is null && _count - _sharedCount + layer.Length > Linear)
            {
                _rest = new Dictionary<string, int>(_capacity - _sharedCount, StringComparer.Ordinal);
                for (var i = _sharedCount; i < _count; i++)
                {
                    _rest.Add(_entries[i].Key, i);
                }
            }

            foreach (var entry in layer)
            {
                if (_shared is not null && _shared.TryGetValue(entry.Key, out var place))
                {
                    _entries[place] = entry;
                }
                else if (_rest is not null)
                {
                    PutInRest(entry);
                }
                else
                {
                    var at = _count - 1;
                    while (at >= _sharedCount && !string.Equals(_entries[at].Key, entry.Key, StringComparison.Ordinal))
                    {
                        at--;
                    }

                    _entries[at >= _sharedCount ? at : _count++] = entry;
                }
            }
        }

        /// <summary>Puts an entry at its key's place among the fold's own keys, appending a key new to them (the index of those exists).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private void PutInRest(KeyValuePair<string, TValue> entry)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_rest!, entry.Key, out var exists);
            if (!exists)
            {
                slot = _count++;
            }

            _entries[slot] = entry;
        }

        /// <summary>
        /// Makes the fold a state other folds can start from: one index of every place (the shared one copied without
        /// hashing its keys, then this fold's own added), or none for at most eight entries.
        /// </summary>
        public void Flatten()
        {
            if (_count <= Linear || _sharedCount == _count)
            {
                return;
            }

            if (_shared is null)
            {
                _shared = _rest;
            }
            else
            {
                var flat = new Dictionary<string, int>(_shared, StringComparer.Ordinal);
                for (var i = _sharedCount; i < _count; i++)
                {
                    flat.Add(_entries[i].Key, i);
                }

                _shared = flat;
            }

            _sharedCount = _count;
            _rest = null;
        }

        /// <summary>The map as it stands: the entries in an array of their own (the fold's, when it is exactly full and handed over).</summary>
        /// <param name="handOver">Whether the fold ends here (its own index, and its array when full, go to the map) or goes on being used (both are copied).</param>
        public OrderedMap<TValue> ToMap(bool handOver)
        {
            if (_count == 0)
            {
                return OrderedMap<TValue>.Empty;
            }

            var entries = handOver && _count == _entries.Length ? _entries : _entries.AsSpan(0, _count).ToArray();
            var rest = _rest is null || handOver ? _rest : new Dictionary<string, int>(_rest, StringComparer.Ordinal);
            var map = _shared is null
                ? OrderedMap<TValue>.FromOwned(entries, rest)
                : OrderedMap<TValue>.FromShared(entries, _shared, _sharedCount, rest);
            if (handOver)
            {
                _rest = null;
                if (entries == _entries)
                {
                    // The array went to the map: the next fold starts with one of its own.
                    _entries = [];
                    _count = 0;
                }
            }

            return map;
        }

        /// <summary>Lets go of every entry and index.</summary>
        public void Clear()
        {
            Array.Clear(_entries, 0, _count);
            _count = 0;
            _shared = null;
            _sharedCount = 0;
            _rest = null;
        }
    }

    /// <summary>
    /// Puts a level of loaded ancestors into the slots given to them when they were asked for (appended to
    /// <paramref name="all"/> in the order of <paramref name="asked"/>); a customer not asked for, returned twice, or one
    /// asked for and not returned is a corrupt store.
    /// </summary>
    private static void PlaceLoaded(IReadOnlyList<Customer> loaded, List<CustomerId> asked, Dictionary<CustomerId, int> slots, List<Customer> all)
    {
        var first = all.Count;
        System.Runtime.InteropServices.CollectionsMarshal.SetCount(all, first + asked.Count);
        var placed = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(all);
        foreach (var customer in loaded)
        {
            if (!slots.TryGetValue(customer.Id, out var at) || at < first || placed[at] is not null)
            {
                throw Guard.Corrupt($"asked for ancestors, the store returned customer {customer.Id.Value}, which was not asked for (or twice).");
            }

            placed[at] = customer;
        }

        for (var i = first; i < placed.Length; i++)
        {
            if (placed[i] is null)
            {
                throw Guard.Corrupt($"customer {asked[i - first].Value} is referenced as a parent but is missing.");
            }
        }
    }

    /// <summary>
    /// How many targets must be at or below a customer for it to get a state of its own (the shared top). A state costs
    /// a copy of its parent's entries and index, which pays for itself only when enough targets start from it; a
    /// customer on the chains of fewer is folded once for each of them.
    /// </summary>
    private const int SharedBy = 4;

    private static readonly Comparison<Customer> ById = (a, b) => a.Id.Value.CompareTo(b.Id.Value);
}
