using System.Globalization;
using BenchmarkDotNet.Attributes;
using Explo.Domain.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Explo.Domain.Benchmarks;

/// <summary>One row of the <c>customers</c> table, as a hand-written program would hold it, for the raw floors.</summary>
public sealed record RawCustomerRow(
    long Id, string ProvidedId, string Name, string Token, bool Demo, string[] Emails, long[] Tags, string Properties, string Mapping,
    int Level, int Dvg, long? Parent, long CreatedTicks, long UpdatedTicks, long Version)
{
    /// <summary>The columns, in the order of the record's fields.</summary>
    public const string Columns = "id, provided_id, name, token, demo, emails, tags, properties, mapping, level, dvg, parent, created_ticks, updated_ticks, version";

    /// <summary>Reads a row selected with <see cref="Columns"/>.</summary>
    public static RawCustomerRow Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetFieldValue<string[]>(5), r.GetFieldValue<long[]>(6),
        r.GetString(7), r.GetString(8), r.GetInt32(9), r.GetInt32(10), r.IsDBNull(11) ? null : r.GetInt64(11), r.GetInt64(12), r.GetInt64(13), r.GetInt64(14));

    /// <summary>Every row of a database's <c>customers</c> table, in id order.</summary>
    public static List<RawCustomerRow> ReadAll(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"SELECT {Columns} FROM customers ORDER BY id", connection);
        using var reader = command.ExecuteReader();
        var rows = new List<RawCustomerRow>();
        while (reader.Read())
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    /// <summary>Writes the row into a binary <c>COPY customers (Columns) FROM STDIN</c>.</summary>
    public void Copy(NpgsqlBinaryImporter importer)
    {
        importer.StartRow();
        importer.Write(Id, NpgsqlDbType.Bigint);
        importer.Write(ProvidedId, NpgsqlDbType.Text);
        importer.Write(Name, NpgsqlDbType.Text);
        importer.Write(Token, NpgsqlDbType.Text);
        importer.Write(Demo, NpgsqlDbType.Boolean);
        importer.Write(Emails, NpgsqlDbType.Array | NpgsqlDbType.Text);
        importer.Write(Tags, NpgsqlDbType.Array | NpgsqlDbType.Bigint);
        importer.Write(Properties, NpgsqlDbType.Text);
        importer.Write(Mapping, NpgsqlDbType.Text);
        importer.Write(Level, NpgsqlDbType.Integer);
        importer.Write(Dvg, NpgsqlDbType.Integer);
        if (Parent is { } parent)
        {
            importer.Write(parent, NpgsqlDbType.Bigint);
        }
        else
        {
            importer.WriteNull();
        }

        importer.Write(CreatedTicks, NpgsqlDbType.Bigint);
        importer.Write(UpdatedTicks, NpgsqlDbType.Bigint);
        importer.Write(Version, NpgsqlDbType.Bigint);
    }
}

/// <summary>
/// Issue 16, 5b: one durable get-or-create of a new customer through the service on the PostgreSQL store (the writers'
/// advisory lock, the lookups, rules, the row, its event, one transaction) against the floor: a raw <c>INSERT</c> of
/// the same row in a transaction of its own, on the same server and table (target: the floor's rate is at most 1/0.7 of
/// the store's, i.e. the store's time at most 1.43x the floor's).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class PostgresGetOrCreateBenchmarks
{
    private PostgresWorkspaceStore? _store;
    private ExploService? _service;
    private NpgsqlDataSource? _raw;
    private Workspace _workspace = null!;
    private long _next;

    /// <summary>Customers in the database before the benchmark starts.</summary>
    [Params(10_000)]
    public int Existing { get; set; } = 10_000;

    private PostgresWorkspaceStore Prepare(string name)
    {
        var store = PostgresData.NewStore(name);
        StoreData.Check(new ExploService(store).ImportCustomersAsync(StoreData.Admin, StoreData.Rows(Existing)).Result);
        _workspace = store.ReadAsync(r => r.Workspace!).AsTask().Result;
        _next = store.ReadAsync(r => r.LastCustomerId).AsTask().Result + 1;
        return store;
    }

    [GlobalSetup(Target = nameof(Raw_insert_in_own_transaction))]
    public void SetupRaw()
    {
        Prepare("bench_goc_raw").Dispose();

        // Prepared statements, as the store's data source has (MaxAutoPrepare).
        _raw = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(PostgresData.On("bench_goc_raw")) { MaxAutoPrepare = 64 }.ConnectionString);
    }

    [GlobalSetup(Target = nameof(Store_get_or_create))]
    public void SetupStore()
    {
        _store = Prepare("bench_goc_store");
        _service = new ExploService(_store);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        _raw?.Dispose();
    }

    private CreateCustomerRequest Request(long n) => new(string.Create(CultureInfo.InvariantCulture, $"new-{n}"))
    {
        Properties = PropertyMap.Of(("plan", "gold"), ("seats", 12), ("region", "eu")),
        Emails = ["ops@example.com"],
    };

    [Benchmark(Baseline = true)]
    public int Raw_insert_in_own_transaction()
    {
        var n = _next++;
        var request = Request(n);
        var now = DateTimeOffset.UtcNow.UtcTicks;
        using var connection = _raw!.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using var command = new NpgsqlCommand(
            $"INSERT INTO customers ({RawCustomerRow.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)", connection);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<long> { TypedValue = n });
        p.Add(new NpgsqlParameter<string> { TypedValue = request.ProvidedId });
        p.Add(new NpgsqlParameter<string> { TypedValue = request.ProvidedId });
        p.Add(new NpgsqlParameter<string> { TypedValue = Explo.Domain.Ports.CryptoTokenGenerator.Instance.NewToken() });
        p.Add(new NpgsqlParameter<bool> { TypedValue = false });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. request.Emails!] });
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [] });
        p.Add(new NpgsqlParameter<string> { TypedValue = PropertyMap.ToJson(request.Properties!) });
        p.Add(new NpgsqlParameter<string> { TypedValue = "[]" });
        p.Add(new NpgsqlParameter<int> { TypedValue = _workspace.RootLevel.Id.Value });
        p.Add(new NpgsqlParameter<int> { TypedValue = _workspace.AccessGroups[0].Id.Value });
        p.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter<long> { TypedValue = now });
        p.Add(new NpgsqlParameter<long> { TypedValue = now });
        p.Add(new NpgsqlParameter<long> { TypedValue = 1 });
        var inserted = command.ExecuteNonQuery();
        transaction.Commit();
        return inserted;
    }

    [Benchmark]
    public bool Store_get_or_create() => _service!.GetOrCreateCustomerAsync(StoreData.Admin, Request(_next++)).Result.SuccessValue.IsNew;
}

