using System.Collections.Concurrent;
using System.Data;
using Explo.Domain.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Explo.Domain.Postgres;

/// <summary>
/// The store port over a PostgreSQL database (through Npgsql), which any number of store instances, in any number of
/// processes, may share. The tables live in the first schema of the connection's search path (<c>public</c> unless the
/// connection string says otherwise); the store creates and migrates them when it opens.
/// <list type="bullet">
/// <item>Every unit of work is one PostgreSQL transaction. A write takes a transaction-level advisory lock on the
/// workspace first, so writers are serialised across every instance; then its work reads (on the same connection and
/// transaction, so it sees every commit made before the lock was granted), the change set is applied and the
/// transaction commits. A unit is written on its caller's thread when no other is being written; otherwise it waits
/// for the store's writer thread, which commits the units waiting together; callers await the outcome.</item>
/// <item>A read is a <c>REPEATABLE READ READ ONLY</c> transaction: one snapshot for the whole query, no lock, and it
/// runs on the calling thread.</item>
/// <item>A change committed by any instance is seen by the next read of every instance. The one cache, of customers
/// read by id (the ancestors of the customers a read shows), holds the customers of one version of them: the database
/// raises the version in every transaction that changes a customer, and a read uses the cache only when its snapshot
/// finds the version the cache was filled at.</item>
/// <item>Properties and mapping are kept as their exact JSON text (not <c>jsonb</c>): numbers and key order round-trip
/// byte for byte. Provided ids, tokens and tag names compare byte-wise (<c>COLLATE "C"</c>).</item>
/// </list>
/// </summary>
public sealed class PostgresWorkspaceStore : IWorkspaceStore, IEventArchive, IAsyncDisposable, IDisposable
{
    /// <summary>The schema version this adapter writes; a database records its own in <c>explo_schema</c>.</summary>
    public const int SchemaVersion = SchemaMigrations.Version;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly int _schemaKey;
    private readonly BlockingCollection<QueuedUnit> _queue = new();
    private readonly CustomerGenerations _customers;
    private readonly Thread _writer;
    private int _disposed;

    // The workspace as this instance last read or wrote it (under _writing): a write assumes it, and checks it in the
    // round trip of its first query (PostgresReader.BeginWrite).
    private StoredWorkspace? _knownWorkspace;

    // Held by whoever writes: the writer thread for a group, or a caller writing its own unit when the writer is idle.
    private readonly Lock _writing = new();

    // 1 while the writer thread has units to write (taken from the queue or still in it).
    private int _writerBusy;

    /// <summary>Open, no unit waits and the writer thread has none in hand: a caller may write its own.</summary>
    private bool Idle
    {
        get
        {
            try
            {
                return Volatile.Read(ref _disposed) == 0 && _queue.Count == 0 && Volatile.Read(ref _writerBusy) == 0;
            }
            catch (ObjectDisposedException)
            {
                // Closed meanwhile: the queue answers the unit (ObjectDisposedException naming the store).
                return false;
            }
        }
    }

    /// <summary>The unique constraint on the customers' tokens (schema 1).</summary>
    private const string TokenConstraint = "customers_token_key";

    /// <summary>The most units of work the writer commits in one transaction.</summary>
    private const int MaxGroup = 64;

    /// <summary>The most customers read by id that one version of the per-instance cache keeps.</summary>
    private const int CachedCustomers = 50_000;

    /// <summary>Opens the store over a database, creating or migrating its tables.</summary>
    /// <param name="connectionString">An Npgsql connection string, for example <c>Host=db;Database=explo;Username=explo</c>.</param>
    /// <exception cref="PostgresStoreException">
    /// The connection string is malformed, the server can't be reached, the login or a permission is refused, or the
    /// database holds a newer schema. The message is one sentence naming the database.
    /// </exception>
    public PostgresWorkspaceStore(string connectionString)
        : this(connectionString, null)
    {
    }

