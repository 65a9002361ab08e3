using System.Collections.Immutable;
using System.Text.Json;

namespace Explo.Domain.Inheritance;

/// <summary>The derived fields of one customer.</summary>
/// <param name="Properties"><c>computed_properties</c>.</param>
/// <param name="Mapping"><c>computed_parent_schema_datasource_mapping</c>.</param>
/// <param name="GroupTags"><c>computed_group_tags</c>, by identity.</param>
public sealed record ComputedFields(OrderedMap<JsonElement> Properties, OrderedMap<string> Mapping, ImmutableArray<GroupTagId> GroupTags);

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
