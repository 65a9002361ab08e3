using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Explo.Tests.Shared;

/// <summary>
/// One throwaway PostgreSQL server per test process, started on first use. When <c>EXPLO_TEST_POSTGRES</c> is set, it
/// is the admin connection string of a running server, used as it is. Otherwise the highest
/// <c>/usr/lib/postgresql/*/bin/initdb</c> creates a cluster in a temporary folder, <c>pg_ctl</c> starts it on a free
/// loopback port (its socket in that folder, <c>fsync</c> and synchronous commit off: tests only), and it is stopped
/// (<c>pg_ctl stop -m immediate</c>) and its folder deleted when the process exits. As root (PostgreSQL refuses to run
/// as root) the binaries run as the <c>postgres</c> user, through <c>runuser</c>, in a folder that user owns. Missing
/// binaries are a failure naming the fix, never a skip.
/// <para>
/// Each test gets its own empty schema (<see cref="NewSchema"/>): the store creates its tables in the connection's
/// <c>search_path</c>, so a schema costs one <c>CREATE SCHEMA</c> and the store's migrations (a few milliseconds),
/// where a database per test (<c>CREATE DATABASE</c> from a template) costs several times that.
/// </para>
/// </summary>
public static class PostgresCluster
{
    /// <summary>The environment variable naming a running server to use instead of a throwaway one.</summary>
    public const string Variable = "EXPLO_TEST_POSTGRES";

    private static readonly Lazy<Server> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A connection string of a superuser on the server's maintenance database.</summary>
    public static string AdminConnectionString => Instance.Value.Admin;

