using System.CommandLine;

namespace Explo.Cli.Commands;

/// <summary><c>explo dvg list|add</c>: the data visibility groups.</summary>
internal static class DvgCommands
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("dvg", "List and add data visibility groups.");
        var list = new Command("list", "List the data visibility groups.") { cli.JsonOption };
        list.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var groups = CliContext.Ok(await service.ListAccessGroupsAsync(CliContext.Admin));
            if (cli.WantsJson(parse))
            {
                cli.Json<IReadOnlyList<NameJson>>([.. groups.Select(g => new NameJson(g.Name))], CliJson.Context.IReadOnlyListNameJson);
            }
            else
            {
                foreach (var group in groups)
                {
                    cli.Output.WriteLine(group.Name);
                }
            }

            return 0;
        }));
        var name = new Argument<string>("name") { Description = "The group's name." };
        var add = new Command("add", "Add a data visibility group.") { name };
        add.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            CliContext.Ok(await service.AddAccessGroupAsync(CliContext.Admin, parse.GetValue(name)!));
            cli.Output.WriteLine($"Added data visibility group '{parse.GetValue(name)}'.");
            return 0;
        }));
        command.Subcommands.Add(list);
        command.Subcommands.Add(add);
        return command;
    }
}
