using System.Net;
using System.Text;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>Every kind of bad input gets its status and a sentence naming the field, and changes nothing.</summary>
public sealed class BadInputTests : WireTestBase
{
    [Fact]
    public async Task Malformed_json_is_a_400_that_says_where()
    {
        var body = await Rejected(HttpStatusCode.BadRequest, "malformed_json", () => Post("api/create_customer/", """{"provided_id": "acme",}"""));
        Assert.Contains("line 1", (string)body["error"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"provided_id": "acme", "emails": "x"}""", "emails")]
    [InlineData("""{"provided_id": "acme", "properties": []}""", "properties")]
    [InlineData("""{"provided_id": "acme", "is_demo_group": "yes"}""", "is_demo_group")]
    [InlineData("""{"provided_id": "acme", "mapping": {"40": true}}""", "mapping.40")]
    [InlineData("""{"provided_id": 42}""", "provided_id")]
    [InlineData("""{"provided_id": "acme", "unknown_field": {"x": 1}, "emails": "x"}""", "emails")]
    [InlineData("""{"provided_id": "acme", "group_tags": ["a", 1]}""", "group_tags[1]")]
    public async Task A_wrong_type_is_a_400_naming_the_field(string json, string field)
    {
        var body = await Rejected(HttpStatusCode.BadRequest, "invalid_type", () => Post("api/create_customer/", json), mentions: field);
        Assert.Equal(field, (string?)body["errors"]![0]!["field"]);
    }

    [Fact]
    public async Task Several_wrong_fields_are_reported_together()
    {
        var body = await Rejected(HttpStatusCode.BadRequest, "invalid_type", () => Post("api/update_customer/", """{"provided_id": "acme", "emails": 1, "name": false, "properties": "x"}"""));
        Assert.Equal(["emails", "name", "properties"], body["errors"]!.AsArray().Select(e => (string)e!["field"]!).Order());
    }

    [Fact]
    public async Task A_rule_violation_is_a_400_with_the_rule_code_and_every_violation()
    {
        var body = await Rejected(HttpStatusCode.BadRequest, "invalid_email", () => Post("api/create_customer/", """{"provided_id": "acme", "emails": ["nope"], "hierarchy_level_name": "Nope"}"""));
        Assert.Equal(["invalid_email", "unknown_hierarchy_level"], body["errors"]!.AsArray().Select(e => (string)e!["error_code"]!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public async Task An_empty_body_is_a_400(string json)
    {
        await Rejected(HttpStatusCode.BadRequest, "empty_body", () => Post("api/get_customer/", json));
    }

    [Fact]
    public async Task A_body_that_is_not_an_object_is_a_400()
    {
        await Rejected(HttpStatusCode.BadRequest, "invalid_body", () => Post("api/create_customer/", """[{"provided_id": "acme"}]"""), mentions: "JSON object");
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_a_413_with_or_without_content_length()
    {
        var big = "{\"provided_id\": \"acme\", \"name\": \"" + new string('x', 1024 * 1024) + "\"}";
        await Rejected(HttpStatusCode.RequestEntityTooLarge, "request_body_too_large", () => Post("api/create_customer/", big));

        // Chunked: no Content-Length, so the limit is enforced while reading.
        await Rejected(HttpStatusCode.RequestEntityTooLarge, "request_body_too_large", async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/create_customer/");
            request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + Writer);
            request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
            request.Headers.TransferEncodingChunked = true;
            var response = await Server.Http.SendAsync(request);
            return (response.StatusCode, System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync()), response);
        });
    }

    [Fact]
    public async Task A_chunked_body_just_under_the_limit_is_accepted()
    {
        var name = new string('x', 1000);
        var padding = new string(' ', 1024 * 1024 - 200 - name.Length);
        var body = "{\"provided_id\": \"acme\", \"name\": \"" + name + "\"}" + padding;
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/create_customer/");
        request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + Writer);
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        request.Headers.TransferEncodingChunked = true;
        using var response = await Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_bare_token_scheme_is_a_missing_token()
    {
        await Rejected(HttpStatusCode.Unauthorized, "missing_api_token", async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/group_tags/");
            request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token");
            var response = await Server.Http.SendAsync(request);
            return (response.StatusCode, System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync()), response);
        });
    }

    [Fact]
    public async Task Json_nested_beyond_the_envelope_limit_is_a_400()
    {
        var deep = """{"provided_id": "acme", "x": """ + new string('[', 80) + new string(']', 80) + "}";
        await Rejected(HttpStatusCode.BadRequest, "json_too_deep", () => Post("api/create_customer/", deep), mentions: "nested");
    }

    [Fact]
    public async Task Properties_nested_beyond_64_levels_name_the_property()
    {
        var deep = """{"provided_id": "acme", "properties": {"deep": """ + new string('[', 64) + new string(']', 64) + "}}";
        await Rejected(HttpStatusCode.BadRequest, "properties_too_deep", () => Post("api/create_customer/", deep), mentions: "deep");
    }

    [Fact]
    public async Task A_path_without_its_trailing_slash_is_a_405_naming_the_right_path()
    {
        await Rejected(HttpStatusCode.MethodNotAllowed, "trailing_slash_required", () => Post("api/get_customer", """{"provided_id": "acme"}"""), mentions: "/api/get_customer/");
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_naming_the_right_one()
    {
        await Rejected(HttpStatusCode.MethodNotAllowed, "method_not_allowed", () => Send(HttpMethod.Get, "api/create_customer/"), mentions: "POST");
        await Rejected(HttpStatusCode.MethodNotAllowed, "method_not_allowed", () => Send(HttpMethod.Options, "api/get_customer/"), mentions: "POST");
        var (_, _, response) = await Send(HttpMethod.Get, "api/create_customer/");
        using (response)
        {
            Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
        }
    }

    [Theory]
    [InlineData("page_size=1001", "invalid_page_size")]
    [InlineData("pageSize=0", "invalid_page_size")]
    [InlineData("page_size=abc", "invalid_page_size")]
    [InlineData("page_size=99999999999999", "invalid_page_size")]
    [InlineData("page=0", "invalid_page")]
    [InlineData("hierarchy_level_name=Nope", "unknown_hierarchy_level")]
    public async Task Bad_paging_and_filters_are_a_400_naming_the_parameter(string query, string code)
    {
        await Rejected(HttpStatusCode.BadRequest, code, () => Send(HttpMethod.Get, "v2/api/customers/?" + query));
    }

    [Fact]
    public async Task A_missing_or_unknown_token_is_a_401_and_a_read_only_token_writing_is_a_403()
    {
        await Rejected(HttpStatusCode.Unauthorized, "missing_api_token", () => Send(HttpMethod.Post, "api/create_customer/", """{"provided_id": "acme"}""", authorize: false));
        await Rejected(HttpStatusCode.Unauthorized, "invalid_api_token", () => Post("api/create_customer/", """{"provided_id": "acme"}""", token: "not-a-token"));
        await Rejected(HttpStatusCode.Forbidden, "read_only_token", () => Post("api/create_customer/", """{"provided_id": "acme"}""", token: ReadOnly));
    }

    [Fact]
    public async Task Unknown_customers_are_404_and_taken_names_are_409()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post("api/create_group_tag/", """{"name": "sales"}""")).Status);
        await Rejected(HttpStatusCode.NotFound, "customer_not_found", () => Post("api/get_customer/", """{"provided_id": "nobody"}"""), mentions: "nobody");
        await Rejected(HttpStatusCode.Conflict, "group_tag_exists", () => Post("api/create_group_tag/", """{"name": "sales"}"""), mentions: "sales");
    }

    [Fact]
    public async Task Health_and_openapi_answer()
    {
        var (status, body, response) = await Send(HttpMethod.Get, "healthz", authorize: false);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", (string?)body!["status"]);

        (status, body, response) = await Send(HttpMethod.Get, "openapi/v1.json", authorize: false);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("3.", (string?)body!["openapi"], StringComparison.Ordinal);
        Assert.NotNull(body["paths"]!["/api/get_customer/"]);
    }

    private async Task<int> CustomerCount() =>
        (await Server.Service.ListCustomersAsync(Caller.Administrator(), new CustomerFilter())).SuccessValue.Count;

    [Theory]
    [InlineData("POST", "api/no_such_endpoint/")]
    [InlineData("GET", "api/get_customers/")]
    [InlineData("DELETE", "v3/api/customers/")]
    public async Task An_unknown_endpoint_is_a_404_json_error_and_changes_nothing(string method, string path)
    {
        var count = await CustomerCount();
        await Rejected(HttpStatusCode.NotFound, "not_found", () => Send(new HttpMethod(method), path, method == "GET" ? null : """{"provided_id": "acme"}"""), mentions: "/" + path);
        Assert.Equal(count, await CustomerCount());
    }

    /// <summary>
    /// The API reads a JSON body whatever media type the Content-Type names (Explo's own clients send text/plain, or
    /// none); only a charset other than UTF-8 is refused (415 <c>unsupported_charset</c>).
    /// </summary>
    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task A_json_body_under_another_media_type_is_read_as_json(string? contentType)
    {
        var count = await CustomerCount();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/create_customer/") { Content = new ByteArrayContent("""{"provided_id": "typed"}"""u8.ToArray()) };
        request.Content.Headers.ContentType = contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + Writer);
        using var response = await Server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(count + 1, await CustomerCount());

        // The same body as text/plain in another charset is refused, and changes nothing.
        await Rejected(HttpStatusCode.UnsupportedMediaType, "unsupported_charset", async () =>
        {
            using var latin1 = new HttpRequestMessage(HttpMethod.Post, "api/create_customer/") { Content = new StringContent("""{"provided_id": "latin"}""", Encoding.Latin1, "text/plain") };
            latin1.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + Writer);
            var refused = await Server.Http.SendAsync(latin1);
            return (refused.StatusCode, System.Text.Json.Nodes.JsonNode.Parse(await refused.Content.ReadAsStringAsync()), refused);
        });
    }

    [Theory]
    [InlineData("null")]
    [InlineData(" null ")]
    [InlineData("\"acme\"")]
    [InlineData("42")]
    public async Task A_body_that_is_json_null_or_a_scalar_is_a_400_invalid_body(string json)
    {
        var count = await CustomerCount();
        await Rejected(HttpStatusCode.BadRequest, "invalid_body", () => Post("api/create_customer/", json), mentions: "JSON object");
        await Rejected(HttpStatusCode.BadRequest, "invalid_body", () => Post("api/import_customers/", json), mentions: "JSON object");
        Assert.Equal(count, await CustomerCount());
    }

    [Fact]
    public async Task A_body_cut_off_mid_stream_stores_nothing()
    {
        var count = await CustomerCount();
        var before = await Snapshot();
        var body = Encoding.UTF8.GetBytes("""{"customers": [{"provided_id": "cut-1"}, {"provided_id": "cut-2"}, {"provided_id": "cu""");
        using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            await socket.ConnectAsync(Server.BaseAddress.Host, Server.BaseAddress.Port);
            var head = $"POST /api/import_customers/ HTTP/1.1\r\nHost: {Server.BaseAddress.Authority}\r\nExplo-Authorization: Token {Writer}\r\nContent-Type: application/json\r\nContent-Length: {body.Length + 500}\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head));
            await socket.SendAsync(body);
            socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);

            // The answer, if the server still sends one: a 400 incomplete_body; or the connection just closes.
            var received = new MemoryStream();
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, timeout.Token)) > 0)
                {
                    received.Write(buffer, 0, read);
                }
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Reset by the server: no answer.
            }

            var text = Encoding.UTF8.GetString(received.ToArray());
            Assert.True(text.Length == 0 || (text.StartsWith("HTTP/1.1 400", StringComparison.Ordinal) && text.Contains("\"error_code\":\"incomplete_body\"", StringComparison.Ordinal)), text);
        }

        Assert.Equal(count, await CustomerCount());
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task A_store_that_fails_makes_health_a_503_with_the_reason_and_logs_the_exception()
    {
        Server.Store.Dispose();

        var (status, body, response) = await Send(HttpMethod.Get, "healthz", authorize: false);
        using (response)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("unavailable", (string?)body!["status"]);
            var reason = (string)body["reason"]!;
            Assert.Contains("store", reason, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", reason, StringComparison.Ordinal);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        }

        Assert.Contains(Server.Logs.Errors, e => e.Category == "Explo.Domain.Http" && e.Message.Contains("ObjectDisposedException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_failure_is_a_500_that_shows_nothing_and_logs_the_exception_with_its_stack()
    {
        // A closed store: the token check itself fails.
        Server.Store.Dispose();

        var (status, body, response) = await Post("api/get_customer/", """{"provided_id": "acme"}""");
        using (response)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, status);
            Assert.Equal("internal_error", (string?)body!["error_code"]);
            Assert.DoesNotContain("Exception", body.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain("Dispose", body.ToJsonString(), StringComparison.Ordinal);
        }

        var (_, logged) = Assert.Single(Server.Logs.Exceptions, e => e.Category == "Explo.Domain.Http");
        Assert.IsType<ObjectDisposedException>(logged);
        Assert.False(string.IsNullOrEmpty(logged.StackTrace));
        Assert.Contains(Server.Logs.Errors, e => e.Message.Contains("POST /api/get_customer/", StringComparison.Ordinal));
    }
}
