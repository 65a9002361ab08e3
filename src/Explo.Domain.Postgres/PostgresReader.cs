using System.Globalization;
using Explo.Domain.Ports;
using Npgsql;

namespace Explo.Domain.Postgres;

/// <summary>
/// The store's <see cref="IWorkspaceReader"/>: every answer is a query on one connection, inside the unit's transaction
/// (a read's <c>REPEATABLE READ</c> snapshot, or a write's transaction under the writers' lock), so it sees one state.
/// The workspace and the high-water mark are read once per reader; customers read by id come from the read's cache
/// generation when it has one (<see cref="CustomerGenerations"/>: only for a snapshot at the generation's version).
/// </summary>
internal sealed class PostgresReader(NpgsqlConnection connection, CustomerGenerations.Generation? cache = null) : IWorkspaceReader
{
    // The statements the lookups run; the tests EXPLAIN these very texts.
    public const string ById = "SELECT " + CustomerRow.Columns + " FROM customers WHERE id = $1";
    public const string ByIds = "SELECT " + CustomerRow.Columns + " FROM customers WHERE id = ANY($1)";
    public const string ByProvidedId = "SELECT " + CustomerRow.Columns + " FROM customers WHERE provided_id = $1";
    public const string ByProvidedIds = "SELECT " + CustomerRow.Columns + " FROM customers WHERE provided_id = ANY($1)";
    public const string ByToken = "SELECT " + CustomerRow.Columns + " FROM customers WHERE token = $1";
    public const string TokensIn = "SELECT token FROM customers WHERE token = ANY($1)";
    public const string ByParent = "SELECT " + CustomerRow.Columns + " FROM customers WHERE parent = $1 ORDER BY id";
    // "tags <> '{}'" (true of every row with the tag) lets the planner use the tag index, which holds only tagged rows.
    public const string ByTag = "SELECT " + CustomerRow.Columns + " FROM customers WHERE tags @> ARRAY[$1]::bigint[] AND tags <> '{}' ORDER BY id";
    public const string After = "SELECT " + CustomerRow.Columns + " FROM customers WHERE id > $1 ORDER BY id LIMIT $2";
    public const string WorkspaceJson = "SELECT json FROM workspace WHERE id = 1";
    public const string IdempotencyKey = "SELECT fingerprint, status, body, tag, created_ticks, expires_ticks FROM idempotency_keys WHERE scope = $1 AND key = $2";
    public const string CustomersVersion = "SELECT customers_version FROM explo_state";
    public const string LastCustomer = "SELECT GREATEST((SELECT last_customer_id FROM explo_state), (SELECT max(id) FROM customers))";

    private const int EnumerationChunk = 1_000;

    private Workspace? _workspace;
    private bool _workspaceRead;
    private long? _lastCustomerId;

    // A write's start (BEGIN, the writers' lock, the workspace and the high-water mark), sent with the first query.
    private (int Class, int Key)? _pendingStart;
    private StoredWorkspace? _assumed;
    private bool _speculateTokens;

    /// <summary>
    /// Makes this the reader of a write: its transaction begins (<c>READ COMMITTED</c>), takes the writers' lock
    /// (class <paramref name="lockClass"/>, key <paramref name="lockKey"/>) and reads the workspace and the high-water
    /// mark in the round trip of the work's first query, rather than one of their own.
    /// <list type="bullet">
    /// <item>With <paramref name="assumed"/>, the work is first given that workspace (the last one this instance read or
    /// wrote) without asking; the start's read checks it, byte for byte, and a different one stops the work with a
    /// <see cref="StaleSpeculationException"/> before it can decide anything on it.</item>
    /// <item>With <paramref name="speculateTokens"/>, <see cref="FindTokensInUse"/> answers that no stored customer holds
    /// the tokens (new random ones, 256 bits each), without asking: the unique token index checks them at commit, and
    /// <see cref="TokensSpeculated"/> tells the store to decide again, asking, when the commit finds one taken.</item>
    /// </list>
    /// The lock's statement comes before the reads, so under <c>READ COMMITTED</c> they see every commit made before
    /// it was granted.
    /// </summary>
    public void BeginWrite(int lockClass, int lockKey, StoredWorkspace? assumed, bool speculateTokens)
    {
        _pendingStart = (lockClass, lockKey);
        _assumed = assumed;
        _speculateTokens = speculateTokens;
    }

    /// <summary>Sends a write's start now, if no query has sent it (a work that decided without asking anything).</summary>
    public void EnsureBegun()
    {
        if (_pendingStart is not null)
        {
            using var batch = Batch(null, []);
            using var reader = batch.ExecuteReader();
            ReadStart(reader);
        }
    }

