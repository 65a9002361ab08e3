using System.Collections.Immutable;
using System.Text.Json;

namespace Explo.Domain.Inheritance;

/// <summary>The derived fields of one customer.</summary>
/// <param name="Properties"><c>computed_properties</c>.</param>
/// <param name="Mapping"><c>computed_parent_schema_datasource_mapping</c>.</param>
/// <param name="GroupTags"><c>computed_group_tags</c>, by identity.</param>
public sealed record ComputedFields(OrderedMap<JsonElement> Properties, OrderedMap<string> Mapping, ImmutableArray<GroupTagId> GroupTags);

/// <summary>The derived fields of one customer and where each value comes from.</summary>
/// <param name="Fields">The computed fields.</param>
/// <param name="PropertySources">For each computed property, in the same order, the customer whose own properties hold it.</param>
/// <param name="MappingSources">For each computed mapping entry, in the same order, the customer whose own mapping holds it; null when it is the DVG's default.</param>
/// <param name="Ancestors">The customer's ancestors, nearest first (the root last).</param>
public sealed record ExplainedFields(
    ComputedFields Fields,
    OrderedMap<CustomerId> PropertySources,
    OrderedMap<CustomerId?> MappingSources,
    ImmutableArray<Customer> Ancestors);

/// <summary>
/// The live view of one customer's computed fields during a walk of <see cref="O:Explo.Domain.Inheritance.InheritanceResolver.Walk"/>:
/// valid only inside the callback, it reads the merged entries in place without copying them.
/// </summary>
public sealed class ComputedView
{
    internal ComputedView(
        InheritanceScope<string, JsonElement> properties,
        InheritanceScope<string, string> mapping,
        InheritanceScope<GroupTagId, bool> tags)
    {
        Properties = properties;
        Mapping = mapping;
        GroupTags = tags;
    }

    /// <summary>The merged properties; <see cref="InheritanceScope{TKey,TValue}.SourceAt"/> tells which customer supplied each.</summary>
    public InheritanceScope<string, JsonElement> Properties { get; }

    /// <summary>The merged mapping; a null source means the DVG default.</summary>
    public InheritanceScope<string, string> Mapping { get; }

    /// <summary>The merged tag set, root first.</summary>
    public InheritanceScope<GroupTagId, bool> GroupTags { get; }

    /// <summary>Copies the view into values that outlive the callback.</summary>
    /// <returns>The computed fields.</returns>
    public ComputedFields Materialize()
    {
        var tags = ImmutableArray.CreateBuilder<GroupTagId>(GroupTags.Count);
        for (var i = 0; i < GroupTags.Count; i++)
        {
            tags.Add(GroupTags.KeyAt(i));
        }

        return new ComputedFields(
            OrderedMap<JsonElement>.FromDistinctImmutable(Properties.ToImmutableArray()),
            OrderedMap<string>.FromDistinctImmutable(Mapping.ToImmutableArray()),
            tags.MoveToImmutable());
    }
}
