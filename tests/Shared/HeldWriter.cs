using Explo.Domain.Ports;
using Xunit;

namespace Explo.Tests.Shared;

/// <summary>
/// Holds a store's writer (its thread, or the thread writing a unit) inside a unit of work (which changes nothing) until released, so the units queued
/// meanwhile form one group.
/// </summary>
public sealed class HeldWriter : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly ManualResetEventSlim _entered = new();
    private readonly ManualResetEventSlim _release = new();

    /// <summary>Queues the holding unit and waits until the writer runs it.</summary>
    /// <param name="store">The store.</param>
    public HeldWriter(IWorkspaceStore store)
    {
        // From another thread: a store may write a unit on its caller's thread when it is idle.
        Done = Task.Run(() => store.WriteAsync(_ =>
        {
            _entered.Set();
            Assert.True(_release.Wait(Patience), "The test never released the writer.");
            return new WriteDecision<int>(0, null);
        }).AsTask());
        Assert.True(_entered.Wait(Patience), "The writer never started the holding unit.");
    }

    /// <summary>The holding unit's task.</summary>
    public Task Done { get; }

    /// <summary>Lets the writer go on, and waits for the holding unit to end.</summary>
    /// <returns>The holding unit's end.</returns>
    public async Task ReleaseAsync()
    {
        _release.Set();
        await Done;
    }

    /// <summary>Releases the writer (if the test did not).</summary>
    public void Dispose()
    {
        _release.Set();
        _entered.Dispose();
        _release.Dispose();
    }
}

