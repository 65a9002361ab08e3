using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Explo.Client;

namespace Explo.Domain.Http.Tests.Client;

/// <summary>What the contract suites can't show: transport failures, calls that never reach the network, exact wire values.</summary>
public sealed class ExploClientBehaviourTests
{
    private const string Secret = "client-tests-secret-0123456789";

    private static Caller Token => Caller.WithApiToken(Secret);

    [Fact]
    public async Task A_server_that_has_stopped_is_an_HttpRequestException()
    {
        var server = TestServer.Start(s => s with { InitialApiToken = Secret });
        using var client = new ExploClient(server.BaseAddress);
        Assert.True((await client.ListGroupTagsAsync(Token)).IsSuccess);

        server.Dispose();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetCustomerAsync(Token, "acme"));
    }

    [Fact]
    public async Task A_client_with_an_idempotency_key_keeps_the_token_and_sends_the_key_with_writes_only()
    {
        using var server = TestServer.Start(s => s with { InitialApiToken = Secret });
        using var client = new ExploClient(server.BaseAddress, Secret);
        Assert.Throws<ArgumentException>(() => client.WithIdempotencyKey(" padded"));
        using var keyed = client.WithIdempotencyKey("create-acme");
        Assert.Same(client.Caller, keyed.Caller);

        var first = await keyed.GetOrCreateCustomerAsync(keyed.Caller, new CreateCustomerRequest("acme"));
        var again = await keyed.GetOrCreateCustomerAsync(keyed.Caller, new CreateCustomerRequest("acme"));
        var other = await keyed.GetOrCreateCustomerAsync(keyed.Caller, new CreateCustomerRequest("globex"));

        Assert.True(first.SuccessValue.IsNew);
        Assert.True(again.SuccessValue.IsNew);
        Assert.Equal("idempotency_key_reused", Assert.IsType<Conflict>(other.Failure).Code);

        // A read with the key is answered anew (the update shows), and the plain client sends no key.
        Assert.True((await client.UpdateCustomerAsync(client.Caller, new UpdateCustomerRequest("acme") { Name = "Changed" })).IsSuccess);
        Assert.Equal("Changed", (await keyed.GetCustomerAsync(keyed.Caller, "acme")).SuccessValue.Name);
        Assert.False((await client.GetOrCreateCustomerAsync(client.Caller, new CreateCustomerRequest("acme"))).SuccessValue.IsNew);
    }

    [Fact]
    public async Task A_failure_with_more_than_100_violations_lists_100_and_counts_the_rest()
    {
        using var server = TestServer.Start(s => s with { InitialApiToken = Secret });
        using var client = new ExploClient(server.BaseAddress);
        var rows = Enumerable.Range(0, 150).Select(i => new CreateCustomerRequest("bad\u0001" + i)).ToList();

        var result = await client.ImportCustomersAsync(Token, rows, new ImportOptions { Atomic = true });

        var invalid = Assert.IsType<ValidationFailed>(result.Failure);
        Assert.Equal(100, invalid.Violations.Count);
        Assert.Equal(50, invalid.MoreViolations);
        Assert.Equal(150, invalid.TotalViolations);
        Assert.Empty((await client.ListCustomersAsync(Token, new CustomerFilter())).SuccessValue);
    }

    [Fact]
    public async Task A_closed_port_is_an_HttpRequestException()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new ExploClient(new Uri($"http://127.0.0.1:{port}/"));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetOrCreateCustomerAsync(Token, new CreateCustomerRequest("acme")));
    }

    [Fact]
    public async Task An_administrator_caller_is_forbidden_without_a_network_call()
    {
        var handler = new StubHandler(_ => throw new InvalidOperationException("no request was expected"));
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://explo.invalid/") };
        using var client = new ExploClient(http);

        var get = await client.GetCustomerAsync(Caller.Administrator(), "acme");
        var create = await client.GetOrCreateCustomerAsync(Caller.Administrator("Production"), new CreateCustomerRequest("acme"));

        foreach (var failure in new Failure?[] { get.Failure, create.Failure })
        {
            var forbidden = Assert.IsType<Forbidden>(failure);
            Assert.Equal("admin_required", forbidden.Code);
            Assert.Contains("in-process", forbidden.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public void The_client_serves_the_ports_the_http_api_serves_and_not_the_administrators()
    {
        Assert.True(typeof(IExploApi).IsAssignableFrom(typeof(ExploClient)));
        Assert.True(typeof(ICustomerService).IsAssignableFrom(typeof(ExploClient)));
        Assert.True(typeof(IGroupTagService).IsAssignableFrom(typeof(ExploClient)));
        Assert.True(typeof(IUserGroupService).IsAssignableFrom(typeof(ExploClient)));
        Assert.False(typeof(IWorkspaceAdmin).IsAssignableFrom(typeof(ExploClient)));
        Assert.False(typeof(IExploService).IsAssignableFrom(typeof(ExploClient)));
    }

    [Fact]
    public async Task Properties_keep_exact_numbers_and_key_order_through_the_client()
    {
        using var server = TestServer.Start(s => s with { InitialApiToken = Secret });
        using var client = new ExploClient(server.Http);
        const string json = """{"z":1,"big":123456789012345678901234567890,"dec":0.1000000000000000000000001,"exp":1.5E+300,"neg":-0.0,"a":{"n":[1.0,2.50,3e2]},"$x.y":"é"}""";

        var created = await client.GetOrCreateCustomerAsync(Token, new CreateCustomerRequest("acme") { Properties = PropertyMap.Parse(json) });
        var read = await client.GetCustomerAsync(Token, "acme");
        var stored = await server.Service.GetCustomerAsync(Caller.Administrator(), "acme");

        Assert.Equal(json, PropertyMap.ToJson(created.SuccessValue.Customer.Properties));
        Assert.Equal(json, PropertyMap.ToJson(read.SuccessValue.Properties));
        Assert.Equal(json, PropertyMap.ToJson(read.SuccessValue.ComputedProperties));
        Assert.Equal(json, PropertyMap.ToJson(stored.SuccessValue.Properties));
        Assert.Equal("123456789012345678901234567890", read.SuccessValue.Properties["big"].GetRawText());
    }

    [Fact]
    public async Task Properties_as_deep_as_the_core_allows_can_be_sent_and_imported()
    {
        using var server = TestServer.Start(s => s with { InitialApiToken = Secret });
        using var client = new ExploClient(server.Http);

        // The properties object is level 1, so 63 nested arrays make the 64 levels the core accepts.
        var deepest = PropertyMap.Parse("{\"deep\":" + new string('[', 63) + new string(']', 63) + "}");
        var created = await client.GetOrCreateCustomerAsync(Token, new CreateCustomerRequest("acme") { Properties = deepest });
        var imported = await client.ImportCustomersAsync(Token, [new CreateCustomerRequest("globex") { Properties = deepest }], new ImportOptions { Atomic = true });

        Assert.True(created.IsSuccess, created.ToString());
        Assert.Equal(1, imported.SuccessValue.Created);
        Assert.Equal(PropertyMap.ToJson(deepest), PropertyMap.ToJson((await client.GetCustomerAsync(Token, "globex")).SuccessValue.Properties));
    }

    [Fact]
    public async Task A_customer_read_through_the_client_equals_the_in_process_view()
    {
        using var server = TestServer.Start(s => s with { InitialApiToken = Secret });
        using var client = new ExploClient(server.Http);
        await server.Service.CreateGroupTagAsync(Caller.Administrator(), "vip");
        await client.GetOrCreateCustomerAsync(Token, new CreateCustomerRequest("acme")
        {
            Name = "Acme",
            Emails = ["ops@acme.example"],
            GroupTags = ["vip"],
            Mapping = OrderedMap.Of(("schema-b", "source-2"), ("schema-a", "source-1")),
            Properties = PropertyMap.Of(("region", "eu")),
        });
        await client.GetOrCreateCustomerAsync(Token, new CreateCustomerRequest("acme-bob") { HierarchyLevelName = "User", ParentProvidedId = "acme" });

        var remote = (await client.GetCustomerAsync(Token, "acme-bob")).SuccessValue;
        var local = (await server.Service.GetCustomerAsync(Caller.Administrator(), "acme-bob")).SuccessValue;

        Assert.Equal(Describe(local), Describe(remote));
        Assert.Equal(local.CreatedAt, remote.CreatedAt);
        Assert.Equal(local.UpdatedAt, remote.UpdatedAt);
        Assert.Equal(local.Id, remote.Id);
        Assert.Equal(["schema-b", "schema-a"], remote.ComputedMapping.Keys);
    }

    [Fact]
    public async Task Update_sends_parent_null_only_when_given()
    {
        using var server = TestServer.Start(s => s with { InitialApiToken = Secret });
        using var client = new ExploClient(server.Http);
        await client.GetOrCreateCustomerAsync(Token, new CreateCustomerRequest("acme"));
        await client.GetOrCreateCustomerAsync(Token, new CreateCustomerRequest("acme-bob") { HierarchyLevelName = "User", ParentProvidedId = "acme" });

        var renamed = await client.UpdateCustomerAsync(Token, new UpdateCustomerRequest("acme-bob") { Name = "Bob" });
        Assert.Equal("acme", renamed.SuccessValue.ParentProvidedId);

        var detached = await client.UpdateCustomerAsync(Token, new UpdateCustomerRequest("acme-bob") { ParentProvidedId = null, HierarchyLevelName = "Customer" });
        Assert.Null(detached.SuccessValue.ParentProvidedId);
        Assert.Equal("Bob", detached.SuccessValue.Name);
    }

    [Fact]
    public async Task Without_a_secret_no_header_is_sent_and_the_server_answers_unauthorized()
    {
        string? header = "not called";
        var handler = new StubHandler(request =>
        {
            header = request.Headers.TryGetValues("Explo-Authorization", out var values) ? string.Join(",", values) : null;
            return Json(HttpStatusCode.Unauthorized, """{"success":0,"error":"No API token was given.","error_code":"missing_api_token"}""");
        });
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://explo.invalid/") };
        using var client = new ExploClient(http);

        var result = await client.ListGroupTagsAsync(Caller.WithApiToken(null));

        Assert.Null(header);
        Assert.Equal("missing_api_token", Assert.IsType<Unauthorized>(result.Failure).Code);
    }

    [Theory]
    [InlineData("client-tests-secret-0123456789\r\nX-Injected: 1")]
    [InlineData(" client-tests-secret-0123456789")]
    public async Task A_secret_a_header_cannot_carry_is_an_unknown_token_without_a_network_call(string secret)
    {
        var handler = new StubHandler(_ => throw new InvalidOperationException("no request was expected"));
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://explo.invalid/") };
        using var client = new ExploClient(http);

        var result = await client.ListGroupTagsAsync(Caller.WithApiToken(secret));

        Assert.Equal("invalid_api_token", Assert.IsType<Unauthorized>(result.Failure).Code);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task The_token_goes_in_the_Explo_Authorization_header_and_paths_keep_the_base_path()
    {
        HttpRequestMessage? seen = null;
        string? body = null;
        var handler = new StubHandler(request =>
        {
            seen = request;
            body = request.Content is null ? null : request.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            return Json(HttpStatusCode.OK, """{"success":1,"deleted_provided_ids":["acme","acme-bob"]}""");
        });
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://explo.invalid/prefix") };
        using var client = new ExploClient(http);

        var result = await client.DeleteCustomerAsync(Token, new DeleteCustomerRequest("tok", Cascade: true));

        Assert.Equal(["acme", "acme-bob"], result.SuccessValue.DeletedProvidedIds);
        Assert.Equal(HttpMethod.Delete, seen!.Method);
        Assert.Equal("http://explo.invalid/prefix/api/delete_customer/", seen.RequestUri!.ToString());
        Assert.Equal($"Token {Secret}", string.Join(",", seen.Headers.GetValues("Explo-Authorization")));
        Assert.Equal("""{"current_token":"tok","cascade":true}""", body);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, """{"success":0,"error":"The server failed to handle the request; it has been logged.","error_code":"internal_error"}""")]
    [InlineData(HttpStatusCode.MethodNotAllowed, """{"success":0,"error":"GET is not allowed.","error_code":"method_not_allowed"}""")]
    [InlineData(HttpStatusCode.BadGateway, "<html>bad gateway</html>")]
    [InlineData(HttpStatusCode.OK, "not json")]
    public async Task Server_errors_and_unexpected_answers_throw_a_descriptive_exception(HttpStatusCode status, string answer)
    {
        using var http = new HttpClient(new StubHandler(_ => Json(status, answer))) { BaseAddress = new Uri("http://explo.invalid/") };
        using var client = new ExploClient(http);

        var thrown = await Assert.ThrowsAsync<ExploClientException>(() => client.GetCustomerAsync(Token, "acme"));

        Assert.Equal((int)status, thrown.StatusCode);
        Assert.Contains("/api/get_customer/", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limiting_is_a_forbidden_rate_limited_and_a_large_body_a_validation_failure()
    {
        var answers = new Queue<HttpResponseMessage>(
        [
            Json(HttpStatusCode.TooManyRequests, """{"success":0,"error":"Too many requests for this API token; retry after 60 seconds.","error_code":"rate_limited"}"""),
            Json(HttpStatusCode.RequestEntityTooLarge, """{"success":0,"error":"The request body is 2000000 bytes; the maximum is 1048576 bytes.","error_code":"request_body_too_large"}"""),
        ]);
        using var http = new HttpClient(new StubHandler(_ => answers.Dequeue())) { BaseAddress = new Uri("http://explo.invalid/") };
        using var client = new ExploClient(http);

        var limited = await client.ListGroupTagsAsync(Token);
        var large = await client.GetOrCreateCustomerAsync(Token, new CreateCustomerRequest("acme"));

        Assert.Equal("rate_limited", Assert.IsType<Forbidden>(limited.Failure).Code);
        var violation = Assert.Single(Assert.IsType<ValidationFailed>(large.Failure).Violations);
        Assert.Equal(("request_body_too_large", "body"), (violation.Code, violation.Field));
    }

    [Fact]
    public async Task A_real_rate_limit_comes_back_as_rate_limited()
    {
        using var server = TestServer.Start(s => s with { InitialApiToken = Secret, RateLimitPerMinute = 1 });
        using var client = new ExploClient(server.Http);

        Assert.True((await client.ListGroupTagsAsync(Token)).IsSuccess);
        var limited = await client.ListGroupTagsAsync(Token);

        Assert.Equal("rate_limited", Assert.IsType<Forbidden>(limited.Failure).Code);
    }

    [Fact]
    public async Task A_cancelled_token_cancels_the_call()
    {
        using var server = TestServer.Start(s => s with { InitialApiToken = Secret });
        using var client = new ExploClient(server.Http);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ListGroupTagsAsync(Token, cancelled.Token));
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static string Describe(CustomerView c) => JsonSerializer.Serialize(new
    {
        c.Id.Value,
        c.ProvidedId,
        c.Name,
        c.Token,
        c.IsDemoGroup,
        Emails = c.Emails.ToArray(),
        GroupTags = c.GroupTags.ToArray(),
        Properties = PropertyMap.ToJson(c.Properties),
        Mapping = c.Mapping.Select(m => $"{m.Key}={m.Value}").ToArray(),
        c.HierarchyLevel,
        c.AccessGroup,
        c.ParentProvidedId,
        ComputedProperties = PropertyMap.ToJson(c.ComputedProperties),
        ComputedMapping = c.ComputedMapping.Select(m => $"{m.Key}={m.Value}").ToArray(),
        ComputedGroupTags = c.ComputedGroupTags.ToArray(),
        c.CreatedAt,
        c.UpdatedAt,
        c.Version,
    });

    /// <summary>Answers every request with <c>respond</c> and counts the requests.</summary>
    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(respond(request));
        }
    }
}
