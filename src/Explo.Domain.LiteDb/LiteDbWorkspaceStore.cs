using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Explo.Domain.Ports;
using LiteDB;

namespace Explo.Domain.LiteDb;

/// <summary>
/// The store port over one LiteDB file: workspace, customers and domain events in one single-file database.
/// <list type="bullet">
/// <item>One unit of work = one LiteDB transaction on the calling thread: the changes and their events commit
/// together or not at all. Writers are serialised; readers never see a half-applied change, and wait only for a
/// write's commit, not for its work (they read the last committed state meanwhile).</item>
/// <item>Binary collation: <c>provided_id</c>, tag and level names compare exactly, whatever the machine's culture.</item>
/// <item>The file is held exclusively by one store: it locks the database file itself (not a name of it) for its whole
/// life, so a second opener (this or another process, through the same name, a hard link, a symbolic link or a bind
/// mount) gets an <see cref="ExploStoreException"/> naming the file at once, never a hang.</item>
/// <item>A commit is on disk when <see cref="Write{T}"/> returns: LiteDB writes the transaction's pages to its log file
/// and flushes the log after each one, and the store's streams turn each flush into an <c>fsync</c>.</item>
/// </list>
/// </summary>
public sealed class LiteDbWorkspaceStore : IWorkspaceStore, IDisposable, IAsyncDisposable
{
    /// <summary>How many customers a store keeps in memory unless told otherwise.</summary>
    public const int DefaultCachedCustomers = 50_000;

    /// <summary>The schema version this adapter writes; files record theirs in LiteDB's user version.</summary>
    public const int SchemaVersion = SchemaMigrations.Version;

    // The store composes its parts and runs the concurrency between them: DatabaseFiles (the files and their lock),
    // StoreHeader (the header check, LiteDB's engine), SchemaMigrations, ChangeSetWriter and EventLog (what a commit
    // writes), CommittedState (what the store keeps in memory) and StoreReader (the reader over both).
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _writer = new();
    private readonly DatabaseFiles _files;
    private readonly LiteDatabase _db;
    private readonly EventLog _events;
    private readonly CommittedState _state;
    private readonly ILogger _logger;
    private readonly StoreReader _reader;
    private readonly ChangeSetWriter _changes;
    private bool _disposed;
    private volatile bool _committing;

    /// <summary>Opens (or creates) the database file.</summary>
    /// <param name="path">The file's path, for example <c>explo.db</c>.</param>
    /// <exception cref="ExploStoreException">
    /// The path is empty, a folder or can't be written (nor LiteDB's log file beside it), the file is held by another
    /// store, was written by a newer schema, or is not an Explo file. The message is one sentence naming the file.
    /// </exception>
    public LiteDbWorkspaceStore(string path)
        : this(path, DefaultCachedCustomers)
    {
    }

    /// <summary>Opens (or creates) the database file, keeping up to <paramref name="cachedCustomers"/> customers in memory.</summary>
    /// <param name="path">The file's path, for example <c>explo.db</c>.</param>
    /// <param name="cachedCustomers">
    /// How many customers read from the file are kept in memory (0 for none). The store is the file's only writer (it
    /// holds the file's lock) and updates the cache with every commit, so a cached customer is never stale; a lookup by
    /// id, provided id or token that finds one skips LiteDB altogether.
    /// </param>
    /// <exception cref="ExploStoreException">
    /// The path is empty, a folder or can't be written (nor LiteDB's log file beside it), the file is held by another
    /// store, was written by a newer schema, or is not an Explo file. The message is one sentence naming the file.
    /// </exception>
    public LiteDbWorkspaceStore(string path, int cachedCustomers)
        : this(path, cachedCustomers, null)
    {
    }