    /// <summary>Opens the store over a database, creating or migrating its tables, and logging to <paramref name="logger"/>.</summary>
    /// <param name="connectionString">An Npgsql connection string, for example <c>Host=db;Database=explo;Username=explo</c>.</param>
    /// <param name="logger">Where the store logs (opened, migrated, closed); null for nowhere.</param>
    /// <exception cref="PostgresStoreException">
    /// The connection string is malformed, the server can't be reached, the login or a permission is refused, or the
    /// database holds a newer schema. The message is one sentence naming the database.
    /// </exception>
    public PostgresWorkspaceStore(string connectionString, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        _logger = logger ?? NullLogger.Instance;
        _customers = new CustomerGenerations(CachedCustomers);
        NpgsqlDataSourceBuilder builder;
        try
        {
            builder = new NpgsqlDataSourceBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new PostgresStoreException($"The PostgreSQL connection string is not valid: {OneLine(e.Message)}.", e);
        }

        var settings = builder.ConnectionStringBuilder;
        Target = $"{settings.Host ?? "localhost"}:{settings.Port}/{settings.Database ?? settings.Username ?? "postgres"}";
        // The store uses built-in types only (integers, text, booleans and arrays of them): no need to load the
        // server's type catalog on the first connection, which costs more than the rest of an open.
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        if (settings.MaxAutoPrepare == 0)
        {
            // The store runs the same few statements again and again: prepared once per connection.
            settings.MaxAutoPrepare = 64;
        }

        _dataSource = builder.Build();
        try
        {
            using var connection = _dataSource.OpenConnection();
            using (var schema = new NpgsqlCommand("SELECT current_schema(), hashtext(current_schema())", connection))
            using (var row = schema.ExecuteReader())
            {
                row.Read();
                if (row.IsDBNull(0))
                {
                    throw new PostgresStoreException($"The PostgreSQL database {Target} can't be used: its search path names no schema that exists.");
                }

                Schema = row.GetString(0);
                _schemaKey = row.GetInt32(1);
            }

            var before = SchemaMigrations.Open(connection, _schemaKey, Target);
            if (before != 0 && before != SchemaVersion)
            {
                StoreLog.Migrated(_logger, Target, before, SchemaVersion);
            }

            StoreLog.Opened(_logger, Target, SchemaVersion);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or PostgresStoreException)
        {
            _dataSource.Dispose();
            throw e as PostgresStoreException ?? Unusable(e);
        }

        _writer = new Thread(RunWriter) { IsBackground = true, Name = "Explo PostgreSQL writer" };
        _writer.Start();
    }

    /// <summary>The database, as <c>host:port/database</c> (no credentials).</summary>
    public string Target { get; }

    /// <summary>The per-instance cache of customers read by id (for the tests).</summary>
    internal CustomerGenerations CachedCustomersById => _customers;

    /// <summary>The schema that holds the store's tables (the first of the connection's search path).</summary>
    public string Schema { get; } = "";

    /// <inheritdoc />
    /// <remarks>
    /// The connection is opened asynchronously; the query then runs on the calling thread in a <c>REPEATABLE READ READ
    /// ONLY</c> transaction (the reader's calls are synchronous database round trips). Cancellation is observed until
    /// the query starts.
    /// </remarks>
    public async ValueTask<T> ReadAsync<T>(Func<IWorkspaceReader, T> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, CancellationToken.None).ConfigureAwait(false);

