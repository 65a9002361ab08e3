using Xunit.Abstractions;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>Latency tests: they run alone (after the other tests of this assembly), so they measure the server, not the other tests.</summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection;

/// <summary>A long import must not stall the reads of other clients (the reads run between its batches).</summary>
[Collection(nameof(TimingCollection))]
public sealed class LongImportTests(ITestOutputHelper output) : WireTestBase
{
    /// <summary>A get starts every this many milliseconds while the import runs.</summary>
    private const double IntervalMs = 10;

    /// <summary>At most this many gets wait at once (more only when the server has stalled anyway).</summary>
    private const int MaxInFlight = 32;

    [Fact]
    public async Task Gets_of_another_customer_stay_fast_while_a_one_megabyte_import_runs()
    {
        await Ok(Post("api/create_customer/", """{"provided_id": "bystander", "properties": {"plan": "gold"}}"""));

        // Warm up both paths (JIT, connection pool, the store's cache), so what is timed is the steady state.
        await Ok(Post("api/import_customers/", Body(Enumerable.Range(0, 2_000).Select(i => "w" + i.ToString(CultureInfo.InvariantCulture)))));
        for (var i = 0; i < 50; i++)
        {
            await Ok(Post("api/get_customer/", """{"provided_id": "bystander"}"""));
        }

        // 40,000 small rows, about 1 MB: within the adapter's 1 MiB body limit.
        var body = Body(Enumerable.Range(0, 40_000).Select(i => "i" + i.ToString("D5", CultureInfo.InvariantCulture)));
        Assert.InRange(Encoding.UTF8.GetByteCount(body), 950_000, 1024 * 1024);

        // Gets start at a steady rate, each on its own, whether or not the ones before it have answered (an open loop:
        // a stall of the server shows as every get started during it being slow, not as one slow get). Only the gets
        // started while the import is in flight are timed. The thread pool gets room for the gets that wait, so what is
        // timed is the store, not the pool's slow growth.
        ThreadPool.GetMinThreads(out var workers, out var ports);
        ThreadPool.SetMinThreads(Math.Max(workers, 2 * MaxInFlight), ports);
        try
        {
            using var importer = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
            var clock = Stopwatch.StartNew();
            var import = Task.Run(() => Import(importer, body));
            var gets = new List<Task<(double Start, double End)>>();
            for (var due = 0.0; !import.IsCompleted; due += IntervalMs)
            {
                var wait = due - clock.Elapsed.TotalMilliseconds;
                if (wait > 1)
                {
                    await Task.WhenAny(import, Task.Delay(TimeSpan.FromMilliseconds(wait)));
                }

                while (gets.Count(g => !g.IsCompleted) >= MaxInFlight && !import.IsCompleted)
                {
                    await Task.WhenAny(gets.Where(g => !g.IsCompleted).Cast<Task>().Append(import));
                }

                if (!import.IsCompleted)
                {
                    gets.Add(TimedGet(clock));
                }
            }

            var imported = await Ok(import);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            var timed = await Task.WhenAll(gets);
            Assert.Equal(40_000, (int)imported["created"]!);
            Assert.Empty(imported["errors"]!.AsArray());

            var latencies = timed.Where(g => g.Start < elapsed).Select(g => g.End - g.Start).Order().ToList();
            var p50 = latencies.Count == 0 ? double.NaN : latencies[latencies.Count / 2];
            var p99 = latencies.Count == 0 ? double.NaN : latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1];
            var summary = string.Create(CultureInfo.InvariantCulture, $"import {elapsed:0} ms; {latencies.Count} gets started during it: p50 {p50:0.0} ms, p99 {p99:0.0} ms, max {(latencies.Count == 0 ? double.NaN : latencies[^1]):0.0} ms");
            output.WriteLine(summary);
            Assert.True(latencies.Count >= 20, "Too few gets ran during the import: " + summary);

            // Reads never wait for an import's commits (they only add customers), only for the moment each batch's
            // commit updates the store's lists and caches. Before the fix a get waited for the whole import.
            const double bound = 200;
            Assert.True(p99 < bound, string.Create(CultureInfo.InvariantCulture, $"Gets stalled behind the import (bound {bound:0} ms): {summary}"));
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, ports);
        }
    }

    /// <summary>A get of the bystander, timed on <paramref name="clock"/>.</summary>
    private async Task<(double Start, double End)> TimedGet(Stopwatch clock)
    {
        var start = clock.Elapsed.TotalMilliseconds;
        (HttpStatusCode Status, System.Text.Json.Nodes.JsonNode? Body, HttpResponseMessage Response) answer;
        try
        {
            answer = await Post("api/get_customer/", """{"provided_id": "bystander"}""");
        }
        catch (TaskCanceledException)
        {
            return (start, clock.Elapsed.TotalMilliseconds); // the client's timeout: stalled for 30 s
        }

        var end = clock.Elapsed.TotalMilliseconds;
        var (status, got, response) = answer;
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("gold", (string?)got!["customer"]!["properties"]!["plan"]);
        return (start, end);
    }

    /// <summary>Sends an import on its own client, which waits as long as the import takes on a slow machine.</summary>
    private async Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode? Body, HttpResponseMessage Response)> Import(HttpClient client, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/import_customers/") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + Writer);
        var response = await client.SendAsync(request);
        return (response.StatusCode, System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync()), response);
    }

    private static string Body(IEnumerable<string> ids) =>
        "{\"customers\":[" + string.Join(',', ids.Select(id => "{\"provided_id\":\"" + id + "\"}")) + "]}";

    private static async Task<System.Text.Json.Nodes.JsonNode> Ok(Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode? Body, HttpResponseMessage Response)> call)
    {
        var (status, body, response) = await call;
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body?.ToJsonString()}");
        return body!;
    }
}
