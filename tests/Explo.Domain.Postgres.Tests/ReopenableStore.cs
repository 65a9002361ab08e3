using Explo.Domain.Ports;

namespace Explo.Domain.Postgres.Tests;

/// <summary>A PostgreSQL store that a test can close and open again between units of work (the database stays).</summary>
internal sealed class ReopenableStore(string connectionString) : IWorkspaceStore, IDisposable
{
    private PostgresWorkspaceStore _inner = new(connectionString);

    public int CountEvents() => _inner.CountEvents();

    public void Reopen()
    {
        _inner.Dispose();
        _inner = new PostgresWorkspaceStore(connectionString);
    }

    public ValueTask<T> ReadAsync<T>(Func<IWorkspaceReader, T> query, CancellationToken cancellationToken = default) => _inner.ReadAsync(query, cancellationToken);

    public ValueTask<T> WriteAsync<T>(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken = default) => _inner.WriteAsync(work, cancellationToken);

    public void Dispose() => _inner.Dispose();
}
