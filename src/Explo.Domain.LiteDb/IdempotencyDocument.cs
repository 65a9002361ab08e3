using Explo.Domain.Ports;
using LiteDB;

namespace Explo.Domain.LiteDb;

/// <summary>
/// The <c>idempotency</c> collection: one document per stored idempotency key, its id the scope and the key (binary
/// collation, so exact), with an index on when it expires, by which the expired ones are deleted.
/// </summary>
internal static class IdempotencyDocument
{
    public const string Collection = "idempotency";
    public const string ExpiresAt = "expires";

    private const string ExpiredBy = "$." + ExpiresAt + " <= @0";

    public static BsonValue Id(string scope, string key) => scope + "\n" + key;

    public static BsonDocument ToDocument(IdempotencyRecord record) => new()
    {
        ["_id"] = Id(record.Scope, record.Key),
        ["scope"] = record.Scope,
        ["key"] = record.Key,
        ["fingerprint"] = record.Fingerprint,
        ["status"] = record.Reply.Status,
        ["body"] = record.Reply.Body,
        ["tag"] = record.Reply.Tag is { } tag ? tag : BsonValue.Null,
        ["created"] = record.CreatedAt.UtcTicks,
        [ExpiresAt] = record.ExpiresAt.UtcTicks,
    };

    public static IdempotencyRecord FromDocument(BsonDocument document) => new(
        document["scope"].AsString,
        document["key"].AsString,
        document["fingerprint"].AsString,
        new IdempotentReply(document["status"].AsInt32, document["body"].AsBinary, document["tag"].IsNull ? null : document["tag"].AsString),
        new DateTimeOffset(document["created"].AsInt64, TimeSpan.Zero),
        new DateTimeOffset(document[ExpiresAt].AsInt64, TimeSpan.Zero));

    /// <summary>Stores a key (replacing an expired one of the same scope and key) and deletes those expired by its time.</summary>
    public static void Store(ILiteCollection<BsonDocument> collection, IdempotencyRecord record)
    {
        collection.DeleteMany(BsonExpression.Create(ExpiredBy, record.CreatedAt.UtcTicks));
        collection.Upsert(ToDocument(record));
    }
}
