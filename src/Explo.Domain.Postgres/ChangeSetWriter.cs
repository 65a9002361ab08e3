using Explo.Domain.Ports;
using Npgsql;
using NpgsqlTypes;
using static Explo.Domain.Postgres.Statements;

namespace Explo.Domain.Postgres;

/// <summary>
/// Applies a change set inside the unit's open transaction (the writers' lock held): the workspace, group tags,
/// customers (the new ones inserted, by binary <c>COPY</c> when there are many; the others updated, as batches of
/// statements) and the change's events, numbered after the last stored one. The uniqueness of names, provided ids and
/// tokens and the existence of parents are the database's deferred constraints, checked at commit, so a change set is
/// applied whole or refused whole.
/// </summary>
internal static class ChangeSetWriter
{
    private const int StatementsPerBatch = 500;

    /// <summary>
    /// From how many new customers on they are sent by binary <c>COPY</c> rather than as <c>INSERT</c> statements: a
    /// <c>COPY</c> is a round trip of its own, which a few inserts batched with the rest don't need.
    /// </summary>
    internal const int CopyFrom = 32;

    public const string UpsertWorkspace = "INSERT INTO workspace (id, json) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET json = EXCLUDED.json";

    public const string UpsertTag = "INSERT INTO group_tags (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name";

    // The high-water mark is kept in explo_state only when customers are deleted: otherwise the highest stored id is it.
    public const string KeepMark =
        "UPDATE explo_state SET last_customer_id = GREATEST(last_customer_id, (SELECT COALESCE(max(id), 0) FROM customers))";

    public const string AppendEvents =
        "INSERT INTO events (sequence, kind, occurred_ticks, json) " +
        "SELECT (SELECT COALESCE(max(sequence), 0) FROM events) + e.n, e.kind, e.ticks, e.json " +
        "FROM unnest($1::text[], $2::bigint[], $3::text[]) WITH ORDINALITY AS e(kind, ticks, json, n)";

    public const string DeleteExpiredKeys = "DELETE FROM idempotency_keys WHERE expires_ticks <= $1";

    public const string StoreKey =
        "INSERT INTO idempotency_keys (scope, key, fingerprint, status, body, tag, created_ticks, expires_ticks) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) " +
        "ON CONFLICT (scope, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status, body = EXCLUDED.body, tag = EXCLUDED.tag, " +
        "created_ticks = EXCLUDED.created_ticks, expires_ticks = EXCLUDED.expires_ticks";

    public const string CopyEventsIn = "COPY events (sequence, kind, occurred_ticks, json) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// Writes <paramref name="changes"/>; <paramref name="lastCustomerId"/> is the high-water mark before it. Its
    /// statements go as one batch (one round trip per <see cref="StatementsPerBatch"/>), in the order a change set is
    /// applied (tag deletes, tag upserts, customer deletes, customer upserts, events); many new customers or events go
    /// by <c>COPY</c> after it (the deferred constraints make the order of rows irrelevant until the commit).
    /// </summary>
    /// <param name="connection">The connection, in the unit's transaction.</param>
    /// <param name="changes">The change set.</param>
    /// <param name="lastCustomerId">The high-water mark before it.</param>
    /// <param name="commit">
    /// Whether the transaction may be committed at the end of the batch, when nothing follows it and no statement's
    /// outcome needs checking before the commit (a change set that only inserts, as a create does).
    /// </param>
    /// <returns>True when the transaction was committed.</returns>
    public static bool Apply(NpgsqlConnection connection, ChangeSet changes, long lastCustomerId, bool commit)
    {
        var statements = new List<(NpgsqlBatchCommand Command, bool OneRow)>();
        if (changes.Workspace is { } workspace)
        {
            statements.Add((Command(UpsertWorkspace, StoredJson.WorkspaceJson(workspace)), false));
        }

        if (changes.DeletedGroupTags.Count > 0)
        {
            statements.Add((Command("DELETE FROM group_tags WHERE id = ANY($1)", changes.DeletedGroupTags.Select(t => t.Value).ToArray()), false));
        }

        statements.AddRange(changes.UpsertedGroupTags.Select(tag => (Command(UpsertTag, tag.Id.Value, tag.Name), false)));
        if (changes.DeletedCustomers.Count > 0)
        {
            statements.Add((Command(KeepMark), false));
            statements.Add((Command("DELETE FROM customers WHERE id = ANY($1)", changes.DeletedCustomers.Select(c => c.Value).ToArray()), false));
        }

        // Ids are never reused, so a customer above the high-water mark is new: inserted (by binary COPY when there are
        // many, as in an import or a copy); the others must be stored, and are updated (one row each, checked).
        var fresh = changes.UpsertedCustomers.Count(c => c.Id.Value > lastCustomerId);
        foreach (var customer in changes.UpsertedCustomers)
        {
            var isNew = customer.Id.Value > lastCustomerId;
            if (!isNew || fresh < CopyFrom)
            {
                var command = new NpgsqlBatchCommand(isNew ? CustomerRow.Insert : CustomerRow.Update);
                CustomerRow.Bind(command.Parameters, customer);
                statements.Add((command, true));
            }
        }

        if (changes.Idempotency is { } record)
        {
            statements.Add((Command(DeleteExpiredKeys, record.CreatedAt.UtcTicks), false));
            statements.Add((Command(
                StoreKey,
                record.Scope,
                record.Key,
                record.Fingerprint,
                record.Reply.Status,
                record.Reply.Body,
                (object?)record.Reply.Tag ?? DBNull.Value,
                record.CreatedAt.UtcTicks,
                record.ExpiresAt.UtcTicks), false));
        }

        // A copy carries its source's high-water mark, which may be above every stored id.
        if (changes.LastCustomerId is { } carried)
        {
            statements.Add((Command("UPDATE explo_state SET last_customer_id = GREATEST(last_customer_id, $1)", carried), false));
        }

        // A few events of a change that copies none ride in the batch; copied events go first, and many go by COPY.
        var eventsInBatch = changes.CopiedEvents.Count == 0 && changes.Events.Count is > 0 and < CopyFrom;
        if (eventsInBatch)
        {
            statements.Add((AppendEventsCommand(changes.Events), false));
        }

        // Nothing after the batch, and no update whose row count must be seen before committing: COMMIT rides with it.
        var commitInBatch = commit && fresh < CopyFrom && changes.CopiedEvents.Count == 0 && (eventsInBatch || changes.Events.Count == 0)
            && statements.TrueForAll(s => !s.OneRow || s.Command.CommandText == CustomerRow.Insert);
        if (commitInBatch)
        {
            statements.Add((Command("COMMIT"), false));
        }

        Run(connection, statements);
        if (commitInBatch)
        {
            return true;
        }

        if (fresh >= CopyFrom)
        {
            using var importer = connection.BeginBinaryImport(CustomerRow.CopyIn);
            foreach (var customer in changes.UpsertedCustomers)
            {
                if (customer.Id.Value > lastCustomerId)
                {
                    CustomerRow.Copy(importer, customer);
                }
            }

            importer.Complete();
        }

        if (changes.CopiedEvents.Count > 0)
        {
            AppendCopied(connection, changes.CopiedEvents);
        }

        if (eventsInBatch || changes.Events.Count == 0)
        {
            return false;
        }

        if (changes.Events.Count >= CopyFrom)
        {
            CopyEvents(connection, changes.Events);
        }
        else
        {
            Run(connection, [(AppendEventsCommand(changes.Events), false)]);
        }

        return false;
    }

