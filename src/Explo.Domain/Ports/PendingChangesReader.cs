namespace Explo.Domain.Ports;

/// <summary>
/// A reader that shows a committed view with change sets that are decided but not yet committed layered on top: every
/// member answers exactly what <see cref="Committed"/> would answer once every staged change set had been applied to it
/// in order, the way a store applies a change set (its workspace; its tag deletes, then its tag upserts; its customer
/// deletes, then its customer upserts, matched by id). A store that commits several units of work in one transaction
/// decides them one by one over this reader, staging each decision before deciding the next, so each unit sees the units
/// decided before it.
/// </summary>
/// <remarks>
/// <para>
/// Cost: a lookup by id, provided id or token costs a dictionary lookup over the staged part and at most one lookup of
/// the committed view; the batch lookups make at most one batch lookup of the committed view. Staging a change set looks
/// each customer it touches up in the committed view once, the first time that customer is staged (in one batch per
/// change set), and never for a new customer (an id above the committed <see cref="IWorkspaceReader.LastCustomerId"/>).
/// Counts and lists read the committed view once and go over the staged customers once;
/// <see cref="ListCustomers"/> reads the first <c>skip + take</c> committed matches (plus one for each staged customer
/// whose committed version matches), so its cost is linear in <c>skip</c>: fine for units of work, which seldom page.
/// <see cref="EnumerateCustomers"/> streams the committed enumeration, merged with the staged customers.
/// While nothing is staged, every member answers straight from the committed view.
/// </para>
/// <para>
/// The change sets are trusted: they are the decisions of units of work that read this very view, so they keep the
/// store's invariants (unique provided ids, tokens and tag names, existing parents); they are not checked again here.
/// </para>
/// <para>
/// Not thread-safe: one writer stages and reads, and the committed view must stay unchanged (not committed to) while
/// this reader is in use. An enumeration started by <see cref="EnumerateCustomers"/> shows the staged customers as they
/// were when it started.
/// </para>
/// </remarks>
public sealed class PendingChangesReader : IWorkspaceReader
{
    // Every customer staged so far, by id: its committed version (looked up once) and its current one (null = deleted).
    private readonly Dictionary<long, StagedCustomer> _customers = [];

    // The staged customers by their current provided id and token; a key missing here is answered by the committed view,
    // unless a staged customer held it there (then nobody holds it now).
    private readonly Dictionary<string, StagedCustomer> _byProvidedId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StagedCustomer> _byToken = new(StringComparer.Ordinal);
    private readonly HashSet<string> _committedProvidedIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _committedTokens = new(StringComparer.Ordinal);

    // The staged customers by their current parent, in id order.
    private readonly Dictionary<CustomerId, SortedSet<long>> _children = [];

    // Staged group tags by id (null = deleted) and by name (null = nobody holds the name now); lookups see them first.
    private readonly Dictionary<GroupTagId, GroupTag?> _tagsById = [];
    private readonly Dictionary<string, GroupTag?> _tagsByName = new(StringComparer.Ordinal);
    private int _tagCountDelta;

    // Staged idempotency keys, by scope and key.
    private readonly Dictionary<(string Scope, string Key), IdempotencyRecord> _idempotency = [];

    private StagedCustomer[]? _sorted;
    private Workspace? _workspace;
    private long _committedLastCustomerId = -1;
    private long _lastCustomerId;
    private int _stagedSets;

    /// <summary>Creates a reader that shows the committed view with nothing staged yet.</summary>
    /// <param name="committed">The committed view; it must not change while this reader is in use.</param>
    public PendingChangesReader(IWorkspaceReader committed)
    {
        Committed = Guard.NotNull(committed);
    }

    /// <summary>The committed view the staged change sets are layered on.</summary>
    public IWorkspaceReader Committed { get; }

    /// <summary>True when nothing is staged (an empty change set stages nothing).</summary>
    public bool IsEmpty => _stagedSets == 0;

    /// <inheritdoc />
    public Workspace? Workspace => _workspace ?? Committed.Workspace;

    /// <inheritdoc />
    public IdempotencyRecord? FindIdempotencyRecord(string scope, string key) =>
        _idempotency.TryGetValue((scope, key), out var staged) ? staged : Committed.FindIdempotencyRecord(scope, key);

