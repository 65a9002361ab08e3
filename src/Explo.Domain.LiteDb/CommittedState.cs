using Explo.Domain.Ports;

namespace Explo.Domain.LiteDb;

/// <summary>
/// What the store keeps in memory of the last committed state: the workspace, every group tag, the high-water marks of
/// customer ids and event sequences, whether the DVG index exists, and the caches of customers and of ordered ids.
/// The store is the file's only writer, so this is read once when the file is opened and then kept up to date by
/// <see cref="Commit"/>, which the store calls after each commit with no reader running.
/// </summary>
internal sealed class CommittedState
{
    private CommittedState(int cachedCustomers) => Cache = new CustomerCache(cachedCustomers);

    /// <summary>The workspace, or null in a new file.</summary>
    public Workspace? Workspace { get; private set; }

    /// <summary>
    /// Every group tag (at most <c>ExploLimits.MaxGroupTagsPerWorkspace</c>): lookups by name and id, and the list in
    /// creation (id) order, without a query.
    /// </summary>
    public GroupTagSet Tags { get; } = new();

    /// <summary>The highest customer id ever stored.</summary>
    public long LastCustomerId { get; private set; }

    /// <summary>The sequence of the last stored event.</summary>
    public long LastEventSequence { get; private set; }

    /// <summary>True when the customers' DVG + id index exists.</summary>
    public bool HasGroupIndex { get; private set; }

    /// <summary>Customers read from the file.</summary>
    public CustomerCache Cache { get; }

    /// <summary>The ordered ids of each list the API pages through.</summary>
    public CustomerPositions Positions { get; } = new();

    /// <summary>Reads the state of a file just opened (and brought to the current schema).</summary>
    public static CommittedState Load(StoreCollections store, EventLog events, int cachedCustomers)
    {
        var state = new CommittedState(cachedCustomers)
        {
            Workspace = store.StoredWorkspace(),
            HasGroupIndex = store.HasGroupIndex(),
            LastCustomerId = store.LastCustomerId(),
            LastEventSequence = events.LastSequence(),
        };
        foreach (var document in store.GroupTags.FindAll())
        {
            state.Tags.Put(GroupTagDocument.FromDocument(document));
        }

        return state;
    }

    /// <summary>Brings the state up to date with a committed change (called by the writer, with no reader running).</summary>
    public void Commit(ChangeSet changes, long lastCustomerId, long lastEventSequence)
    {
        Workspace = changes.Workspace ?? Workspace;
        Tags.Apply(changes);
        LastCustomerId = lastCustomerId;
        LastEventSequence = lastEventSequence;
        HasGroupIndex |= changes.Workspace is { AccessGroups.Length: > 1 };
        Cache.Forget(changes.DeletedCustomers, changes.UpsertedCustomers);
        Positions.Apply(changes.DeletedCustomers, changes.UpsertedCustomers);
    }
}