    /// <summary>
    /// Opens (or creates) the database file, keeping up to <paramref name="cachedCustomers"/> customers in memory and
    /// telling <paramref name="logger"/> what an operator should see: the file opened or migrated, large commits (an
    /// import's batches), slow commits, and the file closed.
    /// </summary>
    /// <param name="path">The file's path, for example <c>explo.db</c>.</param>
    /// <param name="cachedCustomers">How many customers read from the file are kept in memory (0 for none).</param>
    /// <param name="logger">Where the store logs; null for nowhere.</param>
    /// <exception cref="ExploStoreException">
    /// The path is empty, a folder or can't be written (nor LiteDB's log file beside it), the file is held by another
    /// store, was written by a newer schema, or is not an Explo file. The message is one sentence naming the file.
    /// </exception>
    public LiteDbWorkspaceStore(string path, int cachedCustomers, ILogger? logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cachedCustomers);
        _logger = logger ?? NullLogger.Instance;
        _files = DatabaseFiles.Open(path);
        FilePath = _files.Path;
        try
        {
            _db = StoreHeader.Open(_files);
            var collections = new StoreCollections(_db);
            var before = SchemaMigrations.Open(collections, FilePath);
            _events = new EventLog(collections.Events);
            _state = CommittedState.Load(collections, _events, cachedCustomers);
            _reader = new StoreReader(collections, _state);
            _changes = new ChangeSetWriter(collections, _events, _state);
            if (before != 0 && before != SchemaMigrations.Version)
            {
                StoreLog.Migrated(_logger, FilePath, before, SchemaMigrations.Version);
            }

            StoreLog.Opened(_logger, FilePath, SchemaMigrations.Version);
        }
        catch (Exception e) when (e is LiteException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Abandon();
            throw new ExploStoreException($"The database file '{FilePath}' can't be opened: {DatabaseFiles.OneLine(e.Message)}", e);
        }
        catch
        {
            Abandon();
            throw;
        }
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public T Read<T>(Func<IWorkspaceReader, T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        _gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return query(_reader);
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Writers take turns (one unit of work at a time), but readers wait only for a write's commit: while the work runs
    /// and its change is written into the open transaction, readers go on reading the last committed state (LiteDB's
    /// snapshot, and the store's caches and lists, which only a commit changes). The commit and the update of the caches
    /// and lists that goes with it run with no reader inside, so a reader sees a change whole or not at all.
    /// </remarks>
    public T Write<T>(Func<IWorkspaceReader, WriteDecision<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_writer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_db.BeginTrans())
            {
                throw new InvalidOperationException("A LiteDB transaction is already open on this thread; units of work can't nest.");
            }

            var finished = false;
            try
            {
                // The work reads the committed state, as every reader does: no other write can commit meanwhile.
                var decision = work(_reader);
                if (decision.Changes is not { IsEmpty: false } changes)
                {
                    _db.Rollback();
                    finished = true;
                    return decision.Result;
                }

                // Written into the transaction, which readers on other threads don't see until it commits.
                var started = Stopwatch.GetTimestamp();
                var (lastCustomerId, lastEventSequence) = _changes.Apply(changes);

                // A change that only adds customers (and their events), as an import batch does, is committed while
                // readers go on: during LiteDB's commit (most of it is writing the log to disk) they still see the last
                // committed state, and once it lands they may find a new customer by id, provided id or token a moment
                // before the lists below count it; no customer they can see changes or disappears. Any other change
                // commits with no reader inside.
                var additive = _changes.IsAdditive(changes);
                if (additive)
                {
                    _db.Commit();
                    finished = true;
                }

                LetWaitingReadersIn();
                _gate.EnterWriteLock();
                _committing = true;
                try
                {
                    if (!additive)
                    {
                        _db.Commit();
                        finished = true;
                    }

                    _state.Commit(changes, lastCustomerId, lastEventSequence);
                }
                finally
                {
                    _committing = false;
                    _gate.ExitWriteLock();
                }

                LogCommit(changes, Stopwatch.GetElapsedTime(started));
                return decision.Result;
            }
            finally
            {
                if (!finished)
                {
                    _db.Rollback();
                }
            }
        }
    }

    /// <summary>
    /// A fair hand-off from one commit to the next: readers that queued behind a commit get in before the next one.
    /// <see cref="ReaderWriterLockSlim"/> wakes the waiting readers when a writer leaves, but a thread that commits again
    /// at once takes the free lock before the woken readers have run, so they would wait through that commit too. A
    /// committer that finds readers waiting while no commit runs therefore lets them take the lock first (yielding its
    /// core meanwhile, for at most 50 ms), then queues as usual (once it waits, new readers queue behind it, so commits
    /// are not starved either).
    /// </summary>
    /// <summary>Logs a large commit (an import's batch) and a slow one, after the gate is open again.</summary>
    private void LogCommit(ChangeSet changes, TimeSpan took)
    {
        var customers = changes.UpsertedCustomers.Count + changes.DeletedCustomers.Count;
        if (took >= StoreLog.SlowCommit)
        {
            StoreLog.SlowCommitTook(_logger, FilePath, (long)took.TotalMilliseconds, customers, changes.Events.Count);
        }
        else if (customers >= StoreLog.LargeChange)
        {
            StoreLog.LargeCommit(_logger, customers, changes.Events.Count, FilePath, (long)took.TotalMilliseconds);
        }
    }

    private void LetWaitingReadersIn()
    {
        if (_gate.WaitingReadCount == 0)
        {
            return;
        }

        var spin = default(SpinWait);
        var deadline = Environment.TickCount64 + 50;
        while (_gate.WaitingReadCount > 0 && !_committing && Environment.TickCount64 < deadline)
        {
            spin.SpinOnce();
        }
    }

    /// <summary>The stored domain events, oldest first.</summary>
    /// <returns>Each event's sequence number, kind, time and JSON body.</returns>
    public IReadOnlyList<StoredEvent> ReadEvents() => Read(_ => _events.ReadAll());

    /// <summary>How many domain events are stored.</summary>
    /// <returns>The count.</returns>
    public int CountEvents() => Read(_ => _events.CountAll());

    /// <summary>LiteDB's plan for a query on the customers collection (for tests and diagnostics).</summary>
    /// <param name="where">A LiteDB predicate, for example <c>parent = 5</c>.</param>
    /// <param name="orderBy">An order expression, or null.</param>
    /// <returns>The plan as JSON.</returns>
    public string Explain(string where, string? orderBy = null) => Read(_ =>
    {
        var sql = $"EXPLAIN SELECT $ FROM {CustomerDocument.Collection} WHERE {where}" + (orderBy is null ? string.Empty : $" ORDER BY {orderBy}");
        using var reader = _db.Execute(sql);
        return reader.Read() ? reader.Current.ToString() : string.Empty;
    });

    /// <summary>Closes the file (checkpointing the log into it) and releases it; closing it again does nothing.</summary>
    public void Dispose()
    {
        lock (_writer)
        {
            if (_disposed)
            {
                return;
            }

            _gate.EnterWriteLock();
            try
            {
                _disposed = true;
                _db.Dispose();
                _files.Dispose();
            }
            finally
            {
                _gate.ExitWriteLock();
                DisposeGate();
            }

            StoreLog.Closed(_logger, FilePath);
        }
    }

    /// <summary>
    /// Closes the file as <see cref="Dispose"/> does (a container that owns the store calls this); closing it again does
    /// nothing.
    /// </summary>
    /// <returns>A completed task: closing is synchronous.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Disposes the gate once the store is closed. Readers that queued behind the close get in, find the store closed
    /// and leave; no writer takes the gate again, so no reader queues any more, and once none waits the gate can go (a
    /// reader that comes later finds it disposed: an <see cref="ObjectDisposedException"/> too).
    /// </summary>
    private void DisposeGate()
    {
        var spin = default(SpinWait);
        while (_gate.WaitingReadCount > 0)
        {
            spin.SpinOnce();
        }

        _gate.Dispose();
    }

    /// <summary>Closes what a failed open had opened, so the file is released (and a file it created empty is removed).</summary>
    private void Abandon()
    {
        try
        {
            _db?.Dispose();
        }
        catch (Exception e) when (e is LiteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // The open already failed; that failure is the one reported.
        }

        _files.Abandon();
        _gate.Dispose();
    }
}
