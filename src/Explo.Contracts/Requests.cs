using System.Text.Json;
using System.Text.Json.Serialization;
using Explo.Domain;

namespace Explo.Contracts;

/// <summary>The fields customers and user groups share, as requests send them (each optional).</summary>
public abstract class SharedFieldsBody
{
    /// <summary>The display name.</summary>
    [JsonPropertyName("name")]
    [JsonPropertyOrder(1)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; set; }

    /// <summary>The schema-to-data-source mapping (replaces the stored one).</summary>
    [JsonPropertyName("mapping")]
    [JsonPropertyOrder(2)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OrderedMap<string>? Mapping { get; set; }

    /// <summary>Whether it is a demo group (<c>true</c>/<c>false</c>, or <c>1</c>/<c>0</c>).</summary>
    [JsonPropertyName("is_demo_group")]
    [JsonPropertyOrder(3)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? IsDemoGroup { get; set; }

    /// <summary>The properties, any JSON values (replace the stored ones).</summary>
    [JsonPropertyName("properties")]
    [JsonPropertyOrder(6)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OrderedMap<JsonElement>? Properties { get; set; }
}

/// <summary>
/// A customer row: the body of <c>create_customer</c>, each row of <c>import_customers</c>, and each row of the
/// command-line tool's import files.
/// </summary>
public sealed class CreateCustomerBody : SharedFieldsBody
{
    /// <summary>The host's id of the customer (required).</summary>
    [JsonPropertyName("provided_id")]
    [JsonPropertyOrder(-1)]
    [JsonRequired]
    public string ProvidedId { get; set; } = string.Empty;

    /// <summary>The e-mail addresses.</summary>
    [JsonPropertyName("emails")]
    [JsonPropertyOrder(4)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Emails { get; set; }

    /// <summary>The group tags (each must exist).</summary>
    [JsonPropertyName("group_tags")]
    [JsonPropertyOrder(5)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? GroupTags { get; set; }

    /// <summary>The hierarchy level's name (default: the top level).</summary>
    [JsonPropertyName("hierarchy_level_name")]
    [JsonPropertyOrder(7)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HierarchyLevelName { get; set; }

    /// <summary>The parent's provided id.</summary>
    [JsonPropertyName("parent_provided_id")]
    [JsonPropertyOrder(8)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ParentProvidedId { get; set; }

    /// <summary>The core's request.</summary>
    /// <returns>The request.</returns>
    public CreateCustomerRequest ToRequest() => new(ProvidedId)
    {
        Name = Name,
        Mapping = Mapping,
        IsDemoGroup = IsDemoGroup,
        Emails = Emails,
        GroupTags = GroupTags,
        Properties = Properties,
        HierarchyLevelName = HierarchyLevelName,
        ParentProvidedId = ParentProvidedId,
    };

    /// <summary>The wire shape of a core request.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The body.</returns>
    public static CreateCustomerBody From(CreateCustomerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new()
        {
            ProvidedId = request.ProvidedId,
            Name = request.Name,
            Mapping = request.Mapping,
            IsDemoGroup = request.IsDemoGroup,
            Emails = request.Emails,
            GroupTags = request.GroupTags,
            Properties = request.Properties,
            HierarchyLevelName = request.HierarchyLevelName,
            ParentProvidedId = request.ParentProvidedId,
        };
    }
}

/// <summary>The body of <c>update_customer</c>: the customer, and any fields to change.</summary>
public sealed class UpdateCustomerBody : SharedFieldsBody
{
    /// <summary>The customer to change (required).</summary>
    [JsonPropertyName("provided_id")]
    [JsonPropertyOrder(-1)]
    [JsonRequired]
    public string ProvidedId { get; set; } = string.Empty;

    /// <summary>A new provided id.</summary>
    [JsonPropertyName("new_provided_id")]
    [JsonPropertyOrder(0)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NewProvidedId { get; set; }

    /// <summary>The e-mail addresses (replace the stored ones).</summary>
    [JsonPropertyName("emails")]
    [JsonPropertyOrder(4)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Emails { get; set; }

    /// <summary>The group tags (replace the stored ones).</summary>
    [JsonPropertyName("group_tags")]
    [JsonPropertyOrder(5)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? GroupTags { get; set; }

    /// <summary>The hierarchy level's name.</summary>
    [JsonPropertyName("hierarchy_level_name")]
    [JsonPropertyOrder(7)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HierarchyLevelName { get; set; }

    /// <summary>The new parent's provided id; <c>null</c> detaches from the parent; absent leaves it.</summary>
    [JsonPropertyName("parent_provided_id")]
    [JsonPropertyOrder(8)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public Optional<string?> ParentProvidedId { get; set; }

    /// <summary>The version the caller last read; the update fails with a conflict when the customer has changed since.</summary>
    [JsonPropertyName("expected_version")]
    [JsonPropertyOrder(9)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ExpectedVersion { get; set; }

    /// <summary>The core's request.</summary>
    /// <returns>The request.</returns>
    public UpdateCustomerRequest ToRequest() => new(ProvidedId)
    {
        NewProvidedId = NewProvidedId,
        Name = Name,
        Mapping = Mapping,
        IsDemoGroup = IsDemoGroup,
        Properties = Properties,
        Emails = Emails,
        GroupTags = GroupTags,
        HierarchyLevelName = HierarchyLevelName,
        ParentProvidedId = ParentProvidedId,
        ExpectedVersion = ExpectedVersion,
    };

    /// <summary>The wire shape of a core request.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The body.</returns>
    public static UpdateCustomerBody From(UpdateCustomerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new()
        {
            ProvidedId = request.ProvidedId,
            NewProvidedId = request.NewProvidedId,
            Name = request.Name,
            Mapping = request.Mapping,
            IsDemoGroup = request.IsDemoGroup,
            Properties = request.Properties,
            Emails = request.Emails,
            GroupTags = request.GroupTags,
            HierarchyLevelName = request.HierarchyLevelName,
            ParentProvidedId = request.ParentProvidedId,
            ExpectedVersion = request.ExpectedVersion,
        };
    }
}

/// <summary>The body of <c>get_customer</c>.</summary>
public sealed class GetCustomerBody
{
    /// <summary>The customer's provided id (required).</summary>
    [JsonPropertyName("provided_id")]
    [JsonRequired]
    public string ProvidedId { get; set; } = string.Empty;
}

/// <summary>The body of <c>generate_jwt</c>: the customer, the dashboard, and the embed token's options.</summary>
public sealed class GenerateJwtBody
{
    /// <summary>The customer's provided id (required).</summary>
    [JsonPropertyName("provided_id")]
    [JsonRequired]
    public string ProvidedId { get; set; } = string.Empty;

    /// <summary>The embed id of the dashboard or report builder (required).</summary>
    [JsonPropertyName("embed_id")]
    [JsonRequired]
    public string EmbedId { get; set; } = string.Empty;

    /// <summary>The embed secret to encrypt with; the newest live one when absent.</summary>
    [JsonPropertyName("key_id")]
    public string? KeyId { get; set; }

    /// <summary>The token's life as an ISO-8601 duration (<c>PT1H</c>); <c>PT24H</c> when absent.</summary>
    [JsonPropertyName("expiration")]
    public string? Expiration { get; set; }

    /// <summary>The chart, when embedding a single one.</summary>
    [JsonPropertyName("chart_id")]
    public string? ChartId { get; set; }

    /// <summary>The report-builder features allowed (<c>flt</c>, <c>srt</c>, <c>core</c>, <c>crt-view</c>, <c>fork</c>, <c>*</c>).</summary>
    [JsonPropertyName("rb_allowed_features")]
    public IReadOnlyList<string>? RbAllowedFeatures { get; set; }

    /// <summary>True to stop the end user editing the editable section.</summary>
    [JsonPropertyName("disable_editable_section_editing")]
    public bool? DisableEditableSectionEditing { get; set; }

    /// <summary>The origin the embed runs at.</summary>
    [JsonPropertyName("embed_origin")]
    public string? EmbedOrigin { get; set; }

    /// <summary>The core's request.</summary>
    /// <returns>The request.</returns>
    public EmbedTokenRequest ToRequest() => new(ProvidedId, EmbedId)
    {
        KeyId = KeyId,
        Expiration = Expiration,
        ChartId = ChartId,
        RbAllowedFeatures = RbAllowedFeatures,
        DisableEditableSectionEditing = DisableEditableSectionEditing,
        EmbedOrigin = EmbedOrigin,
    };

    /// <summary>The body of a core request.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The body.</returns>
    public static GenerateJwtBody From(EmbedTokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new()
        {
            ProvidedId = request.ProvidedId,
            EmbedId = request.EmbedId,
            KeyId = request.KeyId,
            Expiration = request.Expiration,
            ChartId = request.ChartId,
            RbAllowedFeatures = request.RbAllowedFeatures,
            DisableEditableSectionEditing = request.DisableEditableSectionEditing,
            EmbedOrigin = request.EmbedOrigin,
        };
    }
}

/// <summary>The body of the token refreshes: the current token of the customer or user group.</summary>
public sealed class CurrentTokenBody
{
    /// <summary>The current token (required).</summary>
    [JsonPropertyName("current_token")]
    [JsonRequired]
    public string CurrentToken { get; set; } = string.Empty;
}

/// <summary>The body of the deletes: the current token, and whether descendants go too.</summary>
public sealed class DeleteCustomerBody
{
    /// <summary>The customer's current token (required).</summary>
    [JsonPropertyName("current_token")]
    [JsonRequired]
    public string CurrentToken { get; set; } = string.Empty;

    /// <summary>True to delete the descendants too; otherwise a customer with children is not deleted.</summary>
    [JsonPropertyName("cascade")]
    public bool? Cascade { get; set; }

    /// <summary>The core's request.</summary>
    /// <returns>The request.</returns>
    public DeleteCustomerRequest ToRequest() => new(CurrentToken, Cascade ?? false);
}

/// <summary>The body of <c>create_group_tag</c> and <c>delete_group_tag</c>.</summary>
public sealed class GroupTagNameBody
{
    /// <summary>The tag's name (required).</summary>
    [JsonPropertyName("name")]
    [JsonRequired]
    public string Name { get; set; } = string.Empty;
}

/// <summary>The body of <c>rename_group_tag</c>.</summary>
public sealed class RenameGroupTagBody
{
    /// <summary>The tag's name (required).</summary>
    [JsonPropertyName("name")]
    [JsonRequired]
    public string Name { get; set; } = string.Empty;

    /// <summary>The new name (required).</summary>
    [JsonPropertyName("new_name")]
    [JsonRequired]
    public string NewName { get; set; } = string.Empty;
}

/// <summary>The body of the legacy <c>create_user_group</c>.</summary>
public sealed class CreateUserGroupBody : SharedFieldsBody
{
    /// <summary>The user group id (the customer's provided id; required).</summary>
    [JsonPropertyName("user_group_id")]
    [JsonPropertyOrder(-1)]
    [JsonRequired]
    public string UserGroupId { get; set; } = string.Empty;

    /// <summary>The core's request.</summary>
    /// <returns>The request.</returns>
    public CreateUserGroupRequest ToRequest() => new(UserGroupId) { Name = Name, Mapping = Mapping, IsDemoGroup = IsDemoGroup, Properties = Properties };

    /// <summary>The wire shape of a core request.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The body.</returns>
    public static CreateUserGroupBody From(CreateUserGroupRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new() { UserGroupId = request.UserGroupId, Name = request.Name, Mapping = request.Mapping, IsDemoGroup = request.IsDemoGroup, Properties = request.Properties };
    }
}

/// <summary>The body of the legacy <c>update_user_group</c>.</summary>
public sealed class UpdateUserGroupBody : SharedFieldsBody
{
    /// <summary>The user group id (required).</summary>
    [JsonPropertyName("user_group_id")]
    [JsonPropertyOrder(-1)]
    [JsonRequired]
    public string UserGroupId { get; set; } = string.Empty;

    /// <summary>A new user group id.</summary>
    [JsonPropertyName("new_user_group_id")]
    [JsonPropertyOrder(0)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NewUserGroupId { get; set; }

    /// <summary>The core's request.</summary>
    /// <returns>The request.</returns>
    public UpdateUserGroupRequest ToRequest() => new(UserGroupId) { NewUserGroupId = NewUserGroupId, Name = Name, Mapping = Mapping, IsDemoGroup = IsDemoGroup, Properties = Properties };

    /// <summary>The wire shape of a core request.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The body.</returns>
    public static UpdateUserGroupBody From(UpdateUserGroupRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new() { UserGroupId = request.UserGroupId, NewUserGroupId = request.NewUserGroupId, Name = request.Name, Mapping = request.Mapping, IsDemoGroup = request.IsDemoGroup, Properties = request.Properties };
    }
}

/// <summary>The body of <c>import_customers</c>: the rows, and whether to import every row or none.</summary>
public sealed class ImportCustomersBody
{
    /// <summary>The customer rows (required); parents may come after their children.</summary>
    [JsonPropertyName("customers")]
    [JsonRequired]
    public IReadOnlyList<CreateCustomerBody> Customers { get; set; } = [];

    /// <summary>True to import every row or none.</summary>
    [JsonPropertyName("atomic")]
    public bool? Atomic { get; set; }
}
