namespace Explo.Domain;

/// <summary>One event of the change feed.</summary>
/// <param name="Id">Its position in commit order, from 1 (ids only grow; the feed skips the ones the caller may not see).</param>
/// <param name="Type">What happened: <c>customer_created</c>, <c>customer_updated</c>, <c>customer_moved</c>,
/// <c>customer_deleted</c>, <c>customer_token_rotated</c>, <c>group_tag_created</c>, <c>group_tag_renamed</c>,
/// <c>group_tag_deleted</c>; for the administrator also the workspace's own changes.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="ProvidedId">The customer it concerns (its provided id after the change); null for a group tag or the workspace.</param>
/// <param name="Data">What changed: the event's fields as a JSON object, exactly as stored (snake_case).</param>
public sealed record FeedEvent(long Id, string Type, DateTimeOffset OccurredAt, string? ProvidedId, string Data);

/// <summary>A page of the change feed.</summary>
/// <param name="Events">The events after the cursor the caller may see, in commit order.</param>
/// <param name="NextCursor">Where the next read goes on from (after every event this read went past, seen or not); never null.</param>
public sealed record EventPage(IReadOnlyList<FeedEvent> Events, string NextCursor);
