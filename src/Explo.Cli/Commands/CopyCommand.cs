using System.CommandLine;
using System.Diagnostics;
using Explo.Domain;
using Explo.Domain.Ports;

namespace Explo.Cli.Commands;

/// <summary>
/// <c>explo copy --from DB --to DB</c>: copies a whole workspace between stores (a LiteDB file or a PostgreSQL database on
/// either side): the workspace (levels, DVGs, API token hashes, data sources), the group tags, every customer with its id
/// and token, the customer-id high-water mark, and the events exactly as stored. The target must be empty; it is written
/// in one unit of work, so it holds the whole copy or nothing.
/// </summary>
internal static class CopyCommand
{
    /// <summary>How many events are read from the source at a time.</summary>
    private const int EventPage = 10_000;

    /// <summary>What is read from the source in one consistent view.</summary>
    private sealed record Snapshot(Workspace? Workspace, IReadOnlyList<GroupTag> Tags, List<Customer> Customers, long LastCustomerId);

    public static Command Create(CliContext cli)
    {
        var from = new Option<string>("--from") { Description = "The source: a database file, or a PostgreSQL database (postgres://... or Host=...).", Required = true };
        var to = new Option<string>("--to") { Description = "The target, which must be empty (a new file, or a database without a workspace).", Required = true };
        var command = new Command("copy", "Copy a whole workspace, its customers and its events into an empty store.") { from, to };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var source = parse.GetValue(from)!;
            var target = parse.GetValue(to)!;
            if (string.Equals(source, target, StringComparison.Ordinal))
            {
                throw new UsageException("--from and --to name the same store.");
            }

            if (!CliStore.IsPostgres(source) && !File.Exists(source))
            {
                throw new UsageException($"The file '{source}' does not exist.");
            }

            var started = Stopwatch.GetTimestamp();
            using var reading = CliStore.Open(source);
            using var writing = CliStore.Open(target);
            if (reading.Store is not IEventArchive sourceEvents || writing.Store is not IEventArchive targetEvents)
            {
                throw new DomainFailure("A copy needs stores that can list their events (a database file or PostgreSQL).");
            }

            if (!await IsEmptyAsync(writing.Store, targetEvents, cancellationToken))
            {
                throw new DomainFailure($"The target {writing.Name} is not empty: a copy goes only into a store without a workspace, customers or events.");
            }

            var snapshot = await reading.Store.ReadAsync(
                r => new Snapshot(r.Workspace, r.ListGroupTags(), [.. r.EnumerateCustomers()], r.LastCustomerId),
                cancellationToken);
            cli.Error.WriteLine($"Read {snapshot.Customers.Count:N0} customers and {snapshot.Tags.Count:N0} group tags from {reading.Name}.");

            var events = new List<StoredEvent>();
            while (true)
            {
                var page = await sourceEvents.ReadEventsAsync(events.Count == 0 ? 0 : events[^1].Sequence, EventPage, cancellationToken);
                events.AddRange(page);
                if (page.Count < EventPage)
                {
                    break;
                }

                cli.Error.WriteLine($"Read {events.Count:N0} events.");
            }

            cli.Error.WriteLine($"Read {events.Count:N0} events; writing to {writing.Name}.");
            var changes = new ChangeSet(snapshot.Workspace, [], snapshot.Customers, [])
            {
                UpsertedGroupTags = snapshot.Tags,
                CopiedEvents = events,
                LastCustomerId = snapshot.LastCustomerId,
            };

            // Checked again inside the unit: a writer that came in since the first check makes the copy write nothing.
            bool written;
            try
            {
                written = await writing.Store.WriteAsync(
                    r => IsEmpty(r) ? new WriteDecision<bool>(true, changes) : new WriteDecision<bool>(false, null),
                    CancellationToken.None);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                // The target refused the change set (events it already holds, a broken source): it holds nothing of it.
                throw new DomainFailure($"Nothing was copied into {writing.Name}: {e.Message}");
            }

            if (!written)
            {
                throw new DomainFailure($"The target {writing.Name} is not empty: a copy goes only into a store without a workspace, customers or events.");
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            cli.Error.WriteLine($"Done in {elapsed.TotalSeconds:0.0} s.");
            cli.Output.WriteLine($"Copied {snapshot.Customers.Count} customers, {snapshot.Tags.Count} group tags and {events.Count} events from {reading.Name} to {writing.Name}.");
            return 0;
        });
        return command;
    }

    private static bool IsEmpty(IWorkspaceReader reader) =>
        reader.Workspace is null && reader.LastCustomerId == 0 && reader.CountGroupTags() == 0;

    private static async Task<bool> IsEmptyAsync(IWorkspaceStore store, IEventArchive events, CancellationToken cancellationToken) =>
        await store.ReadAsync(IsEmpty, cancellationToken) && (await events.ReadEventsAsync(0, 1, cancellationToken)).Count == 0;
}
