namespace Explo.Domain;

/// <summary>The API's field names, used in violations and events so messages name the field a caller sent.</summary>
public static class FieldNames
{
    /// <summary><c>provided_id</c>.</summary>
    public const string ProvidedId = "provided_id";

    /// <summary><c>after</c> (the change feed's cursor).</summary>
    public const string After = "after";

    /// <summary><c>limit</c> (the change feed's page size).</summary>
    public const string Limit = "limit";

    /// <summary><c>cursor</c> (the v2 list's query).</summary>
    public const string Cursor = "cursor";

    /// <summary><c>Idempotency-Key</c> (an HTTP header; in process, <see cref="IdempotentRequest.Key"/>).</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary><c>embed_id</c> (<c>generate_jwt</c>).</summary>
    public const string EmbedId = "embed_id";

    /// <summary><c>expiration</c> (<c>generate_jwt</c>).</summary>
    public const string Expiration = "expiration";

    /// <summary><c>rb_allowed_features</c> (<c>generate_jwt</c>).</summary>
    public const string RbAllowedFeatures = "rb_allowed_features";

    /// <summary><c>new_provided_id</c>.</summary>
    public const string NewProvidedId = "new_provided_id";

    /// <summary><c>name</c>.</summary>
    public const string Name = "name";

    /// <summary><c>new_name</c>.</summary>
    public const string NewName = "new_name";

    /// <summary><c>token</c>.</summary>
    public const string Token = "token";

    /// <summary><c>current_token</c>.</summary>
    public const string CurrentToken = "current_token";

    /// <summary><c>is_demo_group</c>.</summary>
    public const string IsDemoGroup = "is_demo_group";

    /// <summary><c>emails</c>.</summary>
    public const string Emails = "emails";

    /// <summary><c>group_tags</c>.</summary>
    public const string GroupTags = "group_tags";

    /// <summary><c>properties</c>.</summary>
    public const string Properties = "properties";

    /// <summary><c>mapping</c>.</summary>
    public const string Mapping = "mapping";

    /// <summary><c>hierarchy_level_name</c>.</summary>
    public const string HierarchyLevelName = "hierarchy_level_name";

    /// <summary><c>access_group</c>.</summary>
    public const string AccessGroup = "access_group";

    /// <summary><c>parent_provided_id</c>.</summary>
    public const string ParentProvidedId = "parent_provided_id";

    /// <summary><c>page</c>.</summary>
    public const string Page = "page";

    /// <summary><c>page_size</c>.</summary>
    public const string PageSize = "page_size";

    /// <summary><c>expected_version</c>.</summary>
    public const string ExpectedVersion = "expected_version";

    /// <summary><c>user_group_id</c>.</summary>
    public const string UserGroupId = "user_group_id";

    /// <summary><c>schema_id</c>.</summary>
    public const string SchemaId = "schema_id";

    /// <summary><c>data_source_id</c>.</summary>
    public const string DataSourceId = "data_source_id";
}
