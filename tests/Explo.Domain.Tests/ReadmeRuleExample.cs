using System.Collections.Immutable;
using System.Text.Json;
using Explo.Domain.Rules;

namespace Explo.Domain.Tests;

// README-RULE-START
/// <summary>A host's rule: a customer's <c>region</c> property, when given, is one of the regions the host serves.</summary>
public sealed class RegionIsKnown : Rule<CustomerProposal>
{
    private static readonly ImmutableArray<string> Regions = ["eu", "us"];

    public override string Code => "unknown_region";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.Properties is { } properties && properties.TryGetValue("region", out var region)
            && (region.ValueKind != JsonValueKind.String || !Regions.Contains(region.GetString() ?? string.Empty)))
        {
            yield return Broken("properties.region", $"properties.region must be one of {string.Join(", ", Regions)}; it is {region.GetRawText()}.");
        }
    }
}
// README-RULE-END

/// <summary>The README's host-rule example, compiled and run; <see cref="ReadmeTests"/> keeps the README's copy identical.</summary>
public static class ReadmeRuleExample
{
    public static async Task<string> RunAsync()
    {
        // README-RULE-USE-START
        var service = new ExploService(new Explo.Domain.InMemory.InMemoryWorkspaceStore(), new ExploServiceOptions { CustomerRules = [new RegionIsKnown()] });
        var secret = (await service.CreateApiTokenAsync(Caller.Administrator(), new("Production"))).SuccessValue.Secret;
        var created = await service.GetOrCreateCustomerAsync(Caller.WithApiToken(secret), new("acme") { Properties = PropertyMap.Parse("""{"region": "mars"}""") });
        var answer = created.Match(_ => "created", failure => failure.Code);  // "unknown_region": nothing was created
        // README-RULE-USE-END
        return answer;
    }
}
