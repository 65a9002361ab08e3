using LiteDB;

namespace Explo.Domain.LiteDb;

/// <summary>
/// Converts the items of a change set to documents, on every core for a large change set (a bulk import): the
/// conversion is pure, and only the inserts that follow must run on the transaction's thread.
/// </summary>
internal static class DocumentBatch
{
    /// <summary>From this many items on, the conversion runs in parallel.</summary>
    private const int ParallelConversionThreshold = 2_048;

    /// <summary>The documents of <paramref name="items"/>, in their order.</summary>
    public static BsonDocument[] Convert<T>(IReadOnlyList<T> items, Func<T, BsonDocument> convert)
    {
        var documents = new BsonDocument[items.Count];
        if (items.Count < ParallelConversionThreshold)
        {
            for (var i = 0; i < documents.Length; i++)
            {
                documents[i] = convert(items[i]);
            }
        }
        else
        {
            Parallel.For(0, documents.Length, i => documents[i] = convert(items[i]));
        }

        return documents;
    }
}
