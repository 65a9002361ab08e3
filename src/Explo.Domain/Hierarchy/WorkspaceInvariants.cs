using Explo.Domain.Ports;

namespace Explo.Domain.Hierarchy;

/// <summary>
/// Checks every invariant of the spec over a whole store: each customer's level, DVG and tags exist; each parent exists,
/// is in the same DVG and at a strictly higher level; no cycles; <c>provided_id</c> and tokens are unique and well formed;
/// ids are below the store's high-water mark. Used by tests and by the offline tool's <c>validate</c>.
/// </summary>
public static class WorkspaceInvariants
{
    /// <summary>Checks the store in one consistent read.</summary>
    /// <param name="store">The store.</param>
    /// <param name="cancellationToken">Cancels the check before it starts.</param>
    /// <returns>One sentence per broken invariant; empty when all hold.</returns>
    public static ValueTask<IReadOnlyList<string>> CheckAsync(IWorkspaceStore store, CancellationToken cancellationToken = default) =>
        Guard.NotNull(store).ReadAsync(Check, cancellationToken);

    /// <summary>Checks what a reader sees.</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>One sentence per broken invariant; empty when all hold.</returns>
    public static IReadOnlyList<string> Check(IWorkspaceReader reader)
    {
        Guard.NotNull(reader);
        var problems = new List<string>();
        var workspace = reader.Workspace ?? Workspace.CreateDefault();
        var tagNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in reader.ListGroupTags())
        {
            if (!tagNames.Add(tag.Name) || reader.FindGroupTag(tag.Name)?.Id != tag.Id || reader.FindGroupTag(tag.Id) != tag)
            {
                problems.Add($"group tag '{tag.Name}' (#{tag.Id.Value}): its name is not unique, or a lookup by name or id finds another tag.");
            }
        }

        var customers = reader.EnumerateCustomers().ToDictionary(c => c.Id);
        var providedIds = new HashSet<string>(StringComparer.Ordinal);
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in customers.Values)
        {
            var name = $"customer '{c.ProvidedId}' (#{c.Id})";
            if (!providedIds.Add(c.ProvidedId))
            {
                problems.Add($"{name}: provided_id is not unique.");
            }

            if (!tokens.Add(c.Token))
            {
                problems.Add($"{name}: its token is shared with another customer.");
            }

            if (c.Token.Length != 64 || !c.Token.All(ch => ch is >= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                problems.Add($"{name}: its token is not 64 lowercase hex characters.");
            }

            if (c.Id.Value > reader.LastCustomerId)
            {
                problems.Add($"{name}: its id is above the store's last allocated id {reader.LastCustomerId}.");
            }

            var level = workspace.FindLevel(c.LevelId);
            if (level is null)
            {
                problems.Add($"{name}: hierarchy level {c.LevelId.Value} does not exist.");
            }

            if (!workspace.AccessGroups.Any(g => g.Id == c.AccessGroupId))
            {
                problems.Add($"{name}: data visibility group {c.AccessGroupId.Value} does not exist.");
            }

            foreach (var tag in c.GroupTags.Where(t => reader.FindGroupTag(t) is null))
            {
                problems.Add($"{name}: group tag {tag.Value} does not exist.");
            }

            if (c.ParentId is not { } parentId)
            {
                continue;
            }

            if (!customers.TryGetValue(parentId, out var parent))
            {
                problems.Add($"{name}: its parent #{parentId} does not exist.");
                continue;
            }

            if (parent.AccessGroupId != c.AccessGroupId)
            {
                problems.Add($"{name}: its parent '{parent.ProvidedId}' is in another data visibility group.");
            }

            if (level is not null && workspace.FindLevel(parent.LevelId) is { } parentLevel && parentLevel.Rank >= level.Rank)
            {
                problems.Add($"{name}: its parent '{parent.ProvidedId}' is at level '{parentLevel.Name}', not higher than '{level.Name}'.");
            }
        }

        // Cycles: walk up from each customer, remembering customers already known to reach a root.
        var reachesRoot = new HashSet<CustomerId>();
        foreach (var start in customers.Values)
        {
            var path = new HashSet<CustomerId>();
            var current = start;
            while (!reachesRoot.Contains(current.Id))
            {
                if (!path.Add(current.Id))
                {
                    problems.Add($"customer '{start.ProvidedId}' (#{start.Id}): its ancestors form a cycle.");
                    break;
                }

                if (current.ParentId is not { } up || !customers.TryGetValue(up, out var next))
                {
                    reachesRoot.UnionWith(path);
                    break;
                }

                current = next;
            }

            if (reachesRoot.Contains(current.Id))
            {
                reachesRoot.UnionWith(path);
            }
        }

        return problems;
    }
}
