using System.CommandLine;
using System.Text.Json;

namespace Explo.Cli.Commands;

/// <summary><c>explo find --property KEY=VALUE</c>: customers by a computed property (the core's query).</summary>
internal static class FindCommand
{
    public static Command Create(CliContext cli)
    {
        var property = new Option<string>("--property") { Description = "KEY=VALUE: customers whose computed property KEY equals VALUE (JSON, or text).", Required = true };
        var command = new Command("find", "Find customers by a computed property.") { property, cli.JsonOption };
        command.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var text = parse.GetValue(property)!;
            var at = text.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new UsageException($"--property must be KEY=VALUE; got '{text}'.");
            }

            var found = CliContext.Ok(await service.FindCustomersByComputedPropertyAsync(CliContext.Admin, text[..at], Wanted(text[(at + 1)..])));
            if (cli.WantsJson(parse))
            {
                cli.Json<IReadOnlyList<FoundJson>>([.. found.Select(c => new FoundJson(c.ProvidedId, c.Name, c.HierarchyLevel, c.AccessGroup))], CliJson.Context.IReadOnlyListFoundJson);
            }
            else
            {
                foreach (var c in found)
                {
                    cli.Output.WriteLine(c.ProvidedId);
                }
            }

            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The values VALUE stands for: VALUE read as JSON when it is JSON (<c>3</c>, <c>"us"</c>, <c>{"a":1}</c>), else as a
    /// string (<c>eu</c>); and a string value also matches VALUE's raw text (<c>7</c> finds <c>7</c> and <c>"7"</c>).
    /// </summary>
    private static JsonElement[] Wanted(string value)
    {
        var asText = JsonSerializer.SerializeToElement(value, CliJson.Context.String);
        try
        {
            var parsed = JsonElement.Parse(value);
            return parsed.ValueKind == JsonValueKind.String ? [parsed] : [parsed, asText];
        }
        catch (JsonException)
        {
            return [asText];
        }
    }
}
