using Npgsql;

namespace Explo.Domain.Postgres;

/// <summary>Batch statements with positional parameters (<c>$1</c>, <c>$2</c>, ...), as the reader and the writer build them.</summary>
internal static class Statements
{
    /// <summary>A statement of a batch, its values bound to <c>$1</c>, <c>$2</c>, ... in order.</summary>
    public static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
