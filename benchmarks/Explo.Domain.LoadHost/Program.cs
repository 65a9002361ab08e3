// The load-test host: the real Explo server (same arguments, same composition root) plus one extra endpoint,
// POST /baseline/get_customer/, that answers a constant JSON body of the same size as the real
// /api/get_customer/ answer. benchmarks/load/run.sh drives both in this one process, so the ratio of their
// requests/s is the cost of the Explo pipeline (auth, body parsing, the store, computed fields, JSON writing)
// relative to the bare cost of a minimal-API endpoint on the same Kestrel, routing and machine.
//
// Usage: Explo.Domain.LoadHost [--db FILE] [--urls URLS] [--rate-limit N] [--baseline-body FILE]
// Without --baseline-body the baseline endpoint is not mapped (the script's first start, which captures the body).
using Explo.Server;

const string BaselinePath = "/baseline/get_customer/";

// --baseline-body is this host's own option; everything else goes to the server's parser unchanged.
string? baselineFile = null;
var serverArgs = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--baseline-body")
    {
        if (i + 1 >= args.Length)
        {
            Console.Error.WriteLine("--baseline-body needs a value.");
            return 2;
        }

        baselineFile = args[++i];
    }
    else if (args[i].StartsWith("--baseline-body=", StringComparison.Ordinal))
    {
        baselineFile = args[i]["--baseline-body=".Length..];
    }
    else
    {
        serverArgs.Add(args[i]);
    }
}

var (settings, error) = ServerSettings.Parse(serverArgs, Environment.GetEnvironmentVariable);
if (settings is null)
{
    Console.Error.WriteLine($"{error} (this host also takes --baseline-body FILE)");
    return 2;
}

byte[]? baselineBody = null;
if (baselineFile is not null)
{
    try
    {
        baselineBody = File.ReadAllBytes(baselineFile);
    }
    catch (IOException e)
    {
        Console.Error.WriteLine($"--baseline-body: {e.Message}");
        return 2;
    }
}

return await ExploServer.RunAsync(settings, Console.Out, Console.Error, app =>
{
    if (baselineBody is not null)
    {
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

    return $"Explo load host on {settings.Urls}, database {Path.GetFullPath(settings.DatabasePath)}, "
        + (baselineBody is null ? "no baseline endpoint." : $"baseline {BaselinePath} answering {baselineBody.Length} bytes.");
});
