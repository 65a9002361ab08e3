namespace Explo.Domain.Http;

/// <summary>The paths of the Explo-compatible API (every one ends in <c>/</c>).</summary>
public static class ExploPaths
{
    /// <summary>Get or create a customer.</summary>
    public const string CreateCustomer = "/api/create_customer/";

    /// <summary>Get a customer.</summary>
    public const string GetCustomer = "/api/get_customer/";

    /// <summary>List customers, paged (v2).</summary>
    public const string ListCustomersV2 = "/v2/api/customers/";

    /// <summary>List customers (v1, deprecated).</summary>
    public const string ListCustomersV1 = "/api/customers/";

    /// <summary>Update a customer.</summary>
    public const string UpdateCustomer = "/api/update_customer/";

    /// <summary>Delete a customer.</summary>
    public const string DeleteCustomer = "/api/delete_customer/";

    /// <summary>Rotate a customer's token.</summary>
    public const string RefreshCustomerToken = "/api/refresh_customer_token/";

    /// <summary>Generate an embed token (a JWE) for a customer and a dashboard.</summary>
    public const string GenerateJwt = "/api/generate_jwt/";

    /// <summary>Read the change feed.</summary>
    public const string Events = "/api/events/";

    /// <summary>List group tags.</summary>
    public const string GroupTags = "/api/group_tags/";

    /// <summary>Create a group tag.</summary>
    public const string CreateGroupTag = "/api/create_group_tag/";

    /// <summary>Rename a group tag.</summary>
    public const string RenameGroupTag = "/api/rename_group_tag/";

    /// <summary>Delete a group tag.</summary>
    public const string DeleteGroupTag = "/api/delete_group_tag/";

    /// <summary>Legacy: get or create a user group.</summary>
    public const string CreateUserGroup = "/api/create_user_group/";

    /// <summary>Legacy: get or create a user group (embed path).</summary>
    public const string EmbedCreateUserGroup = "/embed/create_user_group/";

    /// <summary>Legacy: update a user group.</summary>
    public const string UpdateUserGroup = "/api/update_user_group/";

    /// <summary>Legacy: delete a user group.</summary>
    public const string DeleteUserGroup = "/api/delete_user_group/";

    /// <summary>Legacy: rotate a user group's token.</summary>
    public const string RefreshUserGroupToken = "/api/refresh_user_group_token/";

    /// <summary>Extension: bulk import of customers in one transaction.</summary>
    public const string ImportCustomers = "/api/import_customers/";

    /// <summary>Health check.</summary>
    public const string Health = "/healthz";

    /// <summary>The OpenAPI document.</summary>
    public const string OpenApi = "/openapi/v1.json";

    /// <summary>The header carrying <c>Token &lt;secret&gt;</c>.</summary>
    public const string AuthorizationHeader = "Explo-Authorization";
}
