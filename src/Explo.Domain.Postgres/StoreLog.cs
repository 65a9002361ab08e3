using Microsoft.Extensions.Logging;

namespace Explo.Domain.Postgres;

/// <summary>What the store tells the person operating it (source-generated log methods).</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened the Explo PostgreSQL database {Target} (schema {SchemaVersion}).")]
    public static partial void Opened(ILogger logger, string target, int schemaVersion);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Migrated the Explo PostgreSQL database {Target} from schema {FromVersion} to {ToVersion}.")]
    public static partial void Migrated(ILogger logger, string target, int fromVersion, int toVersion);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Closed the Explo PostgreSQL database {Target}.")]
    public static partial void Closed(ILogger logger, string target);
}
