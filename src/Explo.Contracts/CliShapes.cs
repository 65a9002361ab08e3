using System.Text.Json;
using System.Text.Json.Serialization;
using Explo.Domain;

namespace Explo.Contracts;

/// <summary>
/// A customer as <c>explo export</c> writes it: the import row's fields (so the file imports back exactly) and the
/// customer's data visibility group.
/// </summary>
public sealed class ExportedCustomerBody
{
    /// <summary>The host's id of the customer.</summary>
    [JsonPropertyName("provided_id")]
    public string ProvidedId { get; set; } = string.Empty;

    /// <summary>The display name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Whether the customer is a demo group.</summary>
    [JsonPropertyName("is_demo_group")]
    public bool IsDemoGroup { get; set; }

    /// <summary>The e-mail addresses.</summary>
    [JsonPropertyName("emails")]
    public IReadOnlyList<string> Emails { get; set; } = [];

    /// <summary>The group tags.</summary>
    [JsonPropertyName("group_tags")]
    public IReadOnlyList<string> GroupTags { get; set; } = [];

    /// <summary>The own properties.</summary>
    [JsonPropertyName("properties")]
    public OrderedMap<JsonElement> Properties { get; set; } = PropertyMap.Empty;

    /// <summary>The own mapping.</summary>
    [JsonPropertyName("mapping")]
    public OrderedMap<string> Mapping { get; set; } = OrderedMap<string>.Empty;

    /// <summary>The hierarchy level.</summary>
    [JsonPropertyName("hierarchy_level_name")]
    public string HierarchyLevelName { get; set; } = string.Empty;

    /// <summary>The parent's provided id; null for a root.</summary>
    [JsonPropertyName("parent_provided_id")]
    public string? ParentProvidedId { get; set; }

    /// <summary>The data visibility group (informative: import takes it from <c>--dvg</c>).</summary>
    [JsonPropertyName("access_group")]
    public string AccessGroup { get; set; } = string.Empty;

    /// <summary>The export row of a customer.</summary>
    /// <param name="view">The customer.</param>
    /// <returns>The row.</returns>
    public static ExportedCustomerBody From(CustomerView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new()
        {
            ProvidedId = view.ProvidedId,
            Name = view.Name,
            IsDemoGroup = view.IsDemoGroup,
            Emails = view.Emails,
            GroupTags = view.GroupTags,
            Properties = view.Properties,
            Mapping = view.Mapping,
            HierarchyLevelName = view.HierarchyLevel,
            ParentProvidedId = view.ParentProvidedId,
            AccessGroup = view.AccessGroup,
        };
    }
}

/// <summary>
/// A customer as <c>explo show --json</c> prints it: the API's customer object, field for field as
/// <c>/api/get_customer/</c> returns it, plus where each computed value comes from (the provided id of the customer or
/// ancestor that holds it; for a mapping entry no customer holds, the data visibility group's default).
/// </summary>
public sealed class ExplainedCustomerBody : CustomerBody
{
    /// <summary>What a computed mapping entry that no customer holds comes from.</summary>
    public const string AccessGroupDefault = "data visibility group default";

    /// <summary>For each computed property, the provided id of the customer it comes from.</summary>
    [JsonPropertyName("computed_property_sources")]
    [JsonPropertyOrder(100)]
    public OrderedMap<string> ComputedPropertySources { get; set; } = OrderedMap<string>.Empty;

    /// <summary>For each computed mapping entry, the provided id it comes from, or <see cref="AccessGroupDefault"/>.</summary>
    [JsonPropertyName("computed_mapping_sources")]
    [JsonPropertyOrder(101)]
    public OrderedMap<string> ComputedMappingSources { get; set; } = OrderedMap<string>.Empty;

    /// <summary>The explained customer.</summary>
    /// <param name="view">The customer.</param>
    /// <param name="propertySources">Each computed property's source.</param>
    /// <param name="mappingSources">Each computed mapping entry's source.</param>
    /// <returns>The body.</returns>
    public static ExplainedCustomerBody From(CustomerView view, OrderedMap<string> propertySources, OrderedMap<string> mappingSources)
    {
        var body = Fill(new ExplainedCustomerBody(), view);
        body.ComputedPropertySources = propertySources ?? throw new ArgumentNullException(nameof(propertySources));
        body.ComputedMappingSources = mappingSources ?? throw new ArgumentNullException(nameof(mappingSources));
        return body;
    }
}
