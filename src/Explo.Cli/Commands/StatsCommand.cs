using System.CommandLine;

namespace Explo.Cli.Commands;

/// <summary><c>explo stats</c>: counts per level and data visibility group, depth (the core's query), and the file's size.</summary>
internal static class StatsCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("stats", "Counts per level and data visibility group, depth, file size.") { cli.JsonOption };
        command.SetAction((parse, _) => cli.With(parse, async (store, service) =>
        {
            var stats = CliContext.Ok(await service.GetWorkspaceStatsAsync(CliContext.Admin));
            var size = store.Size();
            if (cli.WantsJson(parse))
            {
                cli.Json(
                    new StatsJson(stats.Customers, stats.MaxDepth, size, new(stats.PerLevel, StringComparer.Ordinal), new(stats.PerAccessGroup, StringComparer.Ordinal)),
                    CliJson.Context.StatsJson);
            }
            else
            {
                cli.Output.WriteLine(size is { } bytes
                    ? $"{stats.Customers} customers, depth {stats.MaxDepth}, file {bytes} bytes."
                    : $"{stats.Customers} customers, depth {stats.MaxDepth}, {store.Name}.");
                foreach (var (level, count) in stats.PerLevel)
                {
                    cli.Output.WriteLine($"  level {level}: {count}");
                }

                foreach (var (group, count) in stats.PerAccessGroup)
                {
                    cli.Output.WriteLine($"  data visibility group {group}: {count}");
                }
            }

            return 0;
        }));
        return command;
    }
}
