using Explo.Domain.Rules;

namespace Explo.Domain.Tests.Rules;

public sealed class RequestRulesTests
{
    [Fact]
    public void A_body_at_the_limit_passes_and_one_byte_more_is_too_large()
    {
        var limits = ExploLimits.Default;
        Assert.Empty(RuleSets.Request.Check(new RequestEnvelope(limits.MaxRequestBodyBytes, 1, limits)));

        var violation = Assert.Single(RuleSets.Request.Check(new RequestEnvelope(limits.MaxRequestBodyBytes + 1, 1, limits)));
        Assert.Equal("request_body_too_large", violation.Code);
        Assert.Equal("body", violation.Field);
        Assert.Contains("1048577", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_nested_beyond_the_limit_is_too_deep()
    {
        var limits = ExploLimits.Default with { MaxJsonDepth = 3 };
        Assert.Empty(RuleSets.Request.Check(new RequestEnvelope(10, 3, limits)));

        var violation = Assert.Single(RuleSets.Request.Check(new RequestEnvelope(10, 4, limits)));
        Assert.Equal("json_too_deep", violation.Code);
    }

    [Fact]
    public void Both_envelope_limits_are_reported_together()
    {
        var limits = ExploLimits.Default with { MaxRequestBodyBytes = 5, MaxJsonDepth = 1 };
        var codes = RuleSets.Request.Check(new RequestEnvelope(6, 2, limits)).Select(v => v.Code);
        Assert.Equal(["request_body_too_large", "json_too_deep"], codes);
    }
}
