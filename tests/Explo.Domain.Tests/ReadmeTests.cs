namespace Explo.Domain.Tests;

public sealed class ReadmeTests
{
    [Fact]
    public async Task The_readme_example_runs_and_reads_an_inherited_property()
    {
        Assert.Equal("eu", await ReadmeExample.RunAsync());
    }

    [Fact]
    public async Task The_readme_rule_example_refuses_an_unknown_region()
    {
        Assert.Equal("unknown_region", await ReadmeRuleExample.RunAsync());
    }

    [Fact]
    public void The_readme_testing_example_runs()
    {
        ReadmeTestingExample.Run();
    }

    [Theory]
    [InlineData("ReadmeExample.cs", "README-EXAMPLE")]
    [InlineData("ReadmeTestingExample.cs", "README-TESTING")]
    [InlineData("ReadmeRuleExample.cs", "README-RULE")]
    [InlineData("ReadmeRuleExample.cs", "README-RULE-USE")]
    public void The_readme_shows_the_example_exactly_as_it_is_compiled(string file, string marker)
    {
        var root = FindRepositoryRoot();
        var source = File.ReadAllLines(Path.Combine(root, "tests", "Explo.Domain.Tests", file));
        var start = Array.FindIndex(source, l => l.Contains(marker + "-START", StringComparison.Ordinal));
        var end = Array.FindIndex(source, l => l.Contains(marker + "-END", StringComparison.Ordinal));
        Assert.True(start >= 0 && end > start);
        var example = source[(start + 1)..end].Select(l => l.Trim()).ToList();

        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var normalisedReadme = string.Join('\n', readme.Split('\n').Select(l => l.Trim()));
        Assert.Contains(string.Join('\n', example), normalisedReadme, StringComparison.Ordinal);
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Explo.Domain.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Explo.Domain.sln not found above the test's folder.");
    }
}
