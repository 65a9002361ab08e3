using System.Text.Json;
using System.Text.Json.Serialization;
using Explo.Domain;

namespace Explo.Contracts;

/// <summary>A customer as every customer answer of the API writes it (fields in this order).</summary>
public class CustomerBody
{
    /// <summary>The customer's secret dashboard token.</summary>
    [JsonPropertyName("token")]
    public string Token { get; set; } = string.Empty;

    /// <summary>The display name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The host's id of the customer.</summary>
    [JsonPropertyName("provided_id")]
    public string ProvidedId { get; set; } = string.Empty;

    /// <summary>Whether the customer is a demo group.</summary>
    [JsonPropertyName("is_demo_group")]
    public bool IsDemoGroup { get; set; }

    /// <summary>The customer's e-mail addresses.</summary>
    [JsonPropertyName("emails")]
    public IReadOnlyList<string> Emails { get; set; } = [];

    /// <summary>The customer's own group tags.</summary>
    [JsonPropertyName("group_tags")]
    public IReadOnlyList<string> GroupTags { get; set; } = [];

    /// <summary>The customer's own properties, exactly as given.</summary>
    [JsonPropertyName("properties")]
    public OrderedMap<JsonElement> Properties { get; set; } = PropertyMap.Empty;

    /// <summary>The properties with the ancestors' inherited (nearest wins).</summary>
    [JsonPropertyName("computed_properties")]
    public OrderedMap<JsonElement> ComputedProperties { get; set; } = PropertyMap.Empty;

    /// <summary>The customer's data visibility group.</summary>
    [JsonPropertyName("access_group")]
    public string AccessGroup { get; set; } = string.Empty;

    /// <summary>The customer's own schema-to-data-source mapping.</summary>
    [JsonPropertyName("parent_schema_datasource_mapping")]
    public OrderedMap<string> Mapping { get; set; } = OrderedMap<string>.Empty;

    /// <summary>The mapping with inherited entries and the group's defaults.</summary>
    [JsonPropertyName("computed_parent_schema_datasource_mapping")]
    public OrderedMap<string> ComputedMapping { get; set; } = OrderedMap<string>.Empty;

    /// <summary>The customer's hierarchy level.</summary>
    [JsonPropertyName("hierarchy_level")]
    public string HierarchyLevel { get; set; } = string.Empty;

    /// <summary>The parent's provided id; null for a root.</summary>
    [JsonPropertyName("parent_provided_id")]
    public string? ParentProvidedId { get; set; }

    /// <summary>The group tags with the ancestors' inherited.</summary>
    [JsonPropertyName("computed_group_tags")]
    public IReadOnlyList<string> ComputedGroupTags { get; set; } = [];

    /// <summary>The internal numeric id.</summary>
    [JsonPropertyName("id")]
    public long Id { get; set; }

    /// <summary>The version, raised by every change (for <c>expected_version</c>).</summary>
    [JsonPropertyName("version")]
    public long Version { get; set; }

    /// <summary>When the customer was created.</summary>
    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the customer last changed.</summary>
    [JsonPropertyName("updated_at")]
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The wire shape of a customer view.</summary>
    /// <param name="view">The view.</param>
    /// <returns>The body.</returns>
    public static CustomerBody From(CustomerView view) => Fill(new CustomerBody(), view);

