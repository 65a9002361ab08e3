using System.Globalization;
using System.Runtime.CompilerServices;
using Explo.Domain;
using Explo.Domain.Hosting;
using Explo.Domain.Http;
using Explo.Domain.LiteDb;
using Explo.Domain.Postgres;
using Explo.Domain.Ports;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Explo.Server;

/// <summary>
/// The server's settings: section <c>Explo</c> of the configuration (<c>appsettings.json</c>, then the environment's
/// <c>Explo__Db</c> and <c>Explo__RateLimit</c>, then the command line's <c>--db</c> and <c>--rate-limit</c>), plus
/// <c>EXPLO_API_TOKEN</c>. The same section's limits (<c>Explo:MaxPageSize</c>, ... as <see cref="ExploOptions"/> names
/// them) are bound over <see cref="ServiceOptions"/>'s. The addresses are the host's own setting (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
/// <c>urls</c>), <see cref="DefaultUrls"/> when nothing names one.
/// </summary>
public sealed record ExploServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Explo";

    /// <summary>The address when no setting names one.</summary>
    public const string DefaultUrls = "http://localhost:5080";

    /// <summary>The database file (<c>Explo:Db</c>, <c>--db</c>); <c>explo.db</c> in the working folder by default.</summary>
    [ConfigurationKeyName("Db")]
    public string DatabasePath { get; init; } = "explo.db";

    /// <summary>
    /// A PostgreSQL connection string (<c>Explo:Postgres</c>, <c>--postgres</c>, <c>Explo__Postgres</c>): when given, the
    /// server keeps its workspace in that database instead of the LiteDB file, and any number of servers may share it.
    /// </summary>
    [ConfigurationKeyName("Postgres")]
    public string? PostgresConnectionString { get; init; }

    /// <summary>
    /// The addresses to listen on, overriding the host's setting; null (the default) leaves them to the host's
    /// configuration (<c>--urls</c>, <c>ASPNETCORE_URLS</c>), or <see cref="DefaultUrls"/>.
    /// </summary>
    public string? Urls { get; init; }

    /// <summary>Requests per minute per API token (<c>Explo:RateLimit</c>, <c>--rate-limit</c>); null turns rate limiting off.</summary>
    [ConfigurationKeyName("RateLimit")]
    public int? RateLimitPerMinute { get; init; }

    /// <summary>
    /// How long a request waits for one of its token with the same <c>Idempotency-Key</c> still running here
    /// (<c>Explo:IdempotencyWait</c>, a time span); null for the endpoints' default (30 seconds).
    /// </summary>
    [ConfigurationKeyName("IdempotencyWait")]
    public TimeSpan? IdempotencyWait { get; init; }

    /// <summary>The secret of the first API token of a new database (<c>EXPLO_API_TOKEN</c>); random when null.</summary>
    [ConfigurationKeyName("ApiToken")]
    public string? InitialApiToken { get; init; }

    /// <summary>
    /// True (the default) to create the workspace and its first API token on a new database; false leaves a new
    /// database empty, for hosts and tests that set it up themselves through the service.
    /// </summary>
    [ConfigurationKeyName("Bootstrap")]
    public bool Bootstrap { get; init; } = true;

    /// <summary>The service options (clock, token generator, limits); tests replace them.</summary>
    public ExploServiceOptions ServiceOptions { get; init; } = new();

    /// <summary>
    /// Reads the settings from configuration and checks them; an error is one sentence naming the setting as the
    /// command line spells it.
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The settings, or the error.</returns>
    public static (ExploServerOptions? Options, string? Error) From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        if (section["RateLimit"] is { } raw
            && (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var perMinute) || perMinute < 1))
        {
            return (null, $"--rate-limit ({Section}:RateLimit) must be a whole number of requests per minute, 1 or more; got '{raw}'.");
        }

        if (section["Bootstrap"] is { } bootstrap && !bool.TryParse(bootstrap, out _))
        {
            return (null, $"{Section}:Bootstrap must be true or false; got '{bootstrap}'.");
        }

        // The service's limits (Explo:MaxPageSize, ...), which the server binds into ExploOptions: checked here too, so a
        // bad one is a usage error like the others.
        foreach (var name in ExploOptionsValidator.Ranges.Keys)
        {
            if (section[name] is { } limit && !int.TryParse(limit, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                return (null, $"{Section}:{name} must be a whole number; got '{limit}'.");
            }
        }

        var limits = new ExploOptions();
        section.Bind(limits);
        if (new ExploOptionsValidator().Validate(null, limits) is { Failed: true } invalid)
        {
            return (null, string.Join(" ", invalid.Failures ?? []));
        }

        var options = section.Get<ExploServerOptions>() ?? new ExploServerOptions();
        if (options.InitialApiToken is null && configuration["EXPLO_API_TOKEN"] is { Length: > 0 } token)
        {
            options = options with { InitialApiToken = token };
        }

        return (options, null);
    }
}

