using System.Globalization;
using System.Runtime.CompilerServices;
using Explo.Domain;
using Explo.Domain.Http;
using Explo.Domain.LiteDb;
using Explo.Domain.Ports;

namespace Explo.Server;

/// <summary>The server's settings, from the command line (<c>--db</c>, <c>--urls</c>, <c>--rate-limit</c>) and the environment.</summary>
public sealed record ServerSettings
{
    /// <summary>The default address.</summary>
    public const string DefaultUrls = "http://localhost:5080";

    /// <summary>The database file; <c>explo.db</c> in the working folder by default.</summary>
    public string DatabasePath { get; init; } = "explo.db";

    /// <summary>The addresses to listen on.</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>Requests per minute per API token; null turns rate limiting off.</summary>
    public int? RateLimitPerMinute { get; init; }

    /// <summary>The secret of the first API token of a new database (from <c>EXPLO_API_TOKEN</c>); random when null.</summary>
    public string? InitialApiToken { get; init; }

    /// <summary>
    /// True (the default) to create the workspace and its first API token on a new database; false leaves a new
    /// database empty, for hosts and tests that set it up themselves through the service.
    /// </summary>
    public bool Bootstrap { get; init; } = true;

    /// <summary>The service options (clock, token generator, limits); tests replace them.</summary>
    public ExploServiceOptions ServiceOptions { get; init; } = new();

    /// <summary>Reads the settings from arguments and environment; a usage error names the argument.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <returns>The settings, or the usage error.</returns>
    public static (ServerSettings? Settings, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var settings = new ServerSettings { InitialApiToken = environment("EXPLO_API_TOKEN") is { Length: > 0 } token ? token : null };
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], null);
            string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value."));
            try
            {
                switch (name)
                {
                    case "--db":
                        settings = settings with { DatabasePath = Value() };
                        break;
                    case "--urls":
                        settings = settings with { Urls = Value() };
                        break;
                    case "--rate-limit":
                        var raw = Value();
                        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var perMinute) || perMinute < 1)
                        {
                            return (null, $"--rate-limit must be a whole number of requests per minute, 1 or more; got '{raw}'.");
                        }

                        settings = settings with { RateLimitPerMinute = perMinute };
                        break;
                    default:
                        return (null, $"Unknown argument '{args[i]}'. Usage: Explo.Server [--db FILE] [--urls URLS] [--rate-limit N]");
                }
            }
            catch (FormatException e)
            {
                return (null, e.Message);
            }
        }

        return (settings, null);
    }
}

