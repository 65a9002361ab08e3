using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>
/// The generated OpenAPI document (<c>/openapi/v1.json</c>): every endpoint with its request and response shapes and
/// error statuses, and, checked against real answers, no field the server writes that the document does not declare.
/// </summary>
public sealed class OpenApiTests : WireTestBase
{
    private async Task<JsonNode> Document()
    {
        var (status, body, response) = await Send(HttpMethod.Get, "openapi/v1.json", authorize: false);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        return body!;
    }

    [Fact]
    public async Task The_document_is_openapi_3_with_every_endpoint_and_its_method()
    {
        var document = await Document();
        Assert.StartsWith("3.", (string)document["openapi"]!, StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        foreach (var endpoint in ExploApi.Endpoints)
        {
            Assert.True(paths.ContainsKey(endpoint.Path), $"{endpoint.Path} is missing");
            Assert.NotNull(paths[endpoint.Path]![endpoint.Method.ToLowerInvariant()]);
        }

        Assert.NotNull(paths["/healthz"]!["get"]);
        Assert.Equal(ExploApi.Endpoints.Count + 1, paths.Count);
    }

    [Fact]
    public async Task Every_reference_resolves_to_a_schema()
    {
        var document = await Document();
        var schemas = document["components"]!["schemas"]!.AsObject();
        var references = new List<string>();
        Collect(document, references);

        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(schemas.ContainsKey(r["#/components/schemas/".Length..]), $"{r} does not resolve"));
    }

