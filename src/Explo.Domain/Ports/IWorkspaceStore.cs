namespace Explo.Domain.Ports;

/// <summary>
/// The driven port for persistence: one workspace and its customers.
/// Every use case runs as one unit of work: <see cref="WriteAsync{T}"/> gives the work a consistent view, and the store
/// applies the returned <see cref="ChangeSet"/> (changes and events together) atomically, or nothing.
/// <list type="bullet">
/// <item>Writers are serialised. The work itself is synchronous (it reads and decides, nothing more), so a store may run
/// it on a thread of its own and bind its transaction to that thread; the caller awaits the outcome.</item>
/// <item>A store may commit several waiting units of work together (one transaction, one flush to disk): it then
/// decides each against a view that includes the ones decided before it, and answers them all only once the
/// transaction is durable. When the group can't be applied, the store decides each unit again alone, so a work
/// function must be repeatable: it may run more than once, and only its returned decision counts.</item>
/// <item>Cancellation is observed until the store starts a unit: a unit still waiting is dropped (its task is
/// cancelled, nothing is changed); once started it runs to its end, so a cancelled token never hides a committed
/// change.</item>
/// </list>
/// </summary>
public interface IWorkspaceStore
{
    /// <summary>Runs a query against a consistent view of the store (the last committed state).</summary>
    /// <typeparam name="T">The query's result.</typeparam>
    /// <param name="query">The query; it must not keep the reader after it returns.</param>
    /// <param name="cancellationToken">Cancels the query before it starts.</param>
    /// <returns>The query's result; a store in memory or in a local file may complete synchronously.</returns>
    ValueTask<T> ReadAsync<T>(Func<IWorkspaceReader, T> query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a unit of work with exclusive write access: the work reads what it needs and decides; the store then
    /// applies the decision's change set atomically (all of it, with its events, or none) and completes once the change
    /// is committed.
    /// </summary>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="work">The work: synchronous and repeatable (see the type's remarks); it must not keep the reader.</param>
    /// <param name="cancellationToken">Drops the unit while it waits for its turn; ignored once the work has started.</param>
    /// <returns>The work's result, once its change (if any) is committed.</returns>
    /// <exception cref="InvalidOperationException">
    /// The change set breaks an invariant the store keeps (a provided id, token or group tag name given to two, a
    /// customer written as new under a stored id): nothing of it was applied.
    /// </exception>
    ValueTask<T> WriteAsync<T>(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken = default);
}

/// <summary>What a unit of work decided: its result, and the changes to apply (none for a read or a rejected request).</summary>
/// <typeparam name="T">The result type.</typeparam>
/// <param name="Result">The result handed back to the caller.</param>
/// <param name="Changes">The changes to apply, or null to change nothing.</param>
public readonly record struct WriteDecision<T>(T Result, ChangeSet? Changes);

/// <summary>
/// A consistent, read-only view of the store within one unit of work. Group tags are looked up by name or id
/// (<see cref="IGroupTagLookup"/>); a store should answer those lookups and <see cref="CountGroupTags"/> without reading
/// every tag, as the service makes them on every tag operation and every customer read.
/// </summary>
public interface IWorkspaceReader : IGroupTagLookup
{
    /// <summary>The workspace, or null when the store is new (the service then uses <see cref="Workspace.CreateDefault"/>).</summary>
    Workspace? Workspace { get; }

    /// <summary>How many group tags the workspace holds.</summary>
    /// <returns>The count.</returns>
    int CountGroupTags();

    /// <summary>Every group tag, in creation (id) order.</summary>
    /// <returns>The tags.</returns>
    IReadOnlyList<GroupTag> ListGroupTags();

    /// <summary>The highest customer id ever stored (0 for none); never decreases, so ids are never reused.</summary>
    long LastCustomerId { get; }

    /// <summary>The stored idempotency key of a scope (expired or not: the service checks), or null.</summary>
    /// <param name="scope">Whose key (<see cref="IdempotencyRecord.Scope"/>).</param>
    /// <param name="key">The key.</param>
    /// <returns>The record or null.</returns>
    IdempotencyRecord? FindIdempotencyRecord(string scope, string key);

    /// <summary>Finds a customer by internal id.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The customer or null.</returns>
    Customer? FindCustomer(CustomerId id);

