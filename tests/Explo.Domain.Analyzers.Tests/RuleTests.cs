using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static Explo.Domain.Analyzers.Tests.AnalyzerHarness;

namespace Explo.Domain.Analyzers.Tests;

public sealed class CoreInfrastructureTests
{
    private static readonly CoreInfrastructureAnalyzer Analyzer = new();

    [Fact]
    public Task Reading_a_file_in_the_core_is_reported() => Verify(Analyzer, """
        class Store { public string Load() => [|System.IO.File.ReadAllText("x")|]; }
        """, asCore: true);

    [Fact]
    public Task Console_environment_network_and_reflection_loading_in_the_core_are_reported() => Verify(Analyzer, """
        class Host
        {
            public void Run()
            {
                [|Console.WriteLine("hi")|];
                var home = [|Environment.GetEnvironmentVariable("HOME")|];
                using var http = [|new System.Net.Http.HttpClient()|];
                var assembly = [|System.Reflection.Assembly.LoadFrom("x.dll")|];
                using var stream = [|new System.IO.FileStream("x", System.IO.FileMode.Open)|];
            }
        }
        """, asCore: true);

    [Fact]
    public Task The_core_is_recognised_by_its_assembly_name_too() => Verify(Analyzer, """
        namespace Explo.Domain.Inner { class Clock { public string Read() => [|System.IO.File.ReadAllText("x")|]; } }
        """, assemblyName: "Explo.Domain", withCore: false);

    [Fact]
    public Task The_same_code_in_a_host_is_not_reported() => Verify(Analyzer, """
        class Store { public string Load() => System.IO.File.ReadAllText("x"); public void Say() => Console.WriteLine("x"); }
        """, asCore: false);

    [Fact]
    public Task Pure_framework_apis_in_the_core_are_not_reported() => Verify(Analyzer, """
        class Pure
        {
            public string Run()
            {
                var path = System.IO.Path.Combine("a", "b");
                var json = System.Text.Json.JsonSerializer.Serialize(new[] { 1, 2 });
                var hash = System.Security.Cryptography.SHA256.HashData(new byte[] { 1 });
                using var memory = new System.IO.MemoryStream();
                return path + json + hash.Length + memory.Length;
            }
        }
        """, asCore: true);
}

public sealed class PureRuleTests
{
    private static readonly PureRuleAnalyzer Analyzer = new();

    [Fact]
    public Task A_rule_reading_the_clock_or_randomness_is_reported() => Verify(Analyzer, """
        sealed class Expiry : Rule<PageProposal>
        {
            public override string Code => "expired";
            public override IEnumerable<Violation> Check(PageProposal subject)
            {
                if ([|DateTime.UtcNow|].Year > 3000 || [|new Random()|].Next() == 4 || [|Guid.NewGuid()|] == Guid.Empty)
                {
                    yield return Broken("page", "page is wrong.");
                }
            }
        }
        """);

    [Fact]
    public Task A_rule_with_mutable_state_is_reported() => Verify(Analyzer, """
        sealed class Counting : Rule<PageProposal>
        {
            private int [|_calls|];
            private static readonly List<string> [|Seen|] = new();
            public string [|Note|] { get; set; } = "";
            public override string Code => "counting";
            public override IEnumerable<Violation> Check(PageProposal subject) { _calls++; Seen.Add(Note); yield break; }
        }
        """);

    [Fact]
    public Task A_rule_taking_time_from_its_subject_is_not_reported() => Verify(Analyzer, """
        sealed record Stamped(DateTimeOffset Now, DateTimeOffset Expires);
        sealed class NotExpired : Rule<Stamped>
        {
            private readonly TimeSpan _grace = TimeSpan.FromDays(1);
            public override string Code => "expired";
            public override IEnumerable<Violation> Check(Stamped subject)
            {
                if (subject.Now > subject.Expires + _grace) { yield return Broken("expires", "expires is in the past."); }
            }
        }
        """);

