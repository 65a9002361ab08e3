using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Explo.Domain.Ports;

namespace Explo.Domain;

/// <summary>The change feed: the stored domain events, in commit order, as each caller may see them.</summary>
public sealed partial class ExploService
{
    /// <summary>The most events one read of the feed looks at (seen or not), so a DVG with few events among many costs a bounded read.</summary>
    private const int FeedScanBudget = 10_000;

    /// <summary>The most events one read of the feed returns.</summary>
    public const int MaxFeedLimit = 1000;

    /// <inheritdoc />
    public async Task<Result<EventPage>> ReadEventsAsync(Caller caller, string? after = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(caller);
        var violations = new List<Violation>();
        var position = after is null ? 0 : FeedCursor.Parse(after) ?? -1;
        if (position < 0)
        {
            violations.Add(new Violation(ErrorCodes.InvalidCursor, FieldNames.After, "after is not a cursor of the change feed; pass the next_cursor of an earlier read, or nothing to start at the beginning."));
        }

        if (limit is < 1 or > MaxFeedLimit)
        {
            violations.Add(new Violation(ErrorCodes.InvalidLimit, FieldNames.Limit, string.Create(CultureInfo.InvariantCulture, $"limit must be between 1 and {MaxFeedLimit}; it is {limit}.")));
        }

        if (violations.Count > 0)
        {
            return new ValidationFailed(violations);
        }

        // Who asks, and what they see: its scope's customers (every customer for an unscoped administrator), the group
        // tags, and the workspace's own changes for an administrator.
        var access = await Run(caller, Access.Read, cancellationToken, unit => Result<(AccessGroupId? Scope, bool Admin)>.Success((unit.Principal.Scope, unit.Principal.IsAdministrator))).ConfigureAwait(false);
        if (access.Failure is { } failure)
        {
            return Result<EventPage>.Fail(failure);
        }

        var (scope, admin) = access.SuccessValue;
        var archive = _store as IEventArchive;
        Guard.That(archive is not null, "The store does not keep its events (it does not implement IEventArchive), so it has no change feed");
        var found = new List<FeedEvent>(Math.Min(limit, 128));
        var scanned = 0;
        while (found.Count < limit && scanned < FeedScanBudget)
        {
            var chunk = await archive!.ReadEventsAsync(position, Math.Min(Math.Max(limit - found.Count, 100), FeedScanBudget - scanned), cancellationToken).ConfigureAwait(false);
            if (chunk.Count == 0)
            {
                break;
            }

            var parsed = chunk.Select(Parse).ToList();
            var unknown = parsed.Where(e => e.Customer is { } && e.Group is null).Select(e => e.Customer!.Value).Distinct().ToList();
            var groups = unknown.Count == 0 || scope is null
                ? new Dictionary<CustomerId, AccessGroupId>()
                : await _store.ReadAsync(reader => reader.FindCustomers(unknown).ToDictionary(c => c.Id, c => c.AccessGroupId), cancellationToken).ConfigureAwait(false);
            foreach (var e in parsed)
            {
                scanned++;
                position = e.Stored.Sequence;
                var visible = e.IsTag
                    || (e.Customer is { } id ? scope is null || (e.Group ?? (groups.TryGetValue(id, out var g) ? g : null)) == scope : admin);
                if (visible)
                {
                    found.Add(new FeedEvent(e.Stored.Sequence, e.Stored.Kind, e.Stored.OccurredAt, e.ProvidedId, e.Stored.Json));
                    if (found.Count == limit)
                    {
                        break;
                    }
                }
            }
        }

        return new EventPage(found, FeedCursor.Of(position));
    }

    /// <summary>What the feed needs of a stored event: the customer and DVG it concerns, or whether it is a group tag's.</summary>
    private static (StoredEvent Stored, CustomerId? Customer, AccessGroupId? Group, string? ProvidedId, bool IsTag) Parse(StoredEvent stored)
    {
        var isTag = stored.Kind.StartsWith("group_tag_", StringComparison.Ordinal);
        if (isTag || !stored.Kind.StartsWith("customer_", StringComparison.Ordinal))
        {
            return (stored, null, null, null, isTag);
        }

        using var document = JsonDocument.Parse(stored.Json);
        var root = document.RootElement;
        CustomerId? customer = Id(root, "customer_id") is { } cid ? new CustomerId(cid) : null;
        AccessGroupId? group = Id(root, "access_group_id") is { } gid and <= int.MaxValue ? new AccessGroupId((int)gid) : null;
        var providedId = root.TryGetProperty("provided_id", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return (stored, customer, group, providedId, false);
    }

    /// <summary>An id field of a stored event: <c>{"value": n}</c> as the ids are stored (or a plain number); null when absent.</summary>
    private static long? Id(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var field))
        {
            return null;
        }

        if (field.ValueKind == JsonValueKind.Object && field.TryGetProperty("value", out var inner))
        {
            field = inner;
        }

        return field.ValueKind == JsonValueKind.Number && field.TryGetInt64(out var id) ? id : null;
    }

    /// <summary>The feed's cursors: the last event's id, as <c>base64url("ev1:" + id)</c>, opaque to callers.</summary>
    private static class FeedCursor
    {
        private const string Prefix = "ev1:";

        public static string Of(long position) => Cursors.Of(Prefix, position.ToString(CultureInfo.InvariantCulture));

        public static long? Parse(string cursor) => Cursors.Payload(Prefix, cursor) is { } payload ? Cursors.Number(payload) : null;
    }
}
