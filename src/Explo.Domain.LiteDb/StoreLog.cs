using Microsoft.Extensions.Logging;

namespace Explo.Domain.LiteDb;

/// <summary>What the store tells the person operating it (source-generated log methods).</summary>
internal static partial class StoreLog
{
    /// <summary>A commit that takes longer than this is logged as slow.</summary>
    public static readonly TimeSpan SlowCommit = TimeSpan.FromMilliseconds(500);

    /// <summary>A change that creates or changes at least this many customers (an import batch) is logged when it commits.</summary>
    public const int LargeChange = 1_000;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened the Explo database {Path} (schema {SchemaVersion}).")]
    public static partial void Opened(ILogger logger, string path, int schemaVersion);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Migrated the Explo database {Path} from schema {FromVersion} to {ToVersion}.")]
    public static partial void Migrated(ILogger logger, string path, int fromVersion, int toVersion);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Committed {Customers} customers and {Events} events to {Path} in {Milliseconds} ms.")]
    public static partial void LargeCommit(ILogger logger, int customers, int events, string path, long milliseconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "A commit to {Path} took {Milliseconds} ms ({Customers} customers, {Events} events); writers wait for it.")]
    public static partial void SlowCommitTook(ILogger logger, string path, long milliseconds, int customers, int events);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Closed the Explo database {Path}.")]
    public static partial void Closed(ILogger logger, string path);

    [LoggerMessage(EventId = 6, Level = LogLevel.Critical, Message = "The log of the Explo database {Path} could not be written to disk; the store takes no more changes until it is reopened.")]
    public static partial void LogNotDurable(ILogger logger, string path, Exception exception);
}