            // The snapshot starts with the version's query: the customers the cache holds for that version are the ones
            // this snapshot sees.
            long version;
            await using (var start = new NpgsqlBatch(connection))
            {
                start.BatchCommands.Add(new NpgsqlBatchCommand("SET TRANSACTION READ ONLY"));
                start.BatchCommands.Add(new NpgsqlBatchCommand(PostgresReader.CustomersVersion));
                version = (long)(await start.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))!;
            }

            var result = query(new PostgresReader(connection, _customers.For(version)));
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            return result;
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw Unusable(e);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The unit runs in a transaction of its own: the workspace's advisory lock first (other instances' writers wait,
    /// readers don't), then the work, the change set, the commit. When this instance is writing nothing else, the unit is
    /// written on the calling thread (the returned task is then complete); otherwise it is queued to the store's writer
    /// thread, which writes the waiting units together. The task completes once PostgreSQL has committed.
    /// </remarks>
    public ValueTask<T> WriteAsync<T>(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);

        // No unit waiting and none being written: the caller writes its own, on its thread, and saves handing it to the
        // writer thread and the answer back (two thread switches, a fifth of a lone write's time). Under load the lock
        // is taken, the units queue, and the writer thread commits them in groups.
        if (Idle && !cancellationToken.IsCancellationRequested && _writing.TryEnter())
        {
            try
            {
                if (Idle)
                {
                    var unit = new QueuedUnit<T>(work, CancellationToken.None);
                    unit.TryStart();
                    Run([unit]);
                    return new ValueTask<T>(unit.Task);
                }
            }
            finally
            {
                _writing.Exit();
            }
        }

        return QueuedUnit.Enqueue(_queue, work, cancellationToken, GetType().FullName!);
    }

    /// <inheritdoc />
    /// <remarks>One query, without the writers' lock; the events come back exactly as stored.</remarks>
    public async ValueTask<IReadOnlyList<StoredEvent>> ReadEventsAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                "SELECT sequence, kind, occurred_ticks, json FROM events WHERE sequence > $1 ORDER BY sequence LIMIT $2", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = after });
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            var events = new List<StoredEvent>();
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                events.Add(new StoredEvent(reader.GetInt64(0), reader.GetString(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), reader.GetString(3)));
            }

            return events;
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw Unusable(e);
        }
    }

    /// <summary>How many domain events the database holds.</summary>
    /// <returns>The count.</returns>
    public int CountEvents()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand("SELECT count(*) FROM events", connection);
        return (int)(long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Closes the store: units already queued are run first, later ones fail with an <see cref="ObjectDisposedException"/>;
    /// the connections are closed. Closing it again does nothing.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.CompleteAdding();
        if (Thread.CurrentThread != _writer)
        {
            _writer.Join();
        }

        // A caller writing its own unit finishes it first.
        lock (_writing)
        {
        }

        _queue.Dispose();
        _dataSource.Dispose();
        StoreLog.Closed(_logger, Target);
    }

    /// <summary>Closes the store as <see cref="Dispose"/> does.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The writer thread: takes every unit waiting (at most <see cref="MaxGroup"/>) and writes them in one transaction
    /// (one lock, one commit, one WAL flush), each decided over the committed state with the ones decided before it
    /// layered on top; when that fails, each unit alone, so one unit's failure is never another's.
    /// </summary>
    private void RunWriter()
    {
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            // Busy from the first unit taken until the queue is empty: a caller that finds the queue empty meanwhile
            // must not write its own unit ahead of the ones the writer has taken and waits to write.
            Volatile.Write(ref _writerBusy, 1);

            // The units are started under the lock: while a caller writes its own, the waiting ones can still be cancelled.
            lock (_writing)
            {
                var group = QueuedUnit.StartGroup(first, _queue, MaxGroup);
                if (group.Count > 0)
                {
                    Run(group);
                }

                if (_queue.Count == 0)
                {
                    Volatile.Write(ref _writerBusy, 0);
                }
            }
        }
    }

    /// <summary>
    /// Writes started units in one transaction and answers them; when that fails, each unit alone, so one unit's failure
    /// is never another's. The caller holds <see cref="_writing"/>.
    /// </summary>
    private void Run(List<QueuedUnit> group)
    {
        var failure = Attempt(group);
        if (failure is null)
        {
            foreach (var unit in group)
            {
                unit.Answer();
            }
        }
        else if (group.Count == 1)
        {
            group[0].Fail(failure);
        }
        else
        {
            foreach (var unit in group)
            {
                var alone = Attempt([unit]);
                if (alone is null)
                {
                    unit.Answer();
                }
                else
                {
                    unit.Fail(alone);
                }
            }
        }
    }

    /// <summary>
    /// Units written together, first on what this instance knows (the workspace it last saw, new tokens free), and when
    /// that proves stale, decided again asking for everything; null once committed, else the failure.
    /// </summary>
    private Exception? Attempt(List<QueuedUnit> units)
    {
        var failure = Write(units, speculate: true);
        return failure is StaleSpeculationException ? Write(units, speculate: false) : failure;
    }

    /// <summary>
    /// Units written together: lock, decide each in turn, apply, commit. Returns the failure (nothing committed), or
    /// null once committed; a unit's own exception is then its answer (it changed nothing). The transaction is begun
    /// and ended by SQL rather than an <see cref="NpgsqlTransaction"/>, so that its <c>BEGIN</c> rides with the lock and
    /// its <c>COMMIT</c> with the last statements of the change (one round trip each end); when anything fails before
    /// the commit, it is rolled back.
    /// </summary>
    private Exception? Write(List<QueuedUnit> units, bool speculate)
    {
        NpgsqlConnection? connection = null;
        PostgresReader? reader = null;
        StoredWorkspace? written = null;
        var ended = false;
        try
        {
            connection = _dataSource.OpenConnection();

            // READ COMMITTED: each statement sees every commit made before it, so once the lock is granted the work
            // sees the last writer's changes; no other writer commits until this transaction ends. The transaction
            // begins with the work's first query (one round trip for both).
            reader = new PostgresReader(connection);
            reader.BeginWrite(StoreLocks.Writer, _schemaKey, speculate ? _knownWorkspace : null, speculateTokens: speculate);
            if (!speculate)
            {
                reader.EnsureBegun();
            }

            var pending = units.Count > 1 ? new PendingChangesReader(reader) : null;
            var changes = new List<ChangeSet>(units.Count);
            foreach (var unit in units)
            {
                var decided = unit.Decide(pending ?? (IWorkspaceReader)reader);
                if (unit.Thrown is StaleSpeculationException stale)
                {
                    return stale;
                }

                if (unit.Thrown is { } thrown && IsUnavailable(thrown))
                {
                    // Not the work's failure but the database's: a query the work made failed with the connection.
                    return Unusable(thrown);
                }

                if (decided is { IsEmpty: false })
                {
                    pending?.Stage(decided);
                    changes.Add(decided);
                }
            }

            // A work that decided without a query began nothing yet: the start (and its check of the workspace) now.
            reader.EnsureBegun();
            var mark = reader.LastCustomerId;
            var sets = ChangeSet.MergeAdditive(changes, mark);
            var committed = false;
            for (var i = 0; i < sets.Count; i++)
            {
                committed = ChangeSetWriter.Apply(connection, sets[i], mark, commit: i == sets.Count - 1);
                foreach (var customer in sets[i].UpsertedCustomers)
                {
                    mark = Math.Max(mark, customer.Id.Value);
                }
            }

            if (!committed)
            {
                using var commit = new NpgsqlCommand("COMMIT", connection);
                commit.ExecuteNonQuery();
            }

            ended = true;
            if (sets.LastOrDefault(set => set.Workspace is not null)?.Workspace is { } workspace)
            {
                written = new StoredWorkspace(StoredJson.WorkspaceJson(workspace), workspace);
            }

            return null;
        }
        catch (StaleSpeculationException e)
        {
            return e;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation && e.ConstraintName == TokenConstraint && reader is { TokensSpeculated: true })
        {
            // A new token was taken after all (2^-256 for a random one; a test's generator repeats them): ask.
            return new StaleSpeculationException();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation)
        {
            return new InvalidOperationException($"A change set breaks an invariant of the store ({OneLine(e.MessageText)}); nothing was changed.", e);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            return Unusable(e);
        }
        catch (Exception e)
        {
            // Anything else (a bug, a change set the database can't take) is the units' failure: the writer thread,
            // which every later unit needs, lives on.
            return e;
        }
        finally
        {
            // The latest workspace this instance knows: the one it committed, else the one this transaction read.
            if (written is not null)
            {
                _knownWorkspace = written;
            }
            else if (reader is { Started: true })
            {
                _knownWorkspace = reader.Loaded;
            }

            if (connection is not null)
            {
                if (!ended)
                {
                    RollBack(connection);
                }

                connection.Dispose();
            }
        }
    }

    /// <summary>Ends a write transaction that did not commit (a failed statement or commit leaves nothing to undo).</summary>
    private static void RollBack(NpgsqlConnection connection)
    {
        if (connection.State != ConnectionState.Open)
        {
            return;
        }

        try
        {
            using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            rollback.ExecuteNonQuery();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection broke: the server rolls the transaction back when the session ends.
        }
    }

    /// <summary>True for a failure of the database or the connection to it, rather than of the statement.</summary>
    private static bool IsUnavailable(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal)
            || p.SqlState.StartsWith("28", StringComparison.Ordinal)
            || p.SqlState.StartsWith("57", StringComparison.Ordinal)
            || p.SqlState.StartsWith("53", StringComparison.Ordinal)
            || p.SqlState == PostgresErrorCodes.InvalidCatalogName
            || p.SqlState == PostgresErrorCodes.InsufficientPrivilege,
        NpgsqlException => true,
        TimeoutException => true,
        _ => false,
    };

    private PostgresStoreException Unusable(Exception e)
    {
        var reason = e switch
        {
            PostgresException p => p.MessageText,
            NpgsqlException { InnerException: { } inner } n when inner is System.Net.Sockets.SocketException or IOException or TimeoutException =>
                $"{OneLine(n.Message)} ({OneLine(inner.Message)})",
            _ => e.Message,
        };
        return new PostgresStoreException($"The PostgreSQL database {Target} can't be used: {OneLine(reason)}.", e);
    }

    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.EndsWith('.') ? line[..^1] : line;
    }
}
