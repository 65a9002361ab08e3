using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using Explo.Domain.Ports;

namespace Explo.Domain.Http;

/// <summary>
/// What the early check of a request found (an <see cref="HttpContext"/> feature): the caller from its
/// <c>Explo-Authorization</c> header and, when it may not go on, why (401, 403). The rate limiter partitions by it
/// and the handler answers from it, so the token is checked once per request.
/// </summary>
internal sealed class ExploAccess(Caller caller, string? secret, Failure? failure)
{
    /// <summary>The caller the service is called as.</summary>
    public Caller Caller { get; } = caller;

    /// <summary>The token's secret as sent; null when none was.</summary>
    public string? Secret { get; } = secret;

    /// <summary>Why the request may not go on (an <see cref="Unauthorized"/> or a <see cref="Forbidden"/>); null when it may.</summary>
    public Failure? Failure { get; } = failure;

    /// <summary>True when the token is valid (even if it may not write): the request counts against its token.</summary>
    public bool Authenticated => Failure is null or not Unauthorized;
}

/// <summary>
/// The checks before a handler, in order: the method (405 <c>method_not_allowed</c> with <c>Allow</c>), the trailing
/// slash (405 <c>trailing_slash_required</c>), the headers' size (431), then the API token, read from the header alone
/// (the body is never touched): its outcome is kept as <see cref="ExploAccess"/> for the rate limiter and the handler.
/// </summary>
internal static class ExploGate
{
    /// <summary>Answers a request to an Explo path with another method (405); false when the path is not the API's.</summary>
    public static bool TryRejectMethod(HttpContext context, out Task answer)
    {
        if (ExploEndpointTable.At(context.Request.Path) is { } endpoint && !HttpMethods.Equals(context.Request.Method, endpoint.Method))
        {
            CloseUnreadBody(context);
            context.Response.Headers.Allow = endpoint.Method;
            answer = JsonOut.Error(context, StatusCodes.Status405MethodNotAllowed, ErrorCodes.MethodNotAllowed, $"{context.Request.Method} is not allowed on {endpoint.Path}; use {endpoint.Method}.");
            return true;
        }

        answer = Task.CompletedTask;
        return false;
    }

    /// <summary>
    /// The checks of a request routed to an Explo endpoint; answers a rejection (and returns null) or returns the
    /// caller's access, also set as the request's <see cref="ExploAccess"/> feature.
    /// </summary>
    public static async ValueTask<ExploAccess?> Admit(HttpContext context, ExploEndpoint endpoint, ExploHttpOptions options)
    {
        if (context.Request.Path.Value is not { } path || !path.EndsWith('/'))
        {
            CloseUnreadBody(context);
            await JsonOut.Error(context, StatusCodes.Status405MethodNotAllowed, ErrorCodes.TrailingSlashRequired, $"Every path of this API ends in '/': use {endpoint.Path} instead of {context.Request.Path}.");
            return null;
        }

        var headerBytes = HeaderBytes(context.Request.Headers);
        if (headerBytes > options.MaxRequestHeadersBytes)
        {
            CloseUnreadBody(context);
            await JsonOut.Error(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, ErrorCodes.RequestHeadersTooLarge, $"The request's headers are {headerBytes} bytes; at most {options.MaxRequestHeadersBytes} are accepted. Send fewer or shorter headers.");
            return null;
        }

        var (secret, problem) = ReadAuthorization(context);
        var caller = Caller.WithApiToken(secret);
        Failure? failure = problem;
        if (problem is null)
        {
            var authorized = await Authorizer(context).AuthorizeAsync(caller, endpoint.Writes, context.RequestAborted);
            failure = authorized.IsSuccess ? null : authorized.Failure;
        }

        var access = new ExploAccess(caller, secret, failure);
        context.Features.Set(access);
        return access;
    }

