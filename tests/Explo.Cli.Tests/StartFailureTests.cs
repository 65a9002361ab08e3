using Explo.Tests.Shared;

namespace Explo.Cli.Tests;

/// <summary>
/// Every way <c>explo</c> can fail to open its <c>--db</c>: exit code 1 and one sentence on standard error naming the
/// problem and the path, without a stack trace or an exception's type, whichever command it runs.
/// </summary>
public sealed class StartFailureTests : CliTestBase
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in StartFailure.Cases)
        {
            foreach (var command in new[] { "init", "stats", "levels list" })
            {
                data.Add(name, command);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_database_that_cant_be_opened_is_one_sentence_and_exit_code_1(string name, string command)
    {
        using var failure = StartFailure.Arrange(name, Folder);
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await ExploCli.RunAsync(["--db", failure.Path, .. command.Split(' ')], output, error);

        failure.AssertReported(exit, output.ToString(), error.ToString());
    }
}
