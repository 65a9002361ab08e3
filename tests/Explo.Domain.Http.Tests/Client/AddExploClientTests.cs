using System.Net;
using Explo.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Explo.Domain.Http.Tests.Client;

/// <summary>AddExploClient: the client as a typed client of IHttpClientFactory, retrying only what is safe to send twice.</summary>
public sealed class AddExploClientTests
{
    [Fact]
    public async Task The_ports_are_the_client_holding_the_token_against_the_server()
    {
        using var server = TestServer.Start();
        var secret = System.Text.RegularExpressions.Regex.Match(server.Announced, "[0-9a-f]{64}").Value;
        var services = new ServiceCollection();
        services.AddExploClient(server.BaseAddress, secret);
        using var provider = services.BuildServiceProvider();

        var customers = provider.GetRequiredService<ICustomerService>();
        Assert.IsType<ExploClient>(customers);
        Assert.IsType<ExploClient>(provider.GetRequiredService<IExploApi>());
        Assert.IsType<ExploClient>(provider.GetRequiredService<IGroupTagService>());
        Assert.IsType<ExploClient>(provider.GetRequiredService<IUserGroupService>());

        var client = provider.GetRequiredService<ExploClient>();
        Assert.True((await customers.GetOrCreateCustomerAsync(client.Caller, new CreateCustomerRequest("acme"))).IsSuccess);
        Assert.Equal("acme", (await client.GetCustomerAsync(client.Caller, "acme")).Value!.ProvidedId);
    }

    [Fact]
    public async Task Only_GET_requests_are_retried()
    {
        var handler = new Unavailable();
        var services = new ServiceCollection();
        services.AddExploClient(new Uri("http://127.0.0.1:9"), "secret", o => o.Retry.Delay = TimeSpan.Zero)
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<ExploClient>();

        await Assert.ThrowsAnyAsync<Exception>(() => client.ListGroupTagsAsync(client.Caller));
        Assert.Equal(new Dictionary<HttpMethod, int> { [HttpMethod.Get] = 4 }, handler.Calls);

        handler.Calls.Clear();
        await Assert.ThrowsAnyAsync<Exception>(() => client.CreateGroupTagAsync(client.Caller, "vip"));
        Assert.Equal(new Dictionary<HttpMethod, int> { [HttpMethod.Post] = 1 }, handler.Calls);
    }

    /// <summary>Answers every request 503, counting them by method.</summary>
    private sealed class Unavailable : HttpMessageHandler
    {
        public Dictionary<HttpMethod, int> Calls { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Calls)
            {
                Calls[request.Method] = Calls.GetValueOrDefault(request.Method) + 1;
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("busy") });
        }
    }
}
