namespace Explo.Domain.ContractTests;

/// <summary>The smallest end-to-end path: create a parent and a child and read the inherited fields.</summary>
public abstract class SmokeContract : ContractTestBase
{
    [Fact]
    public async Task A_child_inherits_its_parents_properties()
    {
        await Create("acme", with: r => r with { Properties = PropertyMap.Of(("region", "eu"), ("plan", "gold")) });
        var child = await Create("acme-bob", level: "User", parent: "acme", with: r => r with { Properties = PropertyMap.Of(("plan", "silver")) });

        Assert.Equal("acme", child.ParentProvidedId);
        Assert.Equal("""{"region":"eu","plan":"silver"}""", PropertyMap.ToJson(child.ComputedProperties));
    }
}
