using Explo.Domain.LiteDb;
using Explo.Domain.Ports;
using Explo.Domain.Postgres;
using Npgsql;

namespace Explo.Cli;

/// <summary>
/// The store a command works on, from <c>--db</c>: a LiteDB file (a path), or a PostgreSQL database (a
/// <c>postgres://user:password@host:port/database</c> URL, or an Npgsql connection string such as
/// <c>Host=...;Database=...</c>).
/// </summary>
internal sealed class CliStore : IDisposable
{
    private CliStore(IWorkspaceStore store, string name, Func<long?> size)
    {
        Store = store;
        Name = name;
        Size = size;
    }

    /// <summary>The store.</summary>
    public IWorkspaceStore Store { get; }

    /// <summary>What the tool calls it: the file's path, or the PostgreSQL server and database.</summary>
    public string Name { get; }

    /// <summary>The file's size in bytes; null for a database on a server.</summary>
    public Func<long?> Size { get; }

    /// <summary>Opens the store <paramref name="db"/> names.</summary>
    /// <exception cref="ExploStoreException">The file can't be used.</exception>
    /// <exception cref="PostgresStoreException">The database can't be used, or the URL is malformed.</exception>
    public static CliStore Open(string db)
    {
        if (IsPostgres(db))
        {
            var store = new PostgresWorkspaceStore(ConnectionString(db));
            return new CliStore(store, $"PostgreSQL database {store.Target}", () => null);
        }

        // Without the store's customer cache: it is for a server, which reads the same customers again and again. A command
        // is one short process that reads each customer about once, so the cache only costs: filling it was about a third
        // of the time of exporting 100,000 customers (a whole list fills it and, past its 50,000, starts it over), and
        // an import or a lookup is no slower without it.
        var file = new LiteDbWorkspaceStore(db, cachedCustomers: 0);
        return new CliStore(file, file.FilePath, () => new FileInfo(file.FilePath).Length);
    }

    /// <summary>True when <paramref name="db"/> names a PostgreSQL database rather than a file.</summary>
    public static bool IsPostgres(string db) =>
        db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || db.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>An Npgsql connection string from a <c>postgres://</c> URL (user, password, host, port, database, and query parameters as keywords), or the string itself.</summary>
    /// <exception cref="PostgresStoreException">The URL is malformed.</exception>
    public static string ConnectionString(string db)
    {
        if (!db.Contains("://", StringComparison.Ordinal))
        {
            return db;
        }

        if (!Uri.TryCreate(db, UriKind.Absolute, out var url) || string.IsNullOrEmpty(url.Host))
        {
            throw new PostgresStoreException($"'{db}' is not a PostgreSQL URL (postgres://user:password@host:port/database).");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = url.Host };
        if (url.Port > 0)
        {
            builder.Port = url.Port;
        }

        if (url.UserInfo.Split(':', 2) is [var user, ..] parts && user.Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        if (url.AbsolutePath.Trim('/') is { Length: > 0 } database)
        {
            builder.Database = Uri.UnescapeDataString(database);
        }

        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (k, v) : (pair, string.Empty);
            try
            {
                builder[Uri.UnescapeDataString(key)] = Uri.UnescapeDataString(value);
            }
            catch (ArgumentException e)
            {
                throw new PostgresStoreException($"'{db}': the parameter '{Uri.UnescapeDataString(key)}' is not a PostgreSQL connection setting ({e.Message}).", e);
            }
        }

        return builder.ConnectionString;
    }

    /// <summary>Closes the store.</summary>
    public void Dispose() => (Store as IDisposable)?.Dispose();
}
