using System.Globalization;
using Explo.Domain.Postgres;
using Explo.Tests.Shared;
using Npgsql;

namespace Explo.Domain.Benchmarks;

/// <summary>
/// The PostgreSQL server of the store benchmarks, and its databases. <c>EXPLO_BENCH_POSTGRES</c> names a running
/// server (a superuser's connection string); otherwise a durable cluster of PostgreSQL's own settings (<c>fsync</c>
/// and synchronous commit on) is kept in <see cref="StoreData.Folder"/><c>/postgres</c>, started by each benchmark
/// process and stopped when it ends. Databases that take long to fill (a million customers) are built once and kept.
/// </summary>
public static class PostgresData
{
    /// <summary>The environment variable naming a running server to use instead of the kept cluster.</summary>
    public const string Variable = "EXPLO_BENCH_POSTGRES";

    private static readonly Lazy<string> Admin = new(() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given
            ? given
            : PostgresCluster.StartKept(Path.Combine(StoreData.Folder, "postgres")).ConnectionString);

    /// <summary>A superuser's connection string to the server's <c>postgres</c> database.</summary>
    public static string AdminConnectionString => Admin.Value;

    /// <summary>A new, empty database (dropped first when it exists).</summary>
    /// <param name="name">The database's name (lower case letters, digits and underscores).</param>
    /// <returns>Its connection string.</returns>
    public static string NewDatabase(string name)
    {
        NpgsqlConnection.ClearAllPools();
        Execute(AdminConnectionString, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        Execute(AdminConnectionString, $"CREATE DATABASE {name}");
        return On(name);
    }

    /// <summary>The connection string of a database of the server.</summary>
    /// <param name="name">The database.</param>
    /// <returns>The connection string.</returns>
    public static string On(string name) => new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;

    /// <summary>Opens the store on a new database, with the levels Customer, Team, User (as <see cref="StoreData.NewStore"/>).</summary>
    /// <param name="name">The database's name.</param>
    /// <returns>The store.</returns>
    public static PostgresWorkspaceStore NewStore(string name)
    {
        var store = new PostgresWorkspaceStore(NewDatabase(name));
        StoreData.Check(new ExploService(store).AddLevelAsync(StoreData.Admin, "Team", "Customer").Result);
        return store;
    }

    /// <summary>A database holding <paramref name="customers"/> generated customers (<see cref="StoreData.Rows"/>), built once and kept.</summary>
    /// <param name="customers">How many.</param>
    /// <returns>Its connection string.</returns>
    public static string Built(int customers)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"bench_customers_{customers}");
        var connectionString = On(name);
        if (Scalar<bool>(AdminConnectionString, $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}')")
            && Scalar<bool>(connectionString, "SELECT to_regclass('bench_built') IS NOT NULL"))
        {
            return connectionString;
        }

        using (var store = NewStore(name))
        {
            var service = new ExploService(store);
            foreach (var slice in StoreData.Rows(customers).Chunk(100_000))
            {
                var imported = StoreData.Check(service.ImportCustomersAsync(StoreData.Admin, slice).Result);
                if (imported.Errors.Count > 0)
                {
                    throw new InvalidOperationException($"Building {name}: {imported.Errors[0].Failure.Message}");
                }
            }
        }

        Execute(connectionString, "VACUUM ANALYZE");
        Execute(connectionString, "CREATE TABLE bench_built (at timestamptz NOT NULL DEFAULT now())");
        return connectionString;
    }

    /// <summary>Runs one statement.</summary>
    /// <param name="connectionString">Where.</param>
    /// <param name="sql">The statement.</param>
    public static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a query of one value.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="connectionString">Where.</param>
    /// <param name="sql">The query.</param>
    /// <returns>The value.</returns>
    public static T Scalar<T>(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return (T)command.ExecuteScalar()!;
    }
}
