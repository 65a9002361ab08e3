using LiteDB;

namespace Explo.Domain.LiteDb;

/// <summary>
/// How a group tag is laid out in the <c>group_tags</c> collection (schema 3): one small document per tag, its id the
/// tag's id, and a unique index on the name (binary collation, so names are unique exactly and case-sensitively).
/// Creating, renaming or deleting a tag writes one document, whatever the number of tags.
/// </summary>
internal static class GroupTagDocument
{
    public const string Collection = "group_tags";
    public const string Name = "name";

    public static BsonDocument ToDocument(GroupTag tag) => new()
    {
        ["_id"] = tag.Id.Value,
        [Name] = tag.Name,
    };

    public static GroupTag FromDocument(BsonDocument document) =>
        new(new GroupTagId(document["_id"].AsInt32), document[Name].AsString);
}
