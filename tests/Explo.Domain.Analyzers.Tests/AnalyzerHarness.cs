using System.Collections.Immutable;
using Explo.Domain.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Explo.Domain.Analyzers.Tests;

/// <summary>
/// Compiles a source snippet offline (the running runtime's framework assemblies, plus the core and OneOf) and runs
/// every analyzer of the package on it. In a snippet, <c>[|...|]</c> marks where the test's rule must report and
/// <c>{|EXD00N:...|}</c> where another rule must; nothing else may be reported. The snippet must compile without errors.
/// Rules that are off by default (EXD007) are turned on, as src/.editorconfig turns them on for the repository.
/// </summary>
internal static class AnalyzerHarness
{
    public const string SnippetAssembly = "Explo.Domain.Snippet";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    /// <summary>The SDK's implicit usings for a class library (ImplicitUsings=enable).</summary>
    public const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = [
        new CoreInfrastructureAnalyzer(), new PureRuleAnalyzer(), new RuleCodeAnalyzer(),
        new DiscardedResultAnalyzer(), new NoThrowAnalyzer(), new EncapsulatedEntityAnalyzer(), new BlockingAnalyzer()];

    /// <summary>The rules that are off unless a project turns them on (EXD007).</summary>
    public static readonly ImmutableArray<string> OptIn = [..
        Analyzers.SelectMany(a => a.SupportedDiagnostics).Where(d => !d.IsEnabledByDefault).Select(d => d.Id)];

    /// <summary>The shared framework's assemblies, taken from the trusted platform assemblies of this process.</summary>
    public static readonly ImmutableArray<MetadataReference> Framework = [..
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == Path.GetDirectoryName(typeof(object).Assembly.Location))
            .Select(path => MetadataReference.CreateFromFile(path))];

    public static readonly MetadataReference Core = MetadataReference.CreateFromFile(typeof(ExploService).Assembly.Location);

    public static readonly MetadataReference OneOf = MetadataReference.CreateFromFile(typeof(OneOf.OneOf<int>).Assembly.Location);

    /// <summary>Asserts that the analyzers report exactly the marked spans (default id: <paramref name="id"/>).</summary>
    public static async Task VerifyAsync(string id, string markedSource, string assemblyName = SnippetAssembly, bool referenceCore = true, bool asCore = false, bool optIn = true)
    {
        var (source, expected) = Parse(markedSource, id);
        var tree = CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Snippet.cs");
        var extra = source.Contains("UseCaseBase", StringComparison.Ordinal) ? UseCaseBase() : "";
        var compilation = Compile([tree, CSharpSyntaxTree.ParseText(ImplicitUsings + extra, ParseOptions, path: "Usings.cs")],
            assemblyName, referenceCore ? [.. Framework, Core, OneOf] : Framework);
        var actual = await AnalyzeAsync(compilation, asCore, optIn);

        Assert.All(actual, d => Assert.Equal(tree, d.Location.SourceTree));
        Assert.All(actual, d => Assert.False(string.IsNullOrWhiteSpace(d.GetMessage()) || d.GetMessage().Contains("{0}", StringComparison.Ordinal), d.GetMessage()));
        var found = actual.Select(d => (d.Id, d.Location.SourceSpan, Text: source[d.Location.SourceSpan.Start..d.Location.SourceSpan.End]))
            .OrderBy(d => d.SourceSpan.Start).ToList();
        var wanted = expected.Select(e => (e.Id, e.Span, Text: source[e.Span.Start..e.Span.End])).OrderBy(d => d.Span.Start).ToList();
        Assert.Equal(string.Join("\n", wanted), string.Join("\n", found));
    }

    public static CSharpCompilation Compile(IEnumerable<SyntaxTree> trees, string assemblyName, IEnumerable<MetadataReference> references)
    {
        var compilation = CSharpCompilation.Create(assemblyName, trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The snippet does not compile:\n" + string.Join("\n", errors));
        return compilation;
    }

    /// <summary>
    /// Every analyzer diagnostic, compilation-end ones included; with <paramref name="asCore"/>, the project sets
    /// ExploDomainCore=true; with <paramref name="optIn"/>, the rules that are off by default are set to error
    /// (<c>dotnet_diagnostic.EXD007.severity = error</c>), otherwise they keep their defaults, as in a host.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, bool asCore = false, bool optIn = true)
    {
        if (optIn)
        {
            compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
                compilation.Options.SpecificDiagnosticOptions.SetItems(OptIn.Select(id => KeyValuePair.Create(id, ReportDiagnostic.Error)))));
        }

        var options = new AnalyzerOptions([], new GlobalOptionsProvider(asCore ? new() { ["build_property.ExploDomainCore"] = "true" } : []));
        return await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>Strips the markers; returns the source and the expected (id, span) pairs.</summary>
    private static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string marked, string id)
    {
        var text = new System.Text.StringBuilder();
        var open = new Stack<(int Start, string Id)>();
        var expected = new List<(string, TextSpan)>();
        for (var i = 0; i < marked.Length; i++)
        {
            if (marked.AsSpan(i).StartsWith("[|"))
            {
                open.Push((text.Length, id));
                i++;
            }
            else if (marked.AsSpan(i).StartsWith("{|") && marked.IndexOf(':', i) is var colon and > 0)
            {
                open.Push((text.Length, marked[(i + 2)..colon]));
                i = colon;
            }
            else if (marked.AsSpan(i).StartsWith("|]") || marked.AsSpan(i).StartsWith("|}"))
            {
                var (start, which) = open.Pop();
                expected.Add((which, TextSpan.FromBounds(start, text.Length)));
                i++;
            }
            else
            {
                text.Append(marked[i]);
            }
        }

        Assert.Empty(open);
        return (text.ToString(), expected);
    }

    /// <summary>An abstract use case class implementing every member of IExploService (all its ports) explicitly (no throw).</summary>
    private static string UseCaseBase()
    {
        var probe = CSharpCompilation.Create("Probe", [], [.. Framework, Core, OneOf]);
        var service = probe.GetTypeByMetadataName("Explo.Domain.IExploService")!;
        var format = SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);
        var members = service.AllInterfaces.Prepend(service).SelectMany(port => port.GetMembers().OfType<IMethodSymbol>().Select(m =>
            $"{m.ReturnType.ToDisplayString(format)} {port.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}.{m.Name}("
            + string.Join(", ", m.Parameters.Select(p => $"{p.Type.ToDisplayString(format)} {p.Name}")) + ") => null!;"));
        return "\npublic abstract class UseCaseBase : global::Explo.Domain.IExploService\n{\n" + string.Join("\n", members) + "\n}\n";
    }

    private sealed class GlobalOptionsProvider(Dictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(values);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options([]);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options([]);

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
                values.TryGetValue(key, out value);
        }
    }
}
