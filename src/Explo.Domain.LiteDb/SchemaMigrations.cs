using System.Globalization;
using LiteDB;

namespace Explo.Domain.LiteDb;

/// <summary>
/// The file's schema: its version is LiteDB's user version (0 for a new file). Opening a file checks that it is an
/// Explo file this version understands (binary collation, no newer schema, no foreign collections in a new one) and
/// brings an older one forward by the ordered migrations, then records <see cref="Version"/>.
/// </summary>
internal static class SchemaMigrations
{
    /// <summary>The schema version this adapter writes.</summary>
    public const int Version = 3;

    // The single-field level and DVG indexes of schema 1, dropped by schema 2.
    private const string LegacyLevelIndex = "level";
    private const string LegacyGroupIndex = "dvg";

    /// <summary>Migrations[v] takes a file from schema version v to v + 1. Version 0 is a new file.</summary>
    private static readonly Action<StoreCollections>[] Migrations =
    [
        store =>
        {
            var c = store.Customers;
            c.EnsureIndex(CustomerDocument.ProvidedId, "$." + CustomerDocument.ProvidedId, unique: true);
            c.EnsureIndex(CustomerDocument.Token, "$." + CustomerDocument.Token, unique: true);
            c.EnsureIndex(CustomerDocument.Parent, "$." + CustomerDocument.Parent);
            c.EnsureIndex(LegacyLevelIndex, "$." + CustomerDocument.Level);
            c.EnsureIndex(LegacyGroupIndex, "$." + CustomerDocument.Group);
            c.EnsureIndex(CustomerDocument.Tags, "$." + CustomerDocument.Tags + "[*]");
            store.EnsureGroupIndex();
            c.EnsureIndex(CustomerDocument.LevelGroupKey, "$." + CustomerDocument.LevelGroupKey);
        },

        // Version 2 drops the single-field level and DVG indexes: the ordered keys g and lg answer every query they
        // answered, and each index costs about as much on every insert as the document itself (a bulk import of
        // 100,000 customers spent a fifth of its time keeping these two);
        // likewise the DVG + id index while the workspace has one DVG (every customer is in it, so a page of it is a
        // page of the primary key; the index is built when a second DVG is added). It also stores the events of a
        // change together (see EventLog); version 1 stored one document per event, which becomes a document holding
        // that one event, under the same sequence.
        store =>
        {
            store.Customers.DropIndex(LegacyLevelIndex);
            store.Customers.DropIndex(LegacyGroupIndex);
            if ((store.StoredWorkspace()?.AccessGroups.Length ?? 1) <= 1)
            {
                store.Customers.DropIndex(CustomerDocument.GroupKey);
            }

            var single = store.Events.FindAll().Where(d => !EventLog.IsBatch(d)).ToList();
            store.Events.Update(single.Select(d => EventLog.Batch(
                d["_id"],
                new BsonArray { new BsonDocument { ["kind"] = d["kind"], ["at"] = d["at"], ["data"] = d["data"] } })));
        },

        // Version 3 keeps group tags in their own collection, one document each with a unique index on the name, instead
        // of inside the workspace document: with 10,000 tags, creating one rewrote (and re-read) all of them. The tags
        // the workspace holds move out in one transaction (upserts, so a migration cut short runs again cleanly), and
        // the workspace is written again without them.
        store =>
        {
            store.GroupTags.EnsureIndex(GroupTagDocument.Name, "$." + GroupTagDocument.Name, unique: true);
            if (store.StoredWorkspaceJson() is not { } json)
            {
                return;
            }

            var tags = WorkspaceJson.ReadLegacyGroupTags(json);
            if (!store.Database.BeginTrans())
            {
                throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
            }

            try
            {
                store.GroupTags.Upsert(tags.Select(GroupTagDocument.ToDocument));
                store.WriteWorkspaceJson(WorkspaceJson.WithoutGroupTags(json));
                store.Database.Commit();
            }
            catch
            {
                store.Database.Rollback();
                throw;
            }
        },
    ];

    /// <summary>Checks the file's schema and brings it to <see cref="Version"/>.</summary>
    /// <param name="store">The open file's collections.</param>
    /// <param name="filePath">The file's path, for the errors.</param>
    /// <returns>The file's schema version before it was opened (0 for a new file).</returns>
    /// <exception cref="ExploStoreException">The file has another collation, a newer schema, or is not an Explo file.</exception>
    public static int Open(StoreCollections store, string filePath)
    {
        var db = store.Database;
        if (db.Collation.SortOptions != CompareOptions.Ordinal)
        {
            throw new ExploStoreException($"The database file '{filePath}' uses collation '{db.Collation}', not the binary collation Explo needs; it was not created by Explo.");
        }

        var version = db.UserVersion;
        if (version > Version)
        {
            throw new ExploStoreException($"The database file '{filePath}' has schema version {version}, newer than this version of Explo.Domain understands ({Version}); use a newer Explo.Domain.");
        }

        if (version == 0)
        {
            var foreign = db.GetCollectionNames().Except(StoreCollections.Names).ToList();
            if (foreign.Count > 0)
            {
                throw new ExploStoreException($"The database file '{filePath}' is not an Explo database (it holds the collections {string.Join(", ", foreign)}).");
            }
        }

        for (var v = version; v < Version; v++)
        {
            Migrations[v](store);
        }

        if (version != Version)
        {
            db.UserVersion = Version;
        }

        return version;
    }
}
