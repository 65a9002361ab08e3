using System.Net;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>Cursor pages on the wire (issue 17, point 5): next_cursor always present (null on the last page), and the query's errors.</summary>
public sealed class CursorPageTests : WireTestBase
{
    [Fact]
    public async Task Next_cursor_is_written_on_every_page_and_null_on_the_last()
    {
        for (var i = 0; i < 5; i++)
        {
            await Post("/api/create_customer/", Json(new { provided_id = $"c{i}" }));
        }

        var (status, first, response) = await Send(HttpMethod.Get, "/v2/api/customers/?page_size=3");
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        var cursor = (string?)first!["next_cursor"];
        Assert.False(string.IsNullOrEmpty(cursor));

        var (_, second, secondResponse) = await Send(HttpMethod.Get, $"/v2/api/customers/?page_size=3&cursor={Uri.EscapeDataString(cursor!)}");
        secondResponse.Dispose();
        Assert.True(second!.AsObject().ContainsKey("next_cursor"));
        Assert.Null(second["next_cursor"]);
        Assert.Equal(5, (int)second["total_count"]!);
        Assert.Equal(["c3", "c4"], second["results"]!["customers"]!.AsArray().Select(c => (string)c!["provided_id"]!));
    }

    [Theory]
    [InlineData("/v2/api/customers/?cursor=nonsense")]
    [InlineData("/v2/api/customers/?cursor=")]
    [InlineData("/v2/api/customers/?cursor=ZXYxOjE")]
    [InlineData("/v2/api/customers/?page=1&cursor=Y3UxOjE6MDAwMDAwMDA")]
    public async Task A_bad_cursor_or_a_cursor_with_a_page_is_400_invalid_cursor(string path)
    {
        await Post("/api/create_customer/", Json(new { provided_id = "acme" }));

        var body = await Rejected(HttpStatusCode.BadRequest, "invalid_cursor", () => Send(HttpMethod.Get, path), mentions: "cursor");

        Assert.Equal("cursor", (string?)body["errors"]![0]!["field"]);
    }
}
