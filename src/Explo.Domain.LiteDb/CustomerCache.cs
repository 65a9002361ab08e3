using System.Collections.Concurrent;
using LiteDB;

namespace Explo.Domain.LiteDb;

/// <summary>
/// Customers read from the file, kept in memory by id with lookups by provided id and token. Readers add to it
/// concurrently (they share the store's read lock, so no commit happens meanwhile); after each commit the writer forgets
/// every customer the change touched, so a cached customer is always the committed one. Bounded: when full it starts
/// over (simple, and a full cache of recent reads refills in a few thousand lookups).
/// </summary>
internal sealed class CustomerCache(int capacity)
{
    private readonly ConcurrentDictionary<long, Customer> _byId = new();
    private readonly ConcurrentDictionary<string, long> _byProvidedId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _byToken = new(StringComparer.Ordinal);

    public Customer? ById(long id) => _byId.TryGetValue(id, out var customer) ? customer : null;

    // A mapping may outlive its customer (after a clear raced with an add): the customer is checked to still match.
    public Customer? ByProvidedId(string providedId) =>
        _byProvidedId.TryGetValue(providedId, out var id) && ById(id) is { } c && string.Equals(c.ProvidedId, providedId, StringComparison.Ordinal) ? c : null;

    public Customer? ByToken(string token) =>
        _byToken.TryGetValue(token, out var id) && ById(id) is { } c && string.Equals(c.Token, token, StringComparison.Ordinal) ? c : null;

    /// <summary>The customer a document holds, cached (read from the document only when not cached yet).</summary>
    public Customer Remember(BsonDocument document)
    {
        var id = document["_id"].AsInt64;
        if (ById(id) is { } cached)
        {
            return cached;
        }

        var customer = CustomerDocument.FromDocument(document);
        if (capacity == 0)
        {
            return customer;
        }

        if (_byId.Count >= capacity)
        {
            Clear();
        }

        _byId[id] = customer;
        _byProvidedId[customer.ProvidedId] = id;
        _byToken[customer.Token] = id;
        return customer;
    }

    /// <summary>The customer a document holds, from the cache when there, without adding to it (for whole-file scans).</summary>
    public Customer Recall(BsonDocument document) => ById(document["_id"].AsInt64) ?? CustomerDocument.FromDocument(document);

    /// <summary>Forgets the customers a committed change deleted or wrote (called by the writer, with no reader running).</summary>
    public void Forget(IReadOnlyList<CustomerId> deleted, IReadOnlyList<Customer> upserted)
    {
        if (_byId.IsEmpty)
        {
            return;
        }

        foreach (var id in deleted)
        {
            Forget(id.Value);
        }

        foreach (var customer in upserted)
        {
            Forget(customer.Id.Value);
        }
    }

    private void Forget(long id)
    {
        if (_byId.TryRemove(id, out var old))
        {
            _byProvidedId.TryRemove(KeyValuePair.Create(old.ProvidedId, id));
            _byToken.TryRemove(KeyValuePair.Create(old.Token, id));
        }
    }

    private void Clear()
    {
        _byId.Clear();
        _byProvidedId.Clear();
        _byToken.Clear();
    }
}
