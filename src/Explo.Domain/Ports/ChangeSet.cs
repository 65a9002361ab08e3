namespace Explo.Domain.Ports;

/// <summary>
/// Everything one use case changes, applied by the store atomically: the workspace (replaced whole when given), group
/// tags to delete and to insert or replace (one by one: tags are kept apart from the workspace), customers to delete,
/// customers to insert or replace, and the events that describe the change.
/// </summary>
public sealed class ChangeSet
{
    /// <summary>Creates a change set.</summary>
    /// <param name="workspace">The new workspace, or null to keep it.</param>
    /// <param name="deletedCustomers">Customers to delete.</param>
    /// <param name="upsertedCustomers">Customers to insert or replace (matched by id).</param>
    /// <param name="events">The events, in order.</param>
    public ChangeSet(Workspace? workspace, IReadOnlyList<CustomerId> deletedCustomers, IReadOnlyList<Customer> upsertedCustomers, IReadOnlyList<DomainEvent> events)
    {
        Workspace = workspace;
        DeletedCustomers = Guard.NotNull(deletedCustomers);
        UpsertedCustomers = Guard.NotNull(upsertedCustomers);
        Events = Guard.NotNull(events);
    }

    /// <summary>The new workspace, or null to keep it.</summary>
    public Workspace? Workspace { get; }

    /// <summary>Group tags to delete, by id (applied before the tag upserts; an id that is not stored is ignored).</summary>
    public IReadOnlyList<GroupTagId> DeletedGroupTags
    {
        get => _deletedGroupTags;
        init => _deletedGroupTags = Guard.NotNull(value);
    }

    /// <summary>
    /// Group tags to insert or replace (matched by id; a rename is a replace). Names stay unique: after the change set,
    /// no two stored tags have the same name.
    /// </summary>
    public IReadOnlyList<GroupTag> UpsertedGroupTags
    {
        get => _upsertedGroupTags;
        init => _upsertedGroupTags = Guard.NotNull(value);
    }

    /// <summary>
    /// Events copied from another store, kept exactly (sequence, kind, time, JSON) and appended before
    /// <see cref="Events"/>. Only for a store that holds no events yet: their sequences must run 1, 2, 3, ... with no gap.
    /// Empty unless a copy sets it.
    /// </summary>
    public IReadOnlyList<StoredEvent> CopiedEvents
    {
        get => _copiedEvents;
        init => _copiedEvents = Guard.NotNull(value);
    }

    /// <summary>
    /// Raises the customer-id high-water mark to at least this value (a copy carries its source's mark, which is above
    /// the highest stored id when the highest ids were deleted); null leaves it to the stored customers.
    /// </summary>
    public long? LastCustomerId { get; init; }

    /// <summary>
    /// An idempotency key to store with the change, replacing a stored one of the same scope and key (an expired one);
    /// the store may then delete the keys expired by <see cref="IdempotencyRecord.CreatedAt"/>. Null for none.
    /// </summary>
    public IdempotencyRecord? Idempotency { get; init; }

    private readonly IReadOnlyList<GroupTagId> _deletedGroupTags = [];
    private readonly IReadOnlyList<GroupTag> _upsertedGroupTags = [];
    private readonly IReadOnlyList<StoredEvent> _copiedEvents = [];

    /// <summary>Customers to delete (applied before the upserts).</summary>
    public IReadOnlyList<CustomerId> DeletedCustomers { get; }

    /// <summary>Customers to insert or replace.</summary>
    public IReadOnlyList<Customer> UpsertedCustomers { get; }

    /// <summary>The events describing the change.</summary>
    public IReadOnlyList<DomainEvent> Events { get; }

    /// <summary>True when the set changes nothing.</summary>
    public bool IsEmpty => Workspace is null && DeletedGroupTags.Count == 0 && UpsertedGroupTags.Count == 0 && DeletedCustomers.Count == 0 && UpsertedCustomers.Count == 0 && Events.Count == 0
        && CopiedEvents.Count == 0 && LastCustomerId is null && Idempotency is null;

    /// <summary>
    /// True when the set only adds customers new to the store (every id above <paramref name="lastCustomerId"/>, the
    /// store's high-water mark) and events, as a create or an import batch does.
    /// </summary>
    /// <param name="lastCustomerId">The store's high-water mark before the set.</param>
    /// <returns>Whether the set is additive.</returns>
    public bool IsAdditive(long lastCustomerId)
    {
        if (Workspace is not null || LastCustomerId is not null || Idempotency is not null || CopiedEvents.Count > 0 || DeletedCustomers.Count > 0 || DeletedGroupTags.Count > 0 || UpsertedGroupTags.Count > 0)
        {
            return false;
        }

        foreach (var customer in UpsertedCustomers)
        {
            if (customer.Id.Value <= lastCustomerId)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>This change set with an idempotency key to store with it.</summary>
    internal ChangeSet With(IdempotencyRecord record) => new(Workspace, DeletedCustomers, UpsertedCustomers, Events)
    {
        DeletedGroupTags = DeletedGroupTags,
        UpsertedGroupTags = UpsertedGroupTags,
        CopiedEvents = CopiedEvents,
        LastCustomerId = LastCustomerId,
        Idempotency = record,
    };

    /// <summary>
    /// The change sets of a group of units of work, decided in turn, as a store may write them: when every one is
    /// additive (<see cref="IsAdditive"/>) and no customer comes twice, one change set with all their customers and
    /// events, in order (one bulk insert); otherwise the change sets as they are, to be applied one after the other.
    /// </summary>
    /// <param name="changes">The change sets, in the order they were decided.</param>
    /// <param name="lastCustomerId">The store's high-water mark before the group.</param>
    /// <returns>The change sets to apply, in order.</returns>
    public static IReadOnlyList<ChangeSet> MergeAdditive(IReadOnlyList<ChangeSet> changes, long lastCustomerId)
    {
        Guard.NotNull(changes);
        if (changes.Count < 2)
        {
            return changes;
        }

        var customers = new List<Customer>();
        var ids = new HashSet<CustomerId>();
        var events = new List<DomainEvent>();
        foreach (var change in changes)
        {
            if (!change.IsAdditive(lastCustomerId))
            {
                return changes;
            }

            foreach (var customer in change.UpsertedCustomers)
            {
                if (!ids.Add(customer.Id))
                {
                    // A customer new to the store changed again later in the group: written in order instead.
                    return changes;
                }

                customers.Add(customer);
            }

            events.AddRange(change.Events);
        }

        return [new ChangeSet(null, [], customers, events)];
    }
}