    [Fact]
    public Task A_class_that_is_not_a_rule_may_use_the_clock() => Verify(Analyzer, """
        sealed class Clock { private int _reads; public DateTime Now() { _reads++; return DateTime.UtcNow; } }
        """);
}

public sealed class RuleCodeTests
{
    private static readonly RuleCodeAnalyzer Analyzer = new();

    [Fact]
    public Task A_code_that_is_not_snake_case_is_reported() => Verify(Analyzer, """
        sealed class A : Rule<PageProposal> { public override string Code => [|"NotSnake"|]; public override IEnumerable<Violation> Check(PageProposal s) { yield break; } }
        sealed class B : Rule<PageProposal> { public override string Code => [|"two__underscores"|]; public override IEnumerable<Violation> Check(PageProposal s) { yield break; } }
        """);

    [Fact]
    public Task A_code_that_is_not_a_literal_is_reported() => Verify(Analyzer, """
        sealed class A : Rule<PageProposal> { private static readonly string Name = "a"; public override string [|Code|] => Name + "_rule"; public override IEnumerable<Violation> Check(PageProposal s) { yield break; } }
        """);

    [Fact]
    public Task Two_rules_sharing_a_code_are_both_reported() => Verify(Analyzer, """
        sealed class A : Rule<PageProposal> { public override string Code => [|"same_code"|]; public override IEnumerable<Violation> Check(PageProposal s) { yield break; } }
        sealed class B : Rule<PageProposal> { public override string Code { get { return [|"same_code"|]; } } public override IEnumerable<Violation> Check(PageProposal s) { yield break; } }
        """);

    [Fact]
    public Task Distinct_snake_case_literals_are_not_reported() => Verify(Analyzer, """
        sealed class A : Rule<PageProposal> { public override string Code => "first_rule"; public override IEnumerable<Violation> Check(PageProposal s) { yield break; } }
        sealed class B : IRule<PageProposal> { public string Code { get; } = "second_rule2"; public IEnumerable<Violation> Check(PageProposal s) { yield break; } }
        """);

    [Fact]
    public Task An_abstract_base_without_a_code_is_not_reported() => Verify(Analyzer, """
        abstract class Base : Rule<PageProposal> { public override IEnumerable<Violation> Check(PageProposal s) { yield break; } }
        sealed class Concrete : Base { public override string Code => "concrete_rule"; }
        """);
}

public sealed class DiscardedResultTests
{
    private static readonly DiscardedResultAnalyzer Analyzer = new();

    private const string Parse = "static class P { public static OneOf.OneOf<int, string> Parse(string s) => s.Length; }\n";

    [Fact]
    public Task A_bare_call_or_a_discard_of_a_union_is_reported() => Verify(Analyzer, Parse + """
        class C
        {
            void M()
            {
                [|P.Parse("x")|];
                _ = [|P.Parse("y")|];
            }
        }
        """);

    [Fact]
    public Task An_awaited_or_unawaited_use_case_result_thrown_away_is_reported() => Verify(Analyzer, """
        class C
        {
            async Task M(IExploService service, Caller caller)
            {
                await [|service.GetCustomerAsync(caller, "x")|];
                [|service.DeleteGroupTagAsync(caller, "t")|];
                _ = await [|service.ListGroupTagsAsync(caller)|];
            }
        }
        """);

    [Fact]
    public Task A_result_that_is_used_is_not_reported() => Verify(Analyzer, Parse + """
        class C
        {
            int M()
            {
                var parsed = P.Parse("x");
                P.Parse("y").Switch(_ => { }, _ => { });
                return parsed.Match(n => n, s => s.Length);
            }
        }
        """);

    [Fact]
    public Task Discarding_other_values_is_not_reported() => Verify(Analyzer, """
        class C
        {
            async Task M(IExploService service, Caller caller)
            {
                _ = "x".Length;
                "x".ToString();
                var result = await service.GetCustomerAsync(caller, "x");
                _ = result.IsSuccess;
            }
        }
        """);
}

public sealed class NoThrowTests
{
    private static readonly NoThrowAnalyzer Analyzer = new();

