namespace Explo.Domain.Ports;

/// <summary>A domain event as a store keeps it.</summary>
/// <param name="Sequence">The event's position, from 1.</param>
/// <param name="Kind">The event kind, for example <c>customer_created</c>.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Json">The event's fields as JSON, exactly as stored.</param>
public sealed record StoredEvent(long Sequence, string Kind, DateTimeOffset OccurredAt, string Json);

/// <summary>
/// An optional store capability: reading the stored events back as stored (sequence, kind, time, JSON), page by page,
/// for tools that move a workspace between stores. A copy writes them with <see cref="ChangeSet.CopiedEvents"/>.
/// </summary>
public interface IEventArchive
{
    /// <summary>The stored events with a sequence above <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    /// <param name="after">The last sequence already read (0 to start).</param>
    /// <param name="limit">The most events to return (at least 1).</param>
    /// <param name="cancellationToken">Cancels the read before it starts.</param>
    /// <returns>The events; fewer than <paramref name="limit"/> (or none) at the end.</returns>
    ValueTask<IReadOnlyList<StoredEvent>> ReadEventsAsync(long after, int limit, CancellationToken cancellationToken = default);
}