    /// <summary>Sets the fields of <paramref name="body"/> from a customer view.</summary>
    /// <typeparam name="T">The body's type.</typeparam>
    /// <param name="body">The body to fill.</param>
    /// <param name="view">The view.</param>
    /// <returns><paramref name="body"/>.</returns>
    protected static T Fill<T>(T body, CustomerView view)
        where T : CustomerBody
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(view);
        body.Token = view.Token;
        body.Name = view.Name;
        body.ProvidedId = view.ProvidedId;
        body.IsDemoGroup = view.IsDemoGroup;
        body.Emails = view.Emails;
        body.GroupTags = view.GroupTags;
        body.Properties = view.Properties;
        body.ComputedProperties = view.ComputedProperties;
        body.AccessGroup = view.AccessGroup;
        body.Mapping = view.Mapping;
        body.ComputedMapping = view.ComputedMapping;
        body.HierarchyLevel = view.HierarchyLevel;
        body.ParentProvidedId = view.ParentProvidedId;
        body.ComputedGroupTags = view.ComputedGroupTags;
        body.Id = view.Id.Value;
        body.Version = view.Version;
        body.CreatedAt = view.CreatedAt;
        body.UpdatedAt = view.UpdatedAt;
        return body;
    }

    /// <summary>
    /// The core's view of this body. Fields another server leaves out or sends as <c>null</c> (the hosted API documents
    /// <c>access_group</c> and <c>properties</c> as nullable) become empty.
    /// </summary>
    /// <returns>The view.</returns>
    public CustomerView ToView() => new()
    {
        Id = new CustomerId(Id),
        ProvidedId = ProvidedId ?? string.Empty,
        Name = Name ?? string.Empty,
        Token = Token ?? string.Empty,
        IsDemoGroup = IsDemoGroup,
        Emails = [.. Emails ?? []],
        GroupTags = [.. GroupTags ?? []],
        Properties = Properties ?? PropertyMap.Empty,
        Mapping = Mapping ?? OrderedMap<string>.Empty,
        HierarchyLevel = HierarchyLevel ?? string.Empty,
        AccessGroup = AccessGroup ?? string.Empty,
        ParentProvidedId = ParentProvidedId,
        ComputedProperties = ComputedProperties ?? PropertyMap.Empty,
        ComputedMapping = ComputedMapping ?? OrderedMap<string>.Empty,
        ComputedGroupTags = [.. ComputedGroupTags ?? []],
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        Version = Version,
    };
}


/// <summary>The start of every success answer: <c>"success": 1</c>.</summary>
public class SuccessResponse
{
    /// <summary>Always 1 on a success.</summary>
    [JsonPropertyName("success")]
    [JsonPropertyOrder(-1)]
    public int Success { get; set; } = 1;
}

/// <summary>An answer holding one customer (get, update, refresh token).</summary>
public sealed class CustomerResponse : SuccessResponse
{
    /// <summary>The customer.</summary>
    [JsonPropertyName("customer")]
    public CustomerBody Customer { get; set; } = new();
}

/// <summary>The answer of <c>create_customer</c> (get or create).</summary>
public sealed class GetOrCreateCustomerResponse : SuccessResponse
{
    /// <summary>True when the call created the customer.</summary>
    [JsonPropertyName("new_customer")]
    public bool NewCustomer { get; set; }

    /// <summary>The customer.</summary>
    [JsonPropertyName("customer")]
    public CustomerBody Customer { get; set; } = new();
}

/// <summary>The v1 list (<c>GET /api/customers/</c>): every visible customer, streamed.</summary>
public sealed class CustomerListResponse : SuccessResponse
{
    /// <summary>The customers (written one at a time as they are enumerated).</summary>
    [JsonPropertyName("customers")]
    public IEnumerable<CustomerBody> Customers { get; set; } = [];
}

/// <summary>The v2 page (<c>GET /v2/api/customers/</c>).</summary>
public sealed class CustomerPageResponse : SuccessResponse
{
    /// <summary>How many customers match, over every page.</summary>
    [JsonPropertyName("total_count")]
    public long TotalCount { get; set; }

    /// <summary>This page's customers.</summary>
    [JsonPropertyName("results")]
    public CustomerPageResults Results { get; set; } = new();

    /// <summary>The <c>cursor</c> of the page after this one; null on the last page (not in the hosted API's answer).</summary>
    [JsonPropertyName("next_cursor")]
    public string? NextCursor { get; set; }
}

/// <summary>The <c>results</c> of a v2 page.</summary>
public sealed class CustomerPageResults
{
    /// <summary>The page's customers (written one at a time as they are enumerated).</summary>
    [JsonPropertyName("customers")]
    public IEnumerable<CustomerBody> Customers { get; set; } = [];
}

