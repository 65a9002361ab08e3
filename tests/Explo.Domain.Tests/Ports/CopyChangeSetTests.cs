using Explo.Domain.InMemory;
using Explo.Domain.Ports;

namespace Explo.Domain.Tests.Ports;

/// <summary>The in-memory store as an event archive, and the two copy fields of a change set.</summary>
public sealed class CopyChangeSetTests
{
    private static async Task<IReadOnlyList<StoredEvent>> All(IEventArchive archive)
    {
        var all = new List<StoredEvent>();
        while (true)
        {
            var page = await archive.ReadEventsAsync(all.Count == 0 ? 0 : all[^1].Sequence, 2);
            all.AddRange(page);
            if (page.Count < 2)
            {
                return all;
            }
        }
    }

    [Fact]
    public async Task Copied_events_and_the_mark_come_back_as_given_and_later_events_follow_them()
    {
        var source = new InMemoryWorkspaceStore();
        var service = new ExploService(source);
        Assert.True((await service.InitializeWorkspaceAsync(Caller.Administrator())).IsSuccess);
        Assert.True((await service.GetOrCreateCustomerAsync(Caller.Administrator(), new CreateCustomerRequest("acme"))).IsSuccess);
        var events = await All(source);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Contains(events, e => e.Kind == "customer_created" && e.Json.Contains("\"provided_id\"", StringComparison.Ordinal));

        var target = new InMemoryWorkspaceStore();
        var workspace = await source.ReadAsync(r => r.Workspace);
        await target.WriteAsync(_ => new WriteDecision<bool>(true, new ChangeSet(workspace, [], [], []) { CopiedEvents = events, LastCustomerId = 41 }));

        Assert.Equal(events, await All(target));
        Assert.Equal(41, await target.ReadAsync(r => r.LastCustomerId));
        var created = (await new ExploService(target).GetOrCreateCustomerAsync(Caller.Administrator(), new CreateCustomerRequest("next"))).SuccessValue;
        Assert.Equal(42, created.Customer.Id.Value);
        var after = await All(target);
        Assert.Equal(events, after.Take(events.Count));
        Assert.Equal(events.Count + 1L, after[^1].Sequence);

        // Copied events go only into a store without events.
        await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
            await target.WriteAsync(_ => new WriteDecision<bool>(true, new ChangeSet(null, [], [], []) { CopiedEvents = events })));
    }

    [Fact]
    public async Task A_copy_is_never_layered_on_other_change_sets()
    {
        var store = new InMemoryWorkspaceStore();
        await store.ReadAsync(committed =>
        {
            var overlay = new PendingChangesReader(committed);
            Assert.Throws<InvalidOperationException>(() => overlay.Stage(new ChangeSet(null, [], [], []) { LastCustomerId = 5 }));
            return true;
        });
    }
}
