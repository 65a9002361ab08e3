using Explo.Domain.Ports;

namespace Explo.Domain.ContractTests;

/// <summary>
/// A store that a test can close and open again between units of work (its file or database stays): for the adapters
/// whose stores persist, so the contract suites can reopen them at random points.
/// </summary>
/// <typeparam name="TStore">The store.</typeparam>
/// <param name="open">Opens the store on the same place each time.</param>
/// <param name="countEvents">How many events a store holds.</param>
public sealed class ReopenableStore<TStore>(Func<TStore> open, Func<TStore, int> countEvents) : IWorkspaceStore, IEventArchive, IDisposable
    where TStore : IWorkspaceStore, IDisposable
{
    private TStore _inner = open();

    public int CountEvents() => countEvents(_inner);

    public void Reopen()
    {
        _inner.Dispose();
        _inner = open();
    }

    public ValueTask<T> ReadAsync<T>(Func<IWorkspaceReader, T> query, CancellationToken cancellationToken = default) => _inner.ReadAsync(query, cancellationToken);

    public ValueTask<T> WriteAsync<T>(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken = default) => _inner.WriteAsync(work, cancellationToken);

    public ValueTask<IReadOnlyList<StoredEvent>> ReadEventsAsync(long after, int limit, CancellationToken cancellationToken = default) =>
        ((IEventArchive)_inner).ReadEventsAsync(after, limit, cancellationToken);

    public void Dispose() => _inner.Dispose();
}
