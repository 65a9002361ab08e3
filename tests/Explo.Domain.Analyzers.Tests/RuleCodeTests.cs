namespace Explo.Domain.Analyzers.Tests;

/// <summary>EXD003: every rule's Code is a snake_case string literal, unique in the compilation.</summary>
public sealed class RuleCodeTests
{
    private const string Id = "EXD003";

    private const string Subject = """
        using Explo.Domain;
        using Explo.Domain.Rules;

        public sealed record Subject(int Value);

        """;

    [Fact]
    public Task Codes_that_are_not_snake_case_literals_are_reported() => AnalyzerHarness.VerifyAsync(Id, Subject + """
        public static class Codes
        {
            public const string Shared = "shared_code";
        }

        public sealed class PascalRule : Rule<Subject>
        {
            public override string Code => [|"PascalRule"|];

            public override IEnumerable<Violation> Check(Subject subject) => [];
        }

        public sealed class KebabRule : Rule<Subject>
        {
            public override string Code { get; } = [|"kebab-rule"|];

            public override IEnumerable<Violation> Check(Subject subject) => [];
        }

        public sealed class TrailingRule : Rule<Subject>
        {
            public override string Code { get { return [|"trailing_"|]; } }

            public override IEnumerable<Violation> Check(Subject subject) => [];
        }

        public sealed class ConstantRule : Rule<Subject>
        {
            public override string [|Code|] => Codes.Shared;

            public override IEnumerable<Violation> Check(Subject subject) => [];
        }

        public sealed class ComputedRule : IRule<Subject>
        {
            public string [|Code|] => nameof(ComputedRule).ToLowerInvariant();

            public IEnumerable<Violation> Check(Subject subject) => [];
        }
        """);

    [Fact]
    public Task Two_rules_with_one_code_are_both_reported() => AnalyzerHarness.VerifyAsync(Id, Subject + """
        public sealed class FirstRule : Rule<Subject>
        {
            public override string Code => [|"same_code"|];

            public override IEnumerable<Violation> Check(Subject subject) => [];
        }

        public sealed class SecondRule : IRule<int>
        {
            public string Code => [|"same_code"|];

            public IEnumerable<Violation> Check(int subject) => [];
        }

        public sealed class ThirdRule : Rule<Subject>
        {
            public override string Code => "other_code";

            public override IEnumerable<Violation> Check(Subject subject) => [];
        }
        """);

    [Fact]
    public Task Unique_snake_case_literals_in_every_form_are_accepted() => AnalyzerHarness.VerifyAsync(Id, Subject + """
        public sealed class ExpressionRule : Rule<Subject>
        {
            public override string Code => "parent_not_found";

            public override IEnumerable<Violation> Check(Subject subject) => [];
        }

        public sealed class InitializerRule : Rule<Subject>
        {
            public override string Code { get; } = "level2_invalid";

            public override IEnumerable<Violation> Check(Subject subject) => [];
        }

        public sealed class AccessorRule : IRule<Subject>
        {
            public string Code
            {
                get { return "max"; }
            }

            public IEnumerable<Violation> Check(Subject subject) => [];
        }
        """);

    [Fact]
    public Task Abstract_bases_and_classes_that_are_not_rules_are_not_checked() => AnalyzerHarness.VerifyAsync(Id, Subject + """
        public abstract class NamedRule : Rule<Subject>
        {
            public override string Code => "named_rule";
        }

        public sealed class ConcreteRule : NamedRule
        {
            public override IEnumerable<Violation> Check(Subject subject) => [];
        }

        public abstract class CodelessRule : Rule<Subject>
        {
        }

        public sealed class Lookalike
        {
            public string Code => "NotARule";
        }
        """);

    [Fact]
    public Task The_code_the_interface_uses_is_the_one_checked() => AnalyzerHarness.VerifyAsync(Id, Subject + """
        public sealed class ExplicitRule : IRule<Subject>
        {
            string IRule<Subject>.Code => [|"Explicit"|];

            public IEnumerable<Violation> Check(Subject subject) => [];
        }

        public abstract class CodedRule : Rule<Subject>
        {
            public override string Code => "coded_rule";
        }

        public sealed class HidingRule : CodedRule
        {
            public new string Code => "Not-The-Rule-Code";

            public override IEnumerable<Violation> Check(Subject subject) => [];
        }

        public sealed class TwinRule : CodedRule
        {
            public override IEnumerable<Violation> Check(Subject subject) => [];
        }
        """.Replace("\"coded_rule\"", "[|\"coded_rule\"|]", StringComparison.Ordinal));
}
