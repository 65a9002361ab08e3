using System.Net;

namespace Explo.Domain.Http.Tests.Wire;

public sealed class RateLimitTests : WireTestBase
{
    public RateLimitTests()
        : base(s => s with { RateLimitPerMinute = 3 })
    {
    }

    [Fact]
    public async Task Over_the_limit_a_token_gets_429_with_retry_after_while_another_token_goes_on()
    {
        for (var i = 0; i < 3; i++)
        {
            var (status, _, response) = await Send(HttpMethod.Get, "api/group_tags/");
            response.Dispose();
            Assert.Equal(HttpStatusCode.OK, status);
        }

        var (limited, body, limitedResponse) = await Send(HttpMethod.Get, "api/group_tags/");
        using (limitedResponse)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited);
            Assert.Equal("rate_limited", (string?)body!["error_code"]);
            Assert.True(int.Parse(limitedResponse.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        }

        var (other, _, otherResponse) = await Send(HttpMethod.Get, "api/group_tags/", token: ReadOnly);
        otherResponse.Dispose();
        Assert.Equal(HttpStatusCode.OK, other);
    }
}

public sealed class NoRateLimitByDefaultTests : WireTestBase
{
    [Fact]
    public async Task Without_rate_limit_many_requests_all_pass()
    {
        for (var i = 0; i < 20; i++)
        {
            var (status, _, response) = await Send(HttpMethod.Get, "api/group_tags/");
            response.Dispose();
            Assert.Equal(HttpStatusCode.OK, status);
        }
    }
}
