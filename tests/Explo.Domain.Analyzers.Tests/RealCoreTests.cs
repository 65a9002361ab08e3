using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Explo.Domain.Analyzers.Tests;

/// <summary>The real core (every source file of src/Explo.Domain) passes every analyzer (EXD007 on); the help pages exist.</summary>
public sealed class RealCoreTests
{
    private static readonly string Root = FindRoot();

    /// <summary>
    /// What System.Text.Json's source generator adds to the core (this plain compilation runs no generator, and the SDK's
    /// generator needs a newer Roslyn than the one the analyzers build against): just the members the core uses.
    /// </summary>
    private const string GeneratedStandIns = """
        namespace Explo.Domain.Ports
        {
            internal sealed partial class StoredJsonContext
            {
                public StoredJsonContext() : base(null) { }
                public static StoredJsonContext Default => null!;
                public System.Text.Json.Serialization.Metadata.JsonTypeInfo<StoredWorkspace> StoredWorkspace => null!;
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
            }
        }
        """;

    [Fact]
    public async Task The_core_compiles_with_no_analyzer_diagnostic()
    {
        var directory = Path.Combine(Root, "src", "Explo.Domain");
        var separator = Path.DirectorySeparatorChar;
        var trees = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{separator}obj{separator}", StringComparison.Ordinal) && !path.Contains($"{separator}bin{separator}", StringComparison.Ordinal))
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), AnalyzerHarness.ParseOptions, path))
            .Append(CSharpSyntaxTree.ParseText(AnalyzerHarness.ImplicitUsings, AnalyzerHarness.ParseOptions, "GlobalUsings.g.cs"))
            .Append(CSharpSyntaxTree.ParseText(GeneratedStandIns, AnalyzerHarness.ParseOptions, "StoredJsonContext.g.cs"))
            .ToList();
        Assert.True(trees.Count > 40, $"Only {trees.Count} files found under {directory}");

        // Named Explo.Domain, so EXD001 treats it as the core; no errors (warnings don't matter here).
        var compilation = AnalyzerHarness.Compile(trees, "Explo.Domain", [.. AnalyzerHarness.Framework, AnalyzerHarness.OneOf]);
        var diagnostics = await AnalyzerHarness.AnalyzeAsync(compilation);

        Assert.True(diagnostics.IsEmpty, string.Join("\n", diagnostics));
        Assert.NotNull(compilation.GetTypeByMetadataName("Explo.Domain.Rules.IRule`1"));
    }

    [Fact]
    public void Every_rule_has_a_help_page_and_a_release_entry_that_links_to_it()
    {
        var unshipped = File.ReadAllText(Path.Combine(Root, "analyzers", "Explo.Domain.Analyzers", "AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in AnalyzerHarness.Analyzers.SelectMany(a => a.SupportedDiagnostics))
        {
            Assert.Equal($"docs/analyzers/{descriptor.Id}.md", descriptor.HelpLinkUri);
            var page = File.ReadAllText(Path.Combine(Root, "docs", "analyzers", descriptor.Id + ".md"));
            Assert.StartsWith($"# {descriptor.Id}:", page, StringComparison.Ordinal);
            Assert.Contains("```csharp", page, StringComparison.Ordinal);
            Assert.Contains("#pragma warning disable " + descriptor.Id, page, StringComparison.Ordinal);

            // Release tracking's severity: the default one, or Disabled for a rule that is off by default (EXD007).
            var severity = descriptor.IsEnabledByDefault ? descriptor.DefaultSeverity.ToString() : "Disabled";
            Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            var row = Regex.Match(unshipped, $@"^{descriptor.Id} \| {descriptor.Category} \| {severity} \| \w+, \[Documentation\]\((?<link>[^)]+)\)$", RegexOptions.Multiline);
            Assert.True(row.Success, $"No release entry for {descriptor.Id} ({descriptor.Category})");
            var linked = Path.GetFullPath(Path.Combine(Root, "analyzers", "Explo.Domain.Analyzers", row.Groups["link"].Value));
            Assert.Equal(Path.Combine(Root, "docs", "analyzers", descriptor.Id + ".md"), linked);
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Explo.Domain.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Explo.Domain.sln not found above " + AppContext.BaseDirectory);
    }
}
