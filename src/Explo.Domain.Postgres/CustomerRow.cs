using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Explo.Domain.Postgres;

/// <summary>
/// How a customer is laid out in the <c>customers</c> table: one column per field; properties as their exact JSON text
/// (<see cref="PropertyMap.ToJson"/>), the mapping as a JSON array of <c>[key, value]</c> pairs (order kept), times as
/// UTC ticks, tags as an array of ids.
/// </summary>
internal static class CustomerRow
{
    /// <summary>The columns every customer query selects, in the order <see cref="Read"/> reads them.</summary>
    public const string Columns = "id, provided_id, name, token, demo, emails, tags, properties, mapping, level, dvg, parent, created_ticks, updated_ticks, version";

    public const string Insert =
        "INSERT INTO customers (" + Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

    /// <summary>Binary <c>COPY</c> of new rows into every column, in the order <see cref="Copy"/> writes them.</summary>
    public const string CopyIn = "COPY customers (" + Columns + ") FROM STDIN (FORMAT BINARY)";

    public const string Update =
        "UPDATE customers SET provided_id = $2, name = $3, token = $4, demo = $5, emails = $6, tags = $7, properties = $8, " +
        "mapping = $9, level = $10, dvg = $11, parent = $12, created_ticks = $13, updated_ticks = $14, version = $15 WHERE id = $1";

    public static Customer Read(NpgsqlDataReader r) => new(
        new CustomerId(r.GetInt64(0)),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        r.GetBoolean(4),
        [.. r.GetFieldValue<string[]>(5)],
        [.. r.GetFieldValue<long[]>(6).Select(t => new GroupTagId(checked((int)t)))],
        PropertyMap.Parse(r.GetString(7)),
        ReadMapping(r.GetString(8)),
        new LevelId(r.GetInt32(9)),
        new AccessGroupId(r.GetInt32(10)),
        r.IsDBNull(11) ? null : new CustomerId(r.GetInt64(11)),
        new DateTimeOffset(r.GetInt64(12), TimeSpan.Zero),
        new DateTimeOffset(r.GetInt64(13), TimeSpan.Zero),
        r.GetInt64(14));

    /// <summary>Adds the 15 parameters of <see cref="Insert"/> and <see cref="Update"/>.</summary>
    public static void Bind(NpgsqlParameterCollection p, Customer c)
    {
        p.Add(new NpgsqlParameter<long> { TypedValue = c.Id.Value });
        p.Add(new NpgsqlParameter<string> { TypedValue = c.ProvidedId });
        p.Add(new NpgsqlParameter<string> { TypedValue = c.Name });
        p.Add(new NpgsqlParameter<string> { TypedValue = c.Token });
        p.Add(new NpgsqlParameter<bool> { TypedValue = c.IsDemoGroup });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. c.Emails] });
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. c.GroupTags.Select(t => (long)t.Value)] });
        p.Add(new NpgsqlParameter<string> { TypedValue = PropertyMap.ToJson(c.Properties) });
        p.Add(new NpgsqlParameter<string> { TypedValue = WriteMapping(c.Mapping) });
        p.Add(new NpgsqlParameter<int> { TypedValue = c.LevelId.Value });
        p.Add(new NpgsqlParameter<int> { TypedValue = c.AccessGroupId.Value });
        p.Add(c.ParentId is { } parent
            ? new NpgsqlParameter<long> { TypedValue = parent.Value }
            : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter<long> { TypedValue = c.CreatedAt.UtcTicks });
        p.Add(new NpgsqlParameter<long> { TypedValue = c.UpdatedAt.UtcTicks });
        p.Add(new NpgsqlParameter<long> { TypedValue = c.Version });
    }

    /// <summary>Writes <paramref name="c"/> as one row of <see cref="CopyIn"/>.</summary>
    public static void Copy(NpgsqlBinaryImporter importer, Customer c)
    {
        importer.StartRow();
        importer.Write(c.Id.Value, NpgsqlDbType.Bigint);
        importer.Write(c.ProvidedId, NpgsqlDbType.Text);
        importer.Write(c.Name, NpgsqlDbType.Text);
        importer.Write(c.Token, NpgsqlDbType.Text);
        importer.Write(c.IsDemoGroup, NpgsqlDbType.Boolean);
        importer.Write<string[]>([.. c.Emails], NpgsqlDbType.Array | NpgsqlDbType.Text);
        importer.Write<long[]>([.. c.GroupTags.Select(t => (long)t.Value)], NpgsqlDbType.Array | NpgsqlDbType.Bigint);
        importer.Write(PropertyMap.ToJson(c.Properties), NpgsqlDbType.Text);
        importer.Write(WriteMapping(c.Mapping), NpgsqlDbType.Text);
        importer.Write(c.LevelId.Value, NpgsqlDbType.Integer);
        importer.Write(c.AccessGroupId.Value, NpgsqlDbType.Integer);
        if (c.ParentId is { } parent)
        {
            importer.Write(parent.Value, NpgsqlDbType.Bigint);
        }
        else
        {
            importer.WriteNull();
        }

        importer.Write(c.CreatedAt.UtcTicks, NpgsqlDbType.Bigint);
        importer.Write(c.UpdatedAt.UtcTicks, NpgsqlDbType.Bigint);
        importer.Write(c.Version, NpgsqlDbType.Bigint);
    }

    /// <summary>The mapping as <c>[["key","value"],...]</c>: strings round-trip exactly through JSON, in order.</summary>
    public static string WriteMapping(OrderedMap<string> mapping)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var (key, value) in mapping.Entries)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(key);
                writer.WriteStringValue(value);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static OrderedMap<string> ReadMapping(string json)
    {
        using var document = JsonDocument.Parse(json);
        return OrderedMap<string>.From(document.RootElement.EnumerateArray()
            .Select(pair => KeyValuePair.Create(pair[0].GetString()!, pair[1].GetString()!))
            .ToImmutableArray());
    }
}
