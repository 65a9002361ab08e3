using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Explo.Domain.Analyzers.Tests;

public sealed class CoreIsCleanTests
{
    [Fact]
    public async Task The_real_core_compiles_with_no_analyzer_diagnostics()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Explo.Domain.sln")))
        {
            root = root.Parent!;
        }

        var core = Path.Combine(root.FullName, "src", "Explo.Domain");
        var sources = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f))
            .Append(CSharpSyntaxTree.ParseText("""
                global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq;
                global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;
                """))
            .ToList();
        Assert.True(sources.Count > 40, "the core's sources were not found");

        var compilation = AnalyzerHarness.Compile("Explo.Domain", sources, AnalyzerHarness.ReferencesWithoutCore);
        var analyzers = typeof(Descriptors).Assembly.GetTypes()
            .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        Assert.Equal(6, analyzers.Length);

        var diagnostics = await AnalyzerHarness.Analyze(compilation, analyzers, asCore: false);

        Assert.Empty(diagnostics);
    }
}
