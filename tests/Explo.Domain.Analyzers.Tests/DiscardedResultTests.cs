namespace Explo.Domain.Analyzers.Tests;

/// <summary>EXD004: a OneOf/OneOfBase result is never thrown away.</summary>
public sealed class DiscardedResultTests
{
    private const string Id = "EXD004";

    private const string Usings = """
        using Explo.Domain;
        using OneOf;

        """;

    [Fact]
    public Task Bare_calls_and_discards_of_a_result_are_reported() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public sealed class Maker
        {
            public static Result<int> Make(int value) => value;

            public static OneOf<int, string> Parse(string text) => text.Length;

            public void Use()
            {
                [|Make(1)|];
                _ = [|Make(2)|];
                [|Parse("x")|];
                [|Make(3).Map(v => v + 1)|];
                Action later = () => [|Make(4)|];
                later();
            }
        }
        """);

    [Fact]
    public Task Awaited_and_unawaited_use_case_results_are_reported() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public sealed class Client(IExploService service)
        {
            public async Task RunAsync(Caller caller)
            {
                await [|service.GetCustomerAsync(caller, "a")|];
                [|service.GetCustomerAsync(caller, "b")|];
                _ = [|service.GetCustomerAsync(caller, "c")|];
                _ = await [|service.GetCustomerAsync(caller, "d")|];
                await [|service.GetCustomerAsync(caller, "e").ConfigureAwait(false)|];
            }
        }
        """);

    [Fact]
    public Task Results_that_are_matched_kept_or_returned_are_fine() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public sealed class Client(IExploService service)
        {
            public async Task<Result<CustomerView>> RunAsync(Caller caller)
            {
                var first = await service.GetCustomerAsync(caller, "a");
                if (!first.IsSuccess)
                {
                    return first;
                }

                (await service.GetCustomerAsync(caller, "b")).Switch(_ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { });
                var name = Parse("x").Match(n => n.ToString(), s => s);
                Console.WriteLine(name);
                return await service.GetCustomerAsync(caller, "c");
            }

            private static OneOf<int, string> Parse(string text) => text.Length;
        }
        """);

    [Fact]
    public Task Calls_that_return_no_result_union_may_be_statements_or_discarded() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public sealed class Other
        {
            public async Task RunAsync(List<int> list, Result<int> kept)
            {
                list.Add(1);
                list.Remove(1);
                _ = list.Remove(2);
                _ = int.TryParse("1", out _);
                await Task.Delay(1);
                _ = await Task.FromResult(1);
                _ = kept;
                kept.Switch(_ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { });
            }
        }
        """);

    [Fact]
    public Task Conditional_calls_and_locals_named_underscore_are_discards_too() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public sealed class Holder
        {
            public Result<int> Make() => 1;

            public static void Use(Holder? holder)
            {
                [|holder?.Make()|];
                var _ = [|new Holder().Make()|];
            }
        }
        """);
}
