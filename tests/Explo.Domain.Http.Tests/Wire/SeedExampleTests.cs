using System.Net;
using System.Text.Json.Nodes;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>
/// The request examples of the original API pages (../shared/seeds/), with the base address replaced, answer 200
/// with a body of the documented shape (the documented response's keys, recursively for the customer object).
/// </summary>
public sealed class SeedExampleTests : WireTestBase
{
    /// <summary>The customer object of the documented responses (seed 001, v2 list; seed 002, update).</summary>
    private static readonly string[] DocumentedCustomerKeys =
    [
        "token", "name", "provided_id", "is_demo_group", "emails", "group_tags", "properties", "computed_properties",
        "access_group", "parent_schema_datasource_mapping", "computed_parent_schema_datasource_mapping", "hierarchy_level",
    ];

    private static void HasKeys(JsonNode? node, params string[] keys)
    {
        Assert.NotNull(node);
        var present = node!.AsObject().Select(p => p.Key).ToHashSet();
        Assert.All(keys, k => Assert.True(present.Contains(k), $"'{k}' is missing from {node.ToJsonString()}"));
    }

    [Fact]
    public async Task The_v2_list_example_answers_the_documented_shape()
    {
        // Seed 001: curl --request GET 'https://api.explo.co/v2/api/customers/?pageSize=2&page=1'
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Post("api/create_customer/", $$$"""{"provided_id": "example_{{{i}}}", "name": "Example {{{i}}}", "emails": ["e{{{i}}}@example.com"], "properties": {"filter_value": "value"}, "mapping": {"40": "213", "134": "386"}}""")).Status);
        }

        var (status, body, response) = await Send(HttpMethod.Get, "v2/api/customers/?pageSize=2&page=1");
        response.Dispose();

        Assert.Equal(HttpStatusCode.OK, status);
        HasKeys(body, "total_count", "results");
        Assert.Equal(3, (int)body!["total_count"]!);
        var customers = body["results"]!["customers"]!.AsArray();
        Assert.Equal(2, customers.Count);
        Assert.All(customers, c => HasKeys(c, DocumentedCustomerKeys));
        Assert.Equal("213", (string?)customers[0]!["computed_parent_schema_datasource_mapping"]!["40"]);
    }

    [Fact]
    public async Task The_update_customer_example_answers_the_documented_shape()
    {
        // Seed 002: curl --request POST 'https://api.explo.co/api/update_customer/' with this body.
        await Server.Service.AddLevelAsync(Caller.Administrator(), "Level 1", after: "Customer");
        await Server.Service.CreateGroupTagAsync(Caller.Administrator(), "engineers");
        await Server.Service.CreateGroupTagAsync(Caller.Administrator(), "sales");
        Assert.Equal(HttpStatusCode.OK, (await Post("api/create_customer/", """{"provided_id": "example_1", "name": "Example 1", "hierarchy_level_name": "Level 1"}""")).Status);

        var (status, body, response) = await Post("api/update_customer/", """
            {
                "provided_id": "example_1",
                "properties": {"filterValue": "new_value"},
                "emails": ["new_email@example.com"],
                "group_tags": ["engineers", "sales"],
                "hierarchy_level_name": "Level 1"
            }
            """);
        response.Dispose();

        Assert.Equal(HttpStatusCode.OK, status);
        HasKeys(body, "success", "customer");
        Assert.Equal(1, (int)body!["success"]!);
        HasKeys(body["customer"], DocumentedCustomerKeys);
        Assert.Equal("new_value", (string?)body["customer"]!["computed_properties"]!["filterValue"]);
        Assert.Equal(["engineers", "sales"], body["customer"]!["group_tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("Level 1", (string?)body["customer"]!["hierarchy_level"]);
    }

    [Fact]
    public async Task The_legacy_create_user_group_example_answers_the_documented_shape()
    {
        // Seed 003: curl --request POST 'https://embeddo.herokuapp.com/embed/create_user_group/' with this body.
        const string example = """
            {
                "user_group_id": "example_1",
                "name": "Example 1",
                "mapping": {"40": "213", "134": "386"},
                "properties": {"filterValue": "value"}
            }
            """;
        var (status, body, response) = await Post("embed/create_user_group/", example);
        response.Dispose();

        Assert.Equal(HttpStatusCode.OK, status);
        HasKeys(body, "success", "new_user_group", "user_group");
        Assert.True((bool)body!["new_user_group"]!);
        HasKeys(body["user_group"], "team_id", "token", "name", "provided_id", "properties", "api_environment_tag");
        Assert.Equal("Customer", (string?)body["user_group"]!["api_environment_tag"]);

        var (_, again, againResponse) = await Post("api/create_user_group/", example);
        againResponse.Dispose();
        Assert.False((bool)again!["new_user_group"]!);
        Assert.Equal((string?)body["user_group"]!["token"], (string?)again["user_group"]!["token"]);
    }

    [Fact]
    public async Task The_get_or_create_customer_page_answers_the_documented_shape()
    {
        // Seed 000 (no request example): the body fields it documents, and the response {success, new_customer, customer}.
        await Server.Service.CreateGroupTagAsync(Caller.Administrator(), "designers");
        Assert.Equal(HttpStatusCode.OK, (await Post("api/create_customer/", """{"provided_id": "parent_1"}""")).Status);
        var (status, body, response) = await Post("api/create_customer/", """
            {"name": "Example 2", "provided_id": "example_2", "mapping": {"40": "213"}, "is_demo_group": true,
             "emails": ["a@example.com"], "group_tags": ["designers"], "hierarchy_level_name": "User",
             "parent_provided_id": "parent_1", "properties": {"filter_value": "value"}}
            """);
        response.Dispose();

        Assert.Equal(HttpStatusCode.OK, status);
        HasKeys(body, "success", "new_customer", "customer");
        HasKeys(body!["customer"], DocumentedCustomerKeys);
        Assert.Equal("parent_1", (string?)body["customer"]!["parent_provided_id"]);
    }
}
