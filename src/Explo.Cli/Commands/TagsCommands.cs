using System.CommandLine;

namespace Explo.Cli.Commands;

/// <summary><c>explo tags list|add|rename|remove</c>: the group tags.</summary>
internal static class TagsCommands
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("tags", "List, add, rename and remove group tags.");
        var list = new Command("list", "List the group tags.") { cli.JsonOption };
        list.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var tags = CliContext.Ok(await service.ListGroupTagsAsync(CliContext.Admin));
            if (cli.WantsJson(parse))
            {
                cli.Json<IReadOnlyList<NameJson>>([.. tags.Select(t => new NameJson(t.Name))], CliJson.Context.IReadOnlyListNameJson);
            }
            else
            {
                foreach (var tag in tags)
                {
                    cli.Output.WriteLine(tag.Name);
                }
            }

            return 0;
        }));
        var name = new Argument<string>("name") { Description = "The tag's name." };
        var newName = new Argument<string>("new-name") { Description = "The new name." };
        var add = new Command("add", "Add a group tag.") { name };
        add.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            CliContext.Ok(await service.CreateGroupTagAsync(CliContext.Admin, parse.GetValue(name)!));
            cli.Output.WriteLine($"Added group tag '{parse.GetValue(name)}'.");
            return 0;
        }));
        var rename = new Command("rename", "Rename a group tag (every customer shows the new name).") { name, newName };
        rename.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            CliContext.Ok(await service.RenameGroupTagAsync(CliContext.Admin, parse.GetValue(name)!, parse.GetValue(newName)!));
            cli.Output.WriteLine($"Renamed group tag '{parse.GetValue(name)}' to '{parse.GetValue(newName)}'.");
            return 0;
        }));
        var remove = new Command("remove", "Remove a group tag from the workspace and every customer.") { name };
        remove.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            CliContext.Ok(await service.DeleteGroupTagAsync(CliContext.Admin, parse.GetValue(name)!));
            cli.Output.WriteLine($"Removed group tag '{parse.GetValue(name)}'.");
            return 0;
        }));
        command.Subcommands.Add(list);
        command.Subcommands.Add(add);
        command.Subcommands.Add(rename);
        command.Subcommands.Add(remove);
        return command;
    }
}