/// <summary>
/// Issue 16, 5a: a bulk import of the 100,000-customer mix (<see cref="StoreData.Rows"/>: three levels, parents before
/// children) into a new database through the service (batches of 10,000 rows, one transaction each, new rows by binary
/// <c>COPY</c>, one event per customer), against the floor: raw binary <c>COPY</c> of the same rows into the same table
/// (its constraints and indexes), in one transaction; the same with the store's events copied as well; and the rows alone
/// into a table with the primary key alone (what the constraints and indexes cost). Target: at least 50,000
/// customers/s (2 s for the 100,000).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class PostgresBulkImportBenchmarks
{
    private const string Database = "bench_bulk";
    private List<CreateCustomerRequest> _rows = null!;
    private List<RawCustomerRow> _raw = null!;
    private List<(long Sequence, string Kind, long Ticks, string Json)> _events = null!;
    private PostgresWorkspaceStore? _store;

    [Params(100_000)]
    public int Customers { get; set; } = 100_000;

    [GlobalSetup]
    public void Setup()
    {
        _rows = StoreData.Rows(Customers);

        // The rows and events the store writes for these rows: import them once and read them back raw.
        using (var store = PostgresData.NewStore(Database))
        {
            StoreData.Check(new ExploService(store).ImportCustomersAsync(StoreData.Admin, _rows).Result);
        }

        var connectionString = PostgresData.On(Database);
        _raw = RawCustomerRow.ReadAll(connectionString);
        _events = [];
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT sequence, kind, occurred_ticks, json FROM events ORDER BY sequence", connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            _events.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        }
    }

    [IterationSetup(Target = nameof(Store_import))]
    public void NewStore() => _store = PostgresData.NewStore(Database);

    /// <summary>A new database with the store's tables, constraints and indexes (the store opened on it once, then closed).</summary>
    [IterationSetup(Targets = [nameof(Raw_copy), nameof(Raw_copy_with_events)])]
    public void NewTables() => new PostgresWorkspaceStore(PostgresData.NewDatabase(Database)).Dispose();

    /// <summary>The same tables with the customers' primary key alone (no other constraint, index or trigger): what they cost.</summary>
    [IterationSetup(Target = nameof(Raw_copy_primary_key_only))]
    public void NewBareTables()
    {
        var connectionString = PostgresData.NewDatabase(Database);
        new PostgresWorkspaceStore(connectionString).Dispose();
        PostgresData.Execute(
            connectionString,
            "ALTER TABLE customers DROP CONSTRAINT customers_provided_id_key, DROP CONSTRAINT customers_token_key, DROP CONSTRAINT customers_parent_fkey; " +
            "DROP INDEX customers_parent, customers_tags, customers_dvg, customers_level_dvg; " +
            "DROP TRIGGER customers_counted_insert ON customers");
    }

    [IterationCleanup]
    public void Close()
    {
        _store?.Dispose();
        _store = null;
    }

    [Benchmark(Baseline = true)]
    public int Raw_copy() => Copy(events: false);

    [Benchmark]
    public int Raw_copy_with_events() => Copy(events: true);

    [Benchmark]
    public int Raw_copy_primary_key_only() => Copy(events: false);

    private int Copy(bool events)
    {
        using var connection = new NpgsqlConnection(PostgresData.On(Database));
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using (var importer = connection.BeginBinaryImport($"COPY customers ({RawCustomerRow.Columns}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in _raw)
            {
                row.Copy(importer);
            }

            importer.Complete();
        }

        if (events)
        {
            using var importer = connection.BeginBinaryImport("COPY events (sequence, kind, occurred_ticks, json) FROM STDIN (FORMAT BINARY)");
            foreach (var (sequence, kind, ticks, json) in _events)
            {
                importer.StartRow();
                importer.Write(sequence, NpgsqlDbType.Bigint);
                importer.Write(kind, NpgsqlDbType.Text);
                importer.Write(ticks, NpgsqlDbType.Bigint);
                importer.Write(json, NpgsqlDbType.Text);
            }

            importer.Complete();
        }

        transaction.Commit();
        return _raw.Count;
    }

    [Benchmark]
    public int Store_import() => StoreData.Check(new ExploService(_store!).ImportCustomersAsync(StoreData.Admin, _rows).Result).Created;
}

/// <summary>
/// Issue 16, 5c: a v2 page of 1,000 customers with computed fields out of a database of 1,000,000, warm, through the
/// service on the PostgreSQL store, against raw <c>SELECT</c>s of the same 1,000 rows (every column read): the plain
/// ordered query with <c>OFFSET</c> and <c>LIMIT</c>; the statement the store runs (the skipped rows skipped in the
/// index alone); and the cheapest query for them, a primary-key range. Targets: under 50 ms, and within 2x of the raw
/// <c>SELECT</c>.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class PostgresPageBenchmarks
{
    private PostgresWorkspaceStore? _store;
    private ExploService? _service;
    private NpgsqlDataSource? _raw;

    [Params(1_000_000)]
    public int Customers { get; set; } = 1_000_000;

    [Params(1_000)]
    public int PageSize { get; set; } = 1_000;

    /// <summary>The page asked for: the middle of the list.</summary>
    public int PageNumber => Math.Max(1, Customers / PageSize / 2);

    private long Offset => (long)(PageNumber - 1) * PageSize;

    [GlobalSetup(Targets = [nameof(Raw_same_query), nameof(Raw_index_skip), nameof(Raw_block_skip), nameof(Raw_id_range)])]
    public void SetupRaw() =>
        _raw = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(PostgresData.Built(Customers)) { MaxAutoPrepare = 64 }.ConnectionString);

    [GlobalSetup(Target = nameof(Store_v2_page))]
    public void SetupStore()
    {
        _store = new PostgresWorkspaceStore(PostgresData.Built(Customers));
        _service = new ExploService(_store);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        _raw?.Dispose();
    }

    [Benchmark]
    public int Store_v2_page() =>
        StoreData.Check(_service!.ListCustomerPageAsync(Caller.Administrator("Production"), new CustomerPageRequest { Page = PageNumber, PageSize = PageSize }).Result).Customers.Count;

    [Benchmark(Baseline = true)]
    public int Raw_same_query() =>
        Select($"SELECT {RawCustomerRow.Columns} FROM customers ORDER BY id LIMIT $1 OFFSET $2", PageSize, Offset);

    /// <summary>The statement the store ran for the page before schema 5, raw: the page's first id by an index-only scan of every id before it, then the rows from it.</summary>
    [Benchmark]
    public int Raw_index_skip() =>
        Select($"SELECT {RawCustomerRow.Columns} FROM customers WHERE id >= (SELECT id FROM customers ORDER BY id LIMIT 1 OFFSET $2) ORDER BY id LIMIT $1", PageSize, Offset);

    /// <summary>
    /// The statement the store runs for the page since schema 5, raw (over the whole table, as the others): the page's
    /// block from the running sum of the kept counts per block of 4,096 ids, its first id by an index-only scan inside
    /// that block, then the rows from it.
    /// </summary>
    [Benchmark]
    public int Raw_block_skip() =>
        Select(
            $"""
            WITH blocks AS (SELECT block, sum(n)::bigint AS n FROM customer_blocks GROUP BY block),
            running AS (SELECT block, (sum(n) OVER (ORDER BY block))::bigint - n AS before, n FROM blocks),
            start AS (SELECT block, before FROM running WHERE before + n > $2 ORDER BY block LIMIT 1)
            SELECT {RawCustomerRow.Columns} FROM customers WHERE id >= (
                SELECT id FROM customers WHERE id >= (SELECT block << 12 FROM start) ORDER BY id LIMIT 1 OFFSET ($2 - (SELECT before FROM start)))
            ORDER BY id LIMIT $1
            """,
            PageSize,
            Offset);

    [Benchmark]
    public int Raw_id_range() =>
        Select($"SELECT {RawCustomerRow.Columns} FROM customers WHERE id BETWEEN $1 AND $2 ORDER BY id", Offset + 1, Offset + PageSize);

    private int Select(string sql, long first, long second)
    {
        using var connection = _raw!.OpenConnection();
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = first });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = second });
        using var reader = command.ExecuteReader();
        var rows = new List<RawCustomerRow>(PageSize);
        while (reader.Read())
        {
            rows.Add(RawCustomerRow.Read(reader));
        }

        return rows.Count;
    }

    internal ExploService? Service => _service;
}
