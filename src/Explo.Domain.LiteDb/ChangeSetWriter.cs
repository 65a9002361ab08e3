using Explo.Domain.Ports;
using LiteDB;

namespace Explo.Domain.LiteDb;

/// <summary>
/// Writes a change set into the open LiteDB transaction (the caller begins and commits it): the workspace, group tags,
/// customers (new ones inserted in bulk, the others updated) and the change's events. Several change sets may go into one
/// transaction (a group commit), each after the ones before it: the caller passes the high-water marks each one leaves
/// to the next. It does not change the committed state; the store does, once the transaction commits.
/// </summary>
internal sealed class ChangeSetWriter(StoreCollections store, EventLog events, CommittedState state)
{
    /// <summary>Writes <paramref name="changes"/> into the open transaction, after whatever it already holds.</summary>
    /// <param name="changes">The change set.</param>
    /// <param name="marks">
    /// The high-water marks before it: the committed state's for the transaction's first change set, else what the one
    /// before it returned.
    /// </param>
    /// <returns>The high-water marks after it: the last customer id and the last event's sequence.</returns>
    public (long LastCustomerId, long LastEventSequence) Apply(ChangeSet changes, (long LastCustomerId, long LastEventSequence) marks)
    {
        if (changes.Workspace is { } workspace)
        {
            store.WriteWorkspaceJson(StoredJson.WorkspaceJson(workspace));

            // The DVG index is built when a second DVG appears (in this transaction, so it rolls back with it).
            if (!state.HasGroupIndex && workspace.AccessGroups.Length > 1)
            {
                store.EnsureGroupIndex();
            }
        }

        // One document per tag; the unique name index refuses a change set that would give two tags one name.
        foreach (var id in changes.DeletedGroupTags)
        {
            store.GroupTags.Delete(id.Value);
        }

        foreach (var tag in changes.UpsertedGroupTags)
        {
            store.GroupTags.Upsert(GroupTagDocument.ToDocument(tag));
        }

        foreach (var id in changes.DeletedCustomers)
        {
            store.Customers.Delete(id.Value);
        }

        var last = WriteCustomers(changes.UpsertedCustomers, marks.LastCustomerId);

        // The highest stored id is the high-water mark unless it is deleted: only then is the mark written down (so a
        // durable create writes its customer and its events, nothing else).
        if (changes.DeletedCustomers.Count > 0)
        {
            store.RecordLastCustomerId(last);
        }

        // A copy carries its source's mark, which may be above every stored id (the highest ones deleted there).
        if (changes.LastCustomerId is { } carried && carried > last)
        {
            last = carried;
            store.RecordLastCustomerId(last);
        }

        if (changes.Idempotency is { } record)
        {
            // The expiry index (by which expired keys go) is built with the first key, in its transaction.
            store.Idempotency.EnsureIndex(IdempotencyDocument.ExpiresAt, "$." + IdempotencyDocument.ExpiresAt);
            IdempotencyDocument.Store(store.Idempotency, record);
        }

        var sequence = events.AppendCopied(changes.CopiedEvents, marks.LastEventSequence);
        return (last, events.Append(changes.Events, sequence));
    }

    /// <summary>
    /// Ids are never reused, so a customer above the high-water mark is new: it is inserted (in bulk), the rest updated.
    /// </summary>
    /// <returns>The high-water mark with the new customers.</returns>
    private long WriteCustomers(IReadOnlyList<Customer> customers, long mark)
    {
        var last = mark;
        var inserts = new List<BsonDocument>();
        var documents = DocumentBatch.Convert(customers, CustomerDocument.ToDocument);
        for (var i = 0; i < documents.Length; i++)
        {
            var customer = customers[i];
            if (customer.Id.Value > mark)
            {
                inserts.Add(documents[i]);
                last = Math.Max(last, customer.Id.Value);
            }
            else if (!store.Customers.Update(documents[i]))
            {
                throw new InvalidOperationException($"Customer {customer.Id} is below the high-water mark but not stored; the change set is inconsistent.");
            }
        }

        if (inserts.Count > 0)
        {
            store.Customers.InsertBulk(inserts);
        }

        return last;
    }
}
