using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Explo.Domain.Ports;
using LiteDB;
using LiteDB.Engine;

namespace Explo.Domain.LiteDb;

/// <summary>
/// The store port over one LiteDB file: workspace, customers and domain events in one single-file database.
/// <list type="bullet">
/// <item>Units of work run on the store's own writer thread, which owns every LiteDB transaction (LiteDB binds a
/// transaction to its thread); callers await the outcome. The writer takes every unit waiting and commits them as one
/// group: it decides each in turn (each sees the changes of the ones before it), writes them all into one LiteDB
/// transaction and commits once; the group is answered once its commit is on disk. When the group can't
/// be applied, it is rolled back and each unit is decided and committed alone, so one bad unit never fails another.
/// The changes of a unit and their events commit together or not at all.</item>
/// <item>Readers run on the caller's thread, never see a half-applied change, and wait only for a commit, not for the
/// writer's work (they read the last committed state meanwhile).</item>
/// <item>Binary collation: <c>provided_id</c>, tag and level names compare exactly, whatever the machine's culture.</item>
/// <item>The file is held exclusively by one store: it locks the database file itself (not a name of it) for its whole
/// life, so a second opener (this or another process, through the same name, a hard link, a symbolic link or a bind
/// mount) gets an <see cref="ExploStoreException"/> naming the file at once, never a hang.</item>
/// <item>A commit is on disk when <see cref="WriteAsync{T}"/> completes: the store's answer thread waits until LiteDB
/// has written the commit's pages to its log file and syncs the log (one <c>fsync</c> for every commit up to then),
/// while the writer goes on with the next group (<see cref="CommitDurability"/>). Readers may see a change a moment
/// before it is on disk; its writer is not answered before.</item>
/// </list>
/// </summary>
public sealed class LiteDbWorkspaceStore : IWorkspaceStore, IEventArchive, IDisposable, IAsyncDisposable
{
    /// <summary>How many customers a store keeps in memory unless told otherwise.</summary>
    public const int DefaultCachedCustomers = 50_000;

    /// <summary>The schema version this adapter writes; files record theirs in LiteDB's user version.</summary>
    public const int SchemaVersion = SchemaMigrations.Version;

    /// <summary>Most units of work the writer commits in one group.</summary>
    private const int MaxGroup = 64;

    // The store composes its parts and runs the concurrency between them: DatabaseFiles (the files and their lock),
    // StoreHeader (the header check, LiteDB's engine), SchemaMigrations, ChangeSetWriter and EventLog (what a commit
    // writes), CommittedState (what the store keeps in memory) and StoreReader (the reader over both).
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _writer = new();
    private readonly BlockingCollection<QueuedUnit> _queue = new();
    private readonly Thread _writerThread;
    private readonly BlockingCollection<(CommitDurability.LogMark Mark, QueuedUnit[] Units)> _answers = new();
    private readonly Thread _answerThread;
    private CommitDurability.LogMark _lastMark;
    private volatile Exception? _broken;
    private readonly DatabaseFiles _files;
    private readonly LiteDatabase _db;
    private readonly CommitDurability _durability;
    private readonly EventLog _events;
    private readonly CommittedState _state;
    private readonly ILogger _logger;
    private readonly StoreReader _reader;
    private readonly ChangeSetWriter _changes;
    private volatile bool _disposed;
    private int _closing;
    private long _commits;

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
            LiteEngine engine;
            (_db, engine) = StoreHeader.Open(_files);
            _durability = CommitDurability.Of(engine, _files);
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
            _lastMark = _durability.Mark();
            _writerThread = new Thread(RunWriter) { IsBackground = true, Name = "Explo LiteDB writer" };
            _answerThread = new Thread(RunAnswers) { IsBackground = true, Name = "Explo LiteDB commit answers" };
            _writerThread.Start();
            _answerThread.Start();
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

    /// <summary>How many LiteDB transactions the store has committed since it opened (a group of units counts once).</summary>
    internal long Commits => Interlocked.Read(ref _commits);

