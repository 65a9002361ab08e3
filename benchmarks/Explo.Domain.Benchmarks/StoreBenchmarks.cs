using System.Globalization;
using BenchmarkDotNet.Attributes;
using Explo.Domain.LiteDb;
using LiteDB;

namespace Explo.Domain.Benchmarks;

/// <summary>
/// Target 5a: one durable get-or-create of a new customer through the service on the LiteDB store (lookups, rules, the
/// document, its event, one transaction) against the floor: raw LiteDB inserting the same document, in a collection
/// with the same indexes, in a transaction of its own.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class GetOrCreateBenchmarks
{
    private string _path = null!;
    private LiteDbWorkspaceStore? _store;
    private ExploService? _service;
    private LiteDatabase? _raw;
    private ILiteCollection<BsonDocument>? _rawCustomers;
    private Workspace _workspace = null!;
    private long _next;

    /// <summary>Customers in the file before the benchmark starts.</summary>
    [Params(10_000)]
    public int Existing { get; set; } = 10_000;

    private void Prepare(string name)
    {
        _path = Path.Combine(StoreData.Folder, name + ".db");
        using (var store = StoreData.NewStore(_path))
        {
            StoreData.Check(new ExploService(store).ImportCustomersAsync(StoreData.Admin, StoreData.Rows(Existing)).Result);
            _workspace = store.ReadAsync(r => r.Workspace!).AsTask().Result;
            _next = store.ReadAsync(r => r.LastCustomerId).AsTask().Result + 1;
        }
    }

    [GlobalSetup(Target = nameof(Raw_insert_in_own_transaction))]
    public void SetupRaw()
    {
        Prepare("get-or-create-raw");
        _raw = new LiteDatabase(new ConnectionString { Filename = _path, Connection = ConnectionType.Direct });
        _rawCustomers = _raw.GetCollection(CustomerDocument.Collection, BsonAutoId.Int64);
    }

    [GlobalSetup(Target = nameof(Store_get_or_create))]
    public void SetupStore()
    {
        Prepare("get-or-create-store");
        _store = new LiteDbWorkspaceStore(_path);
        _service = new ExploService(_store);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        _raw?.Dispose();
        StoreData.Delete(_path);
    }

    private CreateCustomerRequest Request(long n) => new(string.Create(CultureInfo.InvariantCulture, $"new-{n}"))
    {
        Properties = PropertyMap.Of(("plan", "gold"), ("seats", 12), ("region", "eu")),
        Emails = ["ops@example.com"],
    };

    [Benchmark(Baseline = true)]
    public bool Raw_insert_in_own_transaction()
    {
        var n = _next++;
        var request = Request(n);
        var customer = new Customer(
            new CustomerId(n), request.ProvidedId, request.ProvidedId, Explo.Domain.Ports.CryptoTokenGenerator.Instance.NewToken(), false,
            [.. request.Emails!], [], request.Properties!, OrderedMap<string>.Empty, _workspace.RootLevel.Id, _workspace.AccessGroups[0].Id,
            null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1);
        _raw!.BeginTrans();
        _rawCustomers!.Insert(CustomerDocument.ToDocument(customer));
        return _raw.Commit();
    }

    [Benchmark]
    public bool Store_get_or_create() => _service!.GetOrCreateCustomerAsync(StoreData.Admin, Request(_next++)).Result.SuccessValue.IsNew;
}

