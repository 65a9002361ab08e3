using System.Collections.Immutable;
using System.Text.Json;
using Explo.Domain;
using Explo.Domain.Rules;

/// <summary>The host's own rule (as the README shows it).</summary>
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
