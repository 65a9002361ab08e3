namespace Explo.Domain.Ports;

/// <summary>
/// Every group tag of a workspace in memory, by id (in creation order) and by exact name, brought up to date from each
/// committed change set: what a store keeps so that tag lookups, counts and lists never read its storage. Not
/// thread-safe: the store changes it only while no reader runs (after its commit, under its own lock).
/// </summary>
public sealed class GroupTagSet : IGroupTagLookup
{
    private readonly SortedDictionary<int, GroupTag> _byId = [];
    private readonly Dictionary<string, GroupTag> _byName = new(StringComparer.Ordinal);

    /// <summary>How many tags there are.</summary>
    public int Count => _byId.Count;

    /// <inheritdoc />
    public GroupTag? FindGroupTag(string name) => _byName.GetValueOrDefault(name);

    /// <inheritdoc />
    public GroupTag? FindGroupTag(GroupTagId id) => _byId.GetValueOrDefault(id.Value);

    /// <summary>Every tag, in creation (id) order.</summary>
    /// <returns>A copy of the list.</returns>
    public IReadOnlyList<GroupTag> List() => [.. _byId.Values];

    /// <summary>Adds a tag, or replaces the one with its id (a store loading its tags).</summary>
    /// <param name="tag">The tag.</param>
    public void Put(GroupTag tag)
    {
        Guard.NotNull(tag);
        if (_byId.TryGetValue(tag.Id.Value, out var old))
        {
            _byName.Remove(old.Name);
        }

        _byId[tag.Id.Value] = tag;
        _byName[tag.Name] = tag;
    }

    /// <summary>Applies a committed change set's tags: its deletes, then its upserts (a rename frees the old name first).</summary>
    /// <param name="changes">The committed change set.</param>
    public void Apply(ChangeSet changes)
    {
        Guard.NotNull(changes);
        foreach (var id in changes.DeletedGroupTags)
        {
            if (_byId.Remove(id.Value, out var gone))
            {
                _byName.Remove(gone.Name);
            }
        }

        // Every old name of the upserted tags goes first, so that two tags swapping names end with both.
        foreach (var tag in changes.UpsertedGroupTags)
        {
            if (_byId.TryGetValue(tag.Id.Value, out var old))
            {
                _byName.Remove(old.Name);
            }
        }

        foreach (var tag in changes.UpsertedGroupTags)
        {
            _byId[tag.Id.Value] = tag;
            _byName[tag.Name] = tag;
        }
    }
}
