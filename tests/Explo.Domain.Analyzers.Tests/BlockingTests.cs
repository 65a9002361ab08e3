using Microsoft.CodeAnalysis;

namespace Explo.Domain.Analyzers.Tests;

/// <summary>EXD007: no synchronous wait on a task (.Result, Wait/WaitAll/WaitAny, GetAwaiter().GetResult()).</summary>
public sealed class BlockingTests
{
    private const string Id = "EXD007";

    [Fact]
    public Task Reading_the_result_of_a_task_or_a_value_task_is_reported() => AnalyzerHarness.VerifyAsync(Id, """
        public sealed class Reader
        {
            public int Read(Task<int> task, ValueTask<string> valueTask, Task<int>? maybe)
            {
                var first = task.[|Result|];
                var text = valueTask.[|Result|];
                var length = maybe?.[|Result|] ?? 0;
                var matched = task is { [|Result|]: > 0 };
                Func<Task<int>, int> later = t => t.[|Result|];
                return first + text.Length + length + (matched ? 1 : 0) + later(task) + Task.FromResult(1).[|Result|];
            }
        }
        """);

    [Fact]
    public Task Waiting_on_a_task_is_reported_in_every_overload_instance_and_static() => AnalyzerHarness.VerifyAsync(Id, """
        public sealed class Waiter
        {
            public int Wait(Task task, Task<int> valued, Task? maybe, CancellationToken cancellationToken)
            {
                task.[|Wait()|];
                valued.[|Wait()|];
                _ = task.[|Wait(100)|];
                _ = task.[|Wait(TimeSpan.FromSeconds(1))|];
                task.[|Wait(cancellationToken)|];
                _ = task.[|Wait(100, cancellationToken)|];
                maybe?.[|Wait()|];
                Task.[|WaitAll(task, valued)|];
                _ = Task.[|WaitAll([task, valued], 100)|];
                Task.[|WaitAll(new[] { task }, cancellationToken)|];
                return Task.[|WaitAny(task, valued)|] + Task.[|WaitAny([task], TimeSpan.Zero)|];
            }
        }
        """);

    [Fact]
    public Task GetResult_on_the_awaiter_of_a_task_or_a_value_task_is_reported() => AnalyzerHarness.VerifyAsync(Id, """
        public sealed class Getter
        {
            public int Get(Task task, Task<int> valued, ValueTask valueTask, ValueTask<int> valuedValueTask)
            {
                task.GetAwaiter().[|GetResult()|];
                var a = valued.GetAwaiter().[|GetResult()|];
                valueTask.GetAwaiter().[|GetResult()|];
                var b = valuedValueTask.GetAwaiter().[|GetResult()|];
                valueTask.AsTask().GetAwaiter().[|GetResult()|];
                var awaiter = valued.GetAwaiter();
                var c = awaiter.[|GetResult()|];
                return a + b + c;
            }
        }
        """);

    [Fact]
    public Task GetResult_through_ConfigureAwait_is_reported() => AnalyzerHarness.VerifyAsync(Id, """
        public sealed class Getter
        {
            public int Get(Task task, Task<int> valued, ValueTask valueTask, ValueTask<int> valuedValueTask)
            {
                task.ConfigureAwait(false).GetAwaiter().[|GetResult()|];
                task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().[|GetResult()|];
                var a = valued.ConfigureAwait(false).GetAwaiter().[|GetResult()|];
                valueTask.ConfigureAwait(false).GetAwaiter().[|GetResult()|];
                var b = valuedValueTask.ConfigureAwait(false)
                    .GetAwaiter()
                    .[|GetResult()|];
                return a + b;
            }
        }
        """);

    [Fact]
    public Task Awaiting_and_other_members_of_tasks_are_fine() => AnalyzerHarness.VerifyAsync(Id, """
        public sealed class Awaiter
        {
            public async Task<int> RunAsync(Task<int> task, ValueTask<int> valueTask, Task other, CancellationToken cancellationToken)
            {
                var first = await task;
                var second = await valueTask.ConfigureAwait(false);
                await other.ConfigureAwait(false);
                await Task.WhenAll(task, other);
                var all = await Task.WhenAll(task, Task.FromResult(2));
                var any = await Task.WhenAny(task, other);
                await other.WaitAsync(cancellationToken);
                await Task.Yield();
                var name = nameof(task.Result) + nameof(Task<int>.Result) + nameof(other.Wait) + nameof(Task.WaitAll);
                var done = task.IsCompletedSuccessfully && other.IsCompleted;
                return first + second + all.Length + (any == other ? 1 : 0) + name.Length + (done ? 1 : 0);
            }
        }
        """);

    [Fact]
    public Task Members_named_Result_Wait_or_GetResult_on_other_types_are_fine() => AnalyzerHarness.VerifyAsync(Id, """
        using Explo.Domain;
        using Explo.Domain.Ports;

        public sealed record Outcome(int Result);

        public sealed class Job
        {
            public int Result { get; set; }

            public void Wait() { }

            public int GetResult() => Result;

            public static void WaitAll(params Job[] jobs) { }
        }

        public sealed class Other
        {
            public int Use(WriteDecision<Result<int>> decision, Outcome outcome, Job job, (Result<int> Result, ChangeSet? Changes) pair)
            {
                job.Wait();
                Job.WaitAll(job);
                job.Result = job.GetResult() + outcome.Result;
                var kept = decision.Result.IsSuccess && pair.Result.IsSuccess;
                var tuple = (Result: 1, Other: 2);
                return tuple.Result + job.Result + (kept ? 1 : 0);
            }
        }
        """);

    [Fact]
    public Task The_rule_is_off_by_default_so_a_host_that_does_not_turn_it_on_meets_nothing() => AnalyzerHarness.VerifyAsync(Id, """
        public sealed class Blocker
        {
            public int Block(Task<int> task)
            {
                task.Wait();
                Task.WaitAll(task);
                return task.Result + task.GetAwaiter().GetResult() + task.ConfigureAwait(false).GetAwaiter().GetResult();
            }
        }
        """, optIn: false);

    [Fact]
    public void The_descriptor_is_an_error_that_is_off_by_default()
    {
        var descriptor = Assert.Single(new BlockingAnalyzer().SupportedDiagnostics);
        Assert.Equal(Id, descriptor.Id);
        Assert.Equal("Async", descriptor.Category);
        Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
        Assert.False(descriptor.IsEnabledByDefault);
        Assert.Equal(Id, Assert.Single(AnalyzerHarness.OptIn));
    }

    [Fact]
    public async Task The_message_names_the_member_that_blocks()
    {
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("""
            public sealed class Blocker
            {
                public int Block(Task<int> task) => task.ConfigureAwait(false).GetAwaiter().GetResult() + task.Result;
            }
            """, AnalyzerHarness.ParseOptions);
        var usings = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(AnalyzerHarness.ImplicitUsings, AnalyzerHarness.ParseOptions);
        var compilation = AnalyzerHarness.Compile([tree, usings], AnalyzerHarness.SnippetAssembly, AnalyzerHarness.Framework);

        var messages = (await AnalyzerHarness.AnalyzeAsync(compilation)).OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage()).ToList();

        Assert.Equal(
            [
                "'ConfiguredTaskAwaitable<int>.ConfiguredTaskAwaiter.GetResult()' blocks the thread until the task completes; await it instead, and make the caller async",
                "'Task<int>.Result' blocks the thread until the task completes; await it instead, and make the caller async",
            ],
            messages);
    }
}