/// <summary>The composition root: the LiteDB store, the service and the Explo-compatible endpoints, nothing else.</summary>
public static class ExploServer
{
    /// <summary>
    /// Builds the server, lets <paramref name="configure"/> add to it, starts it, writes its start-up line, and runs it
    /// until it is shut down (Ctrl+C, SIGTERM). Whatever keeps it from starting (a database path that can't be used, a
    /// file in use, not a database, an address in use, an unusable <c>EXPLO_API_TOKEN</c>) is reported as one sentence
    /// on <paramref name="error"/>, without a stack trace, and the start-up line is not written.
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <param name="output">Where the start-up lines go.</param>
    /// <param name="error">Where a start-up failure goes.</param>
    /// <param name="configure">Adds to the built application and returns its start-up line; null for the plain server's.</param>
    /// <returns>The process exit code: 0 after a clean stop, 1 when the server could not start.</returns>
    public static async Task<int> RunAsync(ServerSettings settings, TextWriter output, TextWriter error, Func<WebApplication, string>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        WebApplication app;
        try
        {
            app = Build(settings, output);
        }
        catch (Exception e) when (e is ExploStoreException or BootstrapException)
        {
            await error.WriteLineAsync(OneLine(e.Message)).ConfigureAwait(false);
            return 1;
        }

        await using (app.ConfigureAwait(false))
        {
            var store = app.Services.GetRequiredService<LiteDbWorkspaceStore>();
            string started;
            try
            {
                started = configure?.Invoke(app)
                    ?? $"Explo server on {settings.Urls}, database {store.FilePath}. Ctrl+C stops it.";
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or FormatException or UriFormatException)
            {
                // Kestrel can't bind (the address is in use, can't be assigned, is not a URL): one line, no stack trace
                // (Kestrel's and the host's own log lines of it are filtered out while starting, see Build). The server
                // never started, so nothing closed the store: close it here, which releases the file and checkpoints its log.
                store.Dispose();
                var message = e is IOException
                    ? OneLine(e.Message)
                    : $"The server can't listen on '{settings.Urls}': {OneLine(e.Message).TrimEnd('.')}.";
                await error.WriteLineAsync(message).ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync(started).ConfigureAwait(false);
            await app.WaitForShutdownAsync().ConfigureAwait(false);
            return 0;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>Builds the server (not started). On a new database it creates the workspace and its first API token.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="announce">Where the one-time start-up line with a generated token goes.</param>
    /// <returns>The application.</returns>
    public static WebApplication Build(ServerSettings settings, TextWriter announce)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(announce);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(settings.Urls);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // While the server starts, a failure to start (an address in use) is the caller's to report, in one line:
        // Kestrel's and the host's own error lines of it (with its stack trace) are not printed. Once started, they are.
        var starting = new StrongBox<bool>(true);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", level => level >= LogLevel.Warning && (level < LogLevel.Error || !Volatile.Read(ref starting.Value)));
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", level => level >= LogLevel.Information && (level < LogLevel.Error || !Volatile.Read(ref starting.Value)));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));

        var store = new LiteDbWorkspaceStore(settings.DatabasePath);
        var service = new ExploService(store, settings.ServiceOptions);
        try
        {
            Bootstrap(service, store, settings, announce);
        }
        catch
        {
            store.Dispose();
            throw;
        }

        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<IWorkspaceStore>(store);
        builder.Services.AddSingleton<IExploService>(service);
        builder.Services.AddExploApi(o =>
        {
            o.Limits = settings.ServiceOptions.Limits;
            o.RateLimitPerMinute = settings.RateLimitPerMinute;
        });
        // The adapter enforces the body limit itself (413 request_body_too_large); Kestrel's limit is only a backstop,
        // with room to spare, as Kestrel counts chunked framing too.
        // The same for headers: the endpoints answer headers over their 32 KiB limit with the API's JSON error; Kestrel's
        // own 431 (which has no body and can't be given one) only stops what is far beyond it.
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = (2L * settings.ServiceOptions.Limits.MaxRequestBodyBytes) + (64 * 1024);
            k.Limits.MaxRequestHeadersTotalSize = 4 * new ExploHttpOptions().MaxRequestHeadersBytes;
        });

        var app = builder.Build();
        app.MapExploApi();

        // Instances handed to the container are not disposed by it: close the file once the server has stopped
        // (after in-flight requests finished), which also checkpoints LiteDB's log into the file.
        app.Lifetime.ApplicationStopped.Register(store.Dispose);
        app.Lifetime.ApplicationStarted.Register(() => Volatile.Write(ref starting.Value, false));
        return app;
    }

    private static void Bootstrap(ExploService service, LiteDbWorkspaceStore store, ServerSettings settings, TextWriter announce)
    {
        if (!settings.Bootstrap || store.Read(r => r.Workspace) is not null)
        {
            return;
        }

        var admin = Caller.Administrator();
        var initialized = service.InitializeWorkspaceAsync(admin).GetAwaiter().GetResult();
        if (!initialized.IsSuccess)
        {
            throw new BootstrapException($"The new database can't be set up: {initialized.Failure!.Message}");
        }

        var created = service.CreateApiTokenAsync(admin, new CreateApiTokenRequest(Workspace.DefaultAccessGroupName, ReadOnly: false, "initial") { Secret = settings.InitialApiToken })
            .GetAwaiter().GetResult();
        if (!created.IsSuccess)
        {
            throw new BootstrapException($"EXPLO_API_TOKEN can't be used: {created.Failure!.Message}");
        }

        if (settings.InitialApiToken is null)
        {
            announce.WriteLine($"Explo API token (read-write, {Workspace.DefaultAccessGroupName}; shown once): {created.SuccessValue.Secret}");
        }
        else
        {
            announce.WriteLine($"Explo API token (read-write, {Workspace.DefaultAccessGroupName}) taken from EXPLO_API_TOKEN.");
        }
    }

    /// <summary>A new database can't be set up (for example <c>EXPLO_API_TOKEN</c> is not a usable secret).</summary>
    private sealed class BootstrapException(string message) : InvalidOperationException(message);
}
