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

    private readonly IReadOnlyList<GroupTagId> _deletedGroupTags = [];
    private readonly IReadOnlyList<GroupTag> _upsertedGroupTags = [];

    /// <summary>Customers to delete (applied before the upserts).</summary>
    public IReadOnlyList<CustomerId> DeletedCustomers { get; }

    /// <summary>Customers to insert or replace.</summary>
    public IReadOnlyList<Customer> UpsertedCustomers { get; }

    /// <summary>The events describing the change.</summary>
    public IReadOnlyList<DomainEvent> Events { get; }

    /// <summary>True when the set changes nothing.</summary>
    public bool IsEmpty => Workspace is null && DeletedGroupTags.Count == 0 && UpsertedGroupTags.Count == 0 && DeletedCustomers.Count == 0 && UpsertedCustomers.Count == 0 && Events.Count == 0;
}
