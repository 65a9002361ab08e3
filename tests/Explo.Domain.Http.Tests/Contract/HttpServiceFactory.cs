using Explo.Client;
using Explo.Domain.ContractTests;

namespace Explo.Domain.Http.Tests.Contract;

/// <summary>
/// The HTTP adapter for the contract suites: the port under test is <see cref="ExploClient"/> talking to a real
/// Kestrel server (LiteDB file, fresh per test) on loopback; admin set-up runs in-process on the server's own store.
/// </summary>
internal static class HttpServiceFactory
{
    public static ServiceUnderTest Create(ExploServiceOptions options)
    {
        var server = TestServer.Start(s => s with { ServiceOptions = options, Bootstrap = false });
        var client = new ExploClient(server.Http);
        return new ServiceUnderTest
        {
            Api = client,
            Admin = server.Service,
            EventCount = server.Store.CountEvents,
            WithIdempotencyKey = client.WithIdempotencyKey,
            OnDispose = () =>
            {
                client.Dispose();
                server.Dispose();
            },
        };
    }
}
