using System.CommandLine;
using Explo.Domain.Hierarchy;

namespace Explo.Cli.Commands;

/// <summary><c>explo validate</c>: every invariant of the spec over the whole file (exit code 1 when one is broken).</summary>
internal static class ValidateCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("validate", "Check every invariant of the spec over the whole file.") { cli.JsonOption };
        command.SetAction((parse, _) => cli.With(parse, async (store, _) =>
        {
            var problems = await WorkspaceInvariants.CheckAsync(store.Store);
            if (cli.WantsJson(parse))
            {
                cli.Json(new ValidateJson(problems.Count == 0, problems), CliJson.Context.ValidateJson);
            }
            else if (problems.Count == 0)
            {
                cli.Output.WriteLine($"{store.Name}: every invariant holds.");
            }
            else
            {
                cli.Output.WriteLine($"{store.Name}: {problems.Count} problem(s):");
                foreach (var problem in problems)
                {
                    cli.Output.WriteLine("  " + problem);
                }
            }

            return problems.Count == 0 ? 0 : 1;
        }));
        return command;
    }
}
