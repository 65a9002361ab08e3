namespace Explo.Domain.Http.Tests;

public sealed class ServerStartupTests
{
    [Fact]
    public async Task A_new_database_gets_a_workspace_and_a_printed_read_write_token()
    {
        using var server = TestServer.Start();
        var secret = System.Text.RegularExpressions.Regex.Match(server.Announced, "[0-9a-f]{64}").Value;
        Assert.Equal(64, secret.Length);

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/create_customer/") { Content = new StringContent("""{"provided_id":"acme"}""") };
        request.Headers.Add("Explo-Authorization", $"Token {secret}");
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"access_group\":\"Production\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EXPLO_API_TOKEN_becomes_the_first_token_and_is_not_printed()
    {
        using var server = TestServer.Start(s => s with { InitialApiToken = "env-provided-secret-123" });
        Assert.DoesNotContain("env-provided-secret-123", server.Announced, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/group_tags/");
        request.Headers.Add("Explo-Authorization", "Token env-provided-secret-123");
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RunAsync_reports_a_file_that_is_not_a_database_in_one_line_and_leaves_it_alone()
    {
        var folder = Directory.CreateTempSubdirectory("explo-run-").FullName;
        try
        {
            var path = Path.Combine(folder, "explo.db");
            await File.WriteAllTextAsync(path, new string('x', 20_000));
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await Explo.Server.ExploServer.RunAsync(new Explo.Server.ExploServerOptions { DatabasePath = path, Urls = "http://127.0.0.1:0" }, output, error);

            Assert.Equal(1, code);
            var message = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(path, message, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
            Assert.Equal(new string('x', 20_000), await File.ReadAllTextAsync(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_reports_an_address_in_use_in_one_line()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var folder = Directory.CreateTempSubdirectory("explo-run-").FullName;
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var settings = new Explo.Server.ExploServerOptions { DatabasePath = Path.Combine(folder, "explo.db"), Urls = $"http://127.0.0.1:{port}" };

            var code = await Explo.Server.ExploServer.RunAsync(settings, output, error, _ => "configured");

            Assert.Equal(1, code);
            var message = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);

            // The start-up line is written once the server listens, so not at all here.
            Assert.DoesNotContain("configured", output.ToString(), StringComparison.Ordinal);

            // The store it opened is closed again: the file is free for another store in this process.
            using var again = new Explo.Domain.LiteDb.LiteDbWorkspaceStore(settings.DatabasePath);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
