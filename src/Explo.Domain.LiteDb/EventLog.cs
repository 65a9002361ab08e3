using Explo.Domain.Ports;
using LiteDB;

namespace Explo.Domain.LiteDb;

/// <summary>
/// The stored domain events. A change's events are stored together, up to <see cref="EventsPerDocument"/> in one
/// document whose id is the sequence of its first event (<c>n</c> the count, <c>events</c> the list): a bulk import's
/// events cost a few hundred inserts, not one insert (and index entry) each. Sequences start at 1 and have no gaps.
/// </summary>
internal sealed class EventLog(ILiteCollection<BsonDocument> documents)
{
    private const int EventsPerDocument = 1_000;
    private const string List = "events";
    private const string Count = "n";
    private const string CountOnly = "{ n: $.n }";

    /// <summary>A document holding events, the first with sequence <paramref name="firstSequence"/>.</summary>
    public static BsonDocument Batch(BsonValue firstSequence, BsonArray events) =>
        new() { ["_id"] = firstSequence, [Count] = events.Count, [List] = events };

    /// <summary>True when a document holds a batch of events (schema 1 stored one event a document, without a list).</summary>
    public static bool IsBatch(BsonDocument document) => document.ContainsKey(List);

    /// <summary>The sequence of the last stored event (0 for none).</summary>
    public long LastSequence() =>
        documents.Query().OrderByDescending("_id").Limit(1).FirstOrDefault() is { } e
            ? e["_id"].AsInt64 + e[List].AsArray.Count - 1
            : 0;

    /// <summary>Stores events after the one with sequence <paramref name="lastSequence"/>, in the open transaction.</summary>
    /// <returns>The sequence of the last event now stored.</returns>
    public long Append(IReadOnlyList<DomainEvent> events, long lastSequence)
    {
        if (events.Count == 0)
        {
            return lastSequence;
        }

        var converted = DocumentBatch.Convert(events, e => new BsonDocument
        {
            ["kind"] = e.Kind,
            ["at"] = e.OccurredAt.UtcTicks,
            ["data"] = StoredJson.EventJson(e),
        });
        var batches = new List<BsonDocument>();
        var sequence = lastSequence;
        foreach (var chunk in converted.Chunk(EventsPerDocument))
        {
            batches.Add(Batch(sequence + 1, new BsonArray(chunk)));
            sequence += chunk.Length;
        }

        documents.InsertBulk(batches);
        return sequence;
    }

    /// <summary>
    /// Stores events copied from another store exactly as they were stored, in the open transaction. Only into an empty
    /// log: their sequences must run from 1 with no gap (as this log numbers its own).
    /// </summary>
    /// <returns>The sequence of the last event now stored.</returns>
    public long AppendCopied(IReadOnlyList<StoredEvent> copied, long lastSequence)
    {
        if (copied.Count == 0)
        {
            return lastSequence;
        }

        if (lastSequence != 0)
        {
            throw new InvalidOperationException("Events are copied only into a store that holds none.");
        }

        var batches = new List<BsonDocument>();
        var sequence = 0L;
        foreach (var chunk in copied.Chunk(EventsPerDocument))
        {
            var list = new BsonArray();
            foreach (var e in chunk)
            {
                if (e.Sequence != ++sequence)
                {
                    throw new InvalidOperationException($"Copied events must be numbered 1, 2, 3, ... with no gap; event {e.Sequence} came where {sequence} was expected.");
                }

                list.Add(new BsonDocument { ["kind"] = e.Kind, ["at"] = e.OccurredAt.UtcTicks, ["data"] = e.Json });
            }

            batches.Add(Batch(sequence - chunk.Length + 1, list));
        }

        documents.InsertBulk(batches);
        return sequence;
    }

    /// <summary>The stored events with a sequence above <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<StoredEvent> Read(long after, int limit)
    {
        // A batch document's id is its first event's sequence: start with the document that holds event after + 1.
        var start = documents.Query().Where(Query.LTE("_id", after + 1)).OrderByDescending("_id").Limit(1).FirstOrDefault() is { } first
            ? first["_id"].AsInt64
            : 0;
        var found = new List<StoredEvent>(Math.Min(limit, EventsPerDocument));
        foreach (var d in documents.Query().Where(Query.GTE("_id", start)).OrderBy("_id").ToEnumerable())
        {
            var list = d[List].AsArray;
            for (var i = 0; i < list.Count && found.Count < limit; i++)
            {
                var sequence = d["_id"].AsInt64 + i;
                if (sequence > after)
                {
                    var e = list[i];
                    found.Add(new StoredEvent(sequence, e["kind"].AsString, new DateTimeOffset(e["at"].AsInt64, TimeSpan.Zero), e["data"].AsString));
                }
            }

            if (found.Count >= limit)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>Every stored event, oldest first.</summary>
    public IReadOnlyList<StoredEvent> ReadAll() =>
        documents.Query().OrderBy("_id").ToEnumerable()
            .SelectMany(d => d[List].AsArray.Select((e, i) => new StoredEvent(
                d["_id"].AsInt64 + i,
                e["kind"].AsString,
                new DateTimeOffset(e["at"].AsInt64, TimeSpan.Zero),
                e["data"].AsString)))
            .ToList();

    /// <summary>How many events are stored (from each document's count, without reading the events).</summary>
    public int CountAll() => documents.Query().Select(CountOnly).ToEnumerable().Sum(d => d[Count].AsInt32);
}
