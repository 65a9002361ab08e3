using System.Collections.Immutable;
using System.Text.Json;

namespace Explo.Domain;

/// <summary>A customer as the API shows it: own fields with names resolved, plus the computed (inherited) fields.</summary>
public sealed record CustomerView
{
    /// <summary>The internal numeric id (legacy <c>team_id</c>).</summary>
    public required CustomerId Id { get; init; }

    /// <summary><c>provided_id</c>.</summary>
    public required string ProvidedId { get; init; }

    /// <summary><c>name</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>token</c>: the secret dashboard token.</summary>
    public required string Token { get; init; }

    /// <summary><c>is_demo_group</c>.</summary>
    public required bool IsDemoGroup { get; init; }

    /// <summary><c>emails</c>.</summary>
    public required ImmutableArray<string> Emails { get; init; }

    /// <summary><c>group_tags</c>: the own tags' names.</summary>
    public required ImmutableArray<string> GroupTags { get; init; }

    /// <summary><c>properties</c>: the own properties.</summary>
    public required OrderedMap<JsonElement> Properties { get; init; }

    /// <summary><c>parent_schema_datasource_mapping</c>: the own mapping.</summary>
    public required OrderedMap<string> Mapping { get; init; }

    /// <summary><c>hierarchy_level</c>: the level's name.</summary>
    public required string HierarchyLevel { get; init; }

    /// <summary><c>access_group</c>: the DVG's name.</summary>
    public required string AccessGroup { get; init; }

    /// <summary><c>parent_provided_id</c>: null for a root customer.</summary>
    public required string? ParentProvidedId { get; init; }

    /// <summary><c>computed_properties</c>: root's properties, then each descendant's, then the own; the nearer wins.</summary>
    public required OrderedMap<JsonElement> ComputedProperties { get; init; }

    /// <summary><c>computed_parent_schema_datasource_mapping</c>: DVG defaults, then ancestors root first, then the own.</summary>
    public required OrderedMap<string> ComputedMapping { get; init; }

    /// <summary><c>computed_group_tags</c>: own tags plus every ancestor's, root first, without repeats.</summary>
    public required ImmutableArray<string> ComputedGroupTags { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The version (1 on creation, one more on every change).</summary>
    public required long Version { get; init; }
}

/// <summary>The outcome of get-or-create.</summary>
/// <param name="IsNew">True when this call created the customer (<c>new_customer</c>).</param>
/// <param name="Customer">The created or existing customer, unchanged when it existed.</param>
public sealed record GetOrCreateResult(bool IsNew, CustomerView Customer);

/// <summary>One page of the v2 list.</summary>
/// <param name="TotalCount">How many customers match the filters in all (<c>total_count</c>).</param>
/// <param name="Page">The page number served.</param>
/// <param name="PageSize">The page size served.</param>
/// <param name="Customers">The customers on this page, in creation order.</param>
public sealed record CustomerPage(long TotalCount, int Page, int PageSize, IReadOnlyList<CustomerView> Customers)
{
    /// <summary>The cursor of the page after this one (<see cref="CustomerPageRequest.Cursor"/>); null on the last page.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>The outcome of a delete.</summary>
/// <param name="DeletedProvidedIds">The provided ids deleted: the customer and, with cascade, its descendants.</param>
public sealed record DeleteResult(IReadOnlyList<string> DeletedProvidedIds);

/// <summary>A group tag as the API shows it.</summary>
/// <param name="Name">The name.</param>
public sealed record GroupTagView(string Name);

/// <summary>A user group (the legacy name of a root-level customer) as the legacy API shows it.</summary>
public sealed record UserGroupView
{
    /// <summary>The environment tag every user group shows.</summary>
    public const string CustomerEnvironmentTag = "Customer";

    /// <summary><c>team_id</c>: the customer's internal numeric id.</summary>
    public required long TeamId { get; init; }

    /// <summary><c>token</c>.</summary>
    public required string Token { get; init; }

    /// <summary><c>name</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>provided_id</c>.</summary>
    public required string ProvidedId { get; init; }

    /// <summary><c>properties</c>.</summary>
    public required OrderedMap<JsonElement> Properties { get; init; }

    /// <summary><c>is_demo_group</c>.</summary>
    public required bool IsDemoGroup { get; init; }

    /// <summary><c>api_environment_tag</c>: always <c>Customer</c>.</summary>
    public string ApiEnvironmentTag { get; init; } = CustomerEnvironmentTag;

    /// <summary>
    /// The customer's version, raised by every change of its own (for an expected version). The legacy body doesn't
    /// show it; over HTTP it is the answer's <c>ETag</c> (0 from a server that sends none).
    /// </summary>
    public long Version { get; init; }

    /// <summary>The user group view of a customer.</summary>
    /// <param name="customer">The customer.</param>
    /// <returns>The view.</returns>
    public static UserGroupView From(CustomerView customer) => new()
    {
        TeamId = Guard.NotNull(customer).Id.Value,
        Token = customer.Token,
        Name = customer.Name,
        ProvidedId = customer.ProvidedId,
        Properties = customer.Properties,
        IsDemoGroup = customer.IsDemoGroup,
        Version = customer.Version,
    };
}

/// <summary>The outcome of the legacy get-or-create user group.</summary>
/// <param name="IsNew">True when this call created it (<c>new_user_group</c>).</param>
/// <param name="UserGroup">The user group.</param>
public sealed record UserGroupResult(bool IsNew, UserGroupView UserGroup);

/// <summary>A customer and where each of its computed values comes from.</summary>
/// <param name="Customer">The customer, as <see cref="ICustomerService.GetCustomerAsync"/> returns it.</param>
/// <param name="PropertySources">For each computed property (same order), the provided id of the customer that holds it: the customer itself or its nearest ancestor holding the key.</param>
/// <param name="MappingSources">For each computed mapping entry (same order), the provided id of the customer that holds it, or <see cref="AccessGroupDefault"/> when no customer of the chain does and the value is the DVG's default.</param>
public sealed record CustomerExplanation(CustomerView Customer, OrderedMap<string> PropertySources, OrderedMap<string> MappingSources)
{
    /// <summary>The source of a computed mapping entry that comes from the data visibility group's default.</summary>
    public const string AccessGroupDefault = "data visibility group default";
}

/// <summary>Counts over the customers a caller sees.</summary>
/// <param name="Customers">How many customers.</param>
/// <param name="MaxDepth">The most customers on one root-to-leaf path (1 for roots only, 0 for none).</param>
/// <param name="PerLevel">Customers per hierarchy level name, root level first; levels without customers are left out.</param>
/// <param name="PerAccessGroup">Customers per data visibility group name, in the workspace's order; groups without customers are left out.</param>
public sealed record WorkspaceStats(long Customers, int MaxDepth, OrderedMap<long> PerLevel, OrderedMap<long> PerAccessGroup);
