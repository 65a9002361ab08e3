using System.Net;
using System.Text.RegularExpressions;
using Explo.Server;

namespace Explo.Domain.Http.Tests;

/// <summary>
/// The server on PostgreSQL (<c>--postgres</c>): several instances on one database bootstrap it once and see each
/// other's writes at once; a database that can't be reached is a one-sentence start-up failure.
/// </summary>
public sealed partial class PostgresServerTests
{
    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex Secret();

    private static async Task<HttpResponseMessage> Post(TestServer server, string path, string body, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body) };
        request.Headers.Add("Explo-Authorization", $"Token {secret}");
        return await server.Http.SendAsync(request);
    }

    [Fact]
    public async Task Two_servers_starting_together_on_one_new_database_bootstrap_it_once_and_each_sees_the_other_s_writes()
    {
        using var place = PostgresCluster.NewSchema();
        var started = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => TestServer.Start(s => s with { PostgresConnectionString = place.ConnectionString }))));
        using var first = started[0];
        using var second = started[1];

        // Exactly one of them created the workspace and printed its token; the token works on both.
        var secret = Assert.Single(started.Select(s => Secret().Match(s.Announced).Value), s => s.Length == 64);
        using (var created = await Post(first, "api/create_customer/", """{"provided_id":"acme","properties":{"plan":"pro"}}""", secret))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        using (var read = await Post(second, "api/get_customer/", """{"provided_id":"acme"}""", secret))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Contains("\"plan\":\"pro\"", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var updated = await Post(second, "api/update_customer/", """{"provided_id":"acme","properties":{"plan":"enterprise"}}""", secret))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }

        using var again = await Post(first, "api/get_customer/", """{"provided_id":"acme"}""", secret);
        Assert.Contains("\"plan\":\"enterprise\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single((await first.Service.ListApiTokensAsync(Caller.Administrator())).SuccessValue);
    }

    [Fact]
    public async Task While_PostgreSQL_restarts_requests_get_503_and_they_succeed_again_once_it_is_back_without_a_server_restart()
    {
        using var cluster = PostgresCluster.StartOwn();
        using var server = TestServer.Start(s => s with { PostgresConnectionString = cluster.ConnectionString });
        var secret = Secret().Match(server.Announced).Value;
        using (var created = await Post(server, "api/create_customer/", """{"provided_id":"acme"}""", secret))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        cluster.Stop();
        using (var down = await Post(server, "api/create_customer/", """{"provided_id":"while-down"}""", secret))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("1", down.Headers.RetryAfter?.ToString());
            var body = await down.Content.ReadAsStringAsync();
            Assert.Contains("\"error_code\":\"store_unavailable\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal); // where the database is stays in the log
        }

        using (var health = await server.Http.GetAsync("healthz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }

        cluster.Start();
        var status = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 50 && status != HttpStatusCode.OK; attempt++)
        {
            // The first requests may still meet connections the restart cut; each is answered 503 and the next retried.
            using var again = await Post(server, "api/get_customer/", """{"provided_id":"acme"}""", secret);
            status = again.StatusCode;
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"answered {status}");
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(200);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
        using var afterwards = await Post(server, "api/get_customer/", """{"provided_id":"while-down"}""", secret);
        Assert.Equal(HttpStatusCode.NotFound, afterwards.StatusCode); // the refused create changed nothing
    }

    [Fact]
    public async Task A_database_that_can_t_be_reached_stops_the_server_with_one_sentence()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await ExploServer.RunAsync(
            new ExploServerOptions { PostgresConnectionString = "Host=127.0.0.1;Port=1;Database=explo;Username=explo;Timeout=3", Urls = "http://127.0.0.1:0" },
            output,
            error);

        Assert.Equal(1, code);
        var message = error.ToString().TrimEnd();
        Assert.DoesNotContain('\n', message);
        Assert.Contains("127.0.0.1:1", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }
}
