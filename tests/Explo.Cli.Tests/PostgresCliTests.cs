using Explo.Tests.Shared;
using Npgsql;

namespace Explo.Cli.Tests;

/// <summary>
/// <c>--db</c> names a PostgreSQL database as a <c>postgres://</c> URL or a connection string: the commands work on it as
/// on a file, and a database that can't be used is exit code 1 with one sentence.
/// </summary>
public sealed class PostgresCliTests : IDisposable
{
    private readonly PostgresSchema _place = PostgresCluster.NewSchema();

    public void Dispose() => _place.Dispose();

    private static async Task<(int Exit, string Out, string Err)> Explo(string db, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await ExploCli.RunAsync(["--db", db, .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task The_commands_work_on_a_PostgreSQL_database_named_by_its_connection_string()
    {
        var folder = Directory.CreateTempSubdirectory("explo-cli-pg-");
        try
        {
            var file = Path.Combine(folder.FullName, "rows.ndjson");
            await File.WriteAllTextAsync(file, "{\"provided_id\":\"acme\",\"properties\":{\"seats\":12345678901234567890}}\n{\"provided_id\":\"team\",\"parent_provided_id\":\"acme\",\"hierarchy_level_name\":\"User\"}\n");

            Assert.Equal(0, (await Explo(_place.ConnectionString, "init")).Exit);
            var imported = await Explo(_place.ConnectionString, "import", file);
            Assert.True(imported.Exit == 0, imported.Err);
            var shown = await Explo(_place.ConnectionString, "show", "team", "--json");
            Assert.Equal(0, shown.Exit);
            Assert.Contains("12345678901234567890", shown.Out, StringComparison.Ordinal); // inherited, exact
            var stats = await Explo(_place.ConnectionString, "stats");
            Assert.StartsWith("2 customers, depth 2, PostgreSQL database", stats.Out, StringComparison.Ordinal);
            var valid = await Explo(_place.ConnectionString, "validate");
            Assert.Equal(0, valid.Exit);
            Assert.Contains("every invariant holds", valid.Out, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_postgres_url_becomes_the_connection_string_it_names()
    {
        var built = new NpgsqlConnectionStringBuilder(CliStore.ConnectionString("postgres://ex%40mple:p%3Ass@db.internal:5433/explo?Search%20Path=tenant_a&Timeout=7"));

        Assert.Equal(("db.internal", 5433, "explo", "ex@mple", "p:ss", "tenant_a", 7), (built.Host, built.Port, built.Database, built.Username, built.Password, built.SearchPath, built.Timeout));
        Assert.True(CliStore.IsPostgres("postgresql://localhost/explo"));
        Assert.True(CliStore.IsPostgres("Host=localhost;Database=explo"));
        Assert.False(CliStore.IsPostgres("explo.db"));
    }

    [Theory]
    [InlineData("postgres://localhost/explo?NoSuchSetting=1", "NoSuchSetting")]
    [InlineData("Host=127.0.0.1;Port=1;Database=explo;Username=explo;Timeout=3", "127.0.0.1:1")]
    public async Task A_database_that_can_t_be_used_is_exit_code_1_and_one_sentence_naming_it(string db, string named)
    {
        var (exit, output, error) = await Explo(db, "stats");

        Assert.Equal(1, exit);
        Assert.Empty(output);
        var message = error.TrimEnd();
        Assert.DoesNotContain('\n', message);
        Assert.Contains(named, message, StringComparison.Ordinal);
    }
}
