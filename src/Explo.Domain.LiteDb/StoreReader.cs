using Explo.Domain.Ports;
using LiteDB;

namespace Explo.Domain.LiteDb;

/// <summary>
/// The store's <see cref="IWorkspaceReader"/>: the workspace, tags and high-water marks from the committed state in
/// memory, customers from the cache when there and from LiteDB otherwise (remembering what it reads), pages and counts
/// from the ordered ids. It holds no state of its own, so one serves every reader; the store lets it run only under its
/// read lock (or in the unit of work, before the commit), when no commit changes what it reads.
/// </summary>
internal sealed class StoreReader(StoreCollections store, CommittedState state) : IWorkspaceReader
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
    private const string After = "$._id > @0";
    private const string ByProvidedIds = "$." + CustomerDocument.ProvidedId + " IN @0";
    private const string ByTokens = "$." + CustomerDocument.Token + " IN @0";
    private const string TokenOnly = "{ t: $." + CustomerDocument.Token + " }";
    private const string IdOnly = "{ i: $._id }";
    private const string ByGroupPrefix = "$." + CustomerDocument.GroupKey + " LIKE @0";
    private const string ByLevelGroupPrefix = "$." + CustomerDocument.LevelGroupKey + " LIKE @0";

    private static BsonExpression Where(string predicate, BsonValue value) => BsonExpression.Create(predicate, value);

    private ILiteCollection<BsonDocument> Customers => store.Customers;

    public Workspace? Workspace => state.Workspace;

    public IdempotencyRecord? FindIdempotencyRecord(string scope, string key) => store.FindIdempotencyRecord(scope, key);

    public long LastCustomerId => state.LastCustomerId;

    public GroupTag? FindGroupTag(string name) => state.Tags.FindGroupTag(name);

    public GroupTag? FindGroupTag(GroupTagId id) => state.Tags.FindGroupTag(id);

    public int CountGroupTags() => state.Tags.Count;

    public IReadOnlyList<GroupTag> ListGroupTags() => state.Tags.List();

    private CustomerCache Cache => state.Cache;

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
        // batch commits (readers go on meanwhile, see LiteDbWorkspaceStore.Write), a list and its count agree on what
        // they show.

        var positions = Positions(query);
        return PageOf(positions, skip, take);
    }

    public IReadOnlyList<Customer> ListCustomersAfter(CustomerQuery query, long after, int take)
    {
        if (query.ParentId is not null)
        {
            return Plan(query).Where(BsonExpression.Create(After, after)).Limit(take).ToEnumerable().Select(Materialize).ToList();
        }

        // The first position above the id: a binary search of the ordered ids.
        var positions = Positions(query);
        var at = positions.BinarySearch(after);
        return PageOf(positions, at >= 0 ? at + 1 : ~at, take);
    }

    /// <summary>The customers at <c>positions[skip..skip + take)</c>, from the cache or in one range read.</summary>
    private List<Customer> PageOf(List<long> positions, int skip, int take)
    {
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
    private List<long> Positions(CustomerQuery query) => state.Positions.Of(query.AccessGroupId, query.LevelId, () =>
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
            return state.HasGroupIndex
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
