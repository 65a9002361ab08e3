using System.CommandLine;

namespace Explo.Cli.Commands;

/// <summary><c>explo init</c>: create a workspace file.</summary>
internal static class InitCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("init", "Create a workspace file (levels Customer and User, DVG Production).");
        command.SetAction((parse, _) => cli.With(parse, async (store, service) =>
        {
            var created = CliContext.Ok(await service.InitializeWorkspaceAsync(CliContext.Admin));
            cli.Output.WriteLine(created ? $"Created a workspace in {store.Name}." : $"{store.Name} already holds a workspace.");
            return 0;
        }));
        return command;
    }
}
