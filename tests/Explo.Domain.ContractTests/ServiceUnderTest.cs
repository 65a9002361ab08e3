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

    /// <summary>Closes and reopens the store (a file store), or null when the adapter can't.</summary>
    public Action? Reopen { get; init; }

    public void Dispose() => OnDispose?.Invoke();
}