    /// <summary>Finds customers by internal ids (the ones that exist, in any order).</summary>
    /// <param name="ids">The ids.</param>
    /// <returns>The customers found.</returns>
    IReadOnlyList<Customer> FindCustomers(IReadOnlyCollection<CustomerId> ids);

    /// <summary>Finds a customer by exact provided id (across all DVGs).</summary>
    /// <param name="providedId">The provided id.</param>
    /// <returns>The customer or null.</returns>
    Customer? FindCustomerByProvidedId(string providedId);

    /// <summary>Finds a customer by exact dashboard token.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The customer or null.</returns>
    Customer? FindCustomerByToken(string token);

    /// <summary>
    /// Finds customers by exact provided ids (across all DVGs): the ones that exist, in any order. Bulk paths use it to
    /// look many ids up at once; a store with a cheaper batch lookup than one query per id should implement it.
    /// </summary>
    /// <param name="providedIds">The provided ids (distinct).</param>
    /// <returns>The customers found.</returns>
    IReadOnlyList<Customer> FindCustomersByProvidedIds(IReadOnlyCollection<string> providedIds)
    {
        Guard.NotNull(providedIds);
        var found = new List<Customer>();
        foreach (var providedId in providedIds)
        {
            if (FindCustomerByProvidedId(providedId) is { } customer)
            {
                found.Add(customer);
            }
        }

        return found;
    }

    /// <summary>
    /// Which of some dashboard tokens a stored customer holds. Bulk paths use it to check many new tokens at once; a
    /// store with a cheaper batch lookup than one query per token should implement it.
    /// </summary>
    /// <param name="tokens">The tokens (distinct).</param>
    /// <returns>The tokens in use.</returns>
    IReadOnlySet<string> FindTokensInUse(IReadOnlyCollection<string> tokens)
    {
        Guard.NotNull(tokens);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            if (FindCustomerByToken(token) is not null)
            {
                used.Add(token);
            }
        }

        return used;
    }

    /// <summary>The direct children of a customer, in creation order.</summary>
    /// <param name="parentId">The parent.</param>
    /// <returns>The children.</returns>
    IReadOnlyList<Customer> GetChildren(CustomerId parentId);

    /// <summary>How many customers match the filter.</summary>
    /// <param name="query">The filter.</param>
    /// <returns>The count.</returns>
    long CountCustomers(CustomerQuery query);

    /// <summary>A slice of the customers matching the filter, in creation (id) order.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="skip">How many to skip.</param>
    /// <param name="take">How many at most to return.</param>
    /// <returns>The customers.</returns>
    IReadOnlyList<Customer> ListCustomers(CustomerQuery query, int skip, int take);

    /// <summary>
    /// The customers matching the filter whose id is above <paramref name="after"/>, in id order (a keyset page: it
    /// neither skips nor repeats a customer when others are created or deleted before it). The default reads the
    /// filter's list from the start; a store should answer it from an index range.
    /// </summary>
    /// <param name="query">The filter.</param>
    /// <param name="after">The last id already seen; 0 to start at the first.</param>
    /// <param name="take">How many at most to return.</param>
    /// <returns>The customers.</returns>
    IReadOnlyList<Customer> ListCustomersAfter(CustomerQuery query, long after, int take) =>
        ListCustomers(query, 0, int.MaxValue).SkipWhile(c => c.Id.Value <= after).Take(take).ToList();

    /// <summary>The customers that carry a group tag, in creation order.</summary>
    /// <param name="tagId">The tag.</param>
    /// <returns>The customers.</returns>
    IReadOnlyList<Customer> CustomersWithGroupTag(GroupTagId tagId);

    /// <summary>Every customer, in creation order, streamed.</summary>
    /// <returns>The customers.</returns>
    IEnumerable<Customer> EnumerateCustomers();
}

/// <summary>A store-level customer filter; every given part must match.</summary>
/// <param name="AccessGroupId">Only this DVG.</param>
/// <param name="ParentId">Only children of this customer.</param>
/// <param name="LevelId">Only this level.</param>
public sealed record CustomerQuery(AccessGroupId? AccessGroupId = null, CustomerId? ParentId = null, LevelId? LevelId = null)
{
    /// <summary>True when the customer matches.</summary>
    /// <param name="customer">The customer.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(Customer customer) =>
        (AccessGroupId is null || Guard.NotNull(customer).AccessGroupId == AccessGroupId)
        && (ParentId is null || customer.ParentId == ParentId)
        && (LevelId is null || customer.LevelId == LevelId);
}