/// <summary>
/// The composition root: <c>AddExploDomain(...).UseLiteDb(path)</c>, <c>AddExploApi</c>, <c>UseExploApi</c> and
/// <c>MapExploApi</c>, plus the bootstrap of a new database; nothing else.
/// </summary>
public static class ExploServer
{
    /// <summary>The command line's switches and the configuration keys they set.</summary>
    public static IReadOnlyDictionary<string, string> Switches { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--db"] = $"{ExploServerOptions.Section}:Db",
        ["--postgres"] = $"{ExploServerOptions.Section}:Postgres",
        ["--urls"] = "urls",
        ["--rate-limit"] = $"{ExploServerOptions.Section}:RateLimit",
    };

    /// <summary>The usage line.</summary>
    public const string Usage = "Usage: Explo.Server [--db FILE | --postgres CONNECTION] [--urls URLS] [--rate-limit N]";

    /// <summary>
    /// The server's builder (a slim one) over <paramref name="args"/>: the configuration is <c>appsettings.json</c>,
    /// the environment, then the command line, whose switches are <see cref="Switches"/> plus
    /// <paramref name="extraSwitches"/> (a host's own); anything else on the command line is an error naming it.
    /// </summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="extraSwitches">More switches and their keys, for a host built on this one.</param>
    /// <returns>The builder, or the usage error.</returns>
    public static (WebApplicationBuilder? Builder, string? Error) CreateBuilder(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? extraSwitches = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var switches = new Dictionary<string, string>(Switches, StringComparer.Ordinal);
        foreach (var (name, key) in extraSwitches ?? new Dictionary<string, string>())
        {
            switches[name] = key;
        }

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i].Split('=', 2)[0];
            if (!switches.ContainsKey(name))
            {
                return (null, $"Unknown argument '{args[i]}'. {Usage}");
            }

