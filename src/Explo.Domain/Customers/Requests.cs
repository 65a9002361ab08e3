using System.Text.Json;

namespace Explo.Domain;

/// <summary>Input of get-or-create: the customer's fields, its level and its parent.</summary>
/// <param name="ProvidedId">The caller's id for the customer (required).</param>
public sealed record CreateCustomerRequest(string ProvidedId)
{
    /// <summary>The display name; defaults to <see cref="ProvidedId"/>.</summary>
    public string? Name { get; init; }

    /// <summary>The schema-to-data-source mapping (request field <c>mapping</c>).</summary>
    public OrderedMap<string>? Mapping { get; init; }

    /// <summary>Whether this is a demo customer; default false.</summary>
    public bool? IsDemoGroup { get; init; }

    /// <summary>E-mail addresses.</summary>
    public IReadOnlyList<string>? Emails { get; init; }

    /// <summary>Names of existing group tags.</summary>
    public IReadOnlyList<string>? GroupTags { get; init; }

    /// <summary>Own properties.</summary>
    public OrderedMap<JsonElement>? Properties { get; init; }

    /// <summary>The level's name; the root level when omitted.</summary>
    public string? HierarchyLevelName { get; init; }

    /// <summary>The parent's provided id; a root customer when omitted.</summary>
    public string? ParentProvidedId { get; init; }
}

/// <summary>Input of update: the customer to change and the fields to replace. An omitted (null) field is unchanged.</summary>
/// <param name="ProvidedId">The customer to update (required).</param>
public sealed record UpdateCustomerRequest(string ProvidedId)
{
    /// <summary>A new provided id (a rename; children keep their parent).</summary>
    public string? NewProvidedId { get; init; }

    /// <summary>A new name.</summary>
    public string? Name { get; init; }

    /// <summary>A new mapping, replacing the stored one (empty clears it).</summary>
    public OrderedMap<string>? Mapping { get; init; }

    /// <summary>A new demo flag.</summary>
    public bool? IsDemoGroup { get; init; }

    /// <summary>New properties, replacing the stored ones (empty clears them).</summary>
    public OrderedMap<JsonElement>? Properties { get; init; }

    /// <summary>New e-mail addresses, replacing the stored ones (empty clears them).</summary>
    public IReadOnlyList<string>? Emails { get; init; }

    /// <summary>New group tag names, replacing the stored ones (empty clears them).</summary>
    public IReadOnlyList<string>? GroupTags { get; init; }

    /// <summary>A new level.</summary>
    public string? HierarchyLevelName { get; init; }

    /// <summary>A new parent: a provided id moves the customer, null detaches it, not given leaves it.</summary>
    public Optional<string?> ParentProvidedId { get; init; }

    /// <summary>
    /// When given, the update applies only if the stored version equals it (optimistic concurrency; over HTTP,
    /// <c>If-Match</c>); otherwise it fails with a <see cref="Conflict"/> <c>precondition_failed</c> and changes nothing.
    /// </summary>
    public long? ExpectedVersion { get; init; }
}

/// <summary>Input of delete.</summary>
/// <param name="CurrentToken">The customer's current dashboard token.</param>
/// <param name="Cascade">True to delete the customer's whole subtree; otherwise a customer with children is not deleted.</param>
public sealed record DeleteCustomerRequest(string CurrentToken, bool Cascade = false)
{
    /// <summary>
    /// When given, the delete applies only if the customer the token names is at this version (over HTTP,
    /// <c>If-Match</c>); otherwise it fails with a <see cref="Conflict"/> <c>precondition_failed</c> and nothing is
    /// deleted. A cascade checks the named customer's version only.
    /// </summary>
    public long? ExpectedVersion { get; init; }
}

/// <summary>Input of a token refresh (customer or legacy user group).</summary>
/// <param name="CurrentToken">The customer's current dashboard token.</param>
public sealed record RefreshTokenRequest(string CurrentToken)
{
    /// <summary>
    /// When given, the refresh applies only if the customer is at this version (over HTTP, <c>If-Match</c>);
    /// otherwise it fails with a <see cref="Conflict"/> <c>precondition_failed</c> and the token stays.
    /// </summary>
    public long? ExpectedVersion { get; init; }
}

/// <summary>Filters of the customer lists.</summary>
public sealed record CustomerFilter
{
    /// <summary>Only the children of this customer.</summary>
    public string? ParentProvidedId { get; init; }

    /// <summary>Only customers at this level.</summary>
    public string? HierarchyLevelName { get; init; }
}

/// <summary>Input of the paged (v2) customer list.</summary>
public sealed record CustomerPageRequest
{
    /// <summary>The 1-based page number; default 1.</summary>
    public int Page { get; init; } = 1;

    /// <summary>The page size, 1 to the configured maximum (1000 by default); default 20.</summary>
    public int PageSize { get; init; } = 20;

    /// <summary>The filters.</summary>
    public CustomerFilter Filter { get; init; } = new();

    /// <summary>
    /// A page's <see cref="CustomerPage.NextCursor"/>, to read the page after it (with the same filters) instead of a
    /// page number: a cursor walk returns every customer that exists for the whole walk exactly once, while others are
    /// created and deleted. <see cref="Page"/> must then be left at 1.
    /// </summary>
    public string? Cursor { get; init; }
}

/// <summary>Input of the legacy get-or-create user group: a user group is a root-level customer.</summary>
/// <param name="UserGroupId">The provided id.</param>
public sealed record CreateUserGroupRequest(string UserGroupId)
{
    /// <summary>The display name; defaults to the id.</summary>
    public string? Name { get; init; }

    /// <summary>The mapping.</summary>
    public OrderedMap<string>? Mapping { get; init; }

    /// <summary>The demo flag.</summary>
    public bool? IsDemoGroup { get; init; }

    /// <summary>The properties.</summary>
    public OrderedMap<JsonElement>? Properties { get; init; }
}

/// <summary>Input of the legacy update user group.</summary>
/// <param name="UserGroupId">The user group to update.</param>
public sealed record UpdateUserGroupRequest(string UserGroupId)
{
    /// <summary>A new id.</summary>
    public string? NewUserGroupId { get; init; }

    /// <summary>A new name.</summary>
    public string? Name { get; init; }

    /// <summary>A new mapping.</summary>
    public OrderedMap<string>? Mapping { get; init; }

    /// <summary>A new demo flag.</summary>
    public bool? IsDemoGroup { get; init; }

    /// <summary>New properties.</summary>
    public OrderedMap<JsonElement>? Properties { get; init; }

    /// <summary>When given, the update applies only if the stored version equals it (see <see cref="UpdateCustomerRequest.ExpectedVersion"/>).</summary>
    public long? ExpectedVersion { get; init; }
}
