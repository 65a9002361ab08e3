using System.Text.Json;
using System.Text.Json.Nodes;

namespace Explo.Domain.Http;

/// <summary>
/// The OpenAPI 3.0.3 document of the API, served at <c>/openapi/v1.json</c>. Paths come from
/// <see cref="ExploApi.Endpoints"/>, so an endpoint without a description here fails the build of the document (and its test).
/// </summary>
internal static class OpenApiDocument
{
    private static readonly Lazy<string> Document = new(() => Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public static string Json => Document.Value;

    /// <summary>What the document says of each path: a summary, the request body schema (null for GET), the success schema.</summary>
    private static readonly Dictionary<string, (string Summary, string? Request, string Response)> Described = new(StringComparer.Ordinal)
    {
        [ExploPaths.CreateCustomer] = ("Get or create a customer: an existing provided_id is returned unchanged with new_customer false.", "CreateCustomerRequest", "GetOrCreateCustomerResponse"),
        [ExploPaths.GetCustomer] = ("Get a customer by provided_id.", "GetCustomerRequest", "CustomerResponse"),
        [ExploPaths.ListCustomersV2] = ("List customers, one page at a time, in creation order.", null, "CustomerPageV2"),
        [ExploPaths.ListCustomersV1] = ("List every matching customer (deprecated: use the v2 list).", null, "CustomerListV1"),
        [ExploPaths.UpdateCustomer] = ("Update a customer: given fields replace the stored ones; parent_provided_id null detaches.", "UpdateCustomerRequest", "CustomerResponse"),
        [ExploPaths.DeleteCustomer] = ("Delete a customer by its token; one with children only with cascade true (the whole subtree).", "DeleteCustomerRequest", "DeleteResponse"),
        [ExploPaths.RefreshCustomerToken] = ("Give a customer a new dashboard token; the old one stops working at once.", "CurrentTokenRequest", "CustomerResponse"),
        [ExploPaths.GroupTags] = ("List the group tags.", null, "GroupTagListResponse"),
        [ExploPaths.CreateGroupTag] = ("Create a group tag.", "GroupTagNameRequest", "GroupTagResponse"),
        [ExploPaths.RenameGroupTag] = ("Rename a group tag; every customer carrying it shows the new name.", "RenameGroupTagRequest", "GroupTagResponse"),
        [ExploPaths.DeleteGroupTag] = ("Delete a group tag and remove it from every customer.", "GroupTagNameRequest", "SuccessResponse"),
        [ExploPaths.CreateUserGroup] = ("Legacy: get or create a user group (a root-level customer).", "CreateUserGroupRequest", "GetOrCreateUserGroupResponse"),
        [ExploPaths.EmbedCreateUserGroup] = ("Legacy: get or create a user group (embed path).", "CreateUserGroupRequest", "GetOrCreateUserGroupResponse"),
        [ExploPaths.UpdateUserGroup] = ("Legacy: update a user group.", "UpdateUserGroupRequest", "UserGroupResponse"),
        [ExploPaths.DeleteUserGroup] = ("Legacy: delete a user group by its token.", "DeleteCustomerRequest", "DeleteResponse"),
        [ExploPaths.RefreshUserGroupToken] = ("Legacy: give a user group a new token.", "CurrentTokenRequest", "UserGroupResponse"),
        [ExploPaths.ImportCustomers] = ("Extension: get or create many customers in one transaction (parents may follow children).", "ImportRequest", "ImportResponse"),
    };

    private static JsonObject Build()
    {
        var paths = new JsonObject();
        foreach (var endpoint in ExploApi.Endpoints)
        {
            if (!Described.TryGetValue(endpoint.Path, out var described))
            {
                throw new InvalidOperationException($"The OpenAPI document does not describe {endpoint.Method} {endpoint.Path}.");
            }

            var operation = new JsonObject
            {
                ["operationId"] = endpoint.Path.Trim('/').Replace('/', '_'),
                ["summary"] = described.Summary,
                ["security"] = new JsonArray(new JsonObject { ["ExploToken"] = new JsonArray() }),
                ["responses"] = Responses(described.Response),
            };
            if (described.Request is { } request)
            {
                operation["requestBody"] = new JsonObject
                {
                    ["required"] = true,
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(request) } },
                };
            }
            else if (endpoint.Path is ExploPaths.ListCustomersV2 or ExploPaths.ListCustomersV1)
            {
                var parameters = new JsonArray(
                    Query("parent_provided_id", "string", "Only the children of this customer."),
                    Query("hierarchy_level_name", "string", "Only customers at this level."));
                if (endpoint.Path == ExploPaths.ListCustomersV2)
                {
                    parameters.Add(Query("page", "integer", "The 1-based page; default 1."));
                    parameters.Add(Query("page_size", "integer", "1 to 1000; default 20. 'pageSize' is accepted too."));
                }

                operation["parameters"] = parameters;
            }

            paths[endpoint.Path] = new JsonObject { [endpoint.Method.ToLowerInvariant()] = operation };
        }

