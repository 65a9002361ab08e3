using System.Net;
using System.Text;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>Idempotency-Key on the wire (issue 17, point 3): the stored answer given again byte for byte, and each error.</summary>
public sealed class IdempotencyTests : WireTestBase
{
    public IdempotencyTests()
        : base(s => s with { IdempotencyWait = TimeSpan.FromMilliseconds(300) })
    {
    }

    private Task<(HttpStatusCode Status, byte[] Body, HttpResponseMessage Response)> Keyed(HttpMethod method, string path, string body, params string[] keys) =>
        SendWith(method, path, body, "Idempotency-Key", keys);

    private static bool Replayed(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true";

    [Fact]
    public async Task A_repeat_gets_the_first_status_body_and_etag_byte_for_byte_marked_replayed_and_changes_nothing()
    {
        var create = Json(new { provided_id = "acme", name = "Acme", properties = new { region = "eu", seats = 3 } });
        var (status, body, response) = await Keyed(HttpMethod.Post, "/api/create_customer/", create, "create-acme-1");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.False(Replayed(response));
            Assert.Equal("\"1\"", response.Headers.ETag?.ToString());
        }

        var before = await Snapshot();
        var (again, againBody, againResponse) = await Keyed(HttpMethod.Post, "/api/create_customer/", create, "create-acme-1");
        using (againResponse)
        {
            Assert.Equal(status, again);
            Assert.Equal(body, againBody);
            Assert.True(Replayed(againResponse));
            Assert.Equal("\"1\"", againResponse.Headers.ETag?.ToString());
            Assert.Equal("application/json; charset=utf-8", againResponse.Content.Headers.ContentType?.ToString());
        }

        Assert.Equal(before, await Snapshot());

        // The stored answer says "created", as the first one did; the same request without the key finds it.
        Assert.True((bool)System.Text.Json.Nodes.JsonNode.Parse(againBody)!["new_customer"]!);
        var (_, plain, plainResponse) = await Keyed(HttpMethod.Post, "/api/create_customer/", create);
        using (plainResponse)
        {
            Assert.False((bool)System.Text.Json.Nodes.JsonNode.Parse(plain)!["new_customer"]!);
        }
    }