    /// <summary>The size of the headers as Kestrel counts them: each name and value.</summary>
    private static long HeaderBytes(IHeaderDictionary headers)
    {
        var total = 0L;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                total += name.Length + (value?.Length ?? 0);
            }
        }

        return total;
    }

    /// <summary>A request answered before its body was read closes the connection, so the body is never read at all.</summary>
    public static void CloseUnreadBody(HttpContext context)
    {
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            context.Response.Headers.Connection = "close";
        }
    }

    /// <summary>The early check of the caller: an <see cref="IExploAuthorizer"/> from DI, else the service itself.</summary>
    private static IExploAuthorizer Authorizer(HttpContext context) =>
        context.RequestServices.GetService<IExploAuthorizer>()
        ?? (context.RequestServices.GetService<IExploApi>() ?? context.RequestServices.GetService<IExploService>()) as IExploAuthorizer
        ?? throw new InvalidOperationException("The Explo API needs an IExploAuthorizer to check tokens before reading bodies: register one, or an IExploApi that implements it (ExploService does).");

    /// <summary>
    /// The secret of <c>Explo-Authorization: Token &lt;secret&gt;</c> (the scheme is required, in any case); no header
    /// or a bare <c>Token</c> is no secret (the service answers <c>missing_api_token</c>); a header without the scheme
    /// is <c>invalid_authorization_header</c>.
    /// </summary>
    internal static (string? Secret, Unauthorized? Problem) ReadAuthorization(HttpContext context)
    {
        var header = context.Request.Headers[ExploPaths.AuthorizationHeader].ToString().Trim();
        if (header.Length == 0)
        {
            return (null, null);
        }

        const string scheme = "Token";
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && (header.Length == scheme.Length || char.IsWhiteSpace(header[scheme.Length])))
        {
            var secret = header[scheme.Length..].Trim();
            return (secret.Length == 0 ? null : secret, null);
        }

        return (null, new Unauthorized(ErrorCodes.InvalidAuthorizationHeader, $"{ExploPaths.AuthorizationHeader} must be 'Token <secret>'; the 'Token ' scheme is missing."));
    }

    /// <summary>
    /// Answers what a request's handling threw. The client going away (or cutting the connection) is logged at
    /// information; Kestrel's verdict on a request (a body cut off, too slow) is the client's fault, answered and
    /// logged as a warning; anything else is logged as an error with its exception (the server's log only) and
    /// answered with a generic 500 that shows nothing of it, or, once part of a streamed answer is out, by cutting
    /// the connection so the client sees an incomplete answer rather than a wrong one.
    /// </summary>
    public static async Task Fault(HttpContext context, Exception exception, ILogger logger)
    {
        var request = context.Request;
        if (exception is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            Log.ClientClosed(logger, request.Method, request.Path.Value ?? string.Empty);
        }
        else if (exception is BadHttpRequestException bad)
        {
            Log.RequestRejected(logger, request.Method, request.Path.Value ?? string.Empty, bad.StatusCode, bad.Message);
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.Connection = "close";
                await JsonOut.Error(context, bad.StatusCode, ErrorCodes.BadRequest, $"The request could not be read (HTTP {bad.StatusCode}); send it again whole.");
            }
        }
        else if (exception is StoreUnavailableException)
        {
            // The store can't be reached (a database server restarting): nothing was applied, and the same request
            // may succeed in a moment. The cause, which names the server, is for the log only.
            Log.RequestStoreUnavailable(logger, request.Method, request.Path.Value ?? string.Empty, exception);
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.RetryAfter = "1";
                await JsonOut.Error(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.StoreUnavailable, "The store can't be reached right now; nothing was changed. Try again shortly.");
            }
            else
            {
                context.Abort();
            }
        }
        else
        {
            Log.RequestFailed(logger, request.Method, request.Path.Value ?? string.Empty, exception);
            if (!context.Response.HasStarted)
            {
                await JsonOut.Error(context, StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "The server failed to handle the request; it has been logged.");
            }
            else
            {
                context.Abort();
            }
        }
    }
}

/// <summary>
/// The gate as middleware, after routing and before the rate limiter (<see cref="ExploApi.UseExploApi"/>): a
/// request to an Explo path with another method is answered 405 here, one routed to an Explo endpoint goes through
/// <see cref="ExploGate.Admit"/>; every other request passes untouched.
/// </summary>
internal sealed class ExploGateMiddleware(RequestDelegate next, IOptions<ExploHttpOptions> options, ILoggerFactory loggers)
{
    private readonly ExploHttpOptions _options = options.Value;
    private readonly ILogger _logger = loggers.CreateLogger(Log.Category);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ExploEndpoint>() is { } endpoint)
        {
            return Admit(context, endpoint);
        }

        return ExploGate.TryRejectMethod(context, out var answer) ? answer : next(context);
    }

    private async Task Admit(HttpContext context, ExploEndpoint endpoint)
    {
        ExploAccess? access;
        try
        {
            access = await ExploGate.Admit(context, endpoint, _options);
        }
        catch (Exception e)
        {
            await ExploGate.Fault(context, e, _logger);
            return;
        }

        if (access is not null)
        {
            await next(context);
        }
    }
}
