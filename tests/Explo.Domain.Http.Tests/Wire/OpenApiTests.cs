using System.Text.Json.Nodes;

namespace Explo.Domain.Http.Tests.Wire;

public sealed class OpenApiTests : WireTestBase
{
    private async Task<JsonNode> Document()
    {
        var (_, body, response) = await Send(HttpMethod.Get, "openapi/v1.json", authorize: false);
        response.Dispose();
        return body!;
    }

    [Fact]
    public async Task Every_endpoint_is_described_with_its_method()
    {
        var paths = (await Document())["paths"]!.AsObject();
        foreach (var endpoint in ExploApi.Endpoints)
        {
            Assert.True(paths.ContainsKey(endpoint.Path), $"{endpoint.Path} is missing");
            Assert.NotNull(paths[endpoint.Path]![endpoint.Method.ToLowerInvariant()]);
        }

        Assert.NotNull(paths["/healthz"]!["get"]);
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
    public async Task The_customer_schema_lists_every_field_the_server_writes()
    {
        var (_, created, response) = await Post("api/create_customer/", """{"provided_id": "acme"}""");
        response.Dispose();
        var written = created!["customer"]!.AsObject().Select(p => p.Key).ToList();
        var described = (await Document())["components"]!["schemas"]!["Customer"]!["properties"]!.AsObject().Select(p => p.Key).ToList();

        Assert.Equal(written.Order(), described.Order());
    }

    [Fact]
    public async Task The_error_schema_lists_every_field_a_bounded_error_writes()
    {
        var errors = "[" + string.Join(",", Enumerable.Repeat("1", 150)) + "]";
        var (_, error, response) = await Post("api/create_customer/", $$"""{"provided_id": "acme", "emails": {{errors}}}""");
        response.Dispose();
        var written = error!.AsObject().Select(p => p.Key).ToList();
        var document = await Document();
        var described = document["components"]!["schemas"]!["Error"]!["properties"]!.AsObject().Select(p => p.Key).ToList();

        Assert.Equal(written.Order(), described.Order());
        Assert.Equal(50, (int)error["more_errors"]!);
        var statuses = document["paths"]!["/api/create_customer/"]!["post"]!["responses"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Superset(new HashSet<string> { "401", "403", "408", "413", "415", "429", "431" }, statuses.ToHashSet());
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