/// <summary>
/// The answer of <c>generate_jwt</c>: the embed token, and (beyond the hosted API's <c>jwt</c>) the key that encrypted it
/// and when it was issued and expires, so a host knows when to ask again.
/// </summary>
public sealed class GenerateJwtResponse : SuccessResponse
{
    /// <summary>The embed token, a compact JWE.</summary>
    [JsonPropertyName("jwt")]
    public string Jwt { get; set; } = string.Empty;

    /// <summary>The embed secret that encrypted it.</summary>
    [JsonPropertyName("key_id")]
    public string KeyId { get; set; } = string.Empty;

    /// <summary>When it was issued (UTC, whole seconds).</summary>
    [JsonPropertyName("issued_at")]
    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>When it expires (UTC, whole seconds).</summary>
    [JsonPropertyName("expires_at")]
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The answer for a token.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The answer.</returns>
    public static GenerateJwtResponse From(EmbedToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new() { Jwt = token.Jwt, KeyId = token.KeyId, IssuedAt = token.IssuedAt, ExpiresAt = token.ExpiresAt };
    }

    /// <summary>The core's token.</summary>
    /// <returns>The token.</returns>
    public EmbedToken ToToken() => new(Jwt, KeyId, IssuedAt, ExpiresAt);
}

/// <summary>One event of the change feed.</summary>
public sealed class EventBody
{
    /// <summary>Its position in commit order (ids only grow).</summary>
    [JsonPropertyName("id")]
    public long Id { get; set; }

    /// <summary>What happened, for example <c>customer_updated</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = string.Empty;

    /// <summary>When it happened (UTC).</summary>
    [JsonPropertyName("occurred_at")]
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The customer it concerns (its provided id after the change); null for a group tag's.</summary>
    [JsonPropertyName("provided_id")]
    public string? ProvidedId { get; set; }

    /// <summary>What changed: the event's fields.</summary>
    [JsonPropertyName("data")]
    public JsonElement Data { get; set; }

    /// <summary>The body of a feed event.</summary>
    /// <param name="e">The event.</param>
    /// <returns>The body.</returns>
    public static EventBody From(FeedEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var data = JsonDocument.Parse(e.Data);
        return new() { Id = e.Id, Type = e.Type, OccurredAt = e.OccurredAt, ProvidedId = e.ProvidedId, Data = data.RootElement.Clone() };
    }

    /// <summary>The core's event.</summary>
    /// <returns>The event.</returns>
    public FeedEvent ToEvent() => new(Id, Type, OccurredAt, ProvidedId, Data.GetRawText());
}

/// <summary>The answer of <c>GET /api/events/</c>: the events after the cursor, and where to go on from.</summary>
public sealed class EventPageResponse : SuccessResponse
{
    /// <summary>The events, in commit order.</summary>
    [JsonPropertyName("events")]
    public IReadOnlyList<EventBody> Events { get; set; } = [];

    /// <summary>The cursor to pass as <c>after</c> to read on (never null).</summary>
    [JsonPropertyName("next_cursor")]
    public string NextCursor { get; set; } = string.Empty;

    /// <summary>The answer for a page.</summary>
    /// <param name="page">The page.</param>
    /// <returns>The answer.</returns>
    public static EventPageResponse From(EventPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new() { Events = page.Events.Select(EventBody.From).ToList(), NextCursor = page.NextCursor };
    }

    /// <summary>The core's page.</summary>
    /// <returns>The page.</returns>
    public EventPage ToPage() => new(Events.Select(e => e.ToEvent()).ToList(), NextCursor);
}

/// <summary>The answer of a delete: every provided id removed (the customer and, with cascade, its descendants).</summary>
public sealed class DeleteResponse : SuccessResponse
{
    /// <summary>The removed customers' provided ids.</summary>
    [JsonPropertyName("deleted_provided_ids")]
    public IReadOnlyList<string> DeletedProvidedIds { get; set; } = [];
}

/// <summary>A group tag.</summary>
public sealed class GroupTagBody
{
    /// <summary>The tag's name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;
}

/// <summary>An answer holding one group tag.</summary>
public sealed class GroupTagResponse : SuccessResponse
{
    /// <summary>The tag.</summary>
    [JsonPropertyName("group_tag")]
    public GroupTagBody GroupTag { get; set; } = new();
}

