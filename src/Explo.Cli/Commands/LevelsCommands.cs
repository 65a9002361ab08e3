using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Explo.Cli.Commands;

/// <summary><c>explo levels list|add|rename</c>: the hierarchy levels.</summary>
internal static class LevelsCommands
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("levels", "List, add and rename hierarchy levels.");
        var list = new Command("list", "List the levels, root first.") { cli.JsonOption };
        list.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var levels = CliContext.Ok(await service.ListLevelsAsync(CliContext.Admin));
            if (cli.WantsJson(parse))
            {
                cli.Json<IReadOnlyList<LevelJson>>([.. levels.Select(l => new LevelJson(l.Name, l.Rank))], CliJson.Context.IReadOnlyListLevelJson);
            }
            else
            {
                var table = new Table().AddColumn("rank").AddColumn("name");
                foreach (var level in levels)
                {
                    table.AddRow(level.Rank.ToString(CultureInfo.InvariantCulture), Markup.Escape(level.Name));
                }

                cli.Console.Write(table);
            }

            return 0;
        }));

        var name = new Argument<string>("name") { Description = "The level's name." };
        var after = new Option<string?>("--after") { Description = "Insert directly below this level (default: at the bottom)." };
        var add = new Command("add", "Add a level.") { name, after };
        add.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var level = CliContext.Ok(await service.AddLevelAsync(CliContext.Admin, parse.GetValue(name)!, parse.GetValue(after)));
            cli.Output.WriteLine($"Added level '{level.Name}' at rank {level.Rank}.");
            return 0;
        }));

        var newName = new Argument<string>("new-name") { Description = "The new name." };
        var rename = new Command("rename", "Rename a level.") { name, newName };
        rename.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var level = CliContext.Ok(await service.RenameLevelAsync(CliContext.Admin, parse.GetValue(name)!, parse.GetValue(newName)!));
            cli.Output.WriteLine($"Renamed level '{parse.GetValue(name)}' to '{level.Name}'.");
            return 0;
        }));

        command.Subcommands.Add(list);
        command.Subcommands.Add(add);
        command.Subcommands.Add(rename);
        return command;
    }
}
