using Explo.Domain.Ports;

namespace Explo.Domain.Postgres.Tests;

/// <summary>The PostgreSQL store takes a copy: events with their own sequences (only into an empty log), and a raised mark.</summary>
public sealed class CopyIntoPostgresTests : IDisposable
{
    private readonly PostgresSchema _schema = PostgresCluster.NewSchema();

    public void Dispose() => _schema.Dispose();

    private static readonly StoredEvent[] Copied =
    [
        new(1, "workspace_initialized", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(7), "{\"a\": 1e400, \"ключ\": \"ü\"}"),
        new(2, "customer_created", new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero), "{\"id\":1}"),
    ];

    [Fact]
    public async Task Copied_events_come_back_exactly_and_the_mark_is_raised()
    {
        await using var store = new PostgresWorkspaceStore(_schema.ConnectionString);
        await store.WriteAsync(_ => new WriteDecision<bool>(true, new ChangeSet(null, [], [], []) { CopiedEvents = Copied, LastCustomerId = 17 }));

        Assert.Equal(Copied, await store.ReadEventsAsync(0, 10));
        Assert.Equal([Copied[1]], await store.ReadEventsAsync(1, 10));
        Assert.Equal(17, await store.ReadAsync(r => r.LastCustomerId));

        // Only into an empty log; nothing of a refused change set is applied.
        await Assert.ThrowsAnyAsync<InvalidOperationException>(async () =>
            await store.WriteAsync(_ => new WriteDecision<bool>(true, new ChangeSet(null, [], [], []) { CopiedEvents = Copied, LastCustomerId = 99 })));
        Assert.Equal(17, await store.ReadAsync(r => r.LastCustomerId));
        Assert.Equal(2, store.CountEvents());
    }

    [Fact]
    public async Task Copied_events_with_a_gap_are_refused()
    {
        await using var store = new PostgresWorkspaceStore(_schema.ConnectionString);
        await Assert.ThrowsAnyAsync<InvalidOperationException>(async () =>
            await store.WriteAsync(_ => new WriteDecision<bool>(true, new ChangeSet(null, [], [], []) { CopiedEvents = [Copied[1]] })));
        Assert.Empty(await store.ReadEventsAsync(0, 10));
    }
}
