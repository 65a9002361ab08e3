using Microsoft.Extensions.Logging;

namespace Explo.Domain.LiteDb.Tests;

/// <summary>What the store tells an operator: the file opened, an import's large batches, the file closed.</summary>
public sealed class StoreLogTests : IDisposable
{
    private readonly TempDatabase _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Opening_a_large_commit_and_closing_are_logged()
    {
        var log = new ListLogger();
        var path = _folder.PathOf();
        using (var store = new LiteDbWorkspaceStore(path, LiteDbWorkspaceStore.DefaultCachedCustomers, log))
        {
            var service = new ExploService(store);
            var rows = Enumerable.Range(0, 1_500).Select(i => new CreateCustomerRequest($"c{i}")).ToList();
            Assert.Equal(1_500, (await service.ImportCustomersAsync(Caller.Administrator(), rows, new ImportOptions { BatchSize = 10_000 })).SuccessValue.Created);
            Assert.True((await service.GetOrCreateCustomerAsync(Caller.Administrator(), new CreateCustomerRequest("one-more"))).IsSuccess);
        }

        // The import's commit is logged as large, or, on a machine so busy that it took over 500 ms, as slow (a warning
        // that names the same counts); either way exactly once, between the open and the close.
        Assert.Equal(3, log.Entries.Count);
        Assert.Equal((LogLevel.Information, $"Opened the Explo database {path} (schema {LiteDbWorkspaceStore.SchemaVersion})."), log.Entries[0]);
        var (level, message) = log.Entries[1];
        if (level == LogLevel.Warning)
        {
            Assert.StartsWith($"A commit to {path} took ", message, StringComparison.Ordinal);
            Assert.Contains("(1500 customers, 1501 events)", message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal((LogLevel.Information, "Committed 1500 customers and 1501 events to " + path), (level, message[..message.IndexOf(" in ", StringComparison.Ordinal)]));
        }

        Assert.Equal((LogLevel.Information, $"Closed the Explo database {path}."), log.Entries[2]);
    }

    /// <summary>Keeps every entry logged to it.</summary>
    internal sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
