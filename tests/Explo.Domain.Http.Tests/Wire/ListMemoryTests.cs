using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>
/// The hostile review's first finding, as a test: one parent with 255 properties of 1,000 characters (just under the
/// 256 KiB limit) and 9,000 children makes every list response huge (the v1 list is about 4.6 GB). The server runs as
/// its own process so its peak memory (VmHWM) is its own: every list must answer 200 and the peak stay under 1 GiB.
/// </summary>
public sealed class ListMemoryTests : IDisposable
{
    private const int Children = 9_000;
    private readonly TempDatabase _folder = new();

    public void Dispose() => _folder.Dispose();


    private static long PeakWorkingSetBytes(Process process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Reads a whole response without keeping it: its status and length, and whether it ends as JSON should.</summary>
    private static async Task<(HttpStatusCode Status, long Bytes, bool EndsWell)> Drain(HttpClient http, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Explo-Authorization", "Token " + token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        var last = (byte)0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
            last = buffer[read - 1];
        }

        return (response.StatusCode, total, last == (byte)'}');
    }

    private static async Task<HttpStatusCode> Post(HttpClient http, string path, string json, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Explo-Authorization", "Token " + token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Lists_amplified_by_inheritance_answer_200_within_one_GiB()
    {
        var token = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant() + Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
        var port = ServerProcess.FreePort();
        using var server = ServerProcess.Start(token, "--db", _folder.PathOf("explo.db"), "--urls", $"http://127.0.0.1:{port}");
        try
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (await server.StandardOutput.ReadLineAsync(timeout.Token) is { } line && !line.Contains("Application started", StringComparison.Ordinal))
                {
                }
            }

            _ = server.StandardOutput.ReadToEndAsync();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(5) };
            var value = new string('v', 1000);
            var properties = string.Join(",", Enumerable.Range(0, 255).Select(i => $"\"p{i:D3}\":\"{value}\""));
            Assert.Equal(HttpStatusCode.OK, await Post(http, "api/create_customer/", "{\"provided_id\":\"parent\",\"properties\":{" + properties + "}}", token));
            var rows = string.Join(",", Enumerable.Range(0, Children).Select(i => $$"""{"provided_id":"c{{i}}","parent_provided_id":"parent","hierarchy_level_name":"User"}"""));
            Assert.Equal(HttpStatusCode.OK, await Post(http, "api/import_customers/", $$"""{"customers":[{{rows}}]}""", token));

            // Four lists at once: the whole v1 list and three v2 pages of 1,000.
            var lists = await Task.WhenAll(
                Drain(http, "api/customers/", token),
                Drain(http, "v2/api/customers/?page=2&page_size=1000", token),
                Drain(http, "v2/api/customers/?page=5&page_size=1000", token),
                Drain(http, "v2/api/customers/?page=9&page_size=1000", token));

            var perChild = 255L * 1000; // each child carries the parent's properties once, in computed_properties
            Assert.All(lists, l => Assert.Equal(HttpStatusCode.OK, l.Status));
            Assert.All(lists, l => Assert.True(l.EndsWell));
            Assert.True(lists[0].Bytes > Children * perChild, $"v1 list of {lists[0].Bytes} bytes");
            Assert.All(lists.Skip(1), l => Assert.True(l.Bytes > 1000 * perChild, $"v2 page of {l.Bytes} bytes"));

            var peak = PeakWorkingSetBytes(server);
            Assert.True(peak < 1024L * 1024 * 1024, $"the server's peak working set was {peak / (1024 * 1024)} MiB");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
                await server.WaitForExitAsync();
            }
        }
    }
}
