using Explo.Domain.Ports;

namespace Explo.Tests.Shared;

/// <summary>
/// Blocking calls to the store port for tests that check one read or write in a line. Production code awaits
/// <see cref="IWorkspaceStore.ReadAsync{T}"/> and <see cref="IWorkspaceStore.WriteAsync{T}"/> (EXD007 forbids blocking
/// in <c>src/</c>); a test may block: its store completes on the store's own threads, never on the test's.
/// </summary>
internal static class StoreCalls
{
    public static T ReadNow<T>(this IWorkspaceStore store, Func<IWorkspaceReader, T> query) =>
        store.ReadAsync(query).AsTask().GetAwaiter().GetResult();

    public static T WriteNow<T>(this IWorkspaceStore store, Func<IWorkspaceReader, WriteDecision<T>> work) =>
        store.WriteAsync(work).AsTask().GetAwaiter().GetResult();

    public static IReadOnlyList<string> Invariants(this IWorkspaceStore store) =>
        Explo.Domain.Hierarchy.WorkspaceInvariants.CheckAsync(store).AsTask().GetAwaiter().GetResult();
}