    /// <inheritdoc />
    /// <remarks>The higher of the committed value and every customer id staged so far: it never decreases, even when a
    /// customer created in one staged change set is deleted by a later one.</remarks>
    public long LastCustomerId => _customers.Count == 0 ? Committed.LastCustomerId : _lastCustomerId;

    /// <summary>
    /// Layers a decided change set on top of the ones staged before it (in order): later reads answer as if it had been
    /// applied after them. An empty change set is ignored.
    /// </summary>
    /// <param name="changes">The change set, as the unit of work decided it; it must not change afterwards.</param>
    public void Stage(ChangeSet changes)
    {
        Guard.NotNull(changes);
        if (changes.IsEmpty)
        {
            return;
        }

        // A copy (copied events, a carried high-water mark) is only valid on an empty store: it is never layered on other
        // change sets, so the store commits it alone.
        if (changes.CopiedEvents.Count > 0 || changes.LastCustomerId is not null)
        {
            throw new InvalidOperationException("A copy's change set is committed alone.");
        }

        _stagedSets++;
        if (changes.Workspace is not null)
        {
            _workspace = changes.Workspace;
        }

        StageGroupTags(changes);
        if (changes.Idempotency is { } record)
        {
            _idempotency[(record.Scope, record.Key)] = record;
        }

        if (changes.DeletedCustomers.Count == 0 && changes.UpsertedCustomers.Count == 0)
        {
            return;
        }

        if (_committedLastCustomerId < 0)
        {
            _committedLastCustomerId = Committed.LastCustomerId;
            _lastCustomerId = _committedLastCustomerId;
        }

        LookUpCommittedVersions(changes);
        foreach (var id in changes.DeletedCustomers)
        {
            var staged = _customers[id.Value];
            if (staged.Current is { } old)
            {
                Unindex(staged, old);
                staged.Current = null;
            }
        }

        foreach (var customer in changes.UpsertedCustomers)
        {
            var staged = _customers[customer.Id.Value];
            if (staged.Current is { } old)
            {
                Unindex(staged, old);
            }

            staged.Current = customer;
            Index(staged, customer);
            _lastCustomerId = Math.Max(_lastCustomerId, customer.Id.Value);
        }
    }

    /// <inheritdoc />
    public GroupTag? FindGroupTag(string name)
    {
        Guard.NotNull(name);
        if (_tagsByName.TryGetValue(name, out var staged))
        {
            return staged;
        }

        // A committed tag that a staged change set replaced or deleted is known by its staged name only.
        return Committed.FindGroupTag(name) is { } committed && !_tagsById.ContainsKey(committed.Id) ? committed : null;
    }

    /// <inheritdoc />
    public GroupTag? FindGroupTag(GroupTagId id) =>
        _tagsById.TryGetValue(id, out var staged) ? staged : Committed.FindGroupTag(id);

    /// <inheritdoc />
    public int CountGroupTags() => _tagsById.Count == 0 ? Committed.CountGroupTags() : Committed.CountGroupTags() + _tagCountDelta;

    /// <inheritdoc />
    public IReadOnlyList<GroupTag> ListGroupTags()
    {
        var committed = Committed.ListGroupTags();
        if (_tagsById.Count == 0)
        {
            return committed;
        }

        var tags = new List<GroupTag>(committed.Count + _tagsById.Count);
        foreach (var tag in committed)
        {
            if (!_tagsById.ContainsKey(tag.Id))
            {
                tags.Add(tag);
            }
        }

        foreach (var staged in _tagsById.Values)
        {
            if (staged is not null)
            {
                tags.Add(staged);
            }
        }

        tags.Sort((a, b) => a.Id.Value.CompareTo(b.Id.Value));
        return tags;
    }

    /// <inheritdoc />
    public Customer? FindCustomer(CustomerId id)
    {
        if (_customers.Count == 0)
        {
            return Committed.FindCustomer(id);
        }

        if (_customers.TryGetValue(id.Value, out var staged))
        {
            return staged.Current;
        }

        return id.Value <= _committedLastCustomerId ? Committed.FindCustomer(id) : null;
    }

