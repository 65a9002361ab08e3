using Explo.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

    [Theory]
    [InlineData("MaxPageSize", "0", "Explo:MaxPageSize must be between 1 and 100000; it is 0.")]
    [InlineData("MaxEmails", "many", "Explo:MaxEmails must be a whole number; got 'many'.")]
    public void A_bad_limit_in_the_settings_is_a_sentence_naming_it(string name, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new($"Explo:{name}", value)]).Build();
        var (options, error) = ExploServerOptions.From(configuration);
        Assert.Null(options);
        Assert.Equal(expected, error);
    }

    [Fact]
    public async Task The_limits_in_the_settings_are_the_service_s_and_the_endpoints()
    {
        var (builder, _) = ExploServer.CreateBuilder([]);
        builder!.Configuration.AddInMemoryCollection([new("Explo:MaxPageSize", "25")]);
        var folder = Directory.CreateTempSubdirectory("explo-limits-").FullName;
        try
        {
            var (options, error) = ExploServerOptions.From(builder.Configuration);
            Assert.Null(error);
            var app = await ExploServer.BuildAsync(options! with { DatabasePath = Path.Combine(folder, "explo.db"), Urls = "http://127.0.0.1:0" }, TextWriter.Null);
            using (app as IDisposable)
            {
                Assert.Equal(ExploLimits.Default, app.Services.GetRequiredService<ExploService>().Limits);
            }

            // The settings the server's own builder reads (appsettings.json, the environment, the command line) are bound.
            var server = await ExploServer.BuildAsync(options! with { DatabasePath = Path.Combine(folder, "bound.db"), Urls = "http://127.0.0.1:0" }, builder, TextWriter.Null);
            using (server as IDisposable)
            {
                Assert.Equal(25, server.Services.GetRequiredService<ExploService>().Limits.MaxPageSize);
                Assert.Equal(25, server.Services.GetRequiredService<IOptions<ExploHttpOptions>>().Value.Limits.MaxPageSize);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
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
