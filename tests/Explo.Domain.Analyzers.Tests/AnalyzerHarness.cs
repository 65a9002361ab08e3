using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Explo.Domain.Analyzers.Tests;

/// <summary>
/// An offline analyzer test harness: compiles a snippet against the running runtime's trusted platform assemblies
/// (which include the core and OneOf), checks it has no compiler errors, runs analyzers, and compares the
/// diagnostics with the spans marked <c>[|...|]</c> in the snippet.
/// </summary>
internal static class AnalyzerHarness
{
    public const string Header = "using System; using System.Collections.Generic; using System.Linq; using System.Threading.Tasks; using Explo.Domain; using Explo.Domain.Rules;\n";

    private static readonly ImmutableArray<MetadataReference> AllReferences = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .DistinctBy(Path.GetFileName)
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .ToImmutableArray();

    /// <summary>The references without the core's own assembly (for compiling something named Explo.Domain).</summary>
    public static ImmutableArray<MetadataReference> ReferencesWithoutCore { get; } = AllReferences
        .Where(r => !string.Equals(Path.GetFileNameWithoutExtension(r.Display), "Explo.Domain", StringComparison.Ordinal))
        .ToImmutableArray();

    /// <summary>Asserts the analyzer reports exactly the marked spans (with its own id and a message), nothing else.</summary>
    public static async Task Verify(DiagnosticAnalyzer analyzer, string snippet, bool asCore = false, string assemblyName = "Explo.Domain.Snippet", bool withCore = true)
    {
        var header = withCore ? Header : "using System;\n";
        var (source, expected) = Unmark(header + snippet);
        var compilation = Compile(assemblyName, [CSharpSyntaxTree.ParseText(source, path: "Snippet.cs")], withCore ? AllReferences : ReferencesWithoutCore);
        var diagnostics = await Analyze(compilation, analyzer, asCore);

        var id = analyzer.SupportedDiagnostics.Single().Id;
        Assert.All(diagnostics, d =>
        {
            Assert.Equal(id, d.Id);
            Assert.False(string.IsNullOrWhiteSpace(d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        });
        var actual = diagnostics.Select(d => Describe(source, d.Location.SourceSpan)).Order().ToList();
        Assert.Equal(expected.Select(s => Describe(source, s)).Order(), actual);
    }

    public static CSharpCompilation Compile(string assemblyName, IEnumerable<SyntaxTree> trees, IEnumerable<MetadataReference> references)
    {
        var compilation = CSharpCompilation.Create(
            assemblyName,
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "the snippet does not compile:\n" + string.Join("\n", errors));
        return compilation;
    }

    public static async Task<ImmutableArray<Diagnostic>> Analyze(Compilation compilation, DiagnosticAnalyzer analyzer, bool asCore) =>
        await Analyze(compilation, [analyzer], asCore);

    public static async Task<ImmutableArray<Diagnostic>> Analyze(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, bool asCore)
    {
        var options = new AnalyzerOptions([], new GlobalOptionsProvider(asCore));
        return await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
    }

    private static string Describe(string source, TextSpan span) => $"{span.Start}..{span.End}: {source.Substring(span.Start, span.Length)}";

    /// <summary>Removes the [| |] markers and returns the spans they enclosed.</summary>
    private static (string Source, List<TextSpan> Spans) Unmark(string marked)
    {
        var text = new StringBuilder();
        var spans = new List<TextSpan>();
        var open = new Stack<int>();
        for (var i = 0; i < marked.Length; i++)
        {
            if (marked.AsSpan(i).StartsWith("[|"))
            {
                open.Push(text.Length);
                i++;
            }
            else if (marked.AsSpan(i).StartsWith("|]"))
            {
                var start = open.Pop();
                spans.Add(TextSpan.FromBounds(start, text.Length));
                i++;
            }
            else
            {
                text.Append(marked[i]);
            }
        }

        Assert.Empty(open);
        return (text.ToString(), spans);
    }

    /// <summary>Global analyzer options: <c>build_property.ExploDomainCore</c> when compiling as the core.</summary>
    private sealed class GlobalOptionsProvider(bool asCore) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global = new(asCore ? new Dictionary<string, string> { ["build_property.ExploDomainCore"] = "true" } : []);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static Options Empty { get; } = new([]);

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
