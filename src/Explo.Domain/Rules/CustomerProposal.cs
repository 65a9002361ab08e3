using System.Text.Json;

namespace Explo.Domain.Rules;

/// <summary>
/// The subject of the customer rules: a create or update as requested, plus the facts the use case looked up
/// (the effective level and parent after the change, the parent's lineage, the children). Rules judge it; they look nothing up.
/// </summary>
public sealed record CustomerProposal
{
    /// <summary>True for a create, false for an update.</summary>
    public required bool IsCreate { get; init; }

    /// <summary>The name of the field carrying the id being set: <c>provided_id</c> or <c>new_provided_id</c>.</summary>
    public string ProvidedIdField { get; init; } = FieldNames.ProvidedId;

    /// <summary>The provided id being set (or, with <see cref="ProvidedIdIsLookup"/>, looked up), or null when not being set.</summary>
    public string? ProvidedId { get; init; }

    /// <summary>
    /// True when <see cref="ProvidedId"/> names a customer to look up (get, update) rather than an id being set; then it
    /// must be present, but only what no stored id can break is checked, so older customers stay reachable.
    /// </summary>
    public bool ProvidedIdIsLookup { get; init; }

    /// <summary>The name being set, or null.</summary>
    public string? Name { get; init; }

    /// <summary>The e-mail addresses being set, as given, or null.</summary>
    public IReadOnlyList<string>? Emails { get; init; }

    /// <summary>The tag names being set, as given, or null.</summary>
    public IReadOnlyList<string>? GroupTagNames { get; init; }

    /// <summary>The properties being set, or null.</summary>
    public OrderedMap<JsonElement>? Properties { get; init; }

    /// <summary>The mapping being set, or null.</summary>
    public OrderedMap<string>? Mapping { get; init; }

    /// <summary>The level name given, or null.</summary>
    public string? LevelName { get; init; }

    /// <summary>The level the customer will have (null when the given name is unknown).</summary>
    public HierarchyLevel? EffectiveLevel { get; init; }

    /// <summary>The parent provided id given (non-null means "move under it"), or null.</summary>
    public string? ParentProvidedId { get; init; }

    /// <summary>The parent the customer will have, or null for a root (or when the given parent is unknown).</summary>
    public Customer? EffectiveParent { get; init; }

    /// <summary>The level of <see cref="EffectiveParent"/>.</summary>
    public HierarchyLevel? EffectiveParentLevel { get; init; }

    /// <summary>The ids of <see cref="EffectiveParent"/> and all its ancestors.</summary>
    public IReadOnlySet<CustomerId> ParentLineage { get; init; } = new HashSet<CustomerId>();

    /// <summary>The customer before the change (null on create).</summary>
    public Customer? Existing { get; init; }

    /// <summary>The customer's current children with their levels (empty on create).</summary>
    public IReadOnlyList<(Customer Child, HierarchyLevel Level)> Children { get; init; } = [];

    /// <summary>The customer's DVG.</summary>
    public required AccessGroupId AccessGroup { get; init; }

    /// <summary>The workspace (levels, DVGs, data sources).</summary>
    public required Workspace Workspace { get; init; }

    /// <summary>The group tags, looked up by name (the tags named must exist).</summary>
    public required IGroupTagLookup GroupTags { get; init; }

    /// <summary>The limits in force.</summary>
    public required ExploLimits Limits { get; init; }
}
