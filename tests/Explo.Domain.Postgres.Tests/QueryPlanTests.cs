using Explo.Domain.Ports;
using Npgsql;
using Xunit.Abstractions;

namespace Explo.Domain.Postgres.Tests;

/// <summary>
/// Every lookup the reader makes is answered by its index: the reader's own statements, EXPLAINed over 20,000 seeded
/// customers (50 DVGs, 5 levels, 100 parents, 200 tags), with sequential scans discouraged so that a missing index
/// shows as a plan without it.
/// </summary>
public sealed class QueryPlanTests : IDisposable
{
    private const int Rows = 20_000;

    private static readonly Lazy<PostgresSchema> Seeded = new(Seed);

    private readonly ITestOutputHelper _output;
    private readonly NpgsqlConnection _connection;

    public QueryPlanTests(ITestOutputHelper output)
    {
        _output = output;
        _connection = new NpgsqlConnection(Seeded.Value.ConnectionString);
        _connection.Open();
        using var off = new NpgsqlCommand("SET enable_seqscan = off", _connection);
        off.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();

    private static PostgresSchema Seed()
    {
        var schema = PostgresCluster.NewSchema();

        // Shared by the theory's cases; dropped when the process ends (a server named by EXPLO_TEST_POSTGRES stays).
        AppDomain.CurrentDomain.ProcessExit += (_, _) => schema.Dispose();
        using (new PostgresWorkspaceStore(schema.ConnectionString))
        {
        }

        using var connection = new NpgsqlConnection(schema.ConnectionString);
        connection.Open();
        using var seed = new NpgsqlCommand(
            $$"""
            INSERT INTO customers (id, provided_id, token, name, demo, emails, tags, properties, mapping, level, dvg, parent, created_ticks, updated_ticks, version)
            SELECT i, 'p' || i, md5(i::text) || md5((i + 1)::text), 'n' || i, false, '{}', ARRAY[i % 200]::bigint[], '{}', '[]',
                   i % 5, i % 50, CASE WHEN i > 100 THEN i % 100 + 1 END, i, i, 1
            FROM generate_series(1, {{Rows}}) AS i;
            INSERT INTO group_tags (id, name) SELECT i, 't' || i FROM generate_series(1, 200) AS i;
            ANALYZE customers;
            ANALYZE customer_counts;
            ANALYZE customer_blocks;
            ANALYZE group_tags;
            """,
            connection);
        seed.ExecuteNonQuery();
        return schema;
    }

    public static TheoryData<string> Lookups() =>
    [
        "by id", "by ids", "by provided id", "by provided ids", "by token", "tokens in use", "children", "with tag", "enumerate",
        "page of a DVG", "count of a DVG", "page of a level in a DVG", "count of a level in a DVG", "page of a parent", "count of a parent", "tag by name", "tag by id",
    ];

    [Theory]
    [MemberData(nameof(Lookups))]
    public void Each_lookup_uses_its_index(string lookup)
    {
        var (sql, values, index) = lookup switch
        {
            "by id" => (PostgresReader.ById, new object[] { 1234L }, "customers_pkey"),
            "by ids" => (PostgresReader.ByIds, [new long[] { 12, 345, 6789 }], "customers_pkey"),
            "by provided id" => (PostgresReader.ByProvidedId, ["p1234"], "customers_provided_id_key"),
            "by provided ids" => (PostgresReader.ByProvidedIds, [new[] { "p1", "p2", "p3" }], "customers_provided_id_key"),
            "by token" => (PostgresReader.ByToken, ["0123"], "customers_token_key"),
            "tokens in use" => (PostgresReader.TokensIn, [new[] { "0123", "4567" }], "customers_token_key"),
            "children" => (PostgresReader.ByParent, [7L], "customers_parent"),
            "with tag" => (PostgresReader.ByTag, [17L], "customers_tags"),
            "enumerate" => (PostgresReader.After, [5000L, 1000], "customers_pkey"),
            "page of a DVG" => Page(new CustomerQuery(AccessGroupId: new AccessGroupId(7)), "customer_blocks_pkey"),
            "count of a DVG" => Count(new CustomerQuery(AccessGroupId: new AccessGroupId(7)), "customer_counts_pkey"),
            "page of a level in a DVG" => Page(new CustomerQuery(AccessGroupId: new AccessGroupId(7), LevelId: new LevelId(2)), "customer_blocks_pkey"),
            "count of a level in a DVG" => Count(new CustomerQuery(AccessGroupId: new AccessGroupId(7), LevelId: new LevelId(2)), "customer_counts_pkey"),
            "count of a parent" => Count(new CustomerQuery(ParentId: new CustomerId(7)), "customers_parent"),
            "page of a parent" => Page(new CustomerQuery(ParentId: new CustomerId(7)), "customers_parent"),
            "tag by name" => ("SELECT id, name FROM group_tags WHERE name = $1", ["t17"], "group_tags_name_key"),
            "tag by id" => ("SELECT id, name FROM group_tags WHERE id = $1", [17], "group_tags_pkey"),
            _ => throw new ArgumentOutOfRangeException(nameof(lookup)),
        };

        var plan = Explain(sql, values);
        _output.WriteLine(plan);
        Assert.Matches($@"(Index Scan|Index Only Scan) using {index}\b|Bitmap Index Scan on {index}\b", plan);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reader_statements_explained_are_the_ones_it_runs()
    {
        // The page statement the reader builds for a DVG filter is the one explained above, with its parameters in order.
        var (where, values) = PostgresReader.Filter(new CustomerQuery(AccessGroupId: new AccessGroupId(7), LevelId: new LevelId(2)));
        Assert.Equal(" WHERE level = $1 AND dvg = $2", where);
        Assert.Equal([2, 7], values.Cast<int>());
    }

    /// <summary>
    /// A later page (the 4th of 100 in a DVG of 400): its start is found in the kept counts per block of ids (schema 5),
    /// then the rows from there in an index; in a DVG spread evenly over the table the planner may rightly walk the
    /// primary key from the page's start and filter (about 50 rows a match, in table order) rather than the DVG's index,
    /// but never scans the table.
    /// </summary>
    private static (string, object[], string) Page(CustomerQuery query, string index)
    {
        var (where, values) = PostgresReader.Filter(query);
        values.Add(100L);
        values.Add(300L);
        return (PostgresReader.ListSql(query, where, values.Count), [.. values], index);
    }

    private static (string, object[], string) Count(CustomerQuery query, string index)
    {
        var (where, values) = PostgresReader.Filter(query);
        return (PostgresReader.CountSql(query, where), [.. values], index);
    }

    private string Explain(string sql, object[] values)
    {
        using var command = new NpgsqlCommand("EXPLAIN (COSTS OFF) " + sql, _connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }
}
