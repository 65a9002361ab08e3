// The load-test host: the real Explo server (same arguments, same start-up and composition root) plus one extra
// endpoint, POST /baseline/get_customer/, that answers a constant JSON body of the same size as the real
// /api/get_customer/ answer. benchmarks/load/run.sh drives both in this one process, so the ratio of their
// requests/s is the cost of the Explo pipeline (auth, body parsing, the store, computed fields, JSON writing)
// relative to the bare cost of a minimal-API endpoint on the same Kestrel, routing and machine.
//
// Usage: Explo.Domain.LoadHost [--db FILE | --postgres CONNECTION] [--urls URLS] [--rate-limit N] [--baseline-body FILE]
// (or LoadHost__BaselineBody in the environment). Without it the baseline endpoint is not mapped (the script's
// first start, which captures the body).
using Explo.Server;

const string BaselinePath = "/baseline/get_customer/";
const string BaselineKey = "LoadHost:BaselineBody";

return await ExploServer.RunAsync(args, Console.Out, Console.Error, new Dictionary<string, string> { ["--baseline-body"] = BaselineKey }, app =>
{
    byte[]? baselineBody = null;
    if (app.Configuration[BaselineKey] is { Length: > 0 } baselineFile)
    {
        try
        {
            baselineBody = File.ReadAllBytes(baselineFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reported in one line by the server's start-up, as any other failure to start.
            throw new IOException($"--baseline-body: {e.Message}", e);
        }

        // A bare RequestDelegate, as the Explo endpoints are mapped: no auth, no body read, no allocation per request
        // beyond what Kestrel does; the same Content-Type header as the real answer so the responses match in size.
        var body = baselineBody;
        app.MapPost(BaselinePath, context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        });
    }

    var options = app.Services.GetRequiredService<ExploServerOptions>();
    var database = options.PostgresConnectionString is null ? "database " + Path.GetFullPath(options.DatabasePath) : "a PostgreSQL database";
    return $"Explo load host on {ExploServer.UrlsOf(app)}, {database}, "
        + (baselineBody is null ? "no baseline endpoint." : $"baseline {BaselinePath} answering {baselineBody.Length} bytes.");
});
