namespace Explo.Domain.ContractTests;

/// <summary>
/// What an adapter hands the contract suite: the port under test (<see cref="Api"/>: the in-process service, or a
/// remote client) and an in-process service on the same store (<see cref="Admin"/>) for admin set-up and state snapshots.
/// </summary>
public sealed class ServiceUnderTest : IDisposable
{
    public required IExploApi Api { get; init; }

    public required IExploService Admin { get; init; }

    /// <summary>How many domain events the store holds.</summary>
    public required Func<int> EventCount { get; init; }

    public Action? OnDispose { get; init; }

    /// <summary>
    /// The port under test sending an idempotency key with every write (over HTTP, the client's
    /// <c>WithIdempotencyKey</c>); null when <see cref="Api"/> is the in-process service (<see cref="IIdempotentWrites"/>).
    /// </summary>
    public Func<string, IExploApi>? WithIdempotencyKey { get; init; }

    /// <summary>Closes and reopens the store (a file store), or null when the adapter can't.</summary>
    public Action? Reopen { get; init; }

    public void Dispose() => OnDispose?.Invoke();
}
