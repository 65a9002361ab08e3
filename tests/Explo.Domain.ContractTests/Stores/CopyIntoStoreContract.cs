using Explo.Domain.Ports;

namespace Explo.Domain.ContractTests;

/// <summary>
/// A store takes a copy (<c>explo copy</c>): events with their own sequences, kept exactly (only into an empty log,
/// without gaps), and a raised customer-id mark, both surviving a reopen. Each store's test class opens its store on
/// one place (a file, a schema) as often as a test asks.
/// </summary>
/// <typeparam name="TStore">The store.</typeparam>
public abstract class CopyIntoStoreContract<TStore>
    where TStore : IWorkspaceStore, IEventArchive, IAsyncDisposable
{
    private static readonly StoredEvent[] Copied =
    [
        new(1, "workspace_initialized", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(7), "{\"a\": 1e400, \"ключ\": \"ü\"}"),
        new(2, "customer_created", new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero), "{\"id\":1}"),
    ];

    /// <summary>Opens the store on this test's place (the same place every time).</summary>
    protected abstract TStore Open();

    private static ValueTask<bool> Copy(TStore store, IReadOnlyList<StoredEvent> events, long? mark) =>
        store.WriteAsync(_ => new WriteDecision<bool>(true, new ChangeSet(null, [], [], []) { CopiedEvents = events, LastCustomerId = mark }));

    [Fact]
    public async Task Copied_events_come_back_exactly_and_the_mark_is_raised()
    {
        await using var store = Open();
        await Copy(store, Copied, 17);

        Assert.Equal(Copied, await store.ReadEventsAsync(0, 10));
        Assert.Equal([Copied[1]], await store.ReadEventsAsync(1, 10));
        Assert.Equal(17, await store.ReadAsync(r => r.LastCustomerId));

        // Only into an empty log; nothing of a refused change set is applied.
        await Assert.ThrowsAnyAsync<InvalidOperationException>(async () => await Copy(store, Copied, 99));
        Assert.Equal(17, await store.ReadAsync(r => r.LastCustomerId));
        Assert.Equal(2, (await store.ReadEventsAsync(0, 10)).Count);
    }

    [Fact]
    public async Task The_copied_mark_and_events_survive_a_reopen()
    {
        await using (var store = Open())
        {
            await Copy(store, Copied, 17);
        }

        await using var reopened = Open();
        Assert.Equal(17, await reopened.ReadAsync(r => r.LastCustomerId));
        Assert.Equal(Copied, await reopened.ReadEventsAsync(0, 10));
    }

    [Fact]
    public async Task Copied_events_with_a_gap_are_refused()
    {
        await using var store = Open();
        await Assert.ThrowsAnyAsync<InvalidOperationException>(async () => await Copy(store, [Copied[1]], null));
        Assert.Empty(await store.ReadEventsAsync(0, 10));
    }
}
