using Explo.Domain.Ports;

namespace Explo.Domain.InMemory;

/// <summary>
/// A store that keeps everything in memory: for tests, and for hosts that want no file.
/// One lock serialises every unit of work, so readers never see a half-applied change; a change set is validated
/// against the store's invariants (unique provided ids and tokens, existing parents) before any of it is applied.
/// </summary>
public sealed class InMemoryWorkspaceStore : IWorkspaceStore, IEventArchive
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, Customer> _customers = [];
    private readonly Dictionary<string, CustomerId> _byProvidedId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CustomerId> _byToken = new(StringComparer.Ordinal);
    private readonly Dictionary<CustomerId, SortedSet<long>> _children = [];
    private readonly List<DomainEvent> _events = [];

    // Idempotency keys, and the order they were stored in (when they expire: the lifetime is one setting), to drop them.
    private readonly Dictionary<(string Scope, string Key), IdempotencyRecord> _idempotency = [];
    private readonly Queue<IdempotencyRecord> _idempotencyOrder = new();

    // Events copied from another store, kept as stored; the store's own events follow them.
    private readonly List<StoredEvent> _copiedEvents = [];

    private readonly GroupTagSet _tags = new();
    private Workspace? _workspace;
    private long _lastCustomerId;
    private int _waitingReaders;
    private volatile bool _writing;

    /// <inheritdoc />
    /// <remarks>
    /// Copied events come back as given; the store's own events are numbered after them and serialised as the LiteDB
    /// store serialises them (<see cref="StoredJson.EventJson"/>). Completes synchronously.
    /// </remarks>
    public ValueTask<IReadOnlyList<StoredEvent>> ReadEventsAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        Guard.That(after >= 0 && limit >= 1, "after must be 0 or more and limit at least 1");
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IReadOnlyList<StoredEvent>>(cancellationToken);
        }

        return new ValueTask<IReadOnlyList<StoredEvent>>(Read(_ =>
        {
            var found = new List<StoredEvent>();
            for (var sequence = after + 1; found.Count < limit && sequence <= _copiedEvents.Count + _events.Count; sequence++)
            {
                var index = (int)(sequence - 1);
                if (index < _copiedEvents.Count)
                {
                    found.Add(_copiedEvents[index]);
                }
                else
                {
                    var e = _events[index - _copiedEvents.Count];
                    found.Add(new StoredEvent(sequence, e.Kind, e.OccurredAt, StoredJson.EventJson(e)));
                }
            }

            return (IReadOnlyList<StoredEvent>)found;
        }));
    }

    /// <summary>Every event committed so far, in order.</summary>
    public IReadOnlyList<DomainEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return _events.ToList();
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Completes synchronously, on the calling thread.</remarks>
    public ValueTask<T> ReadAsync<T>(Func<IWorkspaceReader, T> query, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(query);
        return Complete(() => Read(query), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Completes synchronously: the work runs on the calling thread, under the store's lock.</remarks>
    public ValueTask<T> WriteAsync<T>(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(work);
        return Complete(() => Write(work), cancellationToken);
    }

    /// <summary>Runs a read or a write now, as a completed task (cancelled before it starts, or faulted when it throws).</summary>
    private static ValueTask<T> Complete<T>(Func<T> run, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return new ValueTask<T>(run());
        }
        catch (Exception e)
        {
            return ValueTask.FromException<T>(e);
        }
    }

    private T Read<T>(Func<IWorkspaceReader, T> query)
    {
        Interlocked.Increment(ref _waitingReaders);
        lock (_gate)
        {
            Interlocked.Decrement(ref _waitingReaders);
            return query(new Reader(this));
        }
    }

    private T Write<T>(Func<IWorkspaceReader, WriteDecision<T>> work)
    {
        LetWaitingReadersIn();
        lock (_gate)
        {
            _writing = true;
            try
            {
                var decision = work(new Reader(this));
                if (decision.Changes is { IsEmpty: false } changes)
                {
                    Apply(changes);
                }

                return decision.Result;
            }
            finally
            {
                _writing = false;
            }
        }
    }

    /// <summary>Most spins a writer waits for queued readers (a few milliseconds at most).</summary>
    private const int MaxHandOffSpins = 200;

    /// <summary>
    /// A fair hand-off: readers that queued behind a write get the lock before this write, when no other write holds it
    /// (yielding its core meanwhile), so a thread that writes again and again (the batches of a long import) does not
    /// take the lock back before they have run.
    /// </summary>
    private void LetWaitingReadersIn()
    {
        if (Volatile.Read(ref _waitingReaders) == 0)
        {
            return;
        }

        var spin = default(SpinWait);
        while (Volatile.Read(ref _waitingReaders) > 0 && !_writing && spin.Count < MaxHandOffSpins)
        {
            spin.SpinOnce();
        }
    }

    private void Apply(ChangeSet changes)
    {
        // Check everything first, so a broken change set (a bug in a caller) changes nothing.
        var deleted = changes.DeletedCustomers.ToHashSet();
        var upserted = changes.UpsertedCustomers.ToDictionary(c => c.Id);
        Guard.That(upserted.Count == changes.UpsertedCustomers.Count, "A change set upserts one customer twice");
        foreach (var customer in changes.UpsertedCustomers)
        {
            Guard.That(!deleted.Contains(customer.Id), "A change set deletes and upserts the same customer");
            CheckUnique(_byProvidedId, customer.ProvidedId, customer.Id, deleted, upserted, c => c.ProvidedId);
            CheckUnique(_byToken, customer.Token, customer.Id, deleted, upserted, c => c.Token);
            if (customer.ParentId is { } parent)
            {
                Guard.That(
                    upserted.ContainsKey(parent) || (_customers.ContainsKey(parent.Value) && !deleted.Contains(parent)),
                    "A change set refers to a missing parent");
            }
        }

        CheckGroupTags(changes);
        Guard.That(changes.CopiedEvents.Count == 0 || (_events.Count == 0 && _copiedEvents.Count == 0 && IsNumberedFromOne(changes.CopiedEvents)), "A change set copies events into a store that has events, or with gaps");
        foreach (var id in deleted)
        {
            if (_children.TryGetValue(id, out var kids))
            {
                Guard.That(kids.All(k => deleted.Contains(new CustomerId(k)) || (upserted.TryGetValue(new CustomerId(k), out var moved) && moved.ParentId != id)), "A change set deletes a parent but not its children");
            }
        }

        if (changes.Workspace is not null)
        {
            _workspace = changes.Workspace;
        }

        _tags.Apply(changes);
        if (changes.Idempotency is { } record)
        {
            // Keys expired by the new one's time go, oldest first (a store in memory keeps only what still holds).
            while (_idempotencyOrder.TryPeek(out var oldest) && oldest.ExpiresAt <= record.CreatedAt)
            {
                _idempotencyOrder.Dequeue();
                if (_idempotency.TryGetValue((oldest.Scope, oldest.Key), out var current) && ReferenceEquals(current, oldest))
                {
                    _idempotency.Remove((oldest.Scope, oldest.Key));
                }
            }

            _idempotency[(record.Scope, record.Key)] = record;
            _idempotencyOrder.Enqueue(record);
        }

        foreach (var id in changes.DeletedCustomers)
        {
            if (_customers.Remove(id.Value, out var old))
            {
                Unindex(old);
            }
        }

        foreach (var customer in changes.UpsertedCustomers)
        {
            if (_customers.TryGetValue(customer.Id.Value, out var old))
            {
                Unindex(old);
            }

            _customers[customer.Id.Value] = customer;
            Index(customer);
            _lastCustomerId = Math.Max(_lastCustomerId, customer.Id.Value);
        }

        if (changes.LastCustomerId is { } mark)
        {
            _lastCustomerId = Math.Max(_lastCustomerId, mark);
        }

        _copiedEvents.AddRange(changes.CopiedEvents);
        _events.AddRange(changes.Events);
    }

    private static bool IsNumberedFromOne(IReadOnlyList<StoredEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Sequence != i + 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Each tag is upserted once, and after the change set no two tags share a name.</summary>
    private void CheckGroupTags(ChangeSet changes)
    {
        if (changes.UpsertedGroupTags.Count == 0)
        {
            return;
        }

        var deleted = changes.DeletedGroupTags.ToHashSet();
        var upserted = changes.UpsertedGroupTags.ToDictionary(t => t.Id);
        Guard.That(upserted.Count == changes.UpsertedGroupTags.Count, "A change set upserts one group tag twice");
        Guard.That(changes.UpsertedGroupTags.Select(t => t.Name).Distinct(StringComparer.Ordinal).Count() == upserted.Count, "A change set gives two group tags one name");
        foreach (var tag in changes.UpsertedGroupTags)
        {
            if (_tags.FindGroupTag(tag.Name) is { } holder && holder.Id != tag.Id && !deleted.Contains(holder.Id))
            {
                Guard.That(upserted.TryGetValue(holder.Id, out var next) && next.Name != tag.Name, "A change set breaks the uniqueness of group tag names");
            }
        }
    }

    private void CheckUnique(Dictionary<string, CustomerId> index, string key, CustomerId id, HashSet<CustomerId> deleted, Dictionary<CustomerId, Customer> upserted, Func<Customer, string> keyOf)
    {
        if (index.TryGetValue(key, out var holder) && holder != id && !deleted.Contains(holder))
        {
            // The holder may be giving the key up in the same change set.
            Guard.That(upserted.TryGetValue(holder, out var next) && keyOf(next) != key, "A change set breaks the uniqueness of provided_id or token");
        }
    }

    private void Index(Customer customer)
    {
        _byProvidedId[customer.ProvidedId] = customer.Id;
        _byToken[customer.Token] = customer.Id;
        if (customer.ParentId is { } parent)
        {
            if (!_children.TryGetValue(parent, out var kids))
            {
                _children[parent] = kids = [];
            }

            kids.Add(customer.Id.Value);
        }
    }

    private void Unindex(Customer customer)
    {
        if (_byProvidedId.TryGetValue(customer.ProvidedId, out var a) && a == customer.Id)
        {
            _byProvidedId.Remove(customer.ProvidedId);
        }

        if (_byToken.TryGetValue(customer.Token, out var b) && b == customer.Id)
        {
            _byToken.Remove(customer.Token);
        }

        if (customer.ParentId is { } parent && _children.TryGetValue(parent, out var kids))
        {
            kids.Remove(customer.Id.Value);
            if (kids.Count == 0)
            {
                _children.Remove(parent);
            }
        }
    }

    private sealed class Reader(InMemoryWorkspaceStore store) : IWorkspaceReader
    {
        public Workspace? Workspace => store._workspace;

        public IdempotencyRecord? FindIdempotencyRecord(string scope, string key) => store._idempotency.GetValueOrDefault((scope, key));

        public long LastCustomerId => store._lastCustomerId;

        public GroupTag? FindGroupTag(string name) => store._tags.FindGroupTag(name);

        public GroupTag? FindGroupTag(GroupTagId id) => store._tags.FindGroupTag(id);

        public int CountGroupTags() => store._tags.Count;

        public IReadOnlyList<GroupTag> ListGroupTags() => store._tags.List();

        public Customer? FindCustomer(CustomerId id) => store._customers.GetValueOrDefault(id.Value);

        public IReadOnlyList<Customer> FindCustomers(IReadOnlyCollection<CustomerId> ids) =>
            ids.Select(FindCustomer).OfType<Customer>().ToList();

        public Customer? FindCustomerByProvidedId(string providedId) =>
            store._byProvidedId.TryGetValue(providedId, out var id) ? FindCustomer(id) : null;

        public Customer? FindCustomerByToken(string token) =>
            store._byToken.TryGetValue(token, out var id) ? FindCustomer(id) : null;

        public IReadOnlyList<Customer> GetChildren(CustomerId parentId) =>
            store._children.TryGetValue(parentId, out var kids) ? kids.Select(k => store._customers[k]).ToList() : [];

        public long CountCustomers(CustomerQuery query) => Candidates(query).LongCount(query.Matches);

        public IReadOnlyList<Customer> ListCustomers(CustomerQuery query, int skip, int take) =>
            Candidates(query).Where(query.Matches).Skip(skip).Take(take).ToList();

        public IReadOnlyList<Customer> ListCustomersAfter(CustomerQuery query, long after, int take) =>
            Candidates(query).SkipWhile(c => c.Id.Value <= after).Where(query.Matches).Take(take).ToList();

        public IReadOnlyList<Customer> CustomersWithGroupTag(GroupTagId tagId) =>
            store._customers.Values.Where(c => c.GroupTags.Contains(tagId)).ToList();

        public IEnumerable<Customer> EnumerateCustomers() => store._customers.Values;

        private IEnumerable<Customer> Candidates(CustomerQuery query) =>
            query.ParentId is { } parent ? GetChildren(parent) : store._customers.Values;
    }
}
