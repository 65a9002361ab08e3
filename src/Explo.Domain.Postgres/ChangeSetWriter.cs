using Explo.Domain.Ports;
using Npgsql;

namespace Explo.Domain.Postgres;

/// <summary>
/// Applies a change set inside the unit's open transaction (the writers' lock held): the workspace, group tags,
/// customers (the new ones inserted, the others updated, as batches of statements) and the change's events, numbered
/// after the last stored one. The uniqueness of names, provided ids and tokens and the existence of parents are the
/// database's deferred constraints, checked at commit, so a change set is applied whole or refused whole.
/// </summary>
internal static class ChangeSetWriter
{
    private const int StatementsPerBatch = 500;

    public const string UpsertWorkspace = "INSERT INTO workspace (id, json) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET json = EXCLUDED.json";

    public const string UpsertTag = "INSERT INTO group_tags (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name";

    // The high-water mark is kept in explo_state only when customers are deleted: otherwise the highest stored id is it.
    public const string KeepMark =
        "UPDATE explo_state SET last_customer_id = GREATEST(last_customer_id, (SELECT COALESCE(max(id), 0) FROM customers))";

    public const string AppendEvents =
        "INSERT INTO events (sequence, kind, occurred_ticks, json) " +
        "SELECT (SELECT COALESCE(max(sequence), 0) FROM events) + e.n, e.kind, e.ticks, e.json " +
        "FROM unnest($1::text[], $2::bigint[], $3::text[]) WITH ORDINALITY AS e(kind, ticks, json, n)";

    /// <summary>Writes <paramref name="changes"/>; <paramref name="lastCustomerId"/> is the high-water mark before it.</summary>
    public static void Apply(NpgsqlConnection connection, ChangeSet changes, long lastCustomerId)
    {
        if (changes.Workspace is { } workspace)
        {
            Execute(connection, UpsertWorkspace, StoredJson.Workspace(workspace));
        }

        if (changes.DeletedGroupTags.Count > 0)
        {
            Execute(connection, "DELETE FROM group_tags WHERE id = ANY($1)", changes.DeletedGroupTags.Select(t => t.Value).ToArray());
        }

        Batched(connection, changes.UpsertedGroupTags, tag => Command(UpsertTag, tag.Id.Value, tag.Name), _ => { });

        if (changes.DeletedCustomers.Count > 0)
        {
            Execute(connection, KeepMark);
            Execute(connection, "DELETE FROM customers WHERE id = ANY($1)", changes.DeletedCustomers.Select(c => c.Value).ToArray());
        }

        // Ids are never reused, so a customer above the high-water mark is new: inserted; the others must be stored.
        Batched(
            connection,
            changes.UpsertedCustomers,
            customer =>
            {
                var command = new NpgsqlBatchCommand(customer.Id.Value > lastCustomerId ? CustomerRow.Insert : CustomerRow.Update);
                CustomerRow.Bind(command.Parameters, customer);
                return command;
            },
            command =>
            {
                if (command.RecordsAffected != 1)
                {
                    throw new InvalidOperationException("A change set updates a customer that is not stored; the change set is inconsistent.");
                }
            });

        if (changes.Events.Count > 0)
        {
            Execute(
                connection,
                AppendEvents,
                changes.Events.Select(e => e.Kind).ToArray(),
                changes.Events.Select(e => e.OccurredAt.UtcTicks).ToArray(),
                changes.Events.Select(StoredJson.Event).ToArray());
        }
    }

    /// <summary>Runs one statement per item, in batches (one round trip each), checking each statement's outcome.</summary>
    private static void Batched<T>(NpgsqlConnection connection, IReadOnlyList<T> items, Func<T, NpgsqlBatchCommand> statement, Action<NpgsqlBatchCommand> check)
    {
        foreach (var chunk in items.Chunk(StatementsPerBatch))
        {
            using var batch = new NpgsqlBatch(connection);
            foreach (var item in chunk)
            {
                batch.BatchCommands.Add(statement(item));
            }

            batch.ExecuteNonQuery();
            foreach (NpgsqlBatchCommand command in batch.BatchCommands)
            {
                check(command);
            }
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static void Execute(NpgsqlConnection connection, string sql, params object[] values)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        command.ExecuteNonQuery();
    }
}