    /// <inheritdoc />
    public IReadOnlyList<Customer> FindCustomers(IReadOnlyCollection<CustomerId> ids)
    {
        Guard.NotNull(ids);
        if (_customers.Count == 0)
        {
            return Committed.FindCustomers(ids);
        }

        var found = new List<Customer>();
        List<CustomerId>? rest = null;
        foreach (var id in ids)
        {
            if (_customers.TryGetValue(id.Value, out var staged))
            {
                if (staged.Current is { } current)
                {
                    found.Add(current);
                }
            }
            else if (id.Value <= _committedLastCustomerId)
            {
                (rest ??= []).Add(id);
            }
        }

        if (rest is not null)
        {
            found.AddRange(Committed.FindCustomers(rest));
        }

        return found;
    }

    /// <inheritdoc />
    public Customer? FindCustomerByProvidedId(string providedId)
    {
        Guard.NotNull(providedId);
        return FindByKey(providedId, _byProvidedId, _committedProvidedIds, Committed.FindCustomerByProvidedId);
    }

    /// <inheritdoc />
    public IReadOnlyList<Customer> FindCustomersByProvidedIds(IReadOnlyCollection<string> providedIds)
    {
        Guard.NotNull(providedIds);
        if (_customers.Count == 0)
        {
            return Committed.FindCustomersByProvidedIds(providedIds);
        }

        var found = new List<Customer>();
        List<string>? rest = null;
        foreach (var providedId in providedIds)
        {
            if (_byProvidedId.TryGetValue(providedId, out var staged))
            {
                found.Add(staged.Current!);
            }
            else if (!_committedProvidedIds.Contains(providedId))
            {
                (rest ??= []).Add(providedId);
            }
        }

        if (rest is not null)
        {
            foreach (var customer in Committed.FindCustomersByProvidedIds(rest))
            {
                if (!_customers.ContainsKey(customer.Id.Value))
                {
                    found.Add(customer);
                }
            }
        }

        return found;
    }

    /// <inheritdoc />
    public Customer? FindCustomerByToken(string token)
    {
        Guard.NotNull(token);
        return FindByKey(token, _byToken, _committedTokens, Committed.FindCustomerByToken);
    }

    /// <summary>
    /// A lookup by a unique key (provided id or token): the staged customer holding it now; none when a staged customer
    /// held it in the committed view and none holds it now; else the committed one, unless it is staged (changed since).
    /// </summary>
    private Customer? FindByKey(string key, Dictionary<string, StagedCustomer> staged, HashSet<string> committedKeys, Func<string, Customer?> committedLookup)
    {
        if (_customers.Count == 0)
        {
            return committedLookup(key);
        }

        if (staged.TryGetValue(key, out var entry))
        {
            return entry.Current;
        }

        return committedKeys.Contains(key) ? null : Unstaged(committedLookup(key));
    }

