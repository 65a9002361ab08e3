using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>ETag and If-Match on the wire (issue 17, point 4): every answer with one customer names its version, and the writes to one customer honour If-Match.</summary>
public sealed class ConditionalWriteTests : WireTestBase
{
    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Conditional(HttpMethod method, string path, string body, params string[] ifMatch)
    {
        var (status, bytes, response) = await SendWith(method, path, body, "If-Match", ifMatch);
        return (status, bytes.Length == 0 ? null : JsonNode.Parse(bytes), response);
    }

    private async Task<JsonNode> CreateCustomer(string providedId)
    {
        var (status, body, response) = await Post("/api/create_customer/", Json(new { provided_id = providedId }));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            return body!["customer"]!;
        }
    }

    private static string? ETag(HttpResponseMessage response) => response.Headers.ETag?.ToString();

    private static string Tag(long version) => $"\"{version}\"";

    private async Task<long> VersionOf(string providedId) =>
        (await Server.Service.GetCustomerAsync(Caller.Administrator(), providedId)).SuccessValue.Version;

    [Fact]
    public async Task Every_answer_with_one_customer_carries_its_version_as_a_strong_etag()
    {
        var answers = new List<(string What, HttpResponseMessage Response, long Version)>();
        async Task Check(string what, Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> call, Func<JsonNode, string> providedId)
        {
            var (status, body, response) = await call;
            Assert.True(status == HttpStatusCode.OK, $"{what}: {status} {body}");
            answers.Add((what, response, await VersionOf(providedId(body!))));
        }

        await Check("create (new)", Post("/api/create_customer/", Json(new { provided_id = "acme" })), b => (string)b["customer"]!["provided_id"]!);
        await Check("create (existing)", Post("/api/create_customer/", Json(new { provided_id = "acme" })), b => (string)b["customer"]!["provided_id"]!);
        await Check("get", Post("/api/get_customer/", Json(new { provided_id = "acme" })), b => (string)b["customer"]!["provided_id"]!);
        await Check("update", Post("/api/update_customer/", Json(new { provided_id = "acme", name = "Acme" })), b => (string)b["customer"]!["provided_id"]!);
        var token = (string)(await CreateCustomer("acme"))["token"]!;
        await Check("refresh", Post("/api/refresh_customer_token/", Json(new { current_token = token })), b => (string)b["customer"]!["provided_id"]!);
        await Check("create user group", Post("/api/create_user_group/", Json(new { user_group_id = "team" })), b => (string)b["user_group"]!["provided_id"]!);
        await Check("embed create user group", Post("/embed/create_user_group/", Json(new { user_group_id = "team" })), b => (string)b["user_group"]!["provided_id"]!);
        await Check("update user group", Post("/api/update_user_group/", Json(new { user_group_id = "team", name = "Team" })), b => (string)b["user_group"]!["provided_id"]!);
        var groupToken = (await Server.Service.GetCustomerAsync(Caller.Administrator(), "team")).SuccessValue.Token;
        await Check("refresh user group", Post("/api/refresh_user_group_token/", Json(new { current_token = groupToken })), b => (string)b["user_group"]!["provided_id"]!);

        foreach (var (what, response, version) in answers)
        {
            using (response)
            {
                Assert.False(response.Headers.ETag?.IsWeak ?? true, $"{what}: no strong ETag");
                Assert.True(Tag(version) == ETag(response), $"{what}: ETag {ETag(response)}, version {version}");
            }
        }

        // The versions moved as the writes did, so the tags above are not one constant.
        Assert.Equal([1L, 1, 1, 2, 3, 1, 1, 2, 3], answers.Select(a => a.Version));

        var (_, _, list) = await Send(HttpMethod.Get, "/v2/api/customers/");
        using (list)
        {
            Assert.Null(list.Headers.ETag);
        }
    }

    [Fact]
    public async Task If_match_at_the_current_version_applies_each_conditional_write()
    {
        await CreateCustomer("acme");

        var (status, body, response) = await Conditional(HttpMethod.Post, "/api/update_customer/", Json(new { provided_id = "acme", name = "two" }), Tag(1));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(Tag(2), ETag(response));
            Assert.Equal("two", (string?)body!["customer"]!["name"]);
        }

        var token = (await Server.Service.GetCustomerAsync(Caller.Administrator(), "acme")).SuccessValue.Token;
        (status, body, response) = await Conditional(HttpMethod.Post, "/api/refresh_customer_token/", Json(new { current_token = token }), Tag(2));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(Tag(3), ETag(response));
            token = (string)body!["customer"]!["token"]!;
        }

        (status, _, response) = await Conditional(HttpMethod.Delete, "/api/delete_customer/", Json(new { current_token = token }), Tag(3));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.False((await Server.Service.GetCustomerAsync(Caller.Administrator(), "acme")).IsSuccess);
    }

    [Fact]
    public async Task A_stale_if_match_is_412_naming_the_current_version_and_changes_nothing()
    {
        await CreateCustomer("acme");
        await Post("/api/update_customer/", Json(new { provided_id = "acme", name = "two" }));
        var token = (await Server.Service.GetCustomerAsync(Caller.Administrator(), "acme")).SuccessValue.Token;
        await Post("/api/create_user_group/", Json(new { user_group_id = "team" }));
        var groupToken = (await Server.Service.GetCustomerAsync(Caller.Administrator(), "team")).SuccessValue.Token;

        await Rejected(HttpStatusCode.PreconditionFailed, "precondition_failed", () => Conditional(HttpMethod.Post, "/api/update_customer/", Json(new { provided_id = "acme", name = "three" }), Tag(1)), mentions: "version 2");
        await Rejected(HttpStatusCode.PreconditionFailed, "precondition_failed", () => Conditional(HttpMethod.Post, "/api/refresh_customer_token/", Json(new { current_token = token }), Tag(1)), mentions: "version 2");
        await Rejected(HttpStatusCode.PreconditionFailed, "precondition_failed", () => Conditional(HttpMethod.Delete, "/api/delete_customer/", Json(new { current_token = token }), Tag(3)), mentions: "version 2");
        await Rejected(HttpStatusCode.PreconditionFailed, "precondition_failed", () => Conditional(HttpMethod.Post, "/api/update_user_group/", Json(new { user_group_id = "team", name = "x" }), Tag(2)), mentions: "version 1");
        await Rejected(HttpStatusCode.PreconditionFailed, "precondition_failed", () => Conditional(HttpMethod.Post, "/api/refresh_user_group_token/", Json(new { current_token = groupToken }), Tag(2)), mentions: "version 1");
        await Rejected(HttpStatusCode.PreconditionFailed, "precondition_failed", () => Conditional(HttpMethod.Delete, "/api/delete_user_group/", Json(new { current_token = groupToken }), Tag(2)), mentions: "version 1");

        // The body's expected_version is the same precondition.
        await Rejected(HttpStatusCode.PreconditionFailed, "precondition_failed", () => Post("/api/update_customer/", Json(new { provided_id = "acme", name = "three", expected_version = 1 })), mentions: "version 2");
    }

    [Fact]
    public async Task If_match_star_applies_to_any_version()
    {
        await CreateCustomer("acme");
        await Post("/api/update_customer/", Json(new { provided_id = "acme", name = "two" }));

        var (status, _, response) = await Conditional(HttpMethod.Post, "/api/update_customer/", Json(new { provided_id = "acme", name = "three" }), "*");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(Tag(3), ETag(response));
        }
    }

    [Theory]
    [InlineData("W/\"1\"")]
    [InlineData("1")]
    [InlineData("\"one\"")]
    [InlineData("\"+1\"")]
    [InlineData("\"-1\"")]
    [InlineData("\"1\", \"2\"")]
    [InlineData("\"99999999999999999999\"")]
    [InlineData("\"\"")]
    public async Task A_malformed_if_match_is_refused_naming_the_header(string ifMatch)
    {
        await CreateCustomer("acme");

        var body = await Rejected(HttpStatusCode.BadRequest, "invalid_if_match", () => Conditional(HttpMethod.Post, "/api/update_customer/", Json(new { provided_id = "acme", name = "two" }), ifMatch), mentions: "If-Match");

        Assert.Equal("If-Match", (string?)body["errors"]![0]!["field"]);
    }

    [Fact]
    public async Task Two_if_match_headers_are_a_list_and_refused()
    {
        await CreateCustomer("acme");

        await Rejected(HttpStatusCode.BadRequest, "invalid_if_match", () => Conditional(HttpMethod.Post, "/api/update_customer/", Json(new { provided_id = "acme", name = "two" }), Tag(1), Tag(1)));
    }

    [Fact]
    public async Task If_match_and_expected_version_must_agree()
    {
        await CreateCustomer("acme");

        await Rejected(HttpStatusCode.BadRequest, "invalid_if_match", () => Conditional(HttpMethod.Post, "/api/update_customer/", Json(new { provided_id = "acme", name = "two", expected_version = 2 }), Tag(1)), mentions: "expected_version");

        var (status, _, response) = await Conditional(HttpMethod.Post, "/api/update_customer/", Json(new { provided_id = "acme", name = "two", expected_version = 1 }), Tag(1));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
        }
    }

    [Fact]
    public async Task Of_two_if_match_writers_racing_one_wins_and_the_other_gets_412()
    {
        for (var round = 0; round < 10; round++)
        {
            var id = $"race-{round}";
            var version = (long)(await CreateCustomer(id))["version"]!;
            using var start = new ManualResetEventSlim();
            Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Write(string name) => Task.Run(async () =>
            {
                start.Wait();
                return await Conditional(HttpMethod.Post, "/api/update_customer/", Json(new { provided_id = id, name }), Tag(version));
            });

            var writers = new[] { Write("first"), Write("second") };
            start.Set();
            var results = await Task.WhenAll(writers);
            try
            {
                Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], results.Select(r => r.Status).Order());
                var winner = results.Single(r => r.Status == HttpStatusCode.OK);
                var loser = results.Single(r => r.Status == HttpStatusCode.PreconditionFailed);
                Assert.Equal("precondition_failed", (string?)loser.Body!["error_code"]);
                Assert.Contains($"version {version + 1}", (string?)loser.Body["error"], StringComparison.Ordinal);
                var stored = (await Server.Service.GetCustomerAsync(Caller.Administrator(), id)).SuccessValue;
                Assert.Equal((string?)winner.Body!["customer"]!["name"], stored.Name);
                Assert.Equal(version + 1, stored.Version);
            }
            finally
            {
                foreach (var result in results)
                {
                    result.Response.Dispose();
                }
            }
        }
    }
}