    /// <inheritdoc />
    /// <remarks>Runs on the calling thread and completes synchronously (a commit in progress may hold it for a moment).</remarks>
    public ValueTask<T> ReadAsync<T>(Func<IWorkspaceReader, T> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return new ValueTask<T>(Read(query));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<T>(e);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The unit is queued to the store's writer thread, which commits every unit waiting as one group (see the type's
    /// remarks); the task completes, off the writer thread, once the group's transaction is on disk. While the writer
    /// works and writes into its transaction, readers go on reading the last committed state (LiteDB's snapshot, and
    /// the store's caches and lists, which only a commit changes). The commit and the update of the caches and lists
    /// that goes with it run with no reader inside, so a reader sees a change whole or not at all.
    /// </remarks>
    public ValueTask<T> WriteAsync<T>(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return QueuedUnit.Enqueue(_queue, work, cancellationToken, GetType().FullName!);
    }

    /// <summary>Runs a query now, on the calling thread, under the read lock.</summary>
    private T Read<T>(Func<IWorkspaceReader, T> query)
    {
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

    /// <summary>The writer thread: takes every unit waiting (at most <see cref="MaxGroup"/>) and commits them as a group.</summary>
    private void RunWriter()
    {
        foreach (var group in QueuedUnit.Groups(_queue, MaxGroup))
        {
            if (_broken is { } broken)
            {
                foreach (var unit in group)
                {
                    unit.Fail(new IOException($"The database file '{FilePath}' refused an earlier commit; no more changes are accepted until it is reopened.", broken));
                }

                continue;
            }

            try
            {
                lock (_writer)
                {
                    if (group.Count == 1 || !TryCommitTogether(group))
                    {
                        foreach (var unit in group)
                        {
                            CommitAlone(unit);
                        }
                    }
                }

                // Answered once the log is on disk up to the last commit, by the answer thread, while this thread goes on
                // with the next group. Units that changed nothing are answered in turn too: what they read may be a
                // change not yet on disk.
                _answers.Add((_lastMark, [.. group]));
            }
            catch (Exception e)
            {
                // Only a failure after LiteDB committed gets here (the store's memory may no longer match the file):
                // every unit of the group not answered yet learns of it, and the store takes no more changes.
                _broken ??= e;
                foreach (var unit in group)
                {
                    unit.Fail(e);
                }
            }
        }

        _answers.CompleteAdding();
    }

    /// <summary>
    /// The answer thread: for the groups committed so far, waits until the log is on disk up to the last one's mark (one
    /// <c>fsync</c> for all of them) and answers their units. A failure to write or sync the log fails them and stops
    /// the store taking changes (a change it showed readers may not be on disk).
    /// </summary>
    private void RunAnswers()
    {
        var batch = new List<(CommitDurability.LogMark Mark, QueuedUnit[] Units)>();
        foreach (var first in _answers.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (_answers.TryTake(out var next))
            {
                batch.Add(next);
            }

            Exception? failure = _broken;
            if (failure is null)
            {
                try
                {
                    _durability.WaitFor(batch[^1].Mark);
                }
                catch (IOException e)
                {
                    failure = _broken ??= e;
                    StoreLog.LogNotDurable(_logger, FilePath, e);
                }
            }

            foreach (var (_, units) in batch)
            {
                foreach (var unit in units)
                {
                    if (failure is null)
                    {
                        unit.Answer();
                    }
                    else
                    {
                        unit.Fail(failure);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Decides every unit of a group in turn, each against the committed state with the changes decided before it
    /// layered on top, then writes and commits all the changes in one transaction (the answer thread answers the units
    /// once it is on disk).
    /// </summary>
    /// <returns>False when the group's changes could not be applied: nothing is committed.</returns>
    private bool TryCommitTogether(List<QueuedUnit> group)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pending = new PendingChangesReader(_reader);
        var changes = new List<ChangeSet>(group.Count);
        try
        {
            foreach (var unit in group)
            {
                if (unit.Decide(pending) is { IsEmpty: false } decided)
                {
                    pending.Stage(decided);
                    changes.Add(decided);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // A change set that can't be layered on the ones before it (it contradicts them): each unit goes alone.
            return false;
        }

        return TryCommit([.. ChangeSet.MergeAdditive(changes, _state.LastCustomerId)]) is null;
    }

    /// <summary>Decides one unit against the committed state and commits its change; a change that can't be applied fails the unit.</summary>
    private void CommitAlone(QueuedUnit unit)
    {
        if (_disposed)
        {
            unit.Fail(new ObjectDisposedException(GetType().FullName));
            return;
        }

        if (unit.Decide(_reader) is { IsEmpty: false } changes && TryCommit([changes]) is { } failure)
        {
            unit.Fail(failure);
        }
    }

    /// <summary>
    /// Writes change sets into one LiteDB transaction, in order, and commits it: the caches and lists follow with no
    /// reader inside.
    /// </summary>
    /// <returns>
    /// Null when committed (or when there was nothing to commit); otherwise the failure that stopped the change sets
    /// from being applied, all of them rolled back. A failure after LiteDB committed is thrown.
    /// </returns>
    private Exception? TryCommit(List<ChangeSet> changes)
    {
        if (changes.Count == 0)
        {
            return null;
        }

        if (!_db.BeginTrans())
        {
            throw new InvalidOperationException("A LiteDB transaction is already open on the writer thread; units of work can't nest.");
        }

        var started = Stopwatch.GetTimestamp();
        var marks = new (long LastCustomerId, long LastEventSequence)[changes.Count];
        var committed = false;
        try
        {
            // Written into the transaction, which readers on other threads don't see until it commits.
            var mark = (_state.LastCustomerId, _state.LastEventSequence);
            for (var i = 0; i < changes.Count; i++)
            {
                marks[i] = mark = _changes.Apply(changes[i], mark);
            }
        }
        catch (Exception e)
        {
            // A change set the file refuses (a broken invariant, a full disk): the whole transaction goes. A unique key
            // taken twice is the change set's fault, reported as the port says (as every store reports it).
            _db.Rollback();
            return e is LiteException { ErrorCode: LiteException.INDEX_DUPLICATE_KEY }
                ? new InvalidOperationException($"A change set breaks an invariant of the store ({e.Message.TrimEnd('.')}); nothing was changed.", e)
                : e;
        }

        // A group that only adds customers (and their events), as an import batch or a run of creates does, is
        // committed while readers go on: during LiteDB's commit (building the pages and queuing them to its log writer)
        // they still see the last committed state, and once it lands they may find a new customer by id, provided id or token a
        // moment before the lists below count it; no customer they can see changes or disappears. Any other change
        // commits with no reader inside.
        var additive = changes.TrueForAll(c => c.IsAdditive(_state.LastCustomerId));
        try
        {
            if (additive)
            {
                _db.Commit();
                committed = true;
                _lastMark = _durability.Mark();
            }

            LetWaitingReadersIn();
            _gate.EnterWriteLock();
            try
            {
                if (!additive)
                {
                    _db.Commit();
                    committed = true;
                    _lastMark = _durability.Mark();
                }

                for (var i = 0; i < changes.Count; i++)
                {
                    _state.Commit(changes[i], marks[i].LastCustomerId, marks[i].LastEventSequence);
                }
            }
            finally
            {
                _gate.ExitWriteLock();
            }
        }
        catch (Exception e) when (!committed)
        {
            _db.Rollback();
            return e;
        }

        Interlocked.Increment(ref _commits);
        LogCommit(changes, Stopwatch.GetElapsedTime(started));
        return null;
    }

    /// <summary>Logs a large commit (an import's batch) and a slow one, after the gate is open again.</summary>
    private void LogCommit(List<ChangeSet> changes, TimeSpan took)
    {
        var customers = changes.Sum(c => c.UpsertedCustomers.Count + c.DeletedCustomers.Count);
        var events = changes.Sum(c => c.Events.Count);
        if (took >= StoreLog.SlowCommit)
        {
            StoreLog.SlowCommitTook(_logger, FilePath, (long)took.TotalMilliseconds, customers, events);
        }
        else if (customers >= StoreLog.LargeChange)
        {
            StoreLog.LargeCommit(_logger, customers, events, FilePath, (long)took.TotalMilliseconds);
        }
    }

    /// <summary>
    /// A fair hand-off from one commit to the next: readers that queued behind a commit get in before the next one.
    /// <see cref="ReaderWriterLockSlim"/> wakes the waiting readers when a writer leaves, but a thread that commits again
    /// at once takes the free lock before the woken readers have run, so they would wait through that commit too. The
    /// writer thread (the only one that commits) therefore lets readers it finds waiting take the lock first (yielding
    /// its core meanwhile, for at most 50 ms), then queues as usual (once it waits, new readers queue behind it, so
    /// commits are not starved either).
    /// </summary>
    private void LetWaitingReadersIn()
    {
        if (_gate.WaitingReadCount == 0)
        {
            return;
        }

        var spin = default(SpinWait);
        var deadline = Environment.TickCount64 + 50;
        while (_gate.WaitingReadCount > 0 && Environment.TickCount64 < deadline)
        {
            spin.SpinOnce();
        }
    }

    /// <summary>The stored domain events, oldest first.</summary>
    /// <returns>Each event's sequence number, kind, time and JSON body.</returns>
    public IReadOnlyList<StoredEvent> ReadEvents() => Read(_ => _events.ReadAll());

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredEvent>> ReadEventsAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IReadOnlyList<StoredEvent>>(cancellationToken);
        }

        try
        {
            return new ValueTask<IReadOnlyList<StoredEvent>>(Read(_ => _events.Read(after, limit)));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<IReadOnlyList<StoredEvent>>(e);
        }
    }

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

    /// <summary>
    /// Closes the file (checkpointing the log into it) and releases it, once the units of work already queued are
    /// committed (a unit queued later fails with an <see cref="ObjectDisposedException"/>); closing it again does nothing.
    /// </summary>
    public void Dispose()
    {
        // The first call closes; a later or concurrent one returns at once.
        if (Interlocked.Exchange(ref _closing, 1) == 1)
        {
            return;
        }

        // No unit is queued from now on; the writer commits those waiting, then stops.
        _queue.CompleteAdding();
        var joined = Thread.CurrentThread != _writerThread && Thread.CurrentThread != _answerThread;
        if (joined)
        {
            _writerThread.Join();
            _answerThread.Join();
        }

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

            if (joined)
            {
                _queue.Dispose();
                _answers.Dispose();
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
        _queue.Dispose();
        _answers.Dispose();
    }
}