    /// <summary>True once a write's start has been read (<see cref="Loaded"/> is then the stored workspace).</summary>
    public bool Started { get; private set; }

    /// <summary>The workspace as this write's start read it (null before, or when the store is new).</summary>
    public StoredWorkspace? Loaded { get; private set; }

    /// <summary>True once <see cref="FindTokensInUse"/> answered without asking (see <see cref="BeginWrite"/>).</summary>
    public bool TokensSpeculated { get; private set; }

    public Workspace? Workspace
    {
        get
        {
            if (!_workspaceRead && _pendingStart is not null)
            {
                if (_assumed is { } assumed)
                {
                    _workspace = assumed.Workspace;
                    _workspaceRead = true;
                }
                else
                {
                    EnsureBegun();
                }
            }

            if (!_workspaceRead)
            {
                var json = Scalar<string>(WorkspaceJson);
                _workspace = json is null ? null : StoredJson.ReadWorkspace(json);
                _workspaceRead = true;
            }

            return _workspace;
        }
    }

    public long LastCustomerId
    {
        get
        {
            EnsureBegun();
            return _lastCustomerId ??= Scalar<long?>(LastCustomer) ?? 0;
        }
    }

    public IdempotencyRecord? FindIdempotencyRecord(string scope, string key) =>
        Query(
            IdempotencyKey,
            r => new IdempotencyRecord(
                scope,
                key,
                r.GetString(0),
                new IdempotentReply(r.GetInt32(1), r.GetFieldValue<byte[]>(2), r.IsDBNull(3) ? null : r.GetString(3)),
                new DateTimeOffset(r.GetInt64(4), TimeSpan.Zero),
                new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero)),
            scope,
            key).FirstOrDefault();

    public GroupTag? FindGroupTag(string name) =>
        Storable(name) ? Tags("SELECT id, name FROM group_tags WHERE name = $1", name).FirstOrDefault() : null;

    public GroupTag? FindGroupTag(GroupTagId id) =>
        Tags("SELECT id, name FROM group_tags WHERE id = $1", id.Value).FirstOrDefault();

    public int CountGroupTags() => (int)(Scalar<long?>("SELECT count(*) FROM group_tags") ?? 0);

    public IReadOnlyList<GroupTag> ListGroupTags() => Tags("SELECT id, name FROM group_tags ORDER BY id");

    public Customer? FindCustomer(CustomerId id)
    {
        if (cache is not null && cache.TryGet(id.Value, out var cached))
        {
            return cached;
        }

        var found = Customers(ById, id.Value).FirstOrDefault();
        if (found is not null)
        {
            cache?.Add(found);
        }

        return found;
    }

    public IReadOnlyList<Customer> FindCustomers(IReadOnlyCollection<CustomerId> ids)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        if (cache is null)
        {
            return Customers(ByIds, ids.Select(i => i.Value).ToArray());
        }

        var found = new List<Customer>(ids.Count);
        var missing = new List<long>();
        foreach (var id in ids)
        {
            if (cache.TryGet(id.Value, out var cached))
            {
                found.Add(cached);
            }
            else
            {
                missing.Add(id.Value);
            }
        }

        if (missing.Count > 0)
        {
            foreach (var customer in Customers(ByIds, missing.ToArray()))
            {
                cache.Add(customer);
                found.Add(customer);
            }
        }

        return found;
    }

    public Customer? FindCustomerByProvidedId(string providedId) =>
        Storable(providedId) ? Customers(ByProvidedId, providedId).FirstOrDefault() : null;

    public Customer? FindCustomerByToken(string token) => Storable(token) ? Customers(ByToken, token).FirstOrDefault() : null;

    public IReadOnlyList<Customer> FindCustomersByProvidedIds(IReadOnlyCollection<string> providedIds)
    {
        var wanted = providedIds.Where(Storable).ToArray();
        return wanted.Length == 0 ? [] : Customers(ByProvidedIds, [wanted]);
    }

    public IReadOnlySet<string> FindTokensInUse(IReadOnlyCollection<string> tokens)
    {
        if (_speculateTokens)
        {
            TokensSpeculated |= tokens.Count > 0;
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var wanted = tokens.Where(Storable).ToArray();
        return wanted.Length == 0
            ? new HashSet<string>(StringComparer.Ordinal)
            : Query(TokensIn, r => r.GetString(0), [wanted]).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// False for a text PostgreSQL can't hold (it has a NUL character): no stored row has it, so a lookup of it finds
    /// nothing, without asking the server (which would refuse the parameter).
    /// </summary>
    private static bool Storable(string text) => !text.Contains('\0', StringComparison.Ordinal);

    public IReadOnlyList<Customer> GetChildren(CustomerId parentId) => Customers(ByParent, parentId.Value);

    public long CountCustomers(CustomerQuery query)
    {
        var (where, values) = Filter(query);
        return Scalar<long?>(CountSql(query, where), [.. values]) ?? 0;
    }

    /// <summary>
    /// The count of a filter (its WHERE clause from <see cref="Filter"/>): a parent's children are counted in the parent
    /// index; every other filter sums the counts schema 3 keeps per DVG and level, a few rows whatever the DVG's size.
    /// </summary>
    public static string CountSql(CustomerQuery query, string where) =>
        (query.ParentId is null ? "SELECT sum(n)::bigint FROM customer_counts" : "SELECT count(*) FROM customers") + where;

    public IReadOnlyList<Customer> ListCustomers(CustomerQuery query, int skip, int take)
    {
        if (take <= 0)
        {
            return [];
        }

        var (where, values) = Filter(query);
        values.Add((long)take);
        values.Add((long)Math.Max(0, skip));
        return Customers(ListSql(query, where, values.Count), [.. values]);
    }

    public IReadOnlyList<Customer> ListCustomersAfter(CustomerQuery query, long after, int take)
    {
        if (take <= 0)
        {
            return [];
        }

        var (where, values) = Filter(query);
        values.Add(after);
        values.Add((long)take);
        return Customers(AfterSql(where, values.Count), [.. values]);
    }

    /// <summary>
    /// A keyset page of a filter (its WHERE clause from <see cref="Filter"/>): the rows above an id (the next-to-last
    /// parameter), in id order, at most the last parameter of them; a range of the filter's index (DVG + id, level +
    /// DVG + id, parent + id, or the primary key).
    /// </summary>
    public static string AfterSql(string where, int parameters) =>
        "SELECT " + CustomerRow.Columns + " FROM customers" + (where.Length == 0 ? " WHERE " : where + " AND ")
        + string.Create(CultureInfo.InvariantCulture, $"id > ${parameters - 1} ORDER BY id LIMIT ${parameters}");

    /// <summary>
    /// A page of a filter (its WHERE clause from <see cref="Filter"/>), in id order: LIMIT and OFFSET are the last two
    /// parameters. The page is the rows from its first id on, in the index of the filter (DVG + id, level + DVG + id,
    /// parent + id), already in id order; the rows before it are never read from the table.
    /// <list type="bullet">
    /// <item>A DVG's or a level's page (or the whole table's) finds its block in the counts schema 5 keeps per block of
    /// 4,096 ids (the running sum of the filter's blocks, a few hundred rows for a million customers), then its first id
    /// by an index-only <c>OFFSET</c> inside that block: under 4,096 index entries skipped, however deep the page.</item>
    /// <item>A parent's page skips its children in the parent index (index-only), as a parent has no kept counts.</item>
    /// </list>
    /// </summary>
    public static string ListSql(CustomerQuery query, string where, int parameters)
    {
        var and = where.Length == 0 ? " WHERE " : where + " AND ";
        var skip = "$" + parameters.ToString(CultureInfo.InvariantCulture);
        var take = "$" + (parameters - 1).ToString(CultureInfo.InvariantCulture);
        if (query.ParentId is not null)
        {
            return $"SELECT {CustomerRow.Columns} FROM customers{and}id >= (SELECT id FROM customers{where} ORDER BY id LIMIT 1 OFFSET {skip}) ORDER BY id LIMIT {take}";
        }

        return $"""
            WITH blocks AS (SELECT block, sum(n)::bigint AS n FROM customer_blocks{where} GROUP BY block),
            running AS (SELECT block, (sum(n) OVER (ORDER BY block))::bigint - n AS before, n FROM blocks),
            start AS (SELECT block, before FROM running WHERE before + n > {skip} ORDER BY block LIMIT 1)
            SELECT {CustomerRow.Columns} FROM customers{and}id >= (
                SELECT id FROM customers{and}id >= (SELECT block << {BlockBits} FROM start)
                ORDER BY id LIMIT 1 OFFSET ({skip} - (SELECT before FROM start)))
            ORDER BY id LIMIT {take}
            """;
    }

    /// <summary>A customer's block of kept counts is its id shifted right by this many bits (schema 5: 4,096 ids).</summary>
    private const int BlockBits = 12;

    /// <summary>
    /// The WHERE clause of a filter and its values: each part an equality on an indexed column (parent + id, DVG + id,
    /// level + DVG + id), so a page is an ordered index range.
    /// </summary>
    public static (string Where, List<object> Values) Filter(CustomerQuery query)
    {
        var parts = new List<string>();
        var values = new List<object>();
        if (query.ParentId is { } parent)
        {
            values.Add(parent.Value);
            parts.Add($"parent = ${values.Count}");
        }

        if (query.LevelId is { } level)
        {
            values.Add(level.Value);
            parts.Add($"level = ${values.Count}");
        }

        if (query.AccessGroupId is { } group)
        {
            values.Add(group.Value);
            parts.Add($"dvg = ${values.Count}");
        }

        return (parts.Count == 0 ? "" : " WHERE " + string.Join(" AND ", parts), values);
    }

    public IReadOnlyList<Customer> CustomersWithGroupTag(GroupTagId tagId) => Customers(ByTag, (long)tagId.Value);

    public IEnumerable<Customer> EnumerateCustomers()
    {
        // In chunks read whole: the caller may run other queries on the connection between two customers.
        var last = long.MinValue;
        while (true)
        {
            var chunk = Customers(After, last, EnumerationChunk);
            foreach (var customer in chunk)
            {
                yield return customer;
            }

            if (chunk.Count < EnumerationChunk)
            {
                yield break;
            }

            last = chunk[^1].Id.Value;
        }
    }

    private List<Customer> Customers(string sql, params object[] values) => Query(sql, CustomerRow.Read, values);

    private List<GroupTag> Tags(string sql, params object[] values) =>
        Query(sql, r => new GroupTag(new GroupTagId(r.GetInt32(0)), r.GetString(1)), values);

    private List<T> Query<T>(string sql, Func<NpgsqlDataReader, T> read, params object[] values)
    {
        using var batch = Batch(sql, values);
        using var reader = batch.ExecuteReader();
        ReadStart(reader);
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private T? Scalar<T>(string sql, params object[] values)
    {
        using var batch = Batch(sql, values);
        using var reader = batch.ExecuteReader();
        ReadStart(reader);
        var value = reader.Read() ? reader.GetValue(0) : null;
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>A query (none for <paramref name="sql"/> null), after a write's start when it is still to be sent.</summary>
    private NpgsqlBatch Batch(string? sql, object[] values)
    {
        var batch = new NpgsqlBatch(connection);
        if (_pendingStart is { } start)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL READ COMMITTED"));
            var lockCommand = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1, $2)");
            lockCommand.Parameters.Add(new NpgsqlParameter<int> { TypedValue = start.Class });
            lockCommand.Parameters.Add(new NpgsqlParameter<int> { TypedValue = start.Key });
            batch.BatchCommands.Add(lockCommand);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(WorkspaceJson));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LastCustomer));
        }

        if (sql is not null)
        {
            batch.BatchCommands.Add(Statements.Command(sql, values));
        }

        return batch;
    }

    /// <summary>
    /// Reads a write's start from the results of a batch that carried it (and leaves the reader on the query's rows);
    /// nothing when it didn't. A workspace other than the one assumed stops the work.
    /// </summary>
    private void ReadStart(NpgsqlDataReader reader)
    {
        if (_pendingStart is null)
        {
            return;
        }

        _pendingStart = null;
        Started = true;

        // The first result is the lock's (BEGIN returns none).
        reader.NextResult();
        var json = reader.Read() ? reader.GetString(0) : null;
        reader.NextResult();
        _lastCustomerId = reader.Read() && !reader.IsDBNull(0) ? reader.GetInt64(0) : 0;
        reader.NextResult();
        Loaded = json is null ? null : _assumed is { } known && known.Json == json ? known : new StoredWorkspace(json, StoredJson.ReadWorkspace(json));
        if (_workspaceRead && !ReferenceEquals(Loaded, _assumed))
        {
            // The work began on the workspace this instance knew, and another instance has changed it since.
            throw new StaleSpeculationException();
        }

        _workspace = Loaded?.Workspace;
        _workspaceRead = true;
    }
}

/// <summary>A workspace as stored: its exact JSON text, and the workspace it reads as.</summary>
/// <param name="Json">The text in the <c>workspace</c> table.</param>
/// <param name="Workspace">The workspace.</param>
internal sealed record StoredWorkspace(string Json, Workspace Workspace);

/// <summary>
/// A write's speculation proved wrong (another instance changed the workspace since this one last read it, or a new
/// token was taken after all): nothing was committed, and the store decides the units again, asking.
/// </summary>
internal sealed class StaleSpeculationException : Exception
{
    public StaleSpeculationException()
        : base("The write's assumption about the stored state was stale; it is decided again.")
    {
    }
}