            if (!args[i].Contains('=', StringComparison.Ordinal) && ++i >= args.Count)
            {
                return (null, $"{name} needs a value.");
            }
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddCommandLine([.. args], switches);
        return (builder, null);
    }

    /// <summary>
    /// Runs the server from its command line: <see cref="CreateBuilder"/>, the settings read and checked (a usage
    /// error or a bad setting is one line on <paramref name="error"/> and exit code 2), then as
    /// <see cref="RunAsync(ExploServerOptions, WebApplicationBuilder, TextWriter, TextWriter, Func{WebApplication, string}?)"/>.
    /// </summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Where the start-up lines go.</param>
    /// <param name="error">Where a start-up failure goes.</param>
    /// <param name="extraSwitches">More switches and their configuration keys, for a host built on this one.</param>
    /// <param name="configure">Adds to the built application and returns its start-up line; null for the plain server's.</param>
    /// <returns>The process exit code: 0 after a clean stop, 1 when the server could not start, 2 for a usage error.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, IReadOnlyDictionary<string, string>? extraSwitches = null, Func<WebApplication, string>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var (builder, usage) = CreateBuilder(args, extraSwitches);
        var (options, invalid) = builder is null ? (null, usage) : ExploServerOptions.From(builder.Configuration);
        if (options is null)
        {
            await error.WriteLineAsync(invalid).ConfigureAwait(false);
            return 2;
        }

        return await RunAsync(options, builder!, output, error, configure).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds the server with these settings (the host's own configuration still applies: the addresses when
    /// <see cref="ExploServerOptions.Urls"/> is null, logging), lets <paramref name="configure"/> add to it, starts it,
    /// writes its start-up line, and runs it until it is shut down (Ctrl+C, SIGTERM). Whatever keeps it from starting
    /// (a database path that can't be used, a file in use, not a database, an address in use, an unusable
    /// <c>EXPLO_API_TOKEN</c>) is reported as one sentence on <paramref name="error"/>, without a stack trace, and the
    /// start-up line is not written.
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <param name="output">Where the start-up lines go.</param>
    /// <param name="error">Where a start-up failure goes.</param>
    /// <param name="configure">Adds to the built application and returns its start-up line; null for the plain server's.</param>
    /// <returns>The process exit code: 0 after a clean stop, 1 when the server could not start.</returns>
    public static Task<int> RunAsync(ExploServerOptions options, TextWriter output, TextWriter error, Func<WebApplication, string>? configure = null) =>
        RunAsync(options, CreateBuilder([]).Builder!, output, error, configure);

    private static async Task<int> RunAsync(ExploServerOptions options, WebApplicationBuilder builder, TextWriter output, TextWriter error, Func<WebApplication, string>? configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        WebApplication app;
        try
        {
            app = await BuildAsync(options, builder, output).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ExploStoreException or PostgresStoreException or BootstrapException)
        {
            await error.WriteLineAsync(OneLine(e.Message)).ConfigureAwait(false);
            return 1;
        }
        catch (OptionsValidationException e)
        {
            // A limit out of range: each failure is a sentence naming the setting.
            await error.WriteLineAsync(OneLine(string.Join(" ", e.Failures))).ConfigureAwait(false);
            return 1;
        }

        await using (app.ConfigureAwait(false))
        {
            var store = app.Services.GetRequiredService<IWorkspaceStore>();
            var urls = UrlsOf(app);
            string? started;
            try
            {
                started = configure?.Invoke(app);
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or FormatException or UriFormatException)
            {
                // Kestrel can't bind (the address is in use, can't be assigned, is not a URL): one line, no stack trace
                // (Kestrel's and the host's own log lines of it are filtered out while starting, see BuildAsync). The server
                // never started, so nothing closed the store: close it here, which releases the file and checkpoints its log.
                await CloseAsync(store).ConfigureAwait(false);
                var message = e is IOException
                    ? OneLine(e.Message)
                    : $"The server can't listen on '{urls}': {OneLine(e.Message).TrimEnd('.')}.";
                await error.WriteLineAsync(message).ConfigureAwait(false);
                return 1;
            }

            var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses is { Count: > 0 } addresses
                ? string.Join(", ", addresses)
                : urls;
            await output.WriteLineAsync(started ?? $"Explo server on {listening}, {Describe(store)}. Ctrl+C stops it.").ConfigureAwait(false);
            await app.WaitForShutdownAsync().ConfigureAwait(false);
            return 0;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>The addresses the server is configured to listen on.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The addresses, as configured.</returns>
    public static string UrlsOf(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Configuration[WebHostDefaults.ServerUrlsKey] ?? ExploServerOptions.DefaultUrls;
    }

    /// <summary>Builds the server (not started). On a new database it creates the workspace and its first API token.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="announce">Where the one-time start-up line with a generated token goes.</param>
    /// <returns>The application.</returns>
    public static Task<WebApplication> BuildAsync(ExploServerOptions options, TextWriter announce) => BuildAsync(options, CreateBuilder([]).Builder!, announce);

    /// <summary>
    /// Builds the server (not started) on a builder of the caller's (<see cref="CreateBuilder"/>'s, say), whose
    /// configuration's section <see cref="ExploServerOptions.Section"/> also sets the service's limits. On a new
    /// database it creates the workspace and its first API token.
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <param name="builder">The builder.</param>
    /// <param name="announce">Where the one-time start-up line with a generated token goes.</param>
    /// <returns>The application.</returns>
    public static async Task<WebApplication> BuildAsync(ExploServerOptions options, WebApplicationBuilder builder, TextWriter announce)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(announce);
        if (options.Urls is not null)
        {
            builder.WebHost.UseUrls(options.Urls);
        }
        else if (!NamesAnAddress(builder.Configuration))
        {
            // Only when nothing configured one: --urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS and Kestrel's own
            // endpoints all win over the default.
            builder.WebHost.UseUrls(ExploServerOptions.DefaultUrls);
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // While the server starts, a failure to start (an address in use) is the caller's to report, in one line:
        // Kestrel's and the host's own error lines of it (with its stack trace) are not printed. Once started, they are.
        var starting = new StrongBox<bool>(true);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", level => level >= LogLevel.Warning && (level < LogLevel.Error || !Volatile.Read(ref starting.Value)));
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", level => level >= LogLevel.Information && (level < LogLevel.Error || !Volatile.Read(ref starting.Value)));

        // The store's own information lines (the file opened, closed) would be printed before the start-up line, or
        // instead of it when the server can't start; the start-up line names the database, so they are shown only once
        // the server runs (an import's large batches, the file closed at shutdown). Its warnings always are.
        builder.Logging.AddFilter("Explo.Domain.LiteDb", level => level >= LogLevel.Warning || (level >= LogLevel.Information && !Volatile.Read(ref starting.Value)));
        builder.Logging.AddFilter("Explo.Domain.Postgres", level => level >= LogLevel.Warning || (level >= LogLevel.Information && !Volatile.Read(ref starting.Value)));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));

        // The composition: the service over the LiteDB file, or over a PostgreSQL database (the container owns the store
        // and closes it when disposed), its options from these settings, and the endpoints, whose limits are the
        // service's (ExploOptions).
        builder.Services.AddSingleton(options);
        var domain = builder.Services.AddExploDomain(o => o.CopyFrom(options.ServiceOptions));
        _ = options.PostgresConnectionString is { } postgres ? domain.UsePostgres(postgres) : domain.UseLiteDb(options.DatabasePath);
        domain.BindConfiguration(ExploServerOptions.Section);
        builder.Services.AddExploApi(o =>
        {
            o.RateLimitPerMinute = options.RateLimitPerMinute;
            o.IdempotencyWait = options.IdempotencyWait ?? o.IdempotencyWait;
        });

        // The adapter enforces the body limit itself (413 request_body_too_large); Kestrel's limit is only a backstop,
        // with room to spare, as Kestrel counts chunked framing too.
        // The same for headers: the endpoints answer headers over their 32 KiB limit with the API's JSON error; Kestrel's
        // own 431 (which has no body and can't be given one) only stops what is far beyond it.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ExploOptions>, IOptions<ExploHttpOptions>>((k, explo, http) =>
        {
            k.Limits.MaxRequestBodySize = (2L * explo.Value.MaxRequestBodyBytes) + (64 * 1024);
            k.Limits.MaxRequestHeadersTotalSize = 4 * http.Value.MaxRequestHeadersBytes;
        });

        var app = builder.Build();
        IWorkspaceStore store;
        try
        {
            // Opened here, not on the first request: a file that can't be used (in use, not a database), a database that
            // can't be reached, or a bad setting is the caller's one-line start-up failure.
            store = app.Services.GetRequiredService<IWorkspaceStore>();
            await BootstrapAsync(app.Services.GetRequiredService<ExploService>(), options, announce).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        app.UseExploApi();
        app.MapExploApi();

        // Close the store as soon as the server has stopped (after in-flight requests finished), which also checkpoints
        // LiteDB's log into the file, even when the application itself is not disposed; disposing it again does nothing.
        app.Lifetime.ApplicationStopped.Register(() => (store as IDisposable)?.Dispose());
        app.Lifetime.ApplicationStarted.Register(() => Volatile.Write(ref starting.Value, false));
        return app;
    }

    /// <summary>What the start-up line says of the store: the LiteDB file, or the PostgreSQL server and database.</summary>
    private static string Describe(IWorkspaceStore store) => store switch
    {
        LiteDbWorkspaceStore file => $"database {file.FilePath}",
        PostgresWorkspaceStore postgres => $"PostgreSQL database {postgres.Target} (schema {postgres.Schema})",
        _ => $"store {store.GetType().Name}",
    };

    /// <summary>Closes a store the server opened but never started with.</summary>
    private static ValueTask CloseAsync(IWorkspaceStore store)
    {
        if (store is IAsyncDisposable closing)
        {
            return closing.DisposeAsync();
        }

        (store as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>True when the configuration names the addresses (any of the host's or Kestrel's settings for them).</summary>
    private static bool NamesAnAddress(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey])
        || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpPortsKey])
        || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    /// <summary>
    /// On a new database, creates the workspace and its first API token in one unit of work, so a workspace never exists
    /// without a token (a crash between the two used to leave one no caller could use) and, of servers starting together
    /// on one new database, exactly one creates them.
    /// </summary>
    private static async Task BootstrapAsync(ExploService service, ExploServerOptions options, TextWriter announce)
    {
        if (!options.Bootstrap)
        {
            return;
        }

        var first = new CreateApiTokenRequest(Workspace.DefaultAccessGroupName, ReadOnly: false, "initial") { Secret = options.InitialApiToken };
        var created = await service.BootstrapWorkspaceAsync(Caller.Administrator(), first).ConfigureAwait(false);
        if (!created.IsSuccess)
        {
            throw new BootstrapException(created.Failure.Code == ErrorCodes.InvalidApiTokenSecret
                ? $"EXPLO_API_TOKEN can't be used: {created.Failure.Message}"
                : $"The new database can't be set up: {created.Failure.Message}");
        }

        if (created.Value is not { } token)
        {
            return;
        }

        if (options.InitialApiToken is null)
        {
            await announce.WriteLineAsync($"Explo API token (read-write, {Workspace.DefaultAccessGroupName}; shown once): {token.Secret}").ConfigureAwait(false);
        }
        else
        {
            await announce.WriteLineAsync($"Explo API token (read-write, {Workspace.DefaultAccessGroupName}) taken from EXPLO_API_TOKEN.").ConfigureAwait(false);
        }
    }

    /// <summary>A new database can't be set up (for example <c>EXPLO_API_TOKEN</c> is not a usable secret).</summary>
    private sealed class BootstrapException(string message) : InvalidOperationException(message);
}
