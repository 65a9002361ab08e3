using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Explo.Tests.Shared;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>
/// Every way the real server process can fail to start: exit code 1 and one sentence on standard error naming the
/// problem (and the path or address), with no stack trace, no exception's type and no log lines of Kestrel's own.
/// </summary>
public sealed class ServerStartFailureTests : IDisposable
{
    private readonly TempDatabase _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Cases() => [.. StartFailure.Cases];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_database_that_cant_be_opened_is_one_sentence_and_exit_code_1(string name)
    {
        using var failure = StartFailure.Arrange(name, _folder.Folder);

        var (exit, output, error) = await RunServer("--db", failure.Path, "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}");

        failure.AssertReported(exit, output, error);
    }

    [Fact]
    public async Task An_address_in_use_is_one_sentence_and_exit_code_1()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var db = StartFailure.NewDatabase(_folder.Folder);

        var (exit, output, error) = await RunServer("--db", db, "--urls", $"http://127.0.0.1:{port}");

        StartFailure.AssertOneLine(exit, output, error, [$"127.0.0.1:{port}", "in use"]);

        // The server closed the file as it gave up.
        using var again = new Explo.Domain.LiteDb.LiteDbWorkspaceStore(db);
    }

    [Fact]
    public async Task An_unusable_EXPLO_API_TOKEN_is_one_sentence_and_exit_code_1()
    {
        var db = _folder.PathOf("new.db");

        var (exit, output, error) = await RunServerWithToken("short", "--db", db, "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}");

        Assert.True(exit == 1, $"exit code {exit}; output: {output}; error: {error}");
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("EXPLO_API_TOKEN", line, StringComparison.Ordinal);
    }


    private static Task<(int Exit, string Output, string Error)> RunServer(params string[] args) => RunServerWithToken("start-failure-test-token", args);

    private static async Task<(int Exit, string Output, string Error)> RunServerWithToken(string apiToken, params string[] args)
    {
        using var server = ServerProcess.Start(apiToken, args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var output = server.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = server.StandardError.ReadToEndAsync(timeout.Token);
            await server.WaitForExitAsync(timeout.Token);
            return (server.ExitCode, await output, await error);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }
    }
}
