using Explo.Domain.Ports;
using LiteDB;

namespace Explo.Domain.LiteDb;

/// <summary>
/// The open database and its four collections (customers, the <c>meta</c> documents, domain events, group tags), with
/// the reads and writes of the <c>meta</c> documents: the workspace (as JSON, without its group tags since schema 3) and
/// the counters (the high-water mark of customer ids, written only when a delete removes the highest one).
/// </summary>
internal sealed class StoreCollections
{
    public const string MetaCollection = "meta";
    public const string EventsCollection = "events";

    private const string WorkspaceKey = "workspace";
    private const string CountersKey = "counters";
    private const string LastCustomerIdField = "last_customer_id";

    public StoreCollections(LiteDatabase database)
    {
        Database = database;
        Customers = database.GetCollection(CustomerDocument.Collection, BsonAutoId.Int64);
        Meta = database.GetCollection(MetaCollection, BsonAutoId.ObjectId);
        Events = database.GetCollection(EventsCollection, BsonAutoId.Int64);
        GroupTags = database.GetCollection(GroupTagDocument.Collection, BsonAutoId.Int32);
        Idempotency = database.GetCollection(IdempotencyDocument.Collection, BsonAutoId.ObjectId);
    }

    /// <summary>The names of every collection an Explo file may hold.</summary>
    public static IReadOnlyList<string> Names { get; } = [CustomerDocument.Collection, MetaCollection, EventsCollection, GroupTagDocument.Collection, IdempotencyDocument.Collection];

    public LiteDatabase Database { get; }

    public ILiteCollection<BsonDocument> Customers { get; }

    public ILiteCollection<BsonDocument> Meta { get; }

    public ILiteCollection<BsonDocument> Events { get; }

    public ILiteCollection<BsonDocument> GroupTags { get; }

    /// <summary>The stored idempotency keys (<see cref="IdempotencyDocument"/>); the collection appears with the first one.</summary>
    public ILiteCollection<BsonDocument> Idempotency { get; }

    /// <summary>The stored idempotency key of a scope, or null.</summary>
    public IdempotencyRecord? FindIdempotencyRecord(string scope, string key) =>
        Idempotency.FindById(IdempotencyDocument.Id(scope, key)) is { } document ? IdempotencyDocument.FromDocument(document) : null;

    /// <summary>The stored workspace document's JSON, or null in a new file.</summary>
    public string? StoredWorkspaceJson() => Meta.FindById(WorkspaceKey) is { } w ? w["json"].AsString : null;

    /// <summary>The stored workspace, or null in a new file.</summary>
    public Workspace? StoredWorkspace() => StoredWorkspaceJson() is { } json ? StoredJson.ReadWorkspace(json) : null;

    /// <summary>Writes the workspace document.</summary>
    public void WriteWorkspaceJson(string json) => Meta.Upsert(new BsonDocument { ["_id"] = WorkspaceKey, ["json"] = json });

    /// <summary>The high-water mark of customer ids: the highest id stored, or the one the last delete recorded when it removed that one.</summary>
    public long LastCustomerId()
    {
        var recorded = Meta.FindById(CountersKey) is { } c ? c[LastCustomerIdField].AsInt64 : 0;
        var highest = Customers.Query().OrderByDescending("_id").Select("{ id: $._id }").Limit(1).FirstOrDefault() is { } top ? top["id"].AsInt64 : 0;
        return Math.Max(recorded, highest);
    }

    /// <summary>Records the high-water mark of customer ids (a delete may remove the highest stored id).</summary>
    public void RecordLastCustomerId(long last) => Meta.Upsert(new BsonDocument { ["_id"] = CountersKey, [LastCustomerIdField] = last });

    /// <summary>True when the customers' DVG + id index exists (it is built when a second DVG appears).</summary>
    public bool HasGroupIndex() =>
        Database.GetCollection("$indexes").Exists(BsonExpression.Create("collection = @0 AND name = @1", CustomerDocument.Collection, CustomerDocument.GroupKey));

    /// <summary>Builds the customers' DVG + id index unless it exists.</summary>
    public void EnsureGroupIndex() => Customers.EnsureIndex(CustomerDocument.GroupKey, "$." + CustomerDocument.GroupKey);
}
