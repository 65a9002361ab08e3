using Explo.Domain.LiteDb;
using Explo.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explo.Domain.Http.Tests;

/// <summary>
/// The real server composition (<see cref="ExploServer.BuildAsync(ExploServerOptions, TextWriter)"/>: LiteDB file + service + endpoints) on Kestrel,
/// on a free loopback port, with a fresh database file in a temporary folder.
/// </summary>
public sealed class TestServer : IDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, string folder, string announced)
    {
        _app = app;
        Folder = folder;
        Announced = announced;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First().TrimEnd('/') + "/");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(Logs);
    }

    /// <summary>Every log entry the server wrote from the moment it started (level, category and message).</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>The server's address, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client with <see cref="BaseAddress"/> set and no default headers.</summary>
    public HttpClient Http { get; }

    /// <summary>The temporary folder holding the database file.</summary>
    public string Folder { get; }

    /// <summary>What the server printed at start-up (the first API token line).</summary>
    public string Announced { get; }

    /// <summary>The in-process service on the server's own store, for admin set-up and snapshots.</summary>
    public IExploService Service => _app.Services.GetRequiredService<IExploService>();

    /// <summary>The server's store.</summary>
    public LiteDbWorkspaceStore Store => _app.Services.GetRequiredService<LiteDbWorkspaceStore>();

    /// <summary>Starts a server; <paramref name="configure"/> adjusts the settings (the URL and database are set here).</summary>
    public static TestServer Start(Func<ExploServerOptions, ExploServerOptions>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "explo-http-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var settings = new ExploServerOptions { DatabasePath = Path.Combine(folder, "explo.db"), Urls = "http://127.0.0.1:0" };
        settings = configure?.Invoke(settings) ?? settings;
        var announce = new StringWriter();
        var app = ExploServer.BuildAsync(settings, announce).GetAwaiter().GetResult();
        app.StartAsync().GetAwaiter().GetResult();
        return new TestServer(app, folder, announce.ToString());
    }

    public void Dispose()
    {
        Http.Dispose();
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}

/// <summary>A logger provider that keeps every entry, so tests can assert what a request logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

    /// <summary>The entries so far.</summary>
    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries => [.. _entries];

    /// <summary>The entries at <see cref="LogLevel.Error"/> or above.</summary>
    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Errors => Entries.Where(e => e.Level >= LogLevel.Error).ToList();

    /// <summary>The exceptions logged so far, with their entries' category.</summary>
    public IReadOnlyList<(string Category, Exception Exception)> Exceptions => [.. _exceptions];

    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, Exception Exception)> _exceptions = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? string.Empty : " | " + exception.GetType().Name)));
                if (exception is not null)
                {
                    owner._exceptions.Enqueue((category, exception));
                }
            }
        }
    }
}