    /// <summary>Appends a few events, numbered after the last stored one, in one statement.</summary>
    private static NpgsqlBatchCommand AppendEventsCommand(IReadOnlyList<DomainEvent> events) => Command(
        AppendEvents,
        events.Select(e => e.Kind).ToArray(),
        events.Select(e => e.OccurredAt.UtcTicks).ToArray(),
        events.Select(StoredJson.EventJson).ToArray());

    /// <summary>Runs statements in batches (one round trip each), in order; a statement marked to touch one row must.</summary>
    private static void Run(NpgsqlConnection connection, List<(NpgsqlBatchCommand Command, bool OneRow)> statements)
    {
        foreach (var chunk in statements.Chunk(StatementsPerBatch))
        {
            using var batch = new NpgsqlBatch(connection);
            foreach (var (command, _) in chunk)
            {
                batch.BatchCommands.Add(command);
            }

            batch.ExecuteNonQuery();
            foreach (var (command, oneRow) in chunk)
            {
                if (oneRow && command.RecordsAffected != 1)
                {
                    throw new InvalidOperationException("A change set updates a customer that is not stored; the change set is inconsistent.");
                }
            }
        }
    }

    /// <summary>Appends many events by binary <c>COPY</c>, numbered after the last stored one (the writers' lock keeps it the last).</summary>
    private static void CopyEvents(NpgsqlConnection connection, IReadOnlyList<DomainEvent> events)
    {
        long sequence;
        using (var last = new NpgsqlCommand("SELECT COALESCE(max(sequence), 0) FROM events", connection))
        {
            sequence = (long)last.ExecuteScalar()!;
        }

        using var importer = connection.BeginBinaryImport(CopyEventsIn);
        foreach (var e in events)
        {
            importer.StartRow();
            importer.Write(++sequence, NpgsqlDbType.Bigint);
            importer.Write(e.Kind, NpgsqlDbType.Text);
            importer.Write(e.OccurredAt.UtcTicks, NpgsqlDbType.Bigint);
            importer.Write(StoredJson.EventJson(e), NpgsqlDbType.Text);
        }

        importer.Complete();
    }

    /// <summary>Stores copied events exactly, with their own sequences: only into an empty events table, numbered from 1.</summary>
    private static void AppendCopied(NpgsqlConnection connection, IReadOnlyList<StoredEvent> copied)
    {
        for (var i = 0; i < copied.Count; i++)
        {
            if (copied[i].Sequence != i + 1)
            {
                throw new InvalidOperationException($"Copied events must be numbered 1, 2, 3, ... with no gap; event {copied[i].Sequence} came where {i + 1} was expected.");
            }
        }

        using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM events)", connection))
        {
            if ((bool)any.ExecuteScalar()!)
            {
                throw new InvalidOperationException("Events are copied only into a store that holds none.");
            }
        }

        using var importer = connection.BeginBinaryImport(CopyEventsIn);
        foreach (var e in copied)
        {
            importer.StartRow();
            importer.Write(e.Sequence, NpgsqlDbType.Bigint);
            importer.Write(e.Kind, NpgsqlDbType.Text);
            importer.Write(e.OccurredAt.UtcTicks, NpgsqlDbType.Bigint);
            importer.Write(e.Json, NpgsqlDbType.Text);
        }

        importer.Complete();
    }
}
