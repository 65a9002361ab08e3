using Explo.Domain.Ports;

namespace Explo.Domain.ContractTests;

/// <summary>
/// A store takes a copy (<c>explo copy</c>): events with their own sequences, kept exactly (only into an empty log,
/// without gaps), and a raised customer-id mark, both surviving a reopen; many new customers in one change set (a copy,
/// an import: a store may write them by a bulk path) are stored exactly, or, when one breaks a uniqueness, none is. Each store's test class opens its store on
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

    /// <summary>
    /// New customers <paramref name="first"/>, <paramref name="first"/> + 1, ... with every field set, the first the
    /// parent of the others; <paramref name="change"/> may alter the fields of one (by its position).
    /// </summary>
    private static List<Customer> NewCustomers(long first, int count, string prefix, Func<int, (long Id, string ProvidedId, string Token)?>? change = null)
    {
        var at = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(3);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var (id, providedId, token) = change?.Invoke(i) ?? (first + i, $"{prefix}{i}", $"{prefix}-token-{i:D4}");
            return new Customer(
                new CustomerId(id), providedId, $"Name ü {i}", token, i % 2 == 0,
                [$"{prefix}{i}@example.com"], i % 3 == 0 ? [new GroupTagId(1)] : [],
                PropertyMap.Parse($$"""{"n": {{i}}, "big": 1{{i}}000000000000000000000, "huge": 1e400}"""),
                OrderedMap.Of(("40", $"ds-{i}")), new LevelId(i == 0 ? 1 : 2), new AccessGroupId(1),
                i == 0 ? null : new CustomerId(first), at, at.AddTicks(i), i + 1);
        })];
    }

    private static ValueTask<bool> Add(TStore store, IReadOnlyList<Customer> customers) =>
        store.WriteAsync(_ => new WriteDecision<bool>(true, new ChangeSet(null, [], customers, [])));

    private static string Describe(Customer c) =>
        string.Join('|', c.Id, c.ProvidedId, c.Name, c.Token, c.IsDemoGroup, string.Join(',', c.Emails), string.Join(',', c.GroupTags),
            PropertyMap.ToJson(c.Properties), string.Join(',', c.Mapping.Select(m => m.Key + "=" + m.Value)), c.LevelId, c.AccessGroupId,
            c.ParentId, c.CreatedAt.UtcTicks, c.UpdatedAt.UtcTicks, c.Version);

    [Fact]
    public async Task Many_new_customers_in_one_change_set_are_stored_exactly()
    {
        var customers = NewCustomers(1, 200, "c");
        await using (var store = Open())
        {
            await Add(store, customers);
        }

        await using var reopened = Open();
        var stored = await reopened.ReadAsync(r => r.FindCustomers([.. customers.Select(c => c.Id)]));
        Assert.Equal(customers.Select(Describe), stored.OrderBy(c => c.Id.Value).Select(Describe));
        Assert.Equal(199, await reopened.ReadAsync(r => r.GetChildren(new CustomerId(1)).Count));
        Assert.Equal(200, await reopened.ReadAsync(r => r.LastCustomerId));
    }

    [Theory]
    [InlineData("a stored provided id")]
    [InlineData("a token given twice in the change set")]
    [InlineData("a provided id given twice in the change set")]
    public async Task Many_new_customers_of_which_one_breaks_a_uniqueness_are_refused_whole(string breaking)
    {
        await using var store = Open();
        var first = NewCustomers(1, 50, "c");
        await Add(store, first);
        var more = NewCustomers(51, 100, "d", i => i < 99 ? null : breaking switch
        {
            "a stored provided id" => (150, "c7", "d-token-last"),
            "a token given twice in the change set" => (150, "d-last", "d-token-0010"),
            _ => (150, "d5", "d-token-last"),
        });

        await Assert.ThrowsAnyAsync<InvalidOperationException>(async () => await Add(store, more));

        Assert.Equal(0, await store.ReadAsync(r => r.FindCustomers([.. more.Select(c => c.Id).Where(id => id.Value > 50)]).Count));
        Assert.Equal(first.Select(Describe), (await store.ReadAsync(r => r.FindCustomers([.. first.Select(c => c.Id)]))).OrderBy(c => c.Id.Value).Select(Describe));
        Assert.Equal(50, await store.ReadAsync(r => r.LastCustomerId));
    }
}
