using System.CommandLine;
using Explo.Cli.Commands;
using Explo.Domain.LiteDb;
using Spectre.Console;

namespace Explo.Cli;

/// <summary>
/// The <c>explo</c> command line over one database file. It parses, calls the core's service on the LiteDB store as the
/// workspace administrator, and prints (tables and trees for people, <c>--json</c> for scripts). Exit codes: 0 success,
/// 1 a validation or domain failure, 2 a usage error; errors go to standard error in one sentence. Each command lives in
/// its own file under <c>Commands/</c>; what they share is <see cref="CliContext"/>.
/// </summary>
public static class ExploCli
{
    /// <summary>Runs a command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => RunAsync(args, output, error, null);

    /// <summary>Runs a command line, drawing tables, trees and progress bars on <paramref name="terminal"/> when given.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="terminal">An interactive console (progress bars are drawn only there), or null.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IAnsiConsole? terminal)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        var parse = Root(new CliContext(output, error, terminal)).Parse(args);
        if (parse.Errors.Count > 0)
        {
            await error.WriteLineAsync(parse.Errors[0].Message + " (see 'explo --help')");
            return 2;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (ExploStoreException e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (Explo.Domain.Postgres.PostgresStoreException e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (DomainFailure e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    /// <summary>The root command with every command.</summary>
    private static RootCommand Root(CliContext cli)
    {
        var root = new RootCommand("explo: the offline tool over one Explo.Domain database file.");
        root.Options.Add(cli.Db);
        root.Subcommands.Add(InitCommand.Create(cli));
        root.Subcommands.Add(LevelsCommands.Create(cli));
        root.Subcommands.Add(DvgCommands.Create(cli));
        root.Subcommands.Add(TokenCommands.Create(cli));
        root.Subcommands.Add(SecretsCommands.Create(cli));
        root.Subcommands.Add(EventsCommand.Create(cli));
        root.Subcommands.Add(TagsCommands.Create(cli));
        root.Subcommands.Add(ImportCommand.Create(cli));
        root.Subcommands.Add(ExportCommand.Create(cli));
        root.Subcommands.Add(ShowCommand.Create(cli));
        root.Subcommands.Add(TreeCommand.Create(cli));
        root.Subcommands.Add(FindCommand.Create(cli));
        root.Subcommands.Add(ValidateCommand.Create(cli));
        root.Subcommands.Add(RotateCommand.Create(cli));
        root.Subcommands.Add(StatsCommand.Create(cli));
        root.Subcommands.Add(CopyCommand.Create(cli));
        return root;
    }
}
