using System.CommandLine;
using Explo.Domain;

namespace Explo.Cli.Commands;

/// <summary><c>explo export</c>: every customer as JSON, NDJSON or CSV, which <c>import</c> reads back exactly.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext cli)
    {
        var format = new Option<string>("--format") { Description = "json, ndjson or csv.", DefaultValueFactory = _ => "json" };
        var output = new Option<string?>("--out") { Description = "The file to write (default: standard output)." };
        var command = new Command("export", "Export every customer (import reads it back exactly).") { format, output };
        command.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var chosen = CustomerFiles.FormatOf("x." + parse.GetValue(format), null);
            var customers = CliContext.Ok(await service.ListCustomersAsync(CliContext.Admin, new CustomerFilter()));
            if (parse.GetValue(output) is { } path)
            {
                await using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
                CustomerFiles.Write(writer, customers, chosen);
                cli.Output.WriteLine($"Exported {customers.Count} customers to {path}.");
            }
            else
            {
                CustomerFiles.Write(cli.Output, customers, chosen);
            }

            return 0;
        }));
        return command;
    }
}
