using Explo.Tests.Shared;
using Npgsql;

namespace Explo.Domain.Benchmarks.Tests;

/// <summary>
/// The PostgreSQL benchmark bodies run once on small inputs, on the tests' throwaway server (named to the benchmarks by
/// <see cref="PostgresData.Variable"/>), and checked against their floors: the same rows, the same page. No timing.
/// </summary>
public sealed class PostgresBenchmarkSmokeTests
{
    public PostgresBenchmarkSmokeTests() =>
        Environment.SetEnvironmentVariable(PostgresData.Variable, PostgresCluster.AdminConnectionString);

    [Fact]
    public async Task The_PostgreSQL_benchmarks_run_their_bodies_and_match_their_floors()
    {
        var getOrCreate = new PostgresGetOrCreateBenchmarks { Existing = 50 };
        getOrCreate.SetupStore();
        Assert.True(getOrCreate.Store_get_or_create());
        getOrCreate.Cleanup();
        getOrCreate.SetupRaw();
        Assert.Equal(1, getOrCreate.Raw_insert_in_own_transaction());
        getOrCreate.Cleanup();

        var bulk = new PostgresBulkImportBenchmarks { Customers = 500 };
        bulk.Setup();
        var stored = new Dictionary<string, string>();
        foreach (var (name, prepare, insert) in new (string, Action, Func<int>)[]
        {
            ("store", bulk.NewStore, bulk.Store_import),
            ("raw", bulk.NewTables, bulk.Raw_copy),
            ("raw with events", bulk.NewTables, bulk.Raw_copy_with_events),
            ("raw, primary key only", bulk.NewBareTables, bulk.Raw_copy_primary_key_only),
        })
        {
            prepare();
            Assert.Equal(500, insert());
            bulk.Close();
            stored[name] = Rows(PostgresData.On("bench_bulk"));
        }

        // The floors write the rows the store writes (its import in the setup; this one's tokens and times are new).
        Assert.Equal(stored["store"], stored["raw"]);
        Assert.Equal(stored["raw"], stored["raw with events"]);
        Assert.Equal(stored["raw"], stored["raw, primary key only"]);

        var page = new PostgresPageBenchmarks { Customers = 3_000, PageSize = 100 };
        page.SetupStore();
        Assert.Equal(100, page.Store_v2_page());
        var ids = (await page.Service!.ListCustomerPageAsync(Caller.Administrator("Production"), new CustomerPageRequest { Page = page.PageNumber, PageSize = 100 }))
            .SuccessValue.Customers.Select(c => c.Id.Value).ToList();
        page.Cleanup();
        page.SetupRaw();
        Assert.Equal(100, page.Raw_same_query());
        Assert.Equal(100, page.Raw_index_skip());
        Assert.Equal(100, page.Raw_block_skip());
        Assert.Equal(100, page.Raw_id_range());
        page.Cleanup();
        Assert.Equal(Enumerable.Range((page.PageNumber - 1) * 100 + 1, 100).Select(i => (long)i), ids);
    }

    /// <summary>Every customer row of a database but its token and times, as text, in id order.</summary>
    private static string Rows(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        const string columns = "id, provided_id, name, demo, emails, tags, properties, mapping, level, dvg, parent, version";
        using var command = new NpgsqlCommand($"SELECT string_agg(c::text, E'\\n' ORDER BY id) FROM (SELECT {columns} FROM customers) c", connection);
        return (string)command.ExecuteScalar()!;
    }
}
