using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>
/// The hostile review's findings at the HTTP edge: authentication before the body, bounded error bodies, bad bytes,
/// duplicate keys, the token scheme, unknown paths and client faults. Each request here is rejected, changes nothing
/// and logs no error.
/// </summary>
public sealed class HardeningTests : WireTestBase
{
    private static readonly string ThreeHundredThousandNumbers =
        "{\"provided_id\":\"x\",\"emails\":[" + string.Join(",", Enumerable.Repeat("1", 300_000)) + "]}";

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendBytes(string path, byte[] body, string? token, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + token);
        }

        var response = await Server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    private void NoErrorLogged() => Assert.Empty(Server.Logs.Errors);

    [Fact]
    public async Task Without_a_token_a_huge_bad_body_gets_a_small_401_and_is_never_judged()
    {
        var bytes = Encoding.UTF8.GetBytes(ThreeHundredThousandNumbers);
        Assert.True(bytes.Length > 500_000);
        var body = await Rejected(HttpStatusCode.Unauthorized, "missing_api_token", () => SendBytes("api/create_customer/", bytes, token: null));
        Assert.True(body.ToJsonString().Length < 1024);
        Assert.Null(body["errors"]);

        // An unknown token: the same, and malformed JSON is not even looked at.
        await Rejected(HttpStatusCode.Unauthorized, "invalid_api_token", () => SendBytes("api/create_customer/", "{not json"u8.ToArray(), token: new string('a', 64)));
        NoErrorLogged();
    }

    [Fact]
    public async Task A_read_only_token_on_a_write_gets_403_before_its_body_is_read()
    {
        await Rejected(HttpStatusCode.Forbidden, "read_only_token", () => SendBytes("api/update_customer/", "{not json"u8.ToArray(), ReadOnly));
        await Rejected(HttpStatusCode.Forbidden, "read_only_token", () => SendBytes("api/create_customer/", Encoding.UTF8.GetBytes(ThreeHundredThousandNumbers), ReadOnly));
    }

    [Fact]
    public async Task A_body_of_300000_wrong_elements_gets_an_error_under_64_KiB_listing_100_and_counting_the_rest()
    {
        var before = await Snapshot();
        var (status, body, response) = await SendBytes("api/create_customer/", Encoding.UTF8.GetBytes(ThreeHundredThousandNumbers), Writer);
        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.True(response.Content.Headers.ContentLength < 64 * 1024, $"{response.Content.Headers.ContentLength} bytes");
            Assert.Equal("invalid_type", (string?)body!["error_code"]);
            Assert.Equal(100, body["errors"]!.AsArray().Count);
            Assert.Equal("emails[0]", (string?)body["errors"]![0]!["field"]);
            Assert.Equal(299_900, (long)body["more_errors"]!);
            var error = (string)body["error"]!;
            Assert.Contains("emails[0]", error, StringComparison.Ordinal);
            Assert.DoesNotContain("emails[1] ", error, StringComparison.Ordinal);
            Assert.Contains("99 more like it", error, StringComparison.Ordinal);
            Assert.Contains("299900 more", error, StringComparison.Ordinal);
        }

        Assert.Equal(before, await Snapshot());
        NoErrorLogged();
    }

    [Fact]
    public async Task Ten_thousand_unknown_tags_on_one_customer_get_a_bounded_error()
    {
        var tags = Json(Enumerable.Range(0, 10_000).Select(i => "tag-" + i).ToArray());
        var body = await Rejected(HttpStatusCode.BadRequest, "too_many_group_tags", () => Post("api/create_customer/", $$"""{"provided_id": "x", "group_tags": {{tags}}}"""), mentions: "group_tags");
        Assert.True(body.ToJsonString().Length < 64 * 1024, $"{body.ToJsonString().Length} characters");
        Assert.True(body["errors"]!.AsArray().Count <= 100);
    }

    public static TheoryData<string, byte[]> BadBytes() => new()
    {
        { "a byte that is never UTF-8", [.. "{\"provided_id\":\"bad"u8, 0xFF, .. "\"}"u8] },
        { "an overlong form of '/'", [.. "{\"provided_id\":\"ov"u8, 0xC0, 0xAF, .. "\"}"u8] },
        { "a surrogate encoded as CESU-8", [.. "{\"provided_id\":\"cesu"u8, 0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80, .. "\"}"u8] },
        { "a Latin-1 body", [.. "{\"provided_id\":\"caf"u8, 0xE9, .. "\"}"u8] },
        { "a truncated sequence at the end", [.. "{\"provided_id\":\"t\"} "u8, 0xE2, 0x82] },
        { "an escaped lone high surrogate", "{\"provided_id\":\"ls\\ud800\"}"u8.ToArray() },
        { "an escaped lone low surrogate in a key", "{\"provided_id\":\"x\",\"properties\":{\"k\\udc00\":1}}"u8.ToArray() },
        { "a bad byte inside a property value", [.. "{\"provided_id\":\"x\",\"properties\":{\"k\":\"v"u8, 0xFF, .. "\"}}"u8] },
        { "an escaped lone surrogate deep in a property value", "{\"provided_id\":\"x\",\"properties\":{\"k\":[{\"a\":\"\\ud83d!\"}]}}"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(BadBytes))]
    public async Task Bad_bytes_are_a_400_invalid_utf8_that_says_where_and_nothing_is_stored(string what, byte[] bytes)
    {
        var body = await Rejected(HttpStatusCode.BadRequest, "invalid_utf8", () => SendBytes("api/create_customer/", bytes, Writer));
        Assert.Matches("line [0-9]+", (string)body["error"]!);
        Assert.True(what.Length > 0);
        NoErrorLogged();
    }

    [Fact]
    public async Task An_escaped_surrogate_pair_is_text_and_is_stored_exactly()
    {
        var (status, body, response) = await SendBytes("api/create_customer/", "{\"provided_id\":\"emoji\",\"properties\":{\"k\":\"\\ud83d\\ude00\"}}"u8.ToArray(), Writer);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("\U0001F600", (string?)body!["customer"]!["properties"]!["k"]);
    }

    [Theory]
    [InlineData("text/plain; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-16")]
    public async Task A_body_in_another_charset_is_415(string contentType)
    {
        await Rejected(HttpStatusCode.UnsupportedMediaType, "unsupported_charset", () => SendBytes("api/create_customer/", "{\"provided_id\":\"x\"}"u8.ToArray(), Writer, contentType));
    }

    [Fact]
    public async Task Utf8_named_in_any_spelling_is_accepted()
    {
        var (status, _, response) = await SendBytes("api/create_customer/", "{\"provided_id\":\"x\"}"u8.ToArray(), Writer, "application/json; charset=UTF8");
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("""{"provided_id": "a", "provided_id": "b"}""", "provided_id")]
    [InlineData("""{"provided_id": "a", "properties": {"region": "eu", "region": "us"}}""", "properties.region")]
    [InlineData("""{"provided_id": "a", "properties": {"n": {"x": 1, "x": 2}}}""", "properties.n.x")]
    [InlineData("""{"provided_id": "a", "mapping": {"40": "a", "40": "b"}}""", "mapping.40")]
    [InlineData("""{"customers": [{"provided_id": "a"}, {"provided_id": "b", "name": "x", "name": "y"}]}""", "customers[1].name")]
    public async Task A_duplicate_key_in_any_object_is_a_400_naming_its_path(string json, string path)
    {
        var endpoint = json.Contains("customers", StringComparison.Ordinal) ? "api/import_customers/" : "api/create_customer/";
        await Rejected(HttpStatusCode.BadRequest, "duplicate_key", () => Post(endpoint, json), mentions: path);
    }

    [Fact]
    public async Task The_same_key_in_two_objects_is_fine()
    {
        var (status, _, response) = await Post("api/create_customer/", """{"provided_id": "a", "properties": {"a": {"x": 1}, "b": {"x": 2}}, "mapping": {}}""");
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task The_Token_scheme_is_required_in_any_case()
    {
        await Rejected(HttpStatusCode.Unauthorized, "invalid_authorization_header", async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/group_tags/");
            request.Headers.TryAddWithoutValidation("Explo-Authorization", Writer);
            var response = await Server.Http.SendAsync(request);
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()), response);
        }, mentions: "Token");

        foreach (var scheme in new[] { "token", "TOKEN", "Token" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/group_tags/");
            request.Headers.TryAddWithoutValidation("Explo-Authorization", scheme + " " + Writer);
            using var response = await Server.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("GET", "nope/")]
    [InlineData("POST", "api/no_such_thing/")]
    [InlineData("GET", "favicon.ico")]
    public async Task An_unknown_path_is_a_404_with_the_json_error(string method, string path)
    {
        await Rejected(HttpStatusCode.NotFound, "not_found", () => Send(new HttpMethod(method), path, method == "POST" ? "{}" : null), mentions: "/" + path);
    }

    [Fact]
    public async Task Headers_over_the_limit_get_a_431_with_the_json_error()
    {
        await Rejected(HttpStatusCode.RequestHeaderFieldsTooLarge, "request_headers_too_large", async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/create_customer/") { Content = new StringContent("""{"provided_id": "h"}""") };
            request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + Writer);
            request.Headers.TryAddWithoutValidation("X-Padding", new string('p', 40_000));
            var response = await Server.Http.SendAsync(request);
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()), response);
        }, mentions: "32768");
    }

    /// <summary>Sends raw HTTP/1.1 on a socket and returns the status line and body of the answer.</summary>
    private async Task<(int Status, string Body)> Raw(string head, byte[] bodyStart, Func<Socket, Task> afterBody)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Server.BaseAddress.Host, Server.BaseAddress.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(head.Replace("\n", "\r\n", StringComparison.Ordinal)));
        await socket.SendAsync(bodyStart);
        await afterBody(socket);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        try
        {
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // The server dropped the connection (it may, for a client that stopped sending): what came before stands.
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        if (text.Length == 0)
        {
            return (0, string.Empty);
        }

        var status = int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }

    private string Head(int contentLength) =>
        $"POST /api/create_customer/ HTTP/1.1\nHost: {Server.BaseAddress.Authority}\nExplo-Authorization: Token {Writer}\nContent-Type: application/json\nContent-Length: {contentLength}\nConnection: close\n\n";

    [Fact]
    public async Task A_body_cut_off_is_a_400_logged_as_a_warning_not_an_error()
    {
        var before = await Snapshot();
        var (status, body) = await Raw(Head(1000), "{\"provided_id\": \"cut"u8.ToArray(), socket =>
        {
            // The client stops sending: Kestrel takes the end of the stream as the client leaving, so the 400 may
            // have nobody to go to; what matters is that it is the client's fault in the log, not a server failure.
            socket.Shutdown(SocketShutdown.Send);
            return Task.CompletedTask;
        });

        Assert.True(status is 0 or 400, $"status {status}: {body}");
        if (status == 400)
        {
            Assert.Contains("\"error_code\":\"incomplete_body\"", body, StringComparison.Ordinal);
        }

        Assert.Equal(before, await Snapshot());
        await WaitFor(() => Server.Logs.Entries.Any(e => e.Category == "Explo.Domain.Http"));
        NoErrorLogged();
        Assert.Contains(Server.Logs.Entries, e => e.Category == "Explo.Domain.Http" && e.Level is Microsoft.Extensions.Logging.LogLevel.Warning or Microsoft.Extensions.Logging.LogLevel.Information);
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_body_too_slow_is_a_408_logged_as_a_warning_not_an_error()
    {
        var before = await Snapshot();

        // Kestrel wants at least 240 bytes/s after a 5 s grace period; send a few bytes and stall.
        var (status, body) = await Raw(Head(100_000), "{\"provided_id\": \"slow"u8.ToArray(), _ => Task.Delay(TimeSpan.FromSeconds(8)));

        Assert.Equal(408, status);
        Assert.Contains("\"error_code\":\"request_timeout\"", body, StringComparison.Ordinal);
        Assert.Equal(before, await Snapshot());
        NoErrorLogged();
        Assert.Contains(Server.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("408", StringComparison.Ordinal));
    }
}

/// <summary>Rate limiting can't be dodged by presenting a new secret each time.</summary>
public sealed class UnauthenticatedRateLimitTests : WireTestBase
{
    public UnauthenticatedRateLimitTests()
        : base(s => s with { RateLimitPerMinute = 5 })
    {
    }

    [Fact]
    public async Task Random_tokens_and_no_token_are_limited_per_address_while_a_valid_token_goes_on()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            var (status, _, response) = await Send(HttpMethod.Get, "api/group_tags/", token: Convert.ToHexString(Guid.NewGuid().ToByteArray()), authorize: i % 2 == 0);
            response.Dispose();
            statuses.Add(status);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.All(statuses.Skip(5), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));

        var (limited, body, limitedResponse) = await Send(HttpMethod.Get, "api/group_tags/", token: "nope");
        using (limitedResponse)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited);
            Assert.Contains("address", (string)body!["error"]!, StringComparison.Ordinal);
            Assert.True(limitedResponse.Headers.RetryAfter is not null);
        }

        var (valid, _, validResponse) = await Send(HttpMethod.Get, "api/group_tags/");
        validResponse.Dispose();
        Assert.Equal(HttpStatusCode.OK, valid);
    }
}
