using Explo.Contracts;
using Explo.Domain.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Explo.Domain.Http;

/// <summary>
/// The health check of <c>/healthz</c>: the store answers a read (of the workspace). A store that throws is
/// unhealthy; the exception goes to the server's log, the answer only says the store can't be read.
/// </summary>
internal sealed class ExploStoreHealthCheck(IServiceProvider services, ILoggerFactory loggers) : IHealthCheck
{
    /// <summary>The check's name.</summary>
    public const string Name = "explo_store";

    /// <summary>The reason an unhealthy answer gives.</summary>
    public const string Unreadable = "The store can't be read; the server's log has the cause.";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IWorkspaceStore>() is not { } store)
        {
            return HealthCheckResult.Healthy("No workspace store is registered; the service answers for itself.");
        }

        try
        {
            _ = await store.ReadAsync(reader => reader.Workspace, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.StoreUnavailable(loggers.CreateLogger(Log.Category), e);
            return HealthCheckResult.Unhealthy(Unreadable);
        }
    }

    /// <summary>
    /// Writes a health report as the API's JSON: <c>{"status":"ok"}</c>, or <c>{"status":"unavailable","reason":...}</c>
    /// (the status code, 200 or 503, is set by the health check middleware).
    /// </summary>
    public static Task Write(HttpContext context, HealthReport report)
    {
        var body = new HealthBody { Status = "ok" };
        if (report.Status == HealthStatus.Unhealthy)
        {
            // A check that threw has its exception's message as its description: not for the answer.
            var failed = report.Entries.Values.FirstOrDefault(e => e.Status == HealthStatus.Unhealthy);
            body = new HealthBody
            {
                Status = "unavailable",
                Reason = failed.Exception is null && failed.Description is { Length: > 0 } reason ? reason : "A health check failed; the server's log has the cause.",
            };
        }

        return JsonOut.Write(context, context.Response.StatusCode, body, ExploJson.Context.HealthBody);
    }
}
