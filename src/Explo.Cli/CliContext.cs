using System.CommandLine;
using System.Text.Json.Serialization.Metadata;
using Explo.Domain;
using Spectre.Console;

namespace Explo.Cli;

/// <summary>
/// What every command shares: the writers, the console that draws tables and trees, the options <c>--db</c> and
/// <c>--json</c>, opening the file (<see cref="With"/>), turning a failed result into exit code 1 (<see cref="Ok{T}"/>),
/// and printing JSON through source-generated metadata (<see cref="Json{T}"/>).
/// </summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, IAnsiConsole? terminal)
    {
        Output = output;
        Error = error;
        Terminal = terminal;
        Console = terminal ?? AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
    }

    /// <summary>The workspace administrator: the tool owns the file.</summary>
    public static Caller Admin { get; } = Caller.Administrator();

    /// <summary>Standard output.</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Where tables and trees are drawn: the terminal, or plain text on <see cref="Output"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>An interactive console (progress bars are drawn only there), or null.</summary>
    public IAnsiConsole? Terminal { get; }

    /// <summary><c>--db</c>: the database file, or a PostgreSQL database (a <c>postgres://</c> URL or a connection string), on every command.</summary>
    public Option<string> Db { get; } = new("--db") { Description = "The database file, or a PostgreSQL database (postgres://user:password@host:port/database, or Host=...;Database=...).", DefaultValueFactory = _ => "explo.db", Recursive = true };

    /// <summary><c>--json</c>: print JSON for scripts (added to the commands that offer it).</summary>
    public Option<bool> JsonOption { get; } = new("--json") { Description = "Print JSON for scripts." };

    /// <summary>Opens the store <c>--db</c> names, runs the work with the service, and closes the store.</summary>
    /// <param name="parse">The parsed command line (for <c>--db</c>).</param>
    /// <param name="work">The work.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> With(ParseResult parse, Func<CliStore, ExploService, Task<int>> work)
    {
        using var store = CliStore.Open(parse.GetValue(Db)!);
        return await work(store, new ExploService(store.Store));
    }

    /// <summary>The value of a successful result; a failure ends the command with its message and exit code 1.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="result">The result.</param>
    /// <returns>The value.</returns>
    public static T Ok<T>(Result<T> result) =>
        result.Match(value => value, failure => throw new DomainFailure(failure.Message));

    /// <summary>True when <c>--json</c> was given.</summary>
    /// <param name="parse">The parsed command line.</param>
    /// <returns>Whether to print JSON.</returns>
    public bool WantsJson(ParseResult parse) => parse.GetValue(JsonOption);

    /// <summary>Prints a value as one line of JSON through its source-generated metadata.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="shape">The metadata (<see cref="CliJson.Context"/> or <see cref="Contracts.ExploJson.Context"/>).</param>
    public void Json<T>(T value, JsonTypeInfo<T> shape) => Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(value, shape));
}

/// <summary>A business failure to print on standard error (exit code 1).</summary>
/// <param name="message">The message.</param>
internal sealed class DomainFailure(string message) : Exception(message);

/// <summary>A usage error: exit code 2.</summary>
/// <param name="message">The message.</param>
internal sealed class UsageException(string message) : Exception(message);