    [Fact]
    public async Task Ten_concurrent_retries_of_a_create_give_ten_identical_bodies_one_customer_and_one_event()
    {
        var events = Server.Store.CountEvents();
        var create = Json(new { provided_id = "acme" });
        using var start = new ManualResetEventSlim();
        var retries = Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            var (status, body, response) = await Keyed(HttpMethod.Post, "/api/create_customer/", create, "ten");
            using (response)
            {
                return (status, Encoding.UTF8.GetString(body), Replayed(response));
            }
        })).ToList();
        start.Set();
        var answers = await Task.WhenAll(retries);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.status));
        Assert.Single(answers.Select(a => a.Item2).Distinct());
        Assert.Equal(9, answers.Count(a => a.Item3));
        Assert.Equal(events + 1, Server.Store.CountEvents());
        Assert.Single((await Server.Service.ListCustomersAsync(Caller.Administrator(), new CustomerFilter())).SuccessValue);
    }

    [Fact]
    public async Task The_same_key_with_another_body_or_path_is_422_and_changes_nothing()
    {
        await Keyed(HttpMethod.Post, "/api/create_customer/", Json(new { provided_id = "acme" }), "k");

        await Rejected(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused", async () =>
        {
            var (status, body, response) = await Keyed(HttpMethod.Post, "/api/create_customer/", Json(new { provided_id = "globex" }), "k");
            return (status, System.Text.Json.Nodes.JsonNode.Parse(body), response);
        }, mentions: "Idempotency-Key");
        await Rejected(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused", async () =>
        {
            var (status, body, response) = await Keyed(HttpMethod.Post, "/api/create_group_tag/", Json(new { provided_id = "acme" }), "k");
            return (status, System.Text.Json.Nodes.JsonNode.Parse(body), response);
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("del\u007f")]
    public async Task A_malformed_key_is_400_naming_the_header_and_changes_nothing(string key)
    {
        var body = await Rejected(HttpStatusCode.BadRequest, "invalid_idempotency_key", async () =>
        {
            var (status, bytes, response) = await Keyed(HttpMethod.Post, "/api/create_customer/", Json(new { provided_id = "acme" }), key);
            return (status, System.Text.Json.Nodes.JsonNode.Parse(bytes), response);
        }, mentions: "Idempotency-Key");

        Assert.Equal("Idempotency-Key", (string?)body["errors"]![0]!["field"]);
    }

    [Fact]
    public async Task A_key_over_255_characters_is_400_and_one_of_255_is_taken()
    {
        await Rejected(HttpStatusCode.BadRequest, "invalid_idempotency_key", async () =>
        {
            var (status, bytes, response) = await Keyed(HttpMethod.Post, "/api/create_customer/", Json(new { provided_id = "acme" }), new string('k', 256));
            return (status, System.Text.Json.Nodes.JsonNode.Parse(bytes), response);
        }, mentions: "over 255");

        var (ok, _, longest) = await Keyed(HttpMethod.Post, "/api/create_customer/", Json(new { provided_id = "acme" }), new string('k', 255));
        using (longest)
        {
            Assert.Equal(HttpStatusCode.OK, ok);
        }
    }

    [Fact]
    public async Task A_key_given_in_two_header_lines_is_400_and_changes_nothing()
    {
        var before = await Snapshot();
        var body = Json(new { provided_id = "acme" });
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(Server.BaseAddress.Host, Server.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/create_customer/ HTTP/1.1\r\nHost: {Server.BaseAddress.Authority}\r\nExplo-Authorization: Token {Writer}\r\n"
            + $"Idempotency-Key: a\r\nIdempotency-Key: b\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head));
        var answer = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("\"error_code\":\"invalid_idempotency_key\"", answer, StringComparison.Ordinal);
        Assert.Contains("give it once", answer, StringComparison.Ordinal);
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task A_repeat_while_the_first_still_runs_waits_for_it_then_gets_409_in_use_and_changes_nothing()
    {
        var create = Json(new { provided_id = "acme" });
        Task<(HttpStatusCode Status, byte[] Body, HttpResponseMessage Response)> first;
        using (var held = new HeldWriter(Server.Store))
        {
            first = Keyed(HttpMethod.Post, "/api/create_customer/", create, "slow");
            await Task.Delay(100);
            var before = await Snapshot();
            var (status, body, response) = await Keyed(HttpMethod.Post, "/api/create_customer/", create, "slow");
            using (response)
            {
                Assert.Equal(HttpStatusCode.Conflict, status);
                Assert.Equal("idempotency_key_in_use", (string?)System.Text.Json.Nodes.JsonNode.Parse(body)!["error_code"]);
            }

            Assert.Equal(before, await Snapshot());
            await held.ReleaseAsync();
        }

        var (firstStatus, firstBody, firstResponse) = await first;
        using (firstResponse)
        {
            Assert.Equal(HttpStatusCode.OK, firstStatus);
        }

        // Once it has answered, the repeat gets its answer.
        var (again, againBody, againResponse) = await Keyed(HttpMethod.Post, "/api/create_customer/", create, "slow");
        using (againResponse)
        {
            Assert.Equal(HttpStatusCode.OK, again);
            Assert.Equal(firstBody, againBody);
            Assert.True(Replayed(againResponse));
        }
    }

    [Fact]
    public async Task A_retried_delete_replays_and_an_import_is_answered_whole()
    {
        await Post("/api/create_customer/", Json(new { provided_id = "acme" }));
        var token = (await Server.Service.GetCustomerAsync(Caller.Administrator(), "acme")).SuccessValue.Token;
        var delete = Json(new { current_token = token });
        var (status, body, response) = await Keyed(HttpMethod.Delete, "/api/delete_customer/", delete, "del");
        response.Dispose();
        var (again, againBody, againResponse) = await Keyed(HttpMethod.Delete, "/api/delete_customer/", delete, "del");
        using (againResponse)
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, again));
            Assert.Equal(body, againBody);
            Assert.True(Replayed(againResponse));
        }

        var import = Json(new { customers = new object[] { new { provided_id = "a1" }, new { provided_id = "a2", hierarchy_level_name = "Nowhere" } } });
        var (imported, importBody, importResponse) = await Keyed(HttpMethod.Post, "/api/import_customers/", import, "imp");
        importResponse.Dispose();
        var (reimported, reimportBody, reimportResponse) = await Keyed(HttpMethod.Post, "/api/import_customers/", import, "imp");
        using (reimportResponse)
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (imported, reimported));
            Assert.Equal(importBody, reimportBody);
            Assert.True(Replayed(reimportResponse));
            Assert.Equal(1, (int)System.Text.Json.Nodes.JsonNode.Parse(reimportBody)!["created"]!);
        }
    }

    [Fact]
    public async Task A_read_takes_a_key_but_is_answered_anew()
    {
        await Post("/api/create_customer/", Json(new { provided_id = "acme" }));
        var get = Json(new { provided_id = "acme" });
        var (_, first, firstResponse) = await Keyed(HttpMethod.Post, "/api/get_customer/", get, "read");
        firstResponse.Dispose();
        await Post("/api/update_customer/", Json(new { provided_id = "acme", name = "Changed" }));

        var (status, second, response) = await Keyed(HttpMethod.Post, "/api/get_customer/", get, "read");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.False(Replayed(response));
            Assert.NotEqual(first, second);
            Assert.Equal("Changed", (string?)System.Text.Json.Nodes.JsonNode.Parse(second)!["customer"]!["name"]);
        }
    }
}
