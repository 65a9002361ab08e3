using System.Collections.Immutable;
using System.Globalization;
using LiteDB;

namespace Explo.Domain.LiteDb;

/// <summary>
/// How a customer is laid out in the <c>customers</c> collection. Field names are fixed and short; property keys are
/// never field names (they may hold <c>.</c> or <c>$</c>): the properties are kept as one JSON text, which also keeps
/// every number's exact text. <c>g</c> and <c>lg</c> are ordered index keys (DVG + id, level + DVG + id), so a
/// filtered page is an ordered index range, not a sort.
/// </summary>
internal static class CustomerDocument
{
    public const string Collection = "customers";
    public const string ProvidedId = "pid";
    public const string Token = "token";
    public const string Parent = "parent";
    public const string Level = "level";
    public const string Group = "dvg";
    public const string Tags = "tags";
    public const string GroupKey = "g";
    public const string LevelGroupKey = "lg";

    public static BsonDocument ToDocument(Customer c)
    {
        var mapping = new BsonArray(c.Mapping.Entries.Select(e => new BsonArray { e.Key, e.Value }));
        return new BsonDocument
        {
            ["_id"] = c.Id.Value,
            [ProvidedId] = c.ProvidedId,
            ["name"] = c.Name,
            [Token] = c.Token,
            ["demo"] = c.IsDemoGroup,
            ["emails"] = new BsonArray(c.Emails.Select(e => new BsonValue(e))),
            [Tags] = new BsonArray(c.GroupTags.Select(t => new BsonValue(t.Value))),
            ["props"] = PropertyMap.ToJson(c.Properties),
            ["map"] = mapping,
            [Level] = c.LevelId.Value,
            [Group] = c.AccessGroupId.Value,
            [Parent] = c.ParentId is { } p ? new BsonValue(p.Value) : BsonValue.Null,
            ["created"] = c.CreatedAt.UtcTicks,
            ["updated"] = c.UpdatedAt.UtcTicks,
            ["ver"] = c.Version,
            [GroupKey] = GroupKeyOf(c.AccessGroupId, c.Id.Value),
            [LevelGroupKey] = LevelGroupKeyOf(c.LevelId, c.AccessGroupId, c.Id.Value),
        };
    }

    public static Customer FromDocument(BsonDocument d) => new(
        new CustomerId(d["_id"].AsInt64),
        d[ProvidedId].AsString,
        d["name"].AsString,
        d[Token].AsString,
        d["demo"].AsBoolean,
        d["emails"].AsArray.Select(e => e.AsString).ToImmutableArray(),
        d[Tags].AsArray.Select(t => new GroupTagId(t.AsInt32)).ToImmutableArray(),
        PropertyMap.Parse(d["props"].AsString),
        OrderedMap<string>.From(d["map"].AsArray.Select(e => KeyValuePair.Create(e.AsArray[0].AsString, e.AsArray[1].AsString))),
        new LevelId(d[Level].AsInt32),
        new AccessGroupId(d[Group].AsInt32),
        d[Parent].IsNull ? null : new CustomerId(d[Parent].AsInt64),
        new DateTimeOffset(d["created"].AsInt64, TimeSpan.Zero),
        new DateTimeOffset(d["updated"].AsInt64, TimeSpan.Zero),
        d["ver"].AsInt64);

    /// <summary>Zero-padded so the binary collation orders the keys numerically.</summary>
    public static string GroupKeyOf(AccessGroupId group, long id) =>
        string.Create(CultureInfo.InvariantCulture, $"{group.Value:D10}:{id:D19}");

    public static string GroupPrefix(AccessGroupId group) =>
        string.Create(CultureInfo.InvariantCulture, $"{group.Value:D10}:");

    public static string LevelGroupKeyOf(LevelId level, AccessGroupId group, long id) =>
        string.Create(CultureInfo.InvariantCulture, $"{level.Value:D10}:{group.Value:D10}:{id:D19}");

    public static string LevelPrefix(LevelId level) =>
        string.Create(CultureInfo.InvariantCulture, $"{level.Value:D10}:");

    public static string LevelGroupPrefix(LevelId level, AccessGroupId group) =>
        string.Create(CultureInfo.InvariantCulture, $"{level.Value:D10}:{group.Value:D10}:");
}
