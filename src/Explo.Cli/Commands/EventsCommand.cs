using System.CommandLine;
using System.Text.Json;
using Explo.Contracts;
using Explo.Domain;

namespace Explo.Cli.Commands;

/// <summary>
/// <c>explo events [--after CURSOR] [--follow]</c>: the change feed, one event per line as the API's JSON, then the cursor
/// to go on from (<c>next_cursor: ...</c>, on standard error); <c>--follow</c> keeps polling for new events until stopped.
/// </summary>
internal static class EventsCommand
{
    /// <summary>How long <c>--follow</c> waits between two reads that found nothing.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public static Command Create(CliContext cli)
    {
        var after = new Option<string?>("--after") { Description = "Start after this cursor (a next_cursor printed before); from the first event when absent." };
        var follow = new Option<bool>("--follow") { Description = "Keep reading new events as they are committed, until stopped (Ctrl+C)." };
        var command = new Command("events", "Print the change feed: one event per line as JSON, then the cursor to go on from.") { after, follow };
        command.SetAction((parse, cancellationToken) => cli.With(parse, async (_, service) =>
        {
            var cursor = parse.GetValue(after);
            var following = parse.GetValue(follow);
            while (true)
            {
                var page = CliContext.Ok(await service.ReadEventsAsync(CliContext.Admin, cursor, ExploService.MaxFeedLimit, cancellationToken));
                foreach (var e in page.Events)
                {
                    cli.Output.WriteLine(JsonSerializer.Serialize(EventBody.From(e), ExploJson.Context.EventBody));
                }

                cursor = page.NextCursor;
                if (page.Events.Count == 0)
                {
                    if (!following)
                    {
                        break;
                    }

                    try
                    {
                        await Task.Delay(Poll, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }

            cli.Error.WriteLine($"next_cursor: {cursor}");
            return 0;
        }));
        return command;
    }
}