    [Fact]
    public async Task Every_operation_declares_its_body_its_answer_and_each_error_status()
    {
        var document = await Document();
        foreach (var endpoint in ExploApi.Endpoints)
        {
            var operation = document["paths"]![endpoint.Path]![endpoint.Method.ToLowerInvariant()]!;
            if (endpoint.Body is not null)
            {
                var body = Resolve(document, operation["requestBody"]!["content"]!["application/json"]!["schema"]!);
                Assert.NotEmpty(body["properties"]!.AsObject());
            }
            else
            {
                Assert.Null(operation["requestBody"]);
            }

            var answer = Resolve(document, operation["responses"]!["200"]!["content"]!["application/json"]!["schema"]!);
            Assert.NotNull(answer["properties"]!["success"]);
            foreach (var status in endpoint.ErrorStatuses())
            {
                var error = operation["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
                Assert.True(error is not null, $"{endpoint.Method} {endpoint.Path} does not declare {status}");
                Assert.False(string.IsNullOrWhiteSpace((string?)error!["description"]));
                Assert.Equal("#/components/schemas/ErrorResponse", (string?)error["content"]!["application/json"]!["schema"]!["$ref"]);
            }
        }

        // Safe retries and conditional writes: the headers each operation takes and answers.
        foreach (var endpoint in ExploApi.Endpoints)
        {
            var operation = document["paths"]![endpoint.Path]![endpoint.Method.ToLowerInvariant()]!;
            var headers = (operation["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "header").Select(p => (string)p!["name"]!).ToList();
            Assert.Equal(endpoint.Body is not null, headers.Contains("Idempotency-Key"));
            Assert.Equal(endpoint.Conditional, headers.Contains("If-Match"));
            var answered = operation["responses"]!["200"]!["headers"]?.AsObject().Select(h => h.Key).ToList() ?? [];
            Assert.Equal(endpoint.Writes && endpoint.Body is not null, answered.Contains("Idempotent-Replayed"));
            Assert.Equal(endpoint.Response.Name is "CustomerResponse" or "GetOrCreateCustomerResponse" or "UserGroupResponse" or "GetOrCreateUserGroupResponse", answered.Contains("ETag"));
        }

        Assert.Equal(
            ["/api/delete_customer/", "/api/delete_user_group/", "/api/refresh_customer_token/", "/api/refresh_user_group_token/", "/api/update_customer/", "/api/update_user_group/"],
            ExploApi.Endpoints.Where(e => e.Conditional).Select(e => e.Path).Order(StringComparer.Ordinal));

        var statuses = document["paths"]!["/api/create_customer/"]!["post"]!["responses"]!.AsObject().Select(p => p.Key).ToHashSet();
        Assert.Superset(new HashSet<string> { "400", "401", "403", "404", "405", "408", "409", "413", "415", "422", "429", "431", "500" }, statuses);
        Assert.Contains("412", document["paths"]!["/api/update_customer/"]!["post"]!["responses"]!.AsObject().Select(p => p.Key));
        var health = document["paths"]!["/healthz"]!["get"]!["responses"]!;
        Assert.Equal("#/components/schemas/HealthBody", (string?)health["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.NotNull(health["503"]);
    }

    [Fact]
    public async Task The_contract_values_have_their_json_schemas()
    {
        var schemas = (await Document())["components"]!["schemas"]!;
        var customer = schemas["CustomerBody"]!["properties"]!;
        Assert.Equal("object", (string?)customer["properties"]!["type"]);
        Assert.Empty(customer["properties"]!["additionalProperties"]!.AsObject());
        Assert.Equal("object", (string?)customer["parent_schema_datasource_mapping"]!["type"]);
        Assert.Equal("string", (string?)customer["parent_schema_datasource_mapping"]!["additionalProperties"]!["type"]);
        Assert.Equal("boolean", (string?)customer["is_demo_group"]!["type"]);
        Assert.Equal("date-time", (string?)customer["created_at"]!["format"]);
        Assert.Equal("integer", (string?)customer["version"]!["type"]);
        var update = schemas["UpdateCustomerBody"]!["properties"]!;
        Assert.Equal(["null", "string"], update["parent_provided_id"]!["type"]!.AsArray().Select(t => (string)t!).Order());
        Assert.Contains("boolean", update["is_demo_group"]!["type"]!.AsArray().Select(t => (string)t!));
        Assert.Contains("provided_id", schemas["CreateCustomerBody"]!["required"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("error_kind", schemas["ImportRowErrorBody"]!["properties"]!.AsObject().Select(p => p.Key).Single(k => k.Contains("kind", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The drift test: a request that succeeds to every endpoint, and each answer's every field (recursively) is
    /// declared by the document's schema for that path, method and status; the same for error answers.
    /// </summary>
    [Fact]
    public async Task Every_field_of_every_real_answer_is_declared_in_the_document()
    {
        var document = await Document();
        var exercised = new HashSet<string>();

        async Task<JsonNode> Call(HttpMethod method, string path, string? body = null, HttpStatusCode expected = HttpStatusCode.OK, bool authorize = true)
        {
            var (status, answer, response) = await Send(method, path, body, authorize: authorize);
            response.Dispose();
            Assert.True(status == expected, $"{method} {path}: {status} {answer?.ToJsonString()}");
            var route = "/" + path.Split('?')[0];
            exercised.Add($"{method.Method} {route}");
            var operations = document["paths"]![route]!.AsObject();
            var operation = operations[method.Method.ToLowerInvariant()] ?? operations.Single().Value!;
            var schema = operation["responses"]![((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)]!["content"]!["application/json"]!["schema"]!;
            AssertDeclared(document, answer, schema, $"{method} {route} {(int)status}");
            return answer!;
        }

        await Call(HttpMethod.Post, "api/create_group_tag/", """{"name": "sales"}""");
        await Call(HttpMethod.Post, "api/rename_group_tag/", """{"name": "sales", "new_name": "sales-eu"}""");
        await Call(HttpMethod.Post, "api/create_group_tag/", """{"name": "temporary"}""");
        await Call(HttpMethod.Post, "api/delete_group_tag/", """{"name": "temporary"}""");
        await Call(HttpMethod.Get, "api/group_tags/");
        var feed = await Call(HttpMethod.Get, "api/events/?limit=2");
        Assert.Equal(2, feed["events"]!.AsArray().Count);
        await Call(HttpMethod.Get, "api/events/?after=" + Uri.EscapeDataString((string)feed["next_cursor"]!));
        var acme = await Call(HttpMethod.Post, "api/create_customer/", """
            {"provided_id": "acme", "name": "Acme", "emails": ["ops@acme.example"], "group_tags": ["sales-eu"], "is_demo_group": 1,
             "mapping": {"40": "213", "134": 386}, "properties": {"big": 123456789012345678901234567890, "huge": 1e400, "nested": {"a": [1, {"b": null}], "ключ": "значение"}}}
            """);
        Assert.Equal("123456789012345678901234567890", acme["customer"]!["properties"]!["big"]!.ToJsonString());
        var kid = await Call(HttpMethod.Post, "api/create_customer/", """{"provided_id": "kid", "parent_provided_id": "acme", "hierarchy_level_name": "User"}""");
        await Call(HttpMethod.Post, "api/get_customer/", """{"provided_id": "kid"}""");
        Assert.True((await Server.Service.CreateEmbedSecretAsync(Caller.Administrator(), "wire")).IsSuccess);
        var jwt = await Call(HttpMethod.Post, "api/generate_jwt/", """
            {"provided_id": "acme", "embed_id": "dash-1", "expiration": "PT1H", "chart_id": "c1", "rb_allowed_features": ["flt", "srt"],
             "disable_editable_section_editing": true, "embed_origin": "https://app.example"}
            """);
        Assert.Equal(5, ((string)jwt["jwt"]!).Split('.').Length);
        await Call(HttpMethod.Get, "v2/api/customers/?page=1&page_size=10");
        await Call(HttpMethod.Get, "api/customers/");
        await Call(HttpMethod.Post, "api/update_customer/", """{"provided_id": "acme", "name": "Acme Inc", "parent_provided_id": null}""");
        await Call(HttpMethod.Post, "api/refresh_customer_token/", Json(new { current_token = (string)acme["customer"]!["token"]! }));
        var imported = await Call(HttpMethod.Post, "api/import_customers/", """{"customers": [{"provided_id": "i1"}, {"provided_id": "i2", "emails": ["nope"]}, {"provided_id": "i3", "group_tags": ["unknown-tag"]}]}""");
        Assert.Equal(2, imported["errors"]!.AsArray().Count);
        Assert.Equal("validation_failed", (string?)imported["errors"]![0]!["error_kind"]);
        var group = await Call(HttpMethod.Post, "api/create_user_group/", """{"user_group_id": "ug1", "name": "Group 1", "properties": {"x": 1}}""");
        var embedded = await Call(HttpMethod.Post, "embed/create_user_group/", """{"user_group_id": "ug2"}""");
        await Call(HttpMethod.Post, "api/update_user_group/", """{"user_group_id": "ug1", "name": "Group one"}""");
        await Call(HttpMethod.Post, "api/refresh_user_group_token/", Json(new { current_token = (string)group["user_group"]!["token"]! }));
        await Call(HttpMethod.Delete, "api/delete_user_group/", Json(new { current_token = (string)embedded["user_group"]!["token"]! }));
        await Call(HttpMethod.Delete, "api/delete_customer/", Json(new { current_token = (string)kid["customer"]!["token"]! }));
        await Call(HttpMethod.Get, "healthz", authorize: false);

        Assert.Equal(ExploApi.Endpoints.Select(e => $"{e.Method} {e.Path}").Append("GET /healthz").Order(), exercised.Order());

        // Error answers: a bounded validation failure (errors and more_errors), a missing token, a wrong method.
        var emails = "[" + string.Join(",", Enumerable.Repeat("1", 150)) + "]";
        var bounded = await Call(HttpMethod.Post, "api/create_customer/", $$"""{"provided_id": "acme", "emails": {{emails}}}""", HttpStatusCode.BadRequest);
        Assert.Equal(50, (int)bounded["more_errors"]!);
        await Call(HttpMethod.Post, "api/get_customer/", """{"provided_id": "acme"}""", HttpStatusCode.Unauthorized, authorize: false);
        await Call(HttpMethod.Get, "api/get_customer/", expected: HttpStatusCode.MethodNotAllowed);
        await Call(HttpMethod.Post, "api/get_customer/", """{"provided_id": "nobody"}""", HttpStatusCode.NotFound);
        await Call(HttpMethod.Post, "api/create_group_tag/", """{"name": "sales-eu"}""", HttpStatusCode.Conflict);
    }

    private static JsonNode Resolve(JsonNode document, JsonNode schema)
    {
        while (schema["$ref"] is { } reference)
        {
            schema = document["components"]!["schemas"]![((string)reference!)["#/components/schemas/".Length..]]!;
        }

        return schema;
    }

    /// <summary>Checks that <paramref name="value"/> is allowed by <paramref name="schema"/>: its type, and every key of every object, recursively.</summary>
    private static void AssertDeclared(JsonNode document, JsonNode? value, JsonNode schema, string where)
    {
        schema = Resolve(document, schema);
        if (!schema.AsObject().Any(p => p.Key is "type" or "properties" or "additionalProperties" or "items" or "oneOf" or "anyOf"))
        {
            return; // {}: any JSON value
        }

        if ((schema["oneOf"] ?? schema["anyOf"]) is { } alternatives)
        {
            var failures = new List<string>();
            foreach (var alternative in alternatives.AsArray())
            {
                try
                {
                    AssertDeclared(document, value, alternative!, where);
                    return;
                }
                catch (Xunit.Sdk.XunitException e)
                {
                    failures.Add(e.Message);
                }
            }

            Assert.Fail($"{where}: no alternative allows the value: {string.Join("; ", failures)}");
        }

        var types = schema["type"] switch
        {
            null => null,
            JsonArray many => many.Select(t => (string)t!).ToHashSet(),
            var one => new HashSet<string> { (string)one! },
        };
        var kind = value switch
        {
            null => "null",
            JsonObject => "object",
            JsonArray => "array",
            _ => value.GetValueKind() switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                var other => other.ToString(),
            },
        };
        if (types is not null)
        {
            Assert.True(types.Contains(kind) || (kind == "number" && types.Contains("integer")), $"{where}: {kind} is not among the declared types {string.Join(",", types)}");
        }

        switch (value)
        {
            case JsonObject obj:
                var properties = schema["properties"]?.AsObject();
                var additional = schema["additionalProperties"];
                Assert.True(properties is not null || additional is not null || types is null, $"{where}: an object whose schema declares no properties");
                foreach (var (key, item) in obj)
                {
                    if (properties is not null && properties.TryGetPropertyValue(key, out var property))
                    {
                        AssertDeclared(document, item, property!, $"{where}.{key}");
                    }
                    else
                    {
                        Assert.True(additional is JsonObject, $"{where}: '{key}' is written but not declared");
                        AssertDeclared(document, item, additional!, $"{where}.{key}");
                    }
                }

                break;
            case JsonArray array when schema["items"] is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    AssertDeclared(document, array[i], items, $"{where}[{i}]");
                }

                break;
            case JsonArray:
                Assert.True(types is null, $"{where}: an array whose schema declares no items");
                break;
        }
    }

    private static void Collect(JsonNode? node, List<string> references)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "$ref")
                    {
                        references.Add((string)value!);
                    }
                    else
                    {
                        Collect(value, references);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Collect(item, references);
                }

                break;
        }
    }
}