    /// <inheritdoc />
    public IReadOnlySet<string> FindTokensInUse(IReadOnlyCollection<string> tokens)
    {
        Guard.NotNull(tokens);
        if (_customers.Count == 0)
        {
            return Committed.FindTokensInUse(tokens);
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        List<string>? rest = null;
        foreach (var token in tokens)
        {
            if (_byToken.ContainsKey(token))
            {
                used.Add(token);
            }
            else if (!_committedTokens.Contains(token))
            {
                (rest ??= []).Add(token);
            }
        }

        if (rest is not null)
        {
            // None of these tokens was held by a staged customer in the committed view, so its holder there still holds it.
            used.UnionWith(Committed.FindTokensInUse(rest));
        }

        return used;
    }

    /// <inheritdoc />
    public IReadOnlyList<Customer> GetChildren(CustomerId parentId)
    {
        if (_customers.Count == 0)
        {
            return Committed.GetChildren(parentId);
        }

        // A customer created in a staged change set has no committed children.
        IReadOnlyList<Customer> committed = parentId.Value <= _committedLastCustomerId ? Committed.GetChildren(parentId) : [];
        var added = new List<Customer>();
        if (_children.TryGetValue(parentId, out var kids))
        {
            foreach (var kid in kids)
            {
                added.Add(_customers[kid].Current!);
            }
        }

        return Merge(committed, added);
    }

    /// <inheritdoc />
    public long CountCustomers(CustomerQuery query)
    {
        Guard.NotNull(query);
        var count = Committed.CountCustomers(query);
        foreach (var staged in _customers.Values)
        {
            if (staged.Committed is { } committed && query.Matches(committed))
            {
                count--;
            }

            if (staged.Current is { } current && query.Matches(current))
            {
                count++;
            }
        }

        return count;
    }

    /// <inheritdoc />
    /// <remarks>
    /// With staged customers that match, this reads the first <c>skip + take</c> committed matches (plus one for each
    /// staged customer whose committed version matches) and merges the staged ones in: linear in <paramref name="skip"/>.
    /// </remarks>
    public IReadOnlyList<Customer> ListCustomers(CustomerQuery query, int skip, int take)
    {
        Guard.NotNull(query);
        if (_customers.Count == 0)
        {
            return Committed.ListCustomers(query, skip, take);
        }

        var removed = 0;
        var added = new List<Customer>();
        foreach (var staged in Sorted())
        {
            if (staged.Committed is { } committed && query.Matches(committed))
            {
                removed++;
            }

            if (staged.Current is { } current && query.Matches(current))
            {
                added.Add(current);
            }
        }

        if (removed == 0 && added.Count == 0)
        {
            return Committed.ListCustomers(query, skip, take);
        }

        // The first skip + take of the merge come from at most that many committed customers that are not staged, and
        // the committed customers that are staged (to leave out) are at most the ones whose committed version matches.
        var window = (int)Math.Min(int.MaxValue, (long)Math.Max(skip, 0) + Math.Max(take, 0) + removed);
        var merged = Merge(Committed.ListCustomers(query, 0, window), added);
        return merged.Skip(skip).Take(take).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<Customer> CustomersWithGroupTag(GroupTagId tagId)
    {
        var committed = Committed.CustomersWithGroupTag(tagId);
        if (_customers.Count == 0)
        {
            return committed;
        }

        var added = new List<Customer>();
        foreach (var staged in Sorted())
        {
            if (staged.Current is { } current && current.GroupTags.Contains(tagId))
            {
                added.Add(current);
            }
        }

        return Merge(committed, added);
    }

    /// <inheritdoc />
    /// <remarks>Streams the committed enumeration, merged with the staged customers as they are when it is called.</remarks>
    public IEnumerable<Customer> EnumerateCustomers()
    {
        if (_customers.Count == 0)
        {
            return Committed.EnumerateCustomers();
        }

        var sorted = Sorted();
        var staged = new (long Id, Customer? Current)[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            staged[i] = (sorted[i].Id, sorted[i].Current);
        }

        return MergeStream(Committed.EnumerateCustomers(), staged);
    }

    private static IEnumerable<Customer> MergeStream(IEnumerable<Customer> committed, (long Id, Customer? Current)[] staged)
    {
        var next = 0;
        foreach (var customer in committed)
        {
            var id = customer.Id.Value;
            while (next < staged.Length && staged[next].Id < id)
            {
                if (staged[next++].Current is { } earlier)
                {
                    yield return earlier;
                }
            }

            if (next < staged.Length && staged[next].Id == id)
            {
                // The staged version (or its deletion) replaces the committed one, in the same place.
                if (staged[next++].Current is { } replaced)
                {
                    yield return replaced;
                }

                continue;
            }

            yield return customer;
        }

        while (next < staged.Length)
        {
            if (staged[next++].Current is { } later)
            {
                yield return later;
            }
        }
    }

    /// <summary>Merges a committed list (id order) without its staged customers, and staged customers (id order).</summary>
    private List<Customer> Merge(IReadOnlyList<Customer> committed, List<Customer> added)
    {
        var merged = new List<Customer>(committed.Count + added.Count);
        var next = 0;
        foreach (var customer in committed)
        {
            if (_customers.ContainsKey(customer.Id.Value))
            {
                continue;
            }

            while (next < added.Count && added[next].Id.Value < customer.Id.Value)
            {
                merged.Add(added[next++]);
            }

            merged.Add(customer);
        }

        while (next < added.Count)
        {
            merged.Add(added[next++]);
        }

        return merged;
    }

    /// <summary>A committed customer, unless a staged change set replaced or deleted it (a safety net: the caller checked the key).</summary>
    private Customer? Unstaged(Customer? committed) =>
        committed is not null && _customers.ContainsKey(committed.Id.Value) ? null : committed;

    /// <summary>The staged customers in id order (cached until a new one is staged).</summary>
    private StagedCustomer[] Sorted()
    {
        if (_sorted is null)
        {
            _sorted = [.. _customers.Values];
            Array.Sort(_sorted, (a, b) => a.Id.CompareTo(b.Id));
        }

        return _sorted;
    }

    /// <summary>
    /// Remembers the committed version of every customer the change set touches for the first time, in one batch; a new
    /// customer (above the committed last id) has none.
    /// </summary>
    private void LookUpCommittedVersions(ChangeSet changes)
    {
        List<CustomerId>? unknown = null;
        HashSet<long>? seen = null;
        void Note(CustomerId id)
        {
            if (_customers.ContainsKey(id.Value))
            {
                return;
            }

            if (id.Value > _committedLastCustomerId)
            {
                Add(new StagedCustomer(id.Value, null));
            }
            else if ((seen ??= []).Add(id.Value))
            {
                (unknown ??= []).Add(id);
            }
        }

        foreach (var id in changes.DeletedCustomers)
        {
            Note(id);
        }

        foreach (var customer in changes.UpsertedCustomers)
        {
            Note(customer.Id);
        }

        if (unknown is null)
        {
            return;
        }

        var found = new Dictionary<long, Customer>(unknown.Count);
        foreach (var customer in Committed.FindCustomers(unknown))
        {
            found[customer.Id.Value] = customer;
        }

        foreach (var id in unknown)
        {
            var committed = found.GetValueOrDefault(id.Value);
            Add(new StagedCustomer(id.Value, committed));
            if (committed is not null)
            {
                _committedProvidedIds.Add(committed.ProvidedId);
                _committedTokens.Add(committed.Token);
            }
        }
    }

    private void Add(StagedCustomer staged)
    {
        _customers.Add(staged.Id, staged);
        _sorted = null;
    }

    private void Index(StagedCustomer staged, Customer customer)
    {
        _byProvidedId[customer.ProvidedId] = staged;
        _byToken[customer.Token] = staged;
        if (customer.ParentId is { } parent)
        {
            if (!_children.TryGetValue(parent, out var kids))
            {
                _children[parent] = kids = [];
            }

            kids.Add(staged.Id);
        }
    }

    /// <summary>Drops a staged customer's version from the staged indexes (a committed version is in none of them).</summary>
    private void Unindex(StagedCustomer staged, Customer customer)
    {
        // Another customer of the same change set may have taken the key already.
        if (_byProvidedId.TryGetValue(customer.ProvidedId, out var holder) && holder == staged)
        {
            _byProvidedId.Remove(customer.ProvidedId);
        }

        if (_byToken.TryGetValue(customer.Token, out holder) && holder == staged)
        {
            _byToken.Remove(customer.Token);
        }

        if (customer.ParentId is { } parent && _children.TryGetValue(parent, out var kids))
        {
            kids.Remove(staged.Id);
            if (kids.Count == 0)
            {
                _children.Remove(parent);
            }
        }
    }

    /// <summary>Stages a change set's tags as <see cref="GroupTagSet.Apply"/> applies them: deletes, then upserts (old names freed first).</summary>
    private void StageGroupTags(ChangeSet changes)
    {
        foreach (var id in changes.DeletedGroupTags)
        {
            if (FindGroupTag(id) is { } gone)
            {
                _tagsById[id] = null;
                _tagsByName[gone.Name] = null;
                _tagCountDelta--;
            }
        }

        // Every old name of the upserted tags goes first, so that two tags swapping names end with both.
        foreach (var tag in changes.UpsertedGroupTags)
        {
            if (FindGroupTag(tag.Id) is { } old)
            {
                _tagsByName[old.Name] = null;
            }
            else
            {
                _tagCountDelta++;
            }
        }

        foreach (var tag in changes.UpsertedGroupTags)
        {
            _tagsById[tag.Id] = tag;
            _tagsByName[tag.Name] = tag;
        }
    }

    /// <summary>A customer touched by a staged change set: its committed version (null when new) and its current one (null when deleted).</summary>
    private sealed class StagedCustomer(long id, Customer? committed)
    {
        public long Id { get; } = id;

        public Customer? Committed { get; } = committed;

        public Customer? Current { get; set; } = committed;
    }
}
