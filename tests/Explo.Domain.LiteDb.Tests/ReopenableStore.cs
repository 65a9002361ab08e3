using Explo.Domain.Ports;

namespace Explo.Domain.LiteDb.Tests;

/// <summary>A LiteDB store that a test can close and reopen between units of work (the file stays).</summary>
internal sealed class ReopenableStore(string path) : IWorkspaceStore, IDisposable
{
    private LiteDbWorkspaceStore _inner = new(path);

    public int CountEvents() => _inner.CountEvents();

    public void Reopen()
    {
        _inner.Dispose();
        _inner = new LiteDbWorkspaceStore(path);
    }

    public ValueTask<T> ReadAsync<T>(Func<IWorkspaceReader, T> query, CancellationToken cancellationToken = default) => _inner.ReadAsync(query, cancellationToken);

    public ValueTask<T> WriteAsync<T>(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken = default) => _inner.WriteAsync(work, cancellationToken);

    public void Dispose() => _inner.Dispose();
}