    /// <summary>Creates an empty schema and returns a connection string whose <c>search_path</c> is that schema.</summary>
    /// <returns>The place: its connection string, and its schema dropped on dispose.</returns>
    public static PostgresSchema NewSchema()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        Execute($"CREATE SCHEMA {name}");
        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { SearchPath = name };
        return new PostgresSchema(name, builder.ConnectionString);
    }

    /// <summary>Creates an empty database and returns a connection string to it (a dearer, fuller isolation).</summary>
    /// <returns>The connection string.</returns>
    public static string NewDatabase()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        Execute($"CREATE DATABASE {name}");
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Runs a statement as the admin.</summary>
    /// <param name="sql">The statement.</param>
    public static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static Server Start()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            return new Server(given, null, null, false);
        }

        var bin = FindBinaries();
        var folder = Directory.CreateTempSubdirectory("explo-pg-").FullName;
        var asRoot = Environment.UserName == "root" || GetUid() == 0;
        var data = Path.Combine(folder, "data");
        var log = Path.Combine(folder, "server.log");
        try
        {
            if (asRoot)
            {
                Run("chown", ["postgres:", folder], folder, false);
            }

            Run(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], folder, asRoot);
            var port = FreePort();
            var options = string.Join(' ',
                $"-p {port}",
                $"-k {folder}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=400");
            Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start"], folder, asRoot);
            var admin = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "postgres",
                Database = "postgres",
            }.ConnectionString;
            var server = new Server(admin, Path.Combine(bin, "pg_ctl"), folder, asRoot);
            StartWatchdog(Path.Combine(bin, "pg_ctl"), folder, asRoot, remove: true);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
            return server;
        }
        catch (Exception e)
        {
            var detail = File.Exists(log) ? File.ReadAllText(log) : "";
            TryDelete(folder);
            throw new InvalidOperationException($"The throwaway PostgreSQL server for the tests did not start: {e.Message}{(detail.Length > 0 ? "\nServer log:\n" + detail : "")}", e);
        }
    }

    /// <summary>
    /// Starts a cluster of the caller's own (its own folder and port, from the installed binaries even when
    /// <see cref="Variable"/> names a server), which it may stop and start again, for a test of a server that goes away
    /// and comes back. Disposing it stops it and removes its folder.
    /// </summary>
    /// <returns>The cluster, running.</returns>
    public static OwnCluster StartOwn() =>
        StartCluster(Directory.CreateTempSubdirectory("explo-pg-own-").FullName, durable: false, keep: false);

    /// <summary>
    /// Starts a durable cluster (PostgreSQL's own settings: <c>fsync</c>, full page writes and synchronous commit on)
    /// whose data is kept in <paramref name="folder"/> across processes: created there the first time, started again
    /// later. Disposing it (or the end of the process) stops it cleanly and keeps the folder. For benchmarks, whose
    /// data takes minutes to build and whose commits must cost what they cost in production.
    /// </summary>
    /// <param name="folder">Where the cluster lives; created when missing.</param>
    /// <returns>The cluster, running, on a free loopback port.</returns>
    public static OwnCluster StartKept(string folder)
    {
        Directory.CreateDirectory(folder);
        return StartCluster(Path.GetFullPath(folder), durable: true, keep: true);
    }

    private static OwnCluster StartCluster(string folder, bool durable, bool keep)
    {
        var bin = FindBinaries();
        var asRoot = Environment.UserName == "root" || GetUid() == 0;
        var data = Path.Combine(folder, "data");
        if (asRoot)
        {
            Run("chown", ["postgres:", folder], folder, false);
        }

        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            Run(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", .. durable ? Array.Empty<string>() : ["--no-sync"]], folder, asRoot);
        }

        var port = FreePort();
        var options = $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
            + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        var cluster = new OwnCluster(
            new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres" }.ConnectionString,
            start: () => Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o", options, "start"], folder, asRoot),
            stop: () => Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "-t", "120", "stop"], folder, asRoot),
            remove: () =>
            {
                if (!keep)
                {
                    TryDelete(folder);
                }
            });
        StartWatchdog(Path.Combine(bin, "pg_ctl"), folder, asRoot, remove: !keep);
        cluster.Start();
        if (keep)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        }

        return cluster;
    }

    /// <summary>The bin folder of the highest installed PostgreSQL version; fails (never skips) when none is.</summary>
    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version >= 0 && File.Exists(Path.Combine(d.Dir, "bin", "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin"))
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            $"The PostgreSQL tests need a server: no {root}/*/bin/initdb was found. Install it (apt-get install -y postgresql; .ci/run does) or set {Variable} to the admin connection string of a running server.");
    }

    private static int GetUid()
    {
        try
        {
            var status = File.ReadAllLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return status is null ? -1 : int.Parse(status.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a program to its end (as the postgres user when <paramref name="asPostgres"/>); throws on a non-zero exit.</summary>
    private static void Run(string program, IReadOnlyList<string> arguments, string workingDirectory, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish within two minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result.Trim()} {output.Result.Trim()}");
        }
    }

    /// <summary>
    /// A detached shell (its own session, not a child of this process, so it outlives a test host that is killed) that
    /// waits for this process to end, then stops the server and, when <paramref name="remove"/>, deletes its folder
    /// (a kept cluster is stopped cleanly instead). The exit handler stops the server at once when it gets to run; the
    /// watchdog is what makes sure nothing is left behind.
    /// </summary>
    private static void StartWatchdog(string pgCtl, string folder, bool asRoot, bool remove)
    {
        const string script =
            "exec </dev/null >/dev/null 2>&1; while kill -0 \"$1\" 2>/dev/null; do sleep 0.2; done; " +
            "if [ \"$5\" = 1 ]; then mode=immediate; else mode=fast; fi; " +
            "if [ \"$4\" = 1 ]; then runuser -u postgres -- \"$2\" -D \"$3/data\" -m $mode -w stop; " +
            "else \"$2\" -D \"$3/data\" -m $mode -w stop; fi; if [ \"$5\" = 1 ]; then rm -rf \"$3\"; fi";
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var a in (string[])["-f", "sh", "-c", script, "explo-pg-watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), pgCtl, folder, asRoot ? "1" : "0", remove ? "1" : "0"])
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("setsid did not start");
        process.WaitForExit();
    }

    /// <summary>Deletes the folder, trying again for a moment while the stopping server still removes its own files.</summary>
    private static void TryDelete(string folder)
    {
        for (var attempt = 0; attempt < 40 && Directory.Exists(folder); attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(25);
            }
        }
    }

    private sealed class Server(string admin, string? pgCtl, string? folder, bool asRoot)
    {
        private int _stopped;

        public string Admin { get; } = admin;

        public void Stop()
        {
            if (pgCtl is null || folder is null || Interlocked.Exchange(ref _stopped, 1) == 1)
            {
                return;
            }

            NpgsqlConnection.ClearAllPools();
            try
            {
                Run(pgCtl, ["-D", Path.Combine(folder, "data"), "-m", "immediate", "-w", "stop"], folder, asRoot);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the folder goes anyway.
            }

            TryDelete(folder);
        }
    }
}

/// <summary>An empty schema of the test server, and a connection string that uses it; dropped on dispose.</summary>
/// <param name="Name">The schema's name.</param>
/// <param name="ConnectionString">A connection string whose search path is the schema.</param>
public sealed record PostgresSchema(string Name, string ConnectionString) : IDisposable
{
    /// <summary>Drops the schema and everything in it (best effort: the server is thrown away at the end anyway).</summary>
    public void Dispose()
    {
        try
        {
            PostgresCluster.Execute($"DROP SCHEMA IF EXISTS {Name} CASCADE");
        }
        catch (NpgsqlException)
        {
            // The server is going away with the process.
        }
    }
}

/// <summary>A PostgreSQL cluster of one test's own (<see cref="PostgresCluster.StartOwn"/>), which it may stop and start.</summary>
public sealed class OwnCluster(string connectionString, Action start, Action stop, Action remove) : IDisposable
{
    private bool _running;

    /// <summary>A superuser's connection string to its <c>postgres</c> database.</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>Starts the server (waits until it accepts connections).</summary>
    public void Start()
    {
        start();
        _running = true;
    }

    /// <summary>Stops the server (fast shutdown: open connections are cut), keeping its data.</summary>
    public void Stop()
    {
        stop();
        _running = false;
    }

    /// <summary>Stops it if running and removes its folder.</summary>
    public void Dispose()
    {
        if (_running)
        {
            try
            {
                Stop();
            }
            catch (InvalidOperationException)
            {
                // Gone already; the folder goes anyway.
            }
        }

        remove();
    }
}
