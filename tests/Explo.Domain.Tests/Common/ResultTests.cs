namespace Explo.Domain.Tests.Common;

public sealed class ResultTests
{
    private static readonly NotFound Missing = new("customer_not_found", "No customer has provided_id 'x'.");

    private static Result<int> Ok(int value) => value;

    private static Result<int> Failed() => Missing;

    [Fact]
    public void Match_takes_one_function_for_the_value_and_one_for_any_failure()
    {
        Assert.Equal("value 3", Ok(3).Match(v => $"value {v}", f => f.Code));
        Assert.Equal("NotFound customer_not_found", Failed().Match(v => $"value {v}", f => $"{f.Kind} {f.Code}"));
    }

    [Fact]
    public async Task MatchAsync_awaits_the_function_it_calls()
    {
        Assert.Equal(6, await Ok(3).MatchAsync(v => Task.FromResult(v * 2), _ => Task.FromResult(-1)));
        Assert.Equal(-1, await Failed().MatchAsync(v => Task.FromResult(v * 2), _ => Task.FromResult(-1)));
    }

    [Fact]
    public async Task Then_runs_the_next_step_on_a_value_and_passes_a_failure_through_without_running_it()
    {
        var calls = 0;
        Result<string> Next(int v)
        {
            calls++;
            return v > 0 ? $"#{v}" : new ValidationFailed("invalid_number", "n", "n must be positive.");
        }

        Assert.Equal("#3", Ok(3).Then(Next).Value);
        Assert.Equal("invalid_number", Ok(-1).Then(Next).Failure?.Code);
        Assert.Same(Missing, Failed().Then(Next).Failure);
        Assert.Equal(2, calls);

        Assert.Equal("#4", (await Ok(4).ThenAsync(v => Task.FromResult(Next(v)))).Value);
        Assert.Same(Missing, (await Failed().ThenAsync(v => Task.FromResult(Next(v)))).Failure);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task The_steps_also_chain_on_the_task_a_use_case_returns()
    {
        var chained = await Task.FromResult(Ok(2)).ThenAsync(v => Task.FromResult<Result<int>>(v + 1)).Then(v => (Result<string>)$"={v}");
        Assert.Equal("=3", chained.Value);
        Assert.Equal("customer_not_found", await Task.FromResult(Failed()).Match(v => "value", f => f.Code));
    }

    [Fact]
    public void Else_gives_the_value_or_the_fallback()
    {
        Assert.Equal(3, Ok(3).Else(0));
        Assert.Equal(0, Failed().Else(0));
        Assert.Equal("customer_not_found".Length, Failed().Else(f => f.Code.Length));
    }

    [Fact]
    public void IsSuccess_says_which_of_Value_and_Failure_is_set()
    {
        var ok = Ok(3);
        var failed = Failed();

        Assert.True(ok.IsSuccess);
        Assert.Equal(3, ok.Value);
        Assert.Null(ok.Failure);
        Assert.False(failed.IsSuccess);
        Assert.Equal(0, failed.Value);
        Assert.Equal(FailureKind.NotFound, failed.Failure?.Kind);
        Assert.Throws<InvalidOperationException>(() => failed.SuccessValue);
    }

    [Fact]
    public void Every_failure_record_has_its_kind()
    {
        Failure[] failures =
        [
            new ValidationFailed("invalid_name", "name", "Bad."), new NotFound("a_not_found", "No."), new Conflict("a_taken", "Taken."),
            new Forbidden("read_only_token", "Read only."), new Unauthorized("invalid_api_token", "Unknown."),
        ];

        Assert.Equal(Enum.GetValues<FailureKind>(), failures.Select(f => f.Kind));
        Assert.All(failures, f => Assert.Equal(f.Kind, Result<int>.Fail(f).Failure?.Kind));
    }
}