        paths[ExploPaths.Health] = new JsonObject
        {
            ["get"] = new JsonObject
            {
                ["operationId"] = "healthz",
                ["summary"] = "Health check: 200 with {\"status\": \"ok\"} while the server runs.",
                ["responses"] = new JsonObject { ["200"] = Json200(Object(("status", Str()))) },
            },
        };

        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "Explo-compatible Customer API (Explo.Domain)",
                ["version"] = "1.0.0",
                ["description"] = "The hosted Explo Customer API's paths, headers and JSON shapes. Every path ends in '/'. Authenticate with the header 'Explo-Authorization: Token <secret>'.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["ExploToken"] = new JsonObject
                    {
                        ["type"] = "apiKey",
                        ["in"] = "header",
                        ["name"] = ExploPaths.AuthorizationHeader,
                        ["description"] = "The value is 'Token <secret>'.",
                    },
                },
                ["schemas"] = Schemas(),
            },
        };
    }

    private static JsonObject Responses(string success)
    {
        var responses = new JsonObject { ["200"] = Json200(Ref(success)) };
        foreach (var (status, meaning) in new[]
        {
            ("400", "Invalid input: malformed JSON, invalid UTF-8 or a lone surrogate, a repeated key, a wrong type, a broken rule, or a body cut off. error_code names the rule; errors lists up to 100 violations and more_errors counts the rest."),
            ("401", "Missing or unknown API token, or an Explo-Authorization header without the 'Token ' scheme; checked before the body is read."),
            ("403", "A read-only token on a write; checked before the body is read."),
            ("404", "Unknown customer, tag or token."),
            ("405", "Wrong method, or a path without its trailing '/'."),
            ("408", "The body arrived too slowly."),
            ("409", "Conflict: a provided_id or tag name in use, too many group tags, children in the way, a stale version."),
            ("413", "Body larger than the limit (1 MiB by default)."),
            ("415", "A Content-Type naming a charset other than UTF-8."),
            ("429", "Rate limit reached: per API token, or per client address for requests without a valid token; see Retry-After."),
            ("431", "Request headers larger than the limit (32 KiB by default)."),
        })
        {
            responses[status] = new JsonObject
            {
                ["description"] = meaning,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref("Error") } },
            };
        }

        return responses;
    }

    private static JsonObject Json200(JsonNode schema) => new()
    {
        ["description"] = "Success.",
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } },
    };

    private static JsonObject Query(string name, string type, string description) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["required"] = false,
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = type },
    };

    private static JsonObject Ref(string schema) => new() { ["$ref"] = "#/components/schemas/" + schema };

    private static JsonObject Str(string? description = null) => Typed("string", description);

    private static JsonObject Bool() => Typed("boolean", null);

    private static JsonObject Int() => Typed("integer", null);

    private static JsonObject Typed(string type, string? description)
    {
        var node = new JsonObject { ["type"] = type };
        if (description is not null)
        {
            node["description"] = description;
        }

        return node;
    }

    private static JsonObject Nullable(JsonObject node)
    {
        node["nullable"] = true;
        return node;
    }

    private static JsonObject Strings() => new() { ["type"] = "array", ["items"] = Str() };

    private static JsonObject AnyObject(string description) => new() { ["type"] = "object", ["additionalProperties"] = true, ["description"] = description };

    private static JsonObject StringMap(string description) => new() { ["type"] = "object", ["additionalProperties"] = Str(), ["description"] = description };

    private static JsonObject Object(params (string Name, JsonNode Schema)[] properties) => Object([], properties);

    private static JsonObject Object(string[] required, params (string Name, JsonNode Schema)[] properties)
    {
        var props = new JsonObject();
        foreach (var (name, schema) in properties)
        {
            props[name] = schema;
        }

        var node = new JsonObject { ["type"] = "object", ["properties"] = props };
        if (required.Length > 0)
        {
            node["required"] = new JsonArray(required.Select(r => (JsonNode)JsonValue.Create(r)).ToArray());
        }

        return node;
    }

    private static (string, JsonNode) Success() => ("success", Typed("integer", "1 on success, 0 on failure."));

    private static JsonObject Schemas()
    {
        (string, JsonNode)[] CustomerFields() =>
        [
            ("name", Str("Display name; defaults to provided_id.")),
            ("mapping", StringMap("Schema id to data source id.")),
            ("is_demo_group", Bool()),
            ("emails", Strings()),
            ("group_tags", Strings()),
            ("properties", AnyObject("Own properties: any JSON values.")),
            ("hierarchy_level_name", Str("A level's name; the root level when omitted.")),
        ];
        return new JsonObject
        {
            ["Customer"] = Object(
                ("token", Str("The secret dashboard token (64 lowercase hex).")),
                ("name", Str()),
                ("provided_id", Str()),
                ("is_demo_group", Bool()),
                ("emails", Strings()),
                ("group_tags", Strings()),
                ("properties", AnyObject("Own properties.")),
                ("computed_properties", AnyObject("Root's properties, then each descendant's, then the own; the nearer wins.")),
                ("access_group", Str("The data visibility group.")),
                ("parent_schema_datasource_mapping", StringMap("Own mapping.")),
                ("computed_parent_schema_datasource_mapping", StringMap("DVG defaults, then ancestors root first, then the own.")),
                ("hierarchy_level", Str()),
                ("parent_provided_id", Nullable(Str("Extra: the parent's provided_id, null for a root."))),
                ("computed_group_tags", Strings()),
                ("id", Typed("integer", "Extra: the internal numeric id (legacy team_id).")),
                ("version", Typed("integer", "Extra: rises by one on every change.")),
                ("created_at", Typed("string", "Extra: ISO 8601.")),
                ("updated_at", Typed("string", "Extra: ISO 8601."))),
            ["CreateCustomerRequest"] = Object(["provided_id"], [("provided_id", Str()), .. CustomerFields(), ("parent_provided_id", Str())]),
            ["UpdateCustomerRequest"] = Object(["provided_id"],
            [
                ("provided_id", Str()),
                ("new_provided_id", Str()),
                .. CustomerFields(),
                ("parent_provided_id", Nullable(Str("A provided_id moves the customer; null detaches it."))),
                ("expected_version", Typed("integer", "Extra: apply only at this version.")),
            ]),
            ["GetCustomerRequest"] = Object(["provided_id"], ("provided_id", Str())),
            ["DeleteCustomerRequest"] = Object(["current_token"], ("current_token", Str()), ("cascade", Bool())),
            ["CurrentTokenRequest"] = Object(["current_token"], ("current_token", Str())),
            ["GroupTagNameRequest"] = Object(["name"], ("name", Str())),
            ["RenameGroupTagRequest"] = Object(["name", "new_name"], ("name", Str()), ("new_name", Str())),
            ["CreateUserGroupRequest"] = Object(["user_group_id"], ("user_group_id", Str()), ("name", Str()), ("mapping", StringMap("Schema id to data source id.")), ("is_demo_group", Bool()), ("properties", AnyObject("Properties."))),
            ["UpdateUserGroupRequest"] = Object(["user_group_id"], ("user_group_id", Str()), ("new_user_group_id", Str()), ("name", Str()), ("mapping", StringMap("Schema id to data source id.")), ("is_demo_group", Bool()), ("properties", AnyObject("Properties."))),
            ["ImportRequest"] = Object(["customers"], ("customers", new JsonObject { ["type"] = "array", ["items"] = Ref("CreateCustomerRequest") }), ("atomic", Bool())),
            ["SuccessResponse"] = Object(Success()),
            ["CustomerResponse"] = Object(Success(), ("customer", Ref("Customer"))),
            ["GetOrCreateCustomerResponse"] = Object(Success(), ("new_customer", Bool()), ("customer", Ref("Customer"))),
            ["CustomerPageV2"] = Object(Success(), ("total_count", Int()), ("results", Object(("customers", new JsonObject { ["type"] = "array", ["items"] = Ref("Customer") })))),
            ["CustomerListV1"] = Object(Success(), ("customers", new JsonObject { ["type"] = "array", ["items"] = Ref("Customer") })),
            ["DeleteResponse"] = Object(Success(), ("deleted_provided_ids", Strings())),
            ["GroupTag"] = Object(("name", Str())),
            ["GroupTagResponse"] = Object(Success(), ("group_tag", Ref("GroupTag"))),
            ["GroupTagListResponse"] = Object(Success(), ("group_tags", new JsonObject { ["type"] = "array", ["items"] = Ref("GroupTag") })),
            ["UserGroup"] = Object(("team_id", Int()), ("token", Str()), ("name", Str()), ("provided_id", Str()), ("properties", AnyObject("Properties.")), ("is_demo_group", Bool()), ("api_environment_tag", Str("Always 'Customer'."))),
            ["UserGroupResponse"] = Object(Success(), ("user_group", Ref("UserGroup"))),
            ["GetOrCreateUserGroupResponse"] = Object(Success(), ("new_user_group", Bool()), ("user_group", Ref("UserGroup"))),
            ["ImportResponse"] = Object(Success(), ("created", Int()), ("existing", Int()), ("errors", new JsonObject
            {
                ["type"] = "array",
                ["items"] = Object(("row", Int()), ("provided_id", Str()), ("kind", Str()), ("error", Str()), ("error_code", Str()), ("errors", new JsonObject { ["type"] = "array", ["items"] = Ref("Violation") })),
            })),
            ["Violation"] = Object(("field", Str()), ("error_code", Str()), ("error", Str())),
            ["Error"] = Object(["success", "error", "error_code"],
                ("success", Typed("integer", "0.")),
                ("error", Str("A sentence a person can act on, naming the field.")),
                ("error_code", Str("A stable snake_case code.")),
                ("errors", new JsonObject { ["type"] = "array", ["items"] = Ref("Violation"), ["maxItems"] = 100 }),
                ("more_errors", Int())),
        };
    }
}
