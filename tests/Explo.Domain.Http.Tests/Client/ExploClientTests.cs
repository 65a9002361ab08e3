using System.Net;
using System.Net.Sockets;
using Explo.Client;

namespace Explo.Domain.Http.Tests.Client;

public sealed class ExploClientTests
{
    [Fact]
    public async Task A_network_failure_is_an_exception_not_a_result()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        using var client = new ExploClient(new Uri($"http://127.0.0.1:{port}/"));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetCustomerAsync(Caller.WithApiToken("x"), "acme"));
    }

    [Fact]
    public async Task Administrator_callers_are_refused_without_a_request()
    {
        var handler = new CountingHandler();
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:9/") };
        using var client = new ExploClient(http);

        var asAdministrator = await client.GetCustomerAsync(Caller.Administrator(), "acme");
        var tagsAsAdministrator = await client.ListGroupTagsAsync(Caller.Administrator("Production"));

        Assert.Equal("admin_required", Assert.IsType<Forbidden>(asAdministrator.Failure).Code);
        Assert.Equal("admin_required", Assert.IsType<Forbidden>(tagsAsAdministrator.Failure).Code);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task An_unexpected_server_answer_is_an_exception_naming_the_status()
    {
        var handler = new CountingHandler { Status = HttpStatusCode.BadGateway, Body = "<html>proxy error</html>" };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:9/") };
        using var client = new ExploClient(http);

        var error = await Assert.ThrowsAsync<ExploClientException>(() => client.GetCustomerAsync(Caller.WithApiToken("x"), "acme"));
        Assert.Equal(502, error.StatusCode);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task The_token_goes_in_the_explo_authorization_header_and_failures_keep_the_server_code()
    {
        var handler = new CountingHandler { Status = HttpStatusCode.NotFound, Body = """{"success":0,"error":"No customer has provided_id 'acme'.","error_code":"customer_not_found"}""" };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:9/prefix") };
        using var client = new ExploClient(http);

        var result = await client.GetCustomerAsync(Caller.WithApiToken("s3cret"), "acme");

        var failure = Assert.IsType<NotFound>(result.Failure);
        Assert.Equal("customer_not_found", failure.Code);
        Assert.Equal("Token s3cret", handler.LastAuthorization);
        Assert.Equal("/prefix/api/get_customer/", handler.LastPath);
        Assert.Equal("""{"provided_id":"acme"}""", handler.LastBody);
    }

    [Fact]
    public async Task A_client_configured_with_a_token_offers_it_as_its_caller()
    {
        var handler = new CountingHandler { Body = """{"success":1,"group_tags":[{"name":"a"}]}""" };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:9/") };
        using var client = new ExploClient(http, "configured-token");

        var tags = await client.ListGroupTagsAsync(client.Caller);

        Assert.Equal(["a"], tags.SuccessValue.Select(t => t.Name));
        Assert.Equal("Token configured-token", handler.LastAuthorization);
        Assert.Null(handler.LastBody);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Calls { get; private set; }

        public HttpStatusCode Status { get; init; } = HttpStatusCode.OK;

        public string Body { get; init; } = "{}";

        public string? LastAuthorization { get; private set; }

        public string? LastPath { get; private set; }

        public string? LastBody { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            LastAuthorization = request.Headers.TryGetValues("Explo-Authorization", out var values) ? values.Single() : null;
            LastPath = request.RequestUri!.AbsolutePath;
            LastBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(Status) { Content = new StringContent(Body) };
        }
    }
}