/// <summary>The workspace's group tags.</summary>
public sealed class GroupTagListResponse : SuccessResponse
{
    /// <summary>The tags.</summary>
    [JsonPropertyName("group_tags")]
    public IReadOnlyList<GroupTagBody> GroupTags { get; set; } = [];
}

/// <summary>A legacy user group: a root-level customer in the old API's shape.</summary>
public sealed class UserGroupBody
{
    /// <summary>The customer's internal numeric id.</summary>
    [JsonPropertyName("team_id")]
    public long TeamId { get; set; }

    /// <summary>The secret dashboard token.</summary>
    [JsonPropertyName("token")]
    public string Token { get; set; } = string.Empty;

    /// <summary>The display name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The user group id (the customer's provided id).</summary>
    [JsonPropertyName("provided_id")]
    public string ProvidedId { get; set; } = string.Empty;

    /// <summary>The properties.</summary>
    [JsonPropertyName("properties")]
    public OrderedMap<JsonElement> Properties { get; set; } = PropertyMap.Empty;

    /// <summary>Whether it is a demo group.</summary>
    [JsonPropertyName("is_demo_group")]
    public bool IsDemoGroup { get; set; }

    /// <summary>Always <c>Customer</c>.</summary>
    [JsonPropertyName("api_environment_tag")]
    public string ApiEnvironmentTag { get; set; } = UserGroupView.CustomerEnvironmentTag;

    /// <summary>The wire shape of a user group view.</summary>
    /// <param name="view">The view.</param>
    /// <returns>The body.</returns>
    public static UserGroupBody From(UserGroupView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new()
        {
            TeamId = view.TeamId,
            Token = view.Token,
            Name = view.Name,
            ProvidedId = view.ProvidedId,
            Properties = view.Properties,
            IsDemoGroup = view.IsDemoGroup,
            ApiEnvironmentTag = view.ApiEnvironmentTag,
        };
    }

    /// <summary>The core's view of this body.</summary>
    /// <returns>The view.</returns>
    public UserGroupView ToView() => new()
    {
        TeamId = TeamId,
        Token = Token ?? string.Empty,
        Name = Name ?? string.Empty,
        ProvidedId = ProvidedId ?? string.Empty,
        Properties = Properties ?? PropertyMap.Empty,
        IsDemoGroup = IsDemoGroup,
        ApiEnvironmentTag = ApiEnvironmentTag ?? UserGroupView.CustomerEnvironmentTag,
    };
}

/// <summary>An answer holding one user group (update, refresh token).</summary>
public sealed class UserGroupResponse : SuccessResponse
{
    /// <summary>The user group.</summary>
    [JsonPropertyName("user_group")]
    public UserGroupBody UserGroup { get; set; } = new();
}

/// <summary>The answer of <c>create_user_group</c> (get or create).</summary>
public sealed class GetOrCreateUserGroupResponse : SuccessResponse
{
    /// <summary>True when the call created the user group.</summary>
    [JsonPropertyName("new_user_group")]
    public bool NewUserGroup { get; set; }

    /// <summary>The user group.</summary>
    [JsonPropertyName("user_group")]
    public UserGroupBody UserGroup { get; set; } = new();
}

/// <summary>The answer of a bulk import: counts, and the rows that failed (streamed).</summary>
public sealed class ImportResponse : SuccessResponse
{
    /// <summary>Customers created.</summary>
    [JsonPropertyName("created")]
    public int Created { get; set; }

    /// <summary>Rows whose customer already existed.</summary>
    [JsonPropertyName("existing")]
    public int Existing { get; set; }

    /// <summary>The rows that failed, each with its error.</summary>
    [JsonPropertyName("errors")]
    public IEnumerable<ImportRowErrorBody> Errors { get; set; } = [];
}

/// <summary>The answer of <c>/healthz</c>.</summary>
public sealed class HealthBody
{
    /// <summary><c>ok</c> when the store answers, else <c>unavailable</c>.</summary>
    [JsonPropertyName("status")]
    public string Status { get; set; } = "ok";

    /// <summary>Why the server is not healthy; absent when it is.</summary>
    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; set; }
}
