namespace Explo.Domain.Analyzers.Tests;

/// <summary>EXD002: rules have no mutable state and no clock, randomness, timing or thread pool.</summary>
public sealed class PureRuleTests
{
    private const string Id = "EXD002";

    private const string Subject = """
        using System.Collections.Immutable;
        using System.Diagnostics;
        using Explo.Domain;
        using Explo.Domain.Rules;

        public sealed record Subject(int Value, DateTimeOffset Now, IReadOnlyList<string> Names);

        """;

    [Fact]
    public Task Mutable_fields_settable_properties_and_mutable_collections_are_reported() => AnalyzerHarness.VerifyAsync(Id, Subject + """
        public sealed class CountingRule : Rule<Subject>
        {
            private static int [|s_instances|];
            private int [|_checks|];
            private readonly List<string> [|_seen|] = new();

            public CountingRule() => s_instances++;

            public static string [|LastSubject|] { get; set; } = "";

            public int [|Limit|] { get; private set; } = 10;

            public Dictionary<string, int> [|Counts|] { get; } = new();

            public override string Code => "counting_rule";

            public override IEnumerable<Violation> Check(Subject subject)
            {
                _checks++;
                _seen.Add(subject.Value.ToString());
                Counts[subject.Value.ToString()] = _checks;
                LastSubject = subject.ToString();
                if (subject.Value > Limit)
                {
                    yield return Broken("value", "too big");
                }
            }
        }
        """);

    [Fact]
    public Task Clock_randomness_timing_and_thread_pool_calls_are_reported() => AnalyzerHarness.VerifyAsync(Id, Subject + """
        public sealed class StampRule : IRule<Subject>
        {
            private static readonly Func<DateTime> Clock = () => [|DateTime.Now|];

            public string Code => "stamp_rule";

            public IEnumerable<Violation> Check(Subject subject)
            {
                if ([|DateTimeOffset.UtcNow|] > subject.Now || Clock().Year > 3000)
                {
                    yield return new Violation(Code, "now", [|Guid.NewGuid()|].ToString());
                }

                if ([|new Random()|].Next() == subject.Value || [|Random.Shared|].Next() == subject.Value)
                {
                    yield return new Violation(Code, "value", "unlucky");
                }

                var watch = [|Stopwatch.StartNew()|];
                [|Task.Run(() => subject.Value)|].{|EXD007:Wait()|};
                [|ThreadPool.QueueUserWorkItem(_ => { })|];
                [|Parallel.For(0, 2, _ => { })|];
                if ([|watch.Elapsed|] > TimeSpan.FromSeconds(1))
                {
                    yield return new Violation(Code, "time", $"slow at {[|DateTime.Today|]}");
                }
            }
        }
        """);

    [Fact]
    public Task A_rule_that_reads_time_and_facts_from_its_subject_is_pure() => AnalyzerHarness.VerifyAsync(Id, Subject + """
        public sealed class FreshRule : Rule<Subject>
        {
            private const int MaxAgeDays = 30;
            private static readonly ImmutableArray<string> Reserved = ["admin", "root"];
            private static readonly IReadOnlyList<string> Allowed = ["a", "b"];
            private readonly DateTimeOffset _epoch;

            public FreshRule(DateTimeOffset epoch) => _epoch = epoch;

            public int Max { get; } = 10;

            public string Label { get; init; } = "fresh";

            public IReadOnlyList<string> Known => Allowed;

            public override string Code => "fresh_rule";

            public override IEnumerable<Violation> Check(Subject subject)
            {
                var local = new List<string>(subject.Names); // a local collection is not state
                local.Sort(StringComparer.Ordinal);
                if ((subject.Now - _epoch).TotalDays > MaxAgeDays || local.Any(Reserved.Contains) || subject.Value > Max)
                {
                    yield return Broken(Label, $"stale at {subject.Now:O}");
                }
            }
        }

        public sealed class MinRule(int min) : Rule<Subject>
        {
            public override string Code => "min_rule";

            public override IEnumerable<Violation> Check(Subject subject)
            {
                var value = subject.Value;
                value++;
                return value < min ? [Broken("value", $"at least {min}")] : [];
            }
        }

        public sealed record MaxRule(int Max) : IRule<Subject>
        {
            public string Code => "max_rule";

            public IEnumerable<Violation> Check(Subject subject) =>
                subject.Value > Max ? [new Violation(Code, "value", "too big")] : [];
        }
        """);

    [Fact]
    public Task Classes_that_are_not_rules_may_hold_state_and_read_the_clock() => AnalyzerHarness.VerifyAsync(Id, Subject + """
        public sealed class Clock
        {
            private int _calls;

            public List<DateTime> History { get; set; } = new();

            public DateTime Now()
            {
                _calls++;
                var now = DateTime.UtcNow;
                History.Add(now);
                return now.AddTicks(Random.Shared.Next() + Guid.NewGuid().GetHashCode() + _calls);
            }
        }

        public sealed record Proposal(DateTimeOffset Now);
        """);

    [Fact]
    public Task Inherited_state_struct_rules_collection_subclasses_and_the_system_clock_are_reported() => AnalyzerHarness.VerifyAsync(Id, Subject + """
        public sealed class Names : List<string>
        {
        }

        public abstract class Counter
        {
            protected int Count;
        }

        public sealed class [|CountingRule|] : Counter, IRule<Subject>
        {
            private readonly Names [|_names|] = new();

            public string Code => "counting_rule";

            public IEnumerable<Violation> Check(Subject subject)
            {
                Count++;
                _names.Add(subject.Value.ToString());
                return [|TimeProvider.System|].GetUtcNow() > subject.Now ? [new Violation(Code, "now", "late")] : [];
            }
        }

        public sealed class BudgetRule(int budget) : Rule<Subject>
        {
            public override string Code => "budget_rule";

            public override IEnumerable<Violation> Check(Subject subject)
            {
                [|budget -= subject.Value|];
                [|budget++|];
                return budget < 0 ? [Broken("value", "over budget")] : [];
            }
        }

        public struct TallyRule : IRule<Subject>
        {
            private int [|_tally|];

            public string Code => "tally_rule";

            public IEnumerable<Violation> Check(Subject subject)
            {
                _tally++;
                return [];
            }
        }
        """);
}
