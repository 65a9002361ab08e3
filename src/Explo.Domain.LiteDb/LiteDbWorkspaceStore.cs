using System.Text.Json;
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
/// <item>A commit is in the operating system's hands when <see cref="Write{T}"/> returns, so it survives the process
/// being killed. LiteDB 5.0 also flushes its log to disk as it writes it; power loss is not tested, so treat the last
/// commits before one as at risk.</item>
/// </list>
/// </summary>
public sealed class LiteDbWorkspaceStore : IWorkspaceStore, IDisposable
{
    /// <summary>How many customers a store keeps in memory unless told otherwise.</summary>
    public const int DefaultCachedCustomers = 50_000;

    /// <summary>The schema version this adapter writes; files record theirs in LiteDB's user version.</summary>
    public const int SchemaVersion = 3;

    private const string MetaCollection = "meta";
    private const string EventsCollection = "events";
    private const string WorkspaceKey = "workspace";
    private const string CountersKey = "counters";

    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private readonly DatabaseFiles _files;
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _customers;
    private readonly ILiteCollection<BsonDocument> _meta;
    private readonly ILiteCollection<BsonDocument> _events;
    private readonly ILiteCollection<BsonDocument> _groupTags;

    // Every group tag, read once when the file is opened and kept up to date by each commit (the store is the file's
    // only writer; there are at most ExploLimits.MaxGroupTagsPerWorkspace of them): lookups by name and id, and the
    // list in creation (id) order, without a query.
    private readonly GroupTagSet _tags = new();
    private Workspace? _workspace;
    private long _lastCustomerId;
    private long _lastEventSequence;
    private bool _hasGroupIndex;
    private readonly CustomerCache _cache;
    private readonly CustomerPositions _positions = new();
    private bool _disposed;
    private readonly Lock _writer = new();
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
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cachedCustomers);
        _cache = new CustomerCache(cachedCustomers);
        _files = DatabaseFiles.Open(path);
        FilePath = _files.Path;
        try
        {
            _db = OpenFile();
            _customers = _db.GetCollection(CustomerDocument.Collection, BsonAutoId.Int64);
            _meta = _db.GetCollection(MetaCollection, BsonAutoId.ObjectId);
            _events = _db.GetCollection(EventsCollection, BsonAutoId.Int64);
            _groupTags = _db.GetCollection(GroupTagDocument.Collection, BsonAutoId.Int32);
            OpenSchema();
            _workspace = StoredWorkspace();
            foreach (var document in _groupTags.FindAll())
            {
                _tags.Put(GroupTagDocument.FromDocument(document));
            }

            _hasGroupIndex = _db.GetCollection("$indexes").Exists(BsonExpression.Create("collection = @0 AND name = @1", CustomerDocument.Collection, CustomerDocument.GroupKey));
            // The high-water mark: the highest id stored, or the one the last delete recorded when it removed that one.
            var recorded = _meta.FindById(CountersKey) is { } c ? c["last_customer_id"].AsInt64 : 0;
            var highest = _customers.Query().OrderByDescending("_id").Select("{ id: $._id }").Limit(1).FirstOrDefault() is { } top ? top["id"].AsInt64 : 0;
            _lastCustomerId = Math.Max(recorded, highest);
            _lastEventSequence = _events.Query().OrderByDescending("_id").Limit(1).FirstOrDefault() is { } e
                ? e["_id"].AsInt64 + e[EventList].AsArray.Count - 1
                : 0;
        }
        catch (Exception e) when (e is LiteException or IOException or UnauthorizedAccessException or JsonException)
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
            return query(new Reader(this));
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
                var decision = work(new Reader(this));
                if (decision.Changes is not { IsEmpty: false } changes)
                {
                    _db.Rollback();
                    finished = true;
                    return decision.Result;
                }

                // Written into the transaction, which readers on other threads don't see until it commits.
                var (lastCustomerId, lastEventSequence) = Apply(changes);

                // A change that only adds customers (and their events), as an import batch does, is committed while
                // readers go on: during LiteDB's commit (most of it is writing the log to disk) they still see the last
                // committed state, and once it lands they may find a new customer by id, provided id or token a moment
                // before the lists below count it; no customer they can see changes or disappears. Any other change
                // commits with no reader inside.
                var additive = IsAdditive(changes);
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

                    _workspace = changes.Workspace ?? _workspace;
                    _tags.Apply(changes);
                    _lastCustomerId = lastCustomerId;
                    _lastEventSequence = lastEventSequence;
                    _hasGroupIndex |= changes.Workspace is { AccessGroups.Length: > 1 };
                    _cache.Forget(changes.DeletedCustomers, changes.UpsertedCustomers);
                    _positions.Apply(changes.DeletedCustomers, changes.UpsertedCustomers);
                    return decision.Result;
                }
                finally
                {
                    _committing = false;
                    _gate.ExitWriteLock();
                }
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

    /// <summary>True when a change set only adds new customers and events: no workspace, tag, update or delete.</summary>
    private bool IsAdditive(ChangeSet changes)
    {
        if (changes.Workspace is not null || changes.DeletedCustomers.Count > 0 || changes.DeletedGroupTags.Count > 0 || changes.UpsertedGroupTags.Count > 0)
        {
            return false;
        }

        foreach (var customer in changes.UpsertedCustomers)
        {
            if (customer.Id.Value <= _lastCustomerId)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A fair hand-off from one commit to the next: readers that queued behind a commit get in before the next one.
    /// <see cref="ReaderWriterLockSlim"/> wakes the waiting readers when a writer leaves, but a thread that commits again
    /// at once takes the free lock before the woken readers have run, so they would wait through that commit too. A
    /// committer that finds readers waiting while no commit runs therefore lets them take the lock first (yielding its
    /// core meanwhile, for at most 50 ms), then queues as usual (once it waits, new readers queue behind it, so commits
    /// are not starved either).
    /// </summary>
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
    public IReadOnlyList<StoredEvent> ReadEvents() => Read(_ =>
        (IReadOnlyList<StoredEvent>)_events.Query().OrderBy("_id").ToEnumerable()
            .SelectMany(d => d[EventList].AsArray.Select((e, i) => new StoredEvent(
                d["_id"].AsInt64 + i,
                e["kind"].AsString,
                new DateTimeOffset(e["at"].AsInt64, TimeSpan.Zero),
                e["data"].AsString)))
            .ToList());

    /// <summary>How many domain events are stored.</summary>
    /// <returns>The count.</returns>
    public int CountEvents() => Read(_ => _events.Query().Select(EventCountOnly).ToEnumerable().Sum(d => d["n"].AsInt32));

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

    /// <summary>Closes the file (checkpointing the log into it) and releases it.</summary>
    public void Dispose()
    {
        lock (_writer)
        {
            _gate.EnterWriteLock();
            try
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                _db.Dispose();
                _files.Dispose();
            }
            finally
            {
                _gate.ExitWriteLock();
            }
        }
    }

    private (long LastCustomerId, long LastEventSequence) Apply(ChangeSet changes)
    {
        if (changes.Workspace is { } workspace)
        {
            _meta.Upsert(new BsonDocument { ["_id"] = WorkspaceKey, ["json"] = WorkspaceJson.Write(workspace) });

            // The DVG index is built when a second DVG appears (in this transaction, so it rolls back with it).
            if (!_hasGroupIndex && workspace.AccessGroups.Length > 1)
            {
                EnsureGroupIndex(_customers);
            }
        }

        // One document per tag; the unique name index refuses a change set that would give two tags one name.
        foreach (var id in changes.DeletedGroupTags)
        {
            _groupTags.Delete(id.Value);
        }

        foreach (var tag in changes.UpsertedGroupTags)
        {
            _groupTags.Upsert(GroupTagDocument.ToDocument(tag));
        }

        foreach (var id in changes.DeletedCustomers)
        {
            _customers.Delete(id.Value);
        }

        // Ids are never reused, so a customer above the high-water mark is new: insert it (in bulk), update the rest.
        var last = _lastCustomerId;
        var inserts = new List<BsonDocument>();
        var documents = Documents(changes.UpsertedCustomers, CustomerDocument.ToDocument);
        for (var i = 0; i < documents.Length; i++)
        {
            var customer = changes.UpsertedCustomers[i];
            if (customer.Id.Value > _lastCustomerId)
            {
                inserts.Add(documents[i]);
                last = Math.Max(last, customer.Id.Value);
            }
            else if (!_customers.Update(documents[i]))
            {
                throw new InvalidOperationException($"Customer {customer.Id} is below the high-water mark but not stored; the change set is inconsistent.");
            }
        }

        if (inserts.Count > 0)
        {
            _customers.InsertBulk(inserts);
        }

        // The highest stored id is the high-water mark unless it is deleted: only then is the mark written down (so a
        // durable create writes its customer and its events, nothing else).
        if (changes.DeletedCustomers.Count > 0)
        {
            _meta.Upsert(new BsonDocument { ["_id"] = CountersKey, ["last_customer_id"] = last });
        }

        // A change's events are stored together, up to EventsPerDocument in one document whose id is the sequence of
        // its first event: a bulk import's events cost a few hundred inserts, not one insert (and index entry) each.
        var sequence = _lastEventSequence;
        if (changes.Events.Count > 0)
        {
            var events = Documents(changes.Events, e => new BsonDocument
            {
                ["kind"] = e.Kind,
                ["at"] = e.OccurredAt.UtcTicks,
                ["data"] = System.Text.Json.JsonSerializer.Serialize(e, e.GetType(), EventJson),
            });
            var batches = new List<BsonDocument>();
            foreach (var chunk in events.Chunk(EventsPerDocument))
            {
                batches.Add(new BsonDocument { ["_id"] = sequence + 1, ["n"] = chunk.Length, [EventList] = new BsonArray(chunk) });
                sequence += chunk.Length;
            }

            _events.InsertBulk(batches);
        }

        return (last, sequence);
    }

    private const int EventsPerDocument = 1_000;
    private const string EventList = "events";
    private const string EventCountOnly = "{ n: $.n }";

    /// <summary>
    /// Converts items to documents, on every core for a large change set (a bulk import): the conversion is pure, and
    /// only the inserts that follow must run on the transaction's thread.
    /// </summary>
    private static BsonDocument[] Documents<T>(IReadOnlyList<T> items, Func<T, BsonDocument> convert)
    {
        var documents = new BsonDocument[items.Count];
        if (items.Count < ParallelConversionThreshold)
        {
            for (var i = 0; i < documents.Length; i++)
            {
                documents[i] = convert(items[i]);
            }
        }
        else
        {
            Parallel.For(0, documents.Length, i => documents[i] = convert(items[i]));
        }

        return documents;
    }

    private const int ParallelConversionThreshold = 2_048;

    private void OpenSchema()
    {
        if (_db.Collation.SortOptions != System.Globalization.CompareOptions.Ordinal)
        {
            throw new ExploStoreException($"The database file '{FilePath}' uses collation '{_db.Collation}', not the binary collation Explo needs; it was not created by Explo.");
        }

        var version = _db.UserVersion;
        if (version > SchemaVersion)
        {
            throw new ExploStoreException($"The database file '{FilePath}' has schema version {version}, newer than this version of Explo.Domain understands ({SchemaVersion}); use a newer Explo.Domain.");
        }

        if (version == 0)
        {
            var foreign = _db.GetCollectionNames().Except([CustomerDocument.Collection, MetaCollection, EventsCollection, GroupTagDocument.Collection]).ToList();
            if (foreign.Count > 0)
            {
                throw new ExploStoreException($"The database file '{FilePath}' is not an Explo database (it holds the collections {string.Join(", ", foreign)}).");
            }
        }

        for (var v = version; v < SchemaVersion; v++)
        {
            Migrations[v](this);
        }

        if (version != SchemaVersion)
        {
            _db.UserVersion = SchemaVersion;
        }
    }

    /// <summary>Migrations[v] takes a file from schema version v to v + 1. Version 0 is a new file.</summary>
    private static readonly Action<LiteDbWorkspaceStore>[] Migrations =
    [
        store =>
        {
            var c = store._customers;
            c.EnsureIndex(CustomerDocument.ProvidedId, "$." + CustomerDocument.ProvidedId, unique: true);
            c.EnsureIndex(CustomerDocument.Token, "$." + CustomerDocument.Token, unique: true);
            c.EnsureIndex(CustomerDocument.Parent, "$." + CustomerDocument.Parent);
            c.EnsureIndex(LegacyLevelIndex, "$." + CustomerDocument.Level);
            c.EnsureIndex(LegacyGroupIndex, "$." + CustomerDocument.Group);
            c.EnsureIndex(CustomerDocument.Tags, "$." + CustomerDocument.Tags + "[*]");
            EnsureGroupIndex(c);
            c.EnsureIndex(CustomerDocument.LevelGroupKey, "$." + CustomerDocument.LevelGroupKey);
        },

        // Version 2 drops the single-field level and DVG indexes: the ordered keys g and lg answer every query they
        // answered, and each index costs about as much on every insert as the document itself (a bulk import of
        // 100,000 customers spent a fifth of its time keeping these two);
        // likewise the DVG + id index while the workspace has one DVG (every customer is in it, so a page of it is a
        // page of the primary key; the index is built when a second DVG is added). It also stores the events of a
        // change together (see Apply); version 1 stored one document per event, which becomes a document holding that
        // one event, under the same sequence.
        store =>
        {
            store._customers.DropIndex(LegacyLevelIndex);
            store._customers.DropIndex(LegacyGroupIndex);
            if ((store.StoredWorkspace()?.AccessGroups.Length ?? 1) <= 1)
            {
                store._customers.DropIndex(CustomerDocument.GroupKey);
            }

            var single = store._events.FindAll().Where(d => !d.ContainsKey(EventList)).ToList();
            store._events.Update(single.Select(d => new BsonDocument
            {
                ["_id"] = d["_id"],
                ["n"] = 1,
                [EventList] = new BsonArray { new BsonDocument { ["kind"] = d["kind"], ["at"] = d["at"], ["data"] = d["data"] } },
            }));
        },

        // Version 3 keeps group tags in their own collection, one document each with a unique index on the name, instead
        // of inside the workspace document: with 10,000 tags, creating one rewrote (and re-read) all of them. The tags
        // the workspace holds move out in one transaction (upserts, so a migration cut short runs again cleanly), and
        // the workspace is written again without them.
        store =>
        {
            store._groupTags.EnsureIndex(GroupTagDocument.Name, "$." + GroupTagDocument.Name, unique: true);
            if (store._meta.FindById(WorkspaceKey) is not { } stored)
            {
                return;
            }

            var json = stored["json"].AsString;
            var tags = WorkspaceJson.ReadLegacyGroupTags(json);
            if (!store._db.BeginTrans())
            {
                throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
            }

            try
            {
                store._groupTags.Upsert(tags.Select(GroupTagDocument.ToDocument));
                store._meta.Upsert(new BsonDocument { ["_id"] = WorkspaceKey, ["json"] = WorkspaceJson.WithoutGroupTags(json) });
                store._db.Commit();
            }
            catch
            {
                store._db.Rollback();
                throw;
            }
        },
    ];

    /// <summary>
    /// Opens the LiteDB database on the store's own streams of the file and its log (LiteDB never opens them by name:
    /// see <see cref="DatabaseFiles"/>). LiteDB does not check that an existing file is one of its own before it uses
    /// it: it overwrites a short file with a new database, and fails in whatever way another program's file happens to
    /// make it fail. So a non-empty file must start with LiteDB 5's header (its signature, then file format 8), or it is
    /// refused and left exactly as it was; errors past a valid header are reported as a file that can't be read.
    /// A new (empty) file gets the binary collation; an existing one is opened as it is and checked in OpenSchema.
    /// </summary>
    private LiteDatabase OpenFile()
    {
        var isNew = _files.IsNew;
        if (!isNew && !_files.HasLiteDbHeader())
        {
            throw new ExploStoreException($"The database file '{FilePath}' is not a LiteDB 5 database; it was left as it is.");
        }

        try
        {
            var settings = new LiteDB.Engine.EngineSettings { DataStream = _files.Data, LogStream = _files.Log, Collation = isNew ? Collation.Binary : null };
            return new LiteDatabase(new LiteDB.Engine.LiteEngine(settings));
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IndexOutOfRangeException or FormatException or OverflowException or InvalidOperationException)
        {
            throw new ExploStoreException($"The database file '{FilePath}' can't be read as a LiteDB database ({DatabaseFiles.OneLine(e.Message)}).", e);
        }
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
    }

    private static void EnsureGroupIndex(ILiteCollection<BsonDocument> customers) =>
        customers.EnsureIndex(CustomerDocument.GroupKey, "$." + CustomerDocument.GroupKey);

    private Workspace? StoredWorkspace() => _meta.FindById(WorkspaceKey) is { } w ? WorkspaceJson.Read(w["json"].AsString) : null;

    private const string LegacyLevelIndex = "level";
    private const string LegacyGroupIndex = "dvg";

    private static readonly JsonSerializerOptions EventJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed class Reader(LiteDbWorkspaceStore store) : IWorkspaceReader
    {
        // Predicates with a fixed text and the value as a parameter: LiteDB compiles an expression once per distinct
        // text, so Query.EQ(field, value), which puts the value in the text, compiled anew on every call (~0.6 ms).
        private const string ByProvidedId = "$." + CustomerDocument.ProvidedId + " = @0";
        private const string ByToken = "$." + CustomerDocument.Token + " = @0";
        private const string ByParent = "$." + CustomerDocument.Parent + " = @0";
        private const string ByLevel = "$." + CustomerDocument.Level + " = @0";
        private const string ByGroup = "$." + CustomerDocument.Group + " = @0";
        private const string ByTag = "$." + CustomerDocument.Tags + "[*] ANY = @0";
        private const string ByIds = "$._id IN @0";
        private const string ByIdRange = "$._id BETWEEN @0 AND @1";
        private const string ByProvidedIds = "$." + CustomerDocument.ProvidedId + " IN @0";
        private const string ByTokens = "$." + CustomerDocument.Token + " IN @0";
        private const string TokenOnly = "{ t: $." + CustomerDocument.Token + " }";
        private const string IdOnly = "{ i: $._id }";
        private const string ByGroupPrefix = "$." + CustomerDocument.GroupKey + " LIKE @0";
        private const string ByLevelGroupPrefix = "$." + CustomerDocument.LevelGroupKey + " LIKE @0";

        private static BsonExpression Where(string predicate, BsonValue value) => BsonExpression.Create(predicate, value);

        private ILiteCollection<BsonDocument> Customers => store._customers;

        public Workspace? Workspace => store._workspace;

        public long LastCustomerId => store._lastCustomerId;

        public GroupTag? FindGroupTag(string name) => store._tags.FindGroupTag(name);

        public GroupTag? FindGroupTag(GroupTagId id) => store._tags.FindGroupTag(id);

        public int CountGroupTags() => store._tags.Count;

        public IReadOnlyList<GroupTag> ListGroupTags() => store._tags.List();

        private CustomerCache Cache => store._cache;

        private Customer Materialize(BsonDocument document) => Cache.Remember(document);

        public Customer? FindCustomer(CustomerId id) =>
            Cache.ById(id.Value) ?? (Customers.FindById(id.Value) is { } d ? Materialize(d) : null);

        public IReadOnlyList<Customer> FindCustomers(IReadOnlyCollection<CustomerId> ids)
        {
            var found = new List<Customer>(ids.Count);
            List<BsonValue>? missing = null;
            foreach (var id in ids)
            {
                if (Cache.ById(id.Value) is { } cached)
                {
                    found.Add(cached);
                }
                else
                {
                    (missing ??= []).Add(new BsonValue(id.Value));
                }
            }

            if (missing is not null)
            {
                found.AddRange(Customers.Find(Where(ByIds, new BsonArray(missing))).Select(Materialize));
            }

            return found;
        }

        public Customer? FindCustomerByProvidedId(string providedId) => Cache.ByProvidedId(providedId) ?? FindOneBy(ByProvidedId, providedId);

        public Customer? FindCustomerByToken(string token) => Cache.ByToken(token) ?? FindOneBy(ByToken, token);

        public IReadOnlyList<Customer> FindCustomersByProvidedIds(IReadOnlyCollection<string> providedIds) =>
            providedIds.Count == 0
                ? []
                : Customers.Find(Where(ByProvidedIds, Array(providedIds))).Select(Materialize).ToList();

        public IReadOnlySet<string> FindTokensInUse(IReadOnlyCollection<string> tokens) =>
            tokens.Count == 0
                ? new HashSet<string>()
                : Customers.Query().Where(Where(ByTokens, Array(tokens))).Select(TokenOnly).ToEnumerable()
                    .Select(d => d["t"].AsString).ToHashSet(StringComparer.Ordinal);

        private static BsonArray Array(IEnumerable<string> values) => new(values.Select(v => new BsonValue(v)));

        private Customer? FindOneBy(string predicate, BsonValue value) =>
            Customers.Find(Where(predicate, value)).FirstOrDefault() is { } d ? Materialize(d) : null;

        public IReadOnlyList<Customer> GetChildren(CustomerId parentId) =>
            Customers.Find(Where(ByParent, parentId.Value))
                .Select(Materialize)
                .OrderBy(c => c.Id.Value)
                .ToList();

        public long CountCustomers(CustomerQuery query) =>
            query.ParentId is null ? Positions(query).Count : Plan(query).Count();

        public IReadOnlyList<Customer> ListCustomers(CustomerQuery query, int skip, int take)
        {
            if (query.ParentId is not null)
            {
                // A parent's children: a seek on the parent index, a few documents.
                return Plan(query).Skip(skip).Limit(take).ToEnumerable().Select(Materialize).ToList();
            }

            // Every other list, whole or a page, goes by the store's ordered ids, as its count does: while an import
            // batch commits (readers go on meanwhile, see Write), a list and its count agree on what they show.

            var positions = Positions(query);

            var count = Math.Max(0, Math.Min(take, positions.Count - skip));
            var ids = positions.GetRange(Math.Min(skip, positions.Count), count);
            var found = new Dictionary<long, Customer>(ids.Count);
            var missing = new List<long>();
            foreach (var id in ids)
            {
                if (Cache.ById(id) is { } cached)
                {
                    found[id] = cached;
                }
                else
                {
                    missing.Add(id);
                }
            }

            if (missing.Count > 0)
            {
                // A LiteDB seek costs about 0.1 ms in a file of a million customers; a page of ids that are close
                // together (the usual case: ids are given in creation order) is one seek and a short range instead.
                var documents = missing[^1] - missing[0] + 1 <= 4L * missing.Count
                    ? Customers.Find(BsonExpression.Create(ByIdRange, missing[0], missing[^1]))
                    : Customers.Find(Where(ByIds, new BsonArray(missing.Select(i => new BsonValue(i)))));
                var wanted = missing.ToHashSet();
                foreach (var document in documents)
                {
                    if (wanted.Contains(document["_id"].AsInt64))
                    {
                        var customer = Materialize(document);
                        found[customer.Id.Value] = customer;
                    }
                }
            }

            return ids.Select(i => found[i]).ToList();
        }

        /// <summary>The ids of a filter without parent, in order (built once from its ordered index range, keys only).</summary>
        private List<long> Positions(CustomerQuery query) => store._positions.Of(query.AccessGroupId, query.LevelId, () =>
            Plan(query).Select(IdOnly).ToEnumerable().Select(d => d["i"].AsInt64).ToList());

        public IReadOnlyList<Customer> CustomersWithGroupTag(GroupTagId tagId) =>
            Customers.Find(Where(ByTag, tagId.Value))
                .Select(Materialize)
                .OrderBy(c => c.Id.Value)
                .ToList();

        public IEnumerable<Customer> EnumerateCustomers() =>
            Customers.Query().OrderBy("_id").ToEnumerable().Select(Cache.Recall);

        /// <summary>
        /// The index-backed query for a filter, in id order: a parent's children by the parent index (other parts of
        /// the filter checked on those few documents); a DVG (and level) by an ordered range of the composite keys (a
        /// DVG alone, while it is the only one, by the primary key); a
        /// level across every DVG (only the unscoped administrator asks) by the range of that level's composite keys,
        /// sorted by id; otherwise the primary key.
        /// </summary>
        private ILiteQueryable<BsonDocument> Plan(CustomerQuery query)
        {
            var q = Customers.Query();
            if (query.ParentId is { } parent)
            {
                q = q.Where(Where(ByParent, parent.Value));
                if (query.LevelId is { } level)
                {
                    q = q.Where(Where(ByLevel, level.Value));
                }

                if (query.AccessGroupId is { } group)
                {
                    q = q.Where(Where(ByGroup, group.Value));
                }

                return q.OrderBy("_id");
            }

            if (query.AccessGroupId is { } dvg)
            {
                if (query.LevelId is { } level)
                {
                    return q.Where(Where(ByLevelGroupPrefix, CustomerDocument.LevelGroupPrefix(level, dvg) + "%")).OrderBy(CustomerDocument.LevelGroupKey);
                }

                // Without the DVG index the workspace has one DVG, so every customer is in it.
                return store._hasGroupIndex
                    ? q.Where(Where(ByGroupPrefix, CustomerDocument.GroupPrefix(dvg) + "%")).OrderBy(CustomerDocument.GroupKey)
                    : q.OrderBy("_id");
            }

            if (query.LevelId is { } onlyLevel)
            {
                return q.Where(Where(ByLevelGroupPrefix, CustomerDocument.LevelPrefix(onlyLevel) + "%")).OrderBy("_id");
            }

            return q.OrderBy("_id");
        }
    }
}

/// <summary>A domain event as stored.</summary>
/// <param name="Sequence">The event's position, from 1.</param>
/// <param name="Kind">The event kind, for example <c>customer_created</c>.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Json">The event's fields as JSON.</param>
public sealed record StoredEvent(long Sequence, string Kind, DateTimeOffset OccurredAt, string Json);
