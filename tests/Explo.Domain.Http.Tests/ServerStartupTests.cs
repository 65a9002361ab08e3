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
}
