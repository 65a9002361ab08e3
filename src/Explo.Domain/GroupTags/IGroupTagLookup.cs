namespace Explo.Domain;

/// <summary>
/// Finds group tags by exact (ordinal, case-sensitive) name or by id: a store's reader, or a use case's view of it with
/// the tag changes it has staged. Group tags are kept apart from the <see cref="Workspace"/> so that one tag's change
/// costs the same however many tags the workspace holds; every lookup is by key, never a scan of the list.
/// </summary>
public interface IGroupTagLookup
{
    /// <summary>Finds a tag by exact name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The tag or null.</returns>
    GroupTag? FindGroupTag(string name);

    /// <summary>Finds a tag by id.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The tag or null.</returns>
    GroupTag? FindGroupTag(GroupTagId id);
}
