using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>Raw HTTP against a real server: a read-write and a read-only token, and a snapshot of the whole state.</summary>
public abstract class WireTestBase : IDisposable
{
    protected WireTestBase(Func<Explo.Server.ExploServerOptions, Explo.Server.ExploServerOptions>? configure = null)
    {
        Server = TestServer.Start(configure);
        Writer = System.Text.RegularExpressions.Regex.Match(Server.Announced, "[0-9a-f]{64}").Value;
        ReadOnly = Server.Service.CreateApiTokenAsync(Caller.Administrator(), new CreateApiTokenRequest("Production", ReadOnly: true)).GetAwaiter().GetResult().SuccessValue.Secret;
    }

    protected TestServer Server { get; }

    protected string Writer { get; }

    protected string ReadOnly { get; }

    public void Dispose()
    {
        Server.Dispose();
        GC.SuppressFinalize(this);
    }

    protected async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, string? body = null, string? token = null, bool authorize = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorize)
        {
            request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + (token ?? Writer));
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await Server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    /// <summary>A request with the writer's token, a JSON body and extra headers (each value its own header line's), answered as bytes.</summary>
    protected async Task<(HttpStatusCode Status, byte[] Body, HttpResponseMessage Response)> SendWith(HttpMethod method, string path, string body, string header, params string[] values)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + Writer);
        foreach (var value in values)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await Server.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response);
    }

    protected Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Post(string path, string body, string? token = null) =>
        Send(HttpMethod.Post, path, body, token);

    /// <summary>Every customer (all DVGs, every field) and the number of stored events.</summary>
    protected async Task<string> Snapshot()
    {
        var customers = (await Server.Service.ListCustomersAsync(Caller.Administrator(), new CustomerFilter())).SuccessValue;
        var text = new StringBuilder();
        foreach (var c in customers)
        {
            text.Append(c.ProvidedId).Append('|').Append(c.Token).Append('|').Append(c.Version).Append('|').Append(PropertyMap.ToJson(c.Properties)).AppendLine();
        }

        var tags = (await Server.Service.ListGroupTagsAsync(Caller.Administrator())).SuccessValue;
        text.AppendLine(string.Join(",", tags.Select(t => t.Name)));
        text.Append("events ").Append(Server.Store.CountEvents());
        return text.ToString();
    }

    /// <summary>Sends a bad request and checks the status, the error body's shape and code, and that nothing changed.</summary>
    protected async Task<JsonNode> Rejected(HttpStatusCode status, string code, Func<Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)>> send, string? mentions = null)
    {
        var before = await Snapshot();
        var (actual, body, response) = await send();
        using (response)
        {
            Assert.Equal(status, actual);
            Assert.NotNull(body);
            Assert.Equal(0, (int)body!["success"]!);
            Assert.Equal(code, (string?)body["error_code"]);
            var error = (string?)body["error"];
            Assert.False(string.IsNullOrWhiteSpace(error));
            if (mentions is not null)
            {
                Assert.Contains(mentions, error, StringComparison.Ordinal);
            }

            var raw = body.ToJsonString();
            Assert.DoesNotContain("Exception", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", raw, StringComparison.Ordinal);
            Assert.DoesNotContain(Writer, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(ReadOnly, raw, StringComparison.Ordinal);
            Assert.Equal(before, await Snapshot());
            return body;
        }
    }

    protected static string Json(object value) => JsonSerializer.Serialize(value);
}