    [Fact]
    public Task A_rule_that_throws_is_reported() => Verify(Analyzer, """
        sealed class A : Rule<PageProposal>
        {
            public override string Code => "a_rule";
            public override IEnumerable<Violation> Check(PageProposal s)
            {
                if (s.Page < 0) { [|throw new InvalidOperationException("negative");|] }
                var size = s.PageSize > 0 ? s.PageSize : [|throw new ArgumentException("size")|];
                yield break;
            }
        }
        """);

    [Fact]
    public Task A_use_case_that_throws_is_reported() => Verify(Analyzer, UseCases.Implementation("""
        public void Fail(string id) { if (id.Length == 0) { [|throw new InvalidOperationException("empty");|] } }
        """));

    [Fact]
    public Task Throwing_through_the_guard_helper_is_allowed() => Verify(Analyzer, """
        static class Guard { public static Exception Corrupt(string what) => new InvalidOperationException(what); }
        sealed class A : Rule<PageProposal>
        {
            public override string Code => "a_rule";
            public override IEnumerable<Violation> Check(PageProposal s)
            {
                if (s.Page < 0) { throw Guard.Corrupt("negative page"); }
                yield break;
            }
        }
        """);

    [Fact]
    public Task Other_classes_may_throw() => Verify(Analyzer, """
        sealed class Parser { public int Parse(string s) => s.Length > 0 ? s.Length : throw new FormatException("empty"); }
        """);
}

public sealed class EncapsulatedEntityTests
{
    private static readonly EncapsulatedEntityAnalyzer Analyzer = new();

    [Fact]
    public Task A_public_setter_or_field_on_an_entity_is_reported() => Verify(Analyzer, """
        [Entity] public sealed class Account
        {
            public string [|Name|] { get; set; } = "";
            public int [|Count|];
            public string Safe { get; private set; } = "";
        }
        """);

    [Fact]
    public Task A_public_mutable_collection_on_an_entity_is_reported() => Verify(Analyzer, """
        [Entity] public sealed class Account
        {
            public List<string> [|Emails|] { get; } = new();
            public readonly string[] [|Tags|] = new string[0];
            public IDictionary<string, int> [|Counts|] { get; } = new Dictionary<string, int>();
        }
        """);

    [Fact]
    public Task Init_only_and_immutable_members_are_not_reported() => Verify(Analyzer, """
        [Entity] public sealed record Level(int Id, string Name);
        [Entity] public sealed class Account
        {
            public System.Collections.Immutable.ImmutableArray<string> Emails { get; init; }
            public IReadOnlyList<string> Tags { get; } = new List<string>();
            internal List<int> Scratch { get; set; } = new();
        }
        """);

    [Fact]
    public Task Types_that_are_not_entities_are_not_reported() => Verify(Analyzer, """
        public sealed class Request { public string Name { get; set; } = ""; public List<string> Emails { get; } = new(); public int Count; }
        """);
}

/// <summary>Builds a class implementing the real IExploService (delegating every member) with extra members.</summary>
internal static class UseCases
{
    public static string Implementation(string extraMembers)
    {
        var compilation = Compile("Probe", [CSharpSyntaxTree.ParseText("class Probe { }")], ReferencesWithoutCore.Concat([MetadataReference.CreateFromFile(typeof(ExploService).Assembly.Location)]));
        var port = compilation.GetTypeByMetadataName("Explo.Domain.IExploService")!;
        var format = SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);
        var members = port.GetMembers().OfType<IMethodSymbol>().Select(m =>
            $"public {m.ReturnType.ToDisplayString(format)} {m.Name}({string.Join(", ", m.Parameters.Select(p => $"{p.Type.ToDisplayString(format)} {p.Name}"))}) => _inner.{m.Name}({string.Join(", ", m.Parameters.Select(p => p.Name))});");
        return "sealed class MyService : IExploService\n{\n    private readonly IExploService _inner = null!;\n    "
            + string.Join("\n    ", members) + "\n    " + extraMembers + "\n}\n";
    }
}
