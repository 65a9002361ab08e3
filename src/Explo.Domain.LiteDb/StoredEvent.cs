namespace Explo.Domain.LiteDb;

/// <summary>A domain event as stored.</summary>
/// <param name="Sequence">The event's position, from 1.</param>
/// <param name="Kind">The event kind, for example <c>customer_created</c>.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Json">The event's fields as JSON.</param>
public sealed record StoredEvent(long Sequence, string Kind, DateTimeOffset OccurredAt, string Json);
