using Explo.Domain.GroupTags;
using Explo.Domain.Rules;

namespace Explo.Domain.Hierarchy;

/// <summary><c>hierarchy_level_name</c> must name an existing level.</summary>
internal sealed class LevelExists : Rule<CustomerProposal>
{
    public override string Code => "unknown_hierarchy_level";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.LevelName is { } name && subject.Workspace.FindLevel(name) is null)
        {
            var levels = string.Join(", ", subject.Workspace.Levels.Select(l => l.Name));
            yield return Broken(FieldNames.HierarchyLevelName, $"hierarchy_level_name {TextChecks.Quote(name)} is not a hierarchy level of this workspace; the levels are: {levels}.");
        }
    }
}

/// <summary>Hierarchy rule 3: a create with a parent must name a level (without one the customer would be a root).</summary>
internal sealed class LevelRequiredWithParent : Rule<CustomerProposal>
{
    public override string Code => "hierarchy_level_required";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.IsCreate && subject.ParentProvidedId is not null && subject.LevelName is null)
        {
            var below = subject.EffectiveParentLevel is { } parentLevel
                ? subject.Workspace.Levels.Where(l => l.Rank > parentLevel.Rank).Select(l => l.Name).ToList()
                : subject.Workspace.Levels.Skip(1).Select(l => l.Name).ToList();
            var hint = below.Count == 0
                ? "the parent is on the lowest level, so it can have no children"
                : $"valid levels below the parent are: {string.Join(", ", below)}";
            yield return Broken(FieldNames.HierarchyLevelName, $"hierarchy_level_name is required when parent_provided_id is given, because a customer without a level goes on the root level; {hint}.");
        }
    }
}

/// <summary>Hierarchy rule 1: the parent must exist (customers outside the caller's DVG count as absent).</summary>
internal sealed class ParentExists : Rule<CustomerProposal>
{
    public override string Code => "parent_not_found";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.ParentProvidedId is { } parent && subject.EffectiveParent is null)
        {
            yield return Broken(FieldNames.ParentProvidedId, $"parent_provided_id {TextChecks.Quote(parent)} does not name a customer.");
        }
    }
}

/// <summary>Hierarchy rule 1: the parent must be in the same DVG as the child.</summary>
internal sealed class ParentInSameAccessGroup : Rule<CustomerProposal>
{
    public override string Code => "parent_access_group_mismatch";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.EffectiveParent is { } parent && parent.AccessGroupId != subject.AccessGroup)
        {
            yield return Broken(FieldNames.ParentProvidedId, $"parent_provided_id {TextChecks.Quote(parent.ProvidedId)} names a customer in another data visibility group; a parent must be in the same group as its children.");
        }
    }
}

/// <summary>Hierarchy rule 1: the parent must sit at a strictly higher level (smaller rank) than the child.</summary>
internal sealed class ParentLevelHigher : Rule<CustomerProposal>
{
    public override string Code => "parent_level_not_higher";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.EffectiveParent is { } parent
            && subject.EffectiveParentLevel is { } parentLevel
            && subject.EffectiveLevel is { } level
            && !(subject.IsCreate && subject.LevelName is null)
            && parentLevel.Rank >= level.Rank)
        {
            var field = subject.LevelName is not null ? FieldNames.HierarchyLevelName : FieldNames.ParentProvidedId;
            yield return Broken(field, $"{field} would put the customer at level {TextChecks.Quote(level.Name)} under parent {TextChecks.Quote(parent.ProvidedId)} at level {TextChecks.Quote(parentLevel.Name)}; a parent must be at a strictly higher level than its children.");
        }
    }
}

/// <summary>Hierarchy rule 2: a customer can never become its own ancestor.</summary>
internal sealed class NoCycle : Rule<CustomerProposal>
{
    public override string Code => "hierarchy_cycle";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.Existing is { } self && subject.EffectiveParent is { } parent && subject.ParentLineage.Contains(self.Id))
        {
            var what = parent.Id == self.Id ? "the customer itself" : "one of its own descendants";
            yield return Broken(FieldNames.ParentProvidedId, $"parent_provided_id {TextChecks.Quote(parent.ProvidedId)} is {what}; customer {TextChecks.Quote(self.ProvidedId)} cannot be moved under it, because that would make a cycle.");
        }
    }
}

/// <summary>Hierarchy rule 4: after a level change every child must still be at a strictly lower level.</summary>
internal sealed class ChildrenStayBelow : Rule<CustomerProposal>
{
    public override string Code => "child_level_not_lower";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.EffectiveLevel is not { } level)
        {
            yield break;
        }

        foreach (var (child, childLevel) in subject.Children)
        {
            if (childLevel.Rank <= level.Rank)
            {
                yield return Broken(FieldNames.HierarchyLevelName, $"hierarchy_level_name {TextChecks.Quote(level.Name)} would no longer be above child {TextChecks.Quote(child.ProvidedId)} at level {TextChecks.Quote(childLevel.Name)}; move or re-level the children first.");
            }
        }
    }
}

/// <summary>A hierarchy level name: 1-64 characters, no control characters, no outer white space.</summary>
internal sealed class LevelNameIsValid : Rule<NameProposal>
{
    public const int MaxLength = 64;

    public override string Code => "invalid_level_name";

    public override IEnumerable<Violation> Check(NameProposal subject)
    {
        if (TextChecks.Problem(subject.Field, subject.Name, MaxLength, forbidOuterWhiteSpace: true) is { } problem)
        {
            yield return Broken(subject.Field, problem);
        }
    }
}