/// <summary>
/// Target 5b: a bulk import of 100,000 customers (three levels, parents before children) into a new file through the
/// service, against the floor: raw LiteDB inserting the same documents, with the same indexes, in one transaction.
/// Two more raw rows show what LiteDB's indexes cost: the same documents with the primary key alone, and with every
/// secondary key the store needs shrunk to a 64-bit integer (a hash of the provided id, a prefix of the token, the
/// parent, the tags, level + DVG + id packed in one number).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class BulkImportBenchmarks
{
    private string _path = null!;
    private List<CreateCustomerRequest> _rows = null!;
    private List<BsonDocument> _documents = null!;
    private List<BsonDocument> _compact = null!;
    private LiteDbWorkspaceStore? _store;
    private LiteDatabase? _raw;

    [Params(100_000)]
    public int Customers { get; set; } = 100_000;

    /// <summary>The secondary keys of <see cref="Raw_insert_bulk_int64_keys"/>, each a 64-bit integer.</summary>
    private static readonly string[] CompactKeys = ["pid_hash", "token_prefix", CustomerDocument.Parent, CustomerDocument.Tags, "level_dvg_id"];

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(StoreData.Folder, "bulk.db");
        _rows = StoreData.Rows(Customers);

        // The documents the store writes for these rows: import them once and read them back raw.
        using (var store = StoreData.NewStore(_path))
        {
            StoreData.Check(new ExploService(store).ImportCustomersAsync(StoreData.Admin, _rows).Result);
        }

        using (var raw = new LiteDatabase(new ConnectionString { Filename = _path, Connection = ConnectionType.Direct }))
        {
            _documents = raw.GetCollection(CustomerDocument.Collection).FindAll().ToList();
        }

        _compact = _documents.Select(Compact).ToList();
    }

    /// <summary>The document with its string keys replaced by 64-bit ones (the ordered string keys dropped).</summary>
    private static BsonDocument Compact(BsonDocument document)
    {
        var compact = new BsonDocument();
        foreach (var (field, value) in document)
        {
            if (field is not (CustomerDocument.GroupKey or CustomerDocument.LevelGroupKey))
            {
                compact[field] = value;
            }
        }

        var providedId = document[CustomerDocument.ProvidedId].AsString;
        var hash = 14695981039346656037UL;
        foreach (var c in providedId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        compact["pid_hash"] = unchecked((long)hash);
        compact["token_prefix"] = long.Parse(document[CustomerDocument.Token].AsString.AsSpan(0, 15), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        compact["level_dvg_id"] = ((long)document[CustomerDocument.Level].AsInt32 << 56) | ((long)document[CustomerDocument.Group].AsInt32 << 44) | document["_id"].AsInt64;
        return compact;
    }

    [IterationSetup(Targets = [nameof(Store_import), nameof(Store_import_one_transaction)])]
    public void NewStore() => _store = StoreData.NewStore(_path);

    [IterationSetup(Target = nameof(Raw_insert_bulk))]
    public void NewRaw()
    {
        StoreData.NewStore(_path).Dispose();
        _raw = new LiteDatabase(new ConnectionString { Filename = _path, Connection = ConnectionType.Direct });
    }

    [IterationSetup(Targets = [nameof(Raw_insert_bulk_primary_key_only), nameof(Raw_insert_bulk_int64_keys)])]
    public void NewBareRaw()
    {
        StoreData.Delete(_path);
        _raw = new LiteDatabase(new ConnectionString { Filename = _path, Connection = ConnectionType.Direct, Collation = Collation.Binary });
    }

    [IterationCleanup]
    public void Close()
    {
        _store?.Dispose();
        _store = null;
        _raw?.Dispose();
        _raw = null;
    }

    [GlobalCleanup]
    public void Cleanup() => StoreData.Delete(_path);

    /// <summary>The store's file with its indexes (see <see cref="NewRaw"/>).</summary>
    [Benchmark(Baseline = true)]
    public int Raw_insert_bulk() => InsertInOneTransaction(_documents);

    /// <summary>A bare file (see <see cref="NewBareRaw"/>): the primary key alone.</summary>
    [Benchmark]
    public int Raw_insert_bulk_primary_key_only() => InsertInOneTransaction(_documents);

    [Benchmark]
    public int Raw_insert_bulk_int64_keys()
    {
        var customers = _raw!.GetCollection(CustomerDocument.Collection, BsonAutoId.Int64);
        foreach (var key in CompactKeys)
        {
            customers.EnsureIndex(key, key == CustomerDocument.Tags ? "$." + key + "[*]" : "$." + key);
        }

        return InsertInOneTransaction(_compact);
    }

    private int InsertInOneTransaction(List<BsonDocument> documents)
    {
        _raw!.BeginTrans();
        var inserted = _raw.GetCollection(CustomerDocument.Collection, BsonAutoId.Int64).InsertBulk(documents);
        _raw.Commit();
        return inserted;
    }

    /// <summary>The service's default: a commit every <see cref="ImportOptions.DefaultBatchSize"/> rows, so other writers get their turn.</summary>
    [Benchmark]
    public int Store_import() => StoreData.Check(new ExploService(_store!).ImportCustomersAsync(StoreData.Admin, _rows).Result).Created;

    /// <summary>The bulk path of <c>explo import</c>: every row in one batch, one transaction, as the raw rows.</summary>
    [Benchmark]
    public int Store_import_one_transaction() =>
        StoreData.Check(new ExploService(_store!).ImportCustomersAsync(StoreData.Admin, _rows, new ImportOptions { BatchSize = int.MaxValue }).Result).Created;
}

/// <summary>
/// Target 5c: a v2 page of 1,000 customers with computed fields out of a file of 1,000,000, warm, through the service,
/// against raw LiteDB returning the same 1,000 documents: the same ordered query with skip and limit, and the cheapest
/// query for them, a primary-key range.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class PageFromFileBenchmarks
{
    private LiteDbWorkspaceStore? _store;
    private ExploService? _service;
    private LiteDatabase? _raw;
    private long _firstId;

    [Params(1_000_000)]
    public int Customers { get; set; } = 1_000_000;

    [Params(1_000)]
    public int PageSize { get; set; } = 1_000;

    /// <summary>The store's customer cache: off, and the default (warm, the page's customers are in it).</summary>
    [Params(0, LiteDbWorkspaceStore.DefaultCachedCustomers)]
    public int CachedCustomers { get; set; } = LiteDbWorkspaceStore.DefaultCachedCustomers;

    /// <summary>The page asked for: the middle of the list.</summary>
    public int PageNumber => Math.Max(1, Customers / PageSize / 2);

    [GlobalSetup(Targets = [nameof(Raw_same_query), nameof(Raw_id_range)])]
    public void SetupRaw()
    {
        _raw = new LiteDatabase(new ConnectionString { Filename = StoreData.Built(Customers), Connection = ConnectionType.Direct });
        _firstId = ((long)(PageNumber - 1) * PageSize) + 1;
    }

    [GlobalSetup(Target = nameof(Store_v2_page))]
    public void SetupStore()
    {
        _store = new LiteDbWorkspaceStore(StoreData.Built(Customers), CachedCustomers);
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
        _raw!.GetCollection(CustomerDocument.Collection).Query().OrderBy("_id").Skip((PageNumber - 1) * PageSize).Limit(PageSize).ToList().Count;

    [Benchmark]
    public int Raw_id_range() =>
        _raw!.GetCollection(CustomerDocument.Collection).Find(BsonExpression.Create("_id BETWEEN @0 AND @1", _firstId, _firstId + PageSize - 1)).Count();

    internal ExploService? Service => _service;

    internal LiteDatabase? Raw => _raw;
}

/// <summary>
/// Target 4: after a property change on a customer with many descendants, the next read of a descendant shows it. The
/// cost of the change plus that read is measured for 1,000 and 100,000 descendants: computed fields are never stored,
/// so a change writes one document, and a read resolves the reader's own ancestor chain, whatever the subtree's size.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class ChangeBenchmarks
{
    private string _path = null!;
    private LiteDbWorkspaceStore? _store;
    private ExploService? _service;
    private string _leaf = null!;
    private int _version;

    [Params(1_000, 100_000)]
    public int Descendants { get; set; } = 1_000;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(StoreData.Folder, string.Create(CultureInfo.InvariantCulture, $"change-{Descendants}.db"));
        _store = StoreData.NewStore(_path);
        _service = new ExploService(_store);

        // One account; 100 teams under it; the other descendants users under the teams.
        var rows = new List<CreateCustomerRequest> { new("acme") { Properties = PropertyMap.Of(("plan", "v0"), ("region", "eu")) } };
        var teams = Math.Min(100, Descendants);
        for (var t = 0; t < teams; t++)
        {
            rows.Add(new(string.Create(CultureInfo.InvariantCulture, $"team-{t}")) { ParentProvidedId = "acme", HierarchyLevelName = "Team" });
        }

        for (var u = 0; rows.Count <= Descendants; u++)
        {
            rows.Add(new(string.Create(CultureInfo.InvariantCulture, $"user-{u}")) { ParentProvidedId = string.Create(CultureInfo.InvariantCulture, $"team-{u % teams}"), HierarchyLevelName = "User" });
        }

        StoreData.Check(_service.ImportCustomersAsync(StoreData.Admin, rows).Result);
        _leaf = rows[^1].ProvidedId;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        StoreData.Delete(_path);
    }

    [Benchmark]
    public string Change_then_read_a_descendant()
    {
        var plan = string.Create(CultureInfo.InvariantCulture, $"v{++_version}");
        StoreData.Check(_service!.UpdateCustomerAsync(StoreData.Admin, new UpdateCustomerRequest("acme") { Properties = PropertyMap.Of(("plan", plan), ("region", "eu")) }).Result);
        var leaf = StoreData.Check(_service.GetCustomerAsync(StoreData.Admin, _leaf).Result);
        var seen = leaf.ComputedProperties["plan"].GetString()!;
        return seen == plan ? seen : throw new InvalidOperationException($"The descendant shows plan {seen}, not {plan}.");
    }
}
