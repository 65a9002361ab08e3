using Microsoft.Extensions.Logging;

namespace Explo.Domain.Http;

/// <summary>
/// Every log line of the adapter (category <c>Explo.Domain.Http</c>), source-generated. A server failure is logged
/// with its exception (message and stack trace): the log is the server's own; answers never show it.
/// </summary>
internal static partial class Log
{
    /// <summary>The category of the adapter's log lines.</summary>
    public const string Category = "Explo.Domain.Http";

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Request {Method} {Path} failed.")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Request {Method} {Path}: the client closed the connection.")]
    public static partial void ClientClosed(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Request {Method} {Path} rejected: {Status} {Reason}")]
    public static partial void RequestRejected(ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "The health check could not read the store.")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Method} {Path} was answered 503: the store can't be reached.")]
    public static partial void RequestStoreUnavailable(ILogger logger, string method, string path, Exception exception);
}
