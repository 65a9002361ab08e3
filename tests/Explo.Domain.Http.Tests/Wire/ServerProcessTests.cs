using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Explo.Domain.LiteDb;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>The real server as a child process: start-up, clean shutdown on SIGTERM, and usage errors.</summary>
public sealed class ServerProcessTests : IDisposable
{
    private readonly TempDatabase _folder = new();

    public void Dispose() => _folder.Dispose();


    private static Process Start(params string[] args) => ServerProcess.Start(null, args);

    private static async Task<string> LineMatching(Process process, string pattern)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (System.Text.RegularExpressions.Regex.Match(line, pattern) is { Success: true } match)
            {
                return match.Value;
            }
        }

        throw new InvalidOperationException("the server exited early: " + await process.StandardError.ReadToEndAsync());
    }

    [Fact]
    public async Task The_server_prints_its_token_serves_and_stops_cleanly_on_SIGTERM()
    {
        var db = _folder.PathOf("explo.db");
        var port = ServerProcess.FreePort();
        using var server = Start("--db", db, "--urls", $"http://127.0.0.1:{port}");
        try
        {
            var token = await LineMatching(server, "[0-9a-f]{64}");
            await LineMatching(server, "Application started");

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/create_customer/") { Content = new StringContent("""{"provided_id":"acme"}""") };
            request.Headers.Add("Explo-Authorization", "Token " + token);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await server.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, server.ExitCode);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }

        // The file was closed: a new store opens it at once and finds the customer.
        using var store = new LiteDbWorkspaceStore(db);
        Assert.NotNull(store.ReadNow(r => r.FindCustomerByProvidedId("acme")));
    }

    [Fact]
    public async Task A_bad_argument_is_a_usage_error_with_exit_code_2()
    {
        using var server = Start("--rate-limit", "abc");
        var error = await server.StandardError.ReadToEndAsync();
        await server.WaitForExitAsync();

        Assert.Equal(2, server.ExitCode);
        Assert.Contains("--rate-limit", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_second_server_on_the_same_file_fails_with_exit_code_1_naming_the_file()
    {
        var db = _folder.PathOf("shared.db");
        using var first = Start("--db", db, "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}");
        try
        {
            await LineMatching(first, "Application started");
            using var second = Start("--db", db, "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}");
            var error = await second.StandardError.ReadToEndAsync();
            await second.WaitForExitAsync();

            Assert.Equal(1, second.ExitCode);
            Assert.Contains(db, error, StringComparison.Ordinal);
        }
        finally
        {
            first.Kill();
            await first.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("--verbose")]
    [InlineData("--db=x.db --port 80")]
    [InlineData("serve")]
    public async Task An_unknown_argument_is_a_usage_error_naming_it(string args)
    {
        using var server = Start(args.Split(' '));
        var error = await server.StandardError.ReadToEndAsync();
        await server.WaitForExitAsync();

        Assert.Equal(2, server.ExitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"'{args.Split(' ').First(a => !a.StartsWith("--db", StringComparison.Ordinal))}'", line, StringComparison.Ordinal);
        Assert.Contains("Usage", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_rate_limit_from_the_environment_names_the_setting()
    {
        using var server = ServerProcess.Start(null, new Dictionary<string, string> { ["Explo__RateLimit"] = "0" }, null, "--db", _folder.PathOf("env.db"));
        var error = await server.StandardError.ReadToEndAsync();
        await server.WaitForExitAsync();

        Assert.Equal(2, server.ExitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--rate-limit (Explo:RateLimit)", line, StringComparison.Ordinal);
        Assert.Contains("'0'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_limit_from_the_environment_names_the_setting()
    {
        using var server = ServerProcess.Start(null, new Dictionary<string, string> { ["Explo__MaxPageSize"] = "0" }, null, "--db", _folder.PathOf("env.db"));
        var error = await server.StandardError.ReadToEndAsync();
        await server.WaitForExitAsync();

        Assert.Equal(2, server.ExitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("Explo:MaxPageSize must be between 1 and 100000; it is 0.", line.Trim());
        Assert.False(File.Exists(_folder.PathOf("env.db")));
    }

    /// <summary>The settings without arguments: the environment's (ASPNETCORE_URLS, Explo__Db, Explo__RateLimit), and appsettings.json's.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_settings_come_from_the_environment_or_appsettings_json(bool fromFile)
    {
        var port = ServerProcess.FreePort();
        var db = _folder.PathOf(fromFile ? "from-file.db" : "from-env.db");
        var environment = new Dictionary<string, string>();
        if (fromFile)
        {
            await File.WriteAllTextAsync(_folder.PathOf("appsettings.json"), $$"""{"Explo": {"Db": "{{db}}", "RateLimit": 2}, "urls": "http://127.0.0.1:{{port}}"}""");
        }
        else
        {
            environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            environment["Explo__Db"] = db;
            environment["Explo__RateLimit"] = "2";
        }

        using var server = ServerProcess.Start("settings-test-token-0123456789", environment, _folder.Folder);
        try
        {
            var started = await LineMatching(server, "Explo server on .*");
            Assert.Contains($"127.0.0.1:{port}", started, StringComparison.Ordinal);
            Assert.Contains(db, started, StringComparison.Ordinal);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 3; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "api/group_tags/");
                request.Headers.Add("Explo-Authorization", "Token settings-test-token-0123456789");
                using var response = await http.SendAsync(request);
                statuses.Add(response.StatusCode);
            }

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
            Assert.True(File.Exists(db));
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
    }
}
