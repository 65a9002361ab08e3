using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Explo.Domain.Http;

/// <summary>
/// Maps the hosted Explo API's paths, headers and JSON shapes over an <see cref="IExploService"/> registered in DI:
/// <c>services.AddExploApi(); app.MapExploApi();</c>.
/// </summary>
public static class ExploApi
{
    /// <summary>Registers the endpoint options (and the per-token rate limiter when configured).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddExploApi(this IServiceCollection services, Action<ExploHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ExploHttpOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddSingleton<TokenRateLimiter>();
        return services;
    }

    /// <summary>Maps every endpoint of the Explo-compatible API, plus <c>/healthz</c> and <c>/openapi/v1.json</c>.</summary>
    /// <param name="endpoints">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapExploApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        foreach (var endpoint in Endpoints)
        {
            // Routing matches with or without the trailing slash; the handlers answer 405 for a path without it.
            endpoints.MapMethods(endpoint.Path, [endpoint.Method], Guarded(endpoint));
            var others = AllMethods.Where(m => m != endpoint.Method).ToArray();
            endpoints.MapMethods(endpoint.Path, others, context =>
            {
                context.Response.Headers.Allow = endpoint.Method;
                return JsonOut.Error(context, StatusCodes.Status405MethodNotAllowed, "method_not_allowed", $"{context.Request.Method} is not allowed on {endpoint.Path}; use {endpoint.Method}.");
            });
        }

        // Any other path: the API's JSON error, not an empty 404.
        endpoints.MapFallback("{*path}", context => JsonOut.Error(context, StatusCodes.Status404NotFound, "not_found", $"There is no endpoint at {context.Request.Path}; the API's paths are listed at {ExploPaths.OpenApi}."));

        endpoints.MapGet(ExploPaths.Health, context => JsonOut.Write(context, StatusCodes.Status200OK, w => w.WriteString("status", "ok")));
        endpoints.MapGet(ExploPaths.OpenApi, async context =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(OpenApiDocument.Json, context.RequestAborted);
        });
        return endpoints;
    }

    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    /// <summary>
    /// One endpoint of the API: its method, path and handler (also the source of the OpenAPI document), and whether it
    /// writes (a read-only token is refused before its body is read).
    /// </summary>
    internal sealed record Endpoint(string Method, string Path, RequestDelegate Handler, bool Writes = true);

    internal static readonly IReadOnlyList<Endpoint> Endpoints =
    [
        new("POST", ExploPaths.CreateCustomer, Post(CreateRequest, (s, c, r, t) => s.GetOrCreateCustomerAsync(c, r, t), (w, r) =>
        {
            w.WriteBoolean("new_customer", r.IsNew);
            JsonOut.Customer(w, "customer", r.Customer);
        })),
        new("POST", ExploPaths.GetCustomer, Post(b => b.RequiredString("provided_id"), (s, c, id, t) => s.GetCustomerAsync(c, id, t), WriteCustomer), Writes: false),
        new("GET", ExploPaths.ListCustomersV2, ListCustomersV2, Writes: false),
        new("GET", ExploPaths.ListCustomersV1, ListCustomersV1, Writes: false),
        new("POST", ExploPaths.UpdateCustomer, Post(UpdateRequest, (s, c, r, t) => s.UpdateCustomerAsync(c, r, t), WriteCustomer)),
        new("DELETE", ExploPaths.DeleteCustomer, Post(DeleteRequest, (s, c, r, t) => s.DeleteCustomerAsync(c, r, t), WriteDeleted)),
        new("POST", ExploPaths.RefreshCustomerToken, Post(CurrentToken, (s, c, token, t) => s.RefreshCustomerTokenAsync(c, token, t), WriteCustomer)),
        new("GET", ExploPaths.GroupTags, ListGroupTags, Writes: false),
        new("POST", ExploPaths.CreateGroupTag, Post(b => b.RequiredString("name"), (s, c, name, t) => s.CreateGroupTagAsync(c, name, t), WriteGroupTag)),
        new("POST", ExploPaths.RenameGroupTag, Post(b => (Name: b.RequiredString("name"), NewName: b.RequiredString("new_name")), (s, c, r, t) => s.RenameGroupTagAsync(c, r.Name, r.NewName, t), WriteGroupTag)),
        new("POST", ExploPaths.DeleteGroupTag, Post(b => b.RequiredString("name"), (s, c, name, t) => s.DeleteGroupTagAsync(c, name, t), (_, _) => { })),
        new("POST", ExploPaths.CreateUserGroup, Post(CreateUserGroupRequest, (s, c, r, t) => s.GetOrCreateUserGroupAsync(c, r, t), WriteGetOrCreateUserGroup)),
        new("POST", ExploPaths.EmbedCreateUserGroup, Post(CreateUserGroupRequest, (s, c, r, t) => s.GetOrCreateUserGroupAsync(c, r, t), WriteGetOrCreateUserGroup)),
        new("POST", ExploPaths.UpdateUserGroup, Post(UpdateUserGroupRequest, (s, c, r, t) => s.UpdateUserGroupAsync(c, r, t), JsonOut.UserGroup)),
        new("DELETE", ExploPaths.DeleteUserGroup, Post(DeleteRequest, (s, c, r, t) => s.DeleteUserGroupAsync(c, r, t), WriteDeleted)),
        new("POST", ExploPaths.RefreshUserGroupToken, Post(CurrentToken, (s, c, token, t) => s.RefreshUserGroupTokenAsync(c, token, t), JsonOut.UserGroup)),
        new("POST", ExploPaths.ImportCustomers, PostStreamed(ImportRequest, (s, c, r, t) => s.ImportCustomersAsync(c, r.Rows, new ImportOptions { Atomic = r.Atomic }, t), WriteImport)),
    ];

    /// <summary>
    /// Wraps a handler: the trailing slash, then the API token (from the header alone, before any body is read), the
    /// rate limit (per token for a valid one, per client address for everything else, 401s included), a read-only
    /// token on a write; then the handler. Client faults (a body cut off or too slow) are answered and logged as
    /// warnings; anything else is a generic 500 that never leaks internals, logged with its exception's type.
    /// </summary>
    private static RequestDelegate Guarded(Endpoint endpoint) => async context =>
    {
        try
        {
            if (context.Request.Path.Value is not { } path || !path.EndsWith('/'))
            {
                await JsonOut.Error(context, StatusCodes.Status405MethodNotAllowed, "trailing_slash_required", $"Every path of this API ends in '/': use {endpoint.Path} instead of {context.Request.Path}.");
                return;
            }

            var headerBytes = HeaderBytes(context.Request.Headers);
            var maxHeaderBytes = context.RequestServices.GetRequiredService<IOptions<ExploHttpOptions>>().Value.MaxRequestHeadersBytes;
            if (headerBytes > maxHeaderBytes)
            {
                CloseUnreadBody(context);
                await JsonOut.Error(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "request_headers_too_large", $"The request's headers are {headerBytes} bytes; at most {maxHeaderBytes} are accepted. Send fewer or shorter headers.");
                return;
            }

            var (secret, headerProblem) = ReadAuthorization(context);
            var access = headerProblem is null
                ? await Authorizer(context).AuthorizeAsync(Caller.WithApiToken(secret), endpoint.Writes, context.RequestAborted)
                : Result<CallerAccess>.Fail(headerProblem);

            // A valid token is limited on its own; a request without one (missing, unknown, malformed) on its address.
            var authenticated = access.IsSuccess || access.Failure is not Unauthorized;
            if (context.RequestServices.GetService<TokenRateLimiter>() is { } limiter
                && limiter.TryAcquire(authenticated ? TokenRateLimiter.TokenKey(secret!) : TokenRateLimiter.AddressKey(context), out var retryAfter) is false)
            {
                CloseUnreadBody(context);
                context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var who = authenticated ? "this API token" : "this address without a valid API token";
                await JsonOut.Error(context, StatusCodes.Status429TooManyRequests, "rate_limited", $"Too many requests for {who}; retry after {retryAfter} seconds.");
                return;
            }

            if (!access.IsSuccess)
            {
                CloseUnreadBody(context);
                await JsonOut.Failure(context, access.Failure!);
                return;
            }

            await endpoint.Handler(context);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or cut the connection) while the body or the answer was on its way: its doing,
            // and nobody is left to answer.
            Logger(context)?.LogInformation("Request {Method} {Path}: the client closed the connection.", context.Request.Method, context.Request.Path);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own verdict on the request (a body cut off, too slow, too large): the client's fault.
            Logger(context)?.LogWarning("Request {Method} {Path} rejected: {Status} {Reason}", context.Request.Method, context.Request.Path, e.StatusCode, e.Message);
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.Connection = "close";
                await JsonOut.Error(context, e.StatusCode, "bad_request", $"The request could not be read (HTTP {e.StatusCode}); send it again whole.");
            }
        }
        catch (Exception e)
        {
            // The spec keeps stack traces and exception text out of logs as well as answers: the type names the failure.
            Logger(context)?.LogError("Request {Method} {Path} failed: {Type}", context.Request.Method, context.Request.Path, e.GetType().Name);
            if (!context.Response.HasStarted)
            {
                await JsonOut.Error(context, StatusCodes.Status500InternalServerError, "internal_error", "The server failed to handle the request; it has been logged.");
            }
            else
            {
                // Part of a streamed answer is out: cut the connection so the client sees an incomplete response.
                context.Abort();
            }
        }
    };

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

    private static ILogger? Logger(HttpContext context) =>
        context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Explo.Domain.Http");

    /// <summary>A request answered before its body was read closes the connection, so the body is never read at all.</summary>
    private static void CloseUnreadBody(HttpContext context)
    {
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            context.Response.Headers.Connection = "close";
        }
    }

    /// <summary>The early check of the caller: an <see cref="IExploAuthorizer"/> from DI, else the service itself.</summary>
    private static IExploAuthorizer Authorizer(HttpContext context) =>
        context.RequestServices.GetService<IExploAuthorizer>()
        ?? Service(context) as IExploAuthorizer
        ?? throw new InvalidOperationException("The Explo API needs an IExploAuthorizer to check tokens before reading bodies: register one, or an IExploService that implements it (ExploService does).");

    private static IExploService Service(HttpContext context) => context.RequestServices.GetRequiredService<IExploService>();

    private static ExploLimits Limits(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<ExploHttpOptions>>().Value.Limits;

    /// <summary>The caller from <c>Explo-Authorization: Token &lt;secret&gt;</c>; an absent header means no token.</summary>
    internal static Caller CallerOf(HttpContext context) => Caller.WithApiToken(ReadAuthorization(context).Secret);

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

        return (null, new Unauthorized("invalid_authorization_header", $"{ExploPaths.AuthorizationHeader} must be 'Token <secret>'; the 'Token ' scheme is missing."));
    }

    /// <summary>Reads the body, or answers the rejection (and returns null).</summary>
    private static async Task<JsonIn?> Body(HttpContext context)
    {
        var (body, rejection) = await JsonIn.Read(context, Limits(context));
        if (rejection is not null)
        {
            if (rejection.Status is StatusCodes.Status400BadRequest or StatusCodes.Status408RequestTimeout && rejection.Code is "incomplete_body" or "request_timeout")
            {
                // A client fault at the transport level: worth a warning (a pattern may be an attack), never an error.
                Logger(context)?.LogWarning("Request {Method} {Path} rejected: {Status} {Code}", context.Request.Method, context.Request.Path, rejection.Status, rejection.Code);
            }

            await JsonOut.Error(context, rejection.Status, rejection.Code, rejection.Message);
            return null;
        }

        return body;
    }

    /// <summary>Answers the body's type violations, if any (true when answered).</summary>
    private static async Task<bool> Rejected(HttpContext context, JsonIn body)
    {
        if (body.Violations.Count == 0)
        {
            return false;
        }

        await JsonOut.Failure(context, body.ToFailure());
        return true;
    }

    private static Task Respond<T>(HttpContext context, Result<T> result, Action<Utf8JsonWriter, T> write) =>
        result.IsSuccess
            ? JsonOut.Success(context, w => write(w, result.SuccessValue))
            : JsonOut.Failure(context, result.Failure!);

    /// <summary>Answers a success by streaming it (<see cref="JsonOut.Stream"/>), a failure as usual.</summary>
    private static Task RespondStreamed<T>(HttpContext context, Result<T> result, Func<Utf8JsonWriter, Func<ValueTask>, T, Task> write) =>
        result.IsSuccess
            ? JsonOut.Stream(context, (w, flush) => write(w, flush, result.SuccessValue))
            : JsonOut.Failure(context, result.Failure!);

    /// <summary>An endpoint with a JSON body whose answer is written whole (one customer, one tag, ...).</summary>
    private static RequestDelegate Post<TRequest, TResult>(
        Func<JsonIn, TRequest> parse,
        Func<IExploService, Caller, TRequest, CancellationToken, Task<Result<TResult>>> call,
        Action<Utf8JsonWriter, TResult> write) =>
        Handle(parse, call, (context, result) => Respond(context, result, write));

    /// <summary>An endpoint with a JSON body whose answer is streamed as it is written (see <see cref="JsonOut.Stream"/>).</summary>
    private static RequestDelegate PostStreamed<TRequest, TResult>(
        Func<JsonIn, TRequest> parse,
        Func<IExploService, Caller, TRequest, CancellationToken, Task<Result<TResult>>> call,
        Func<Utf8JsonWriter, Func<ValueTask>, TResult, Task> write) =>
        Handle(parse, call, (context, result) => RespondStreamed(context, result, write));

    /// <summary>
    /// A handler for an endpoint with a JSON body: read and parse the body (every wrong type reported at once),
    /// call the service with the caller from the header, and answer the result in the API's shape.
    /// </summary>
    private static RequestDelegate Handle<TRequest, TResult>(
        Func<JsonIn, TRequest> parse,
        Func<IExploService, Caller, TRequest, CancellationToken, Task<Result<TResult>>> call,
        Func<HttpContext, Result<TResult>, Task> respond) => async context =>
    {
        if (await Body(context) is not { } body)
        {
            return;
        }

        var request = parse(body);
        if (await Rejected(context, body))
        {
            return;
        }

        await respond(context, await call(Service(context), CallerOf(context), request, context.RequestAborted));
    };

    private static CreateCustomerRequest CreateRequest(JsonIn body) => new(body.RequiredString("provided_id"))
    {
        Name = body.String("name"),
        Mapping = body.Mapping("mapping"),
        IsDemoGroup = body.Bool("is_demo_group"),
        Emails = body.StringArray("emails"),
        GroupTags = body.StringArray("group_tags"),
        Properties = body.Object("properties"),
        HierarchyLevelName = body.String("hierarchy_level_name"),
        ParentProvidedId = body.String("parent_provided_id"),
    };

    private static UpdateCustomerRequest UpdateRequest(JsonIn body) => new(body.RequiredString("provided_id"))
    {
        NewProvidedId = body.String("new_provided_id"),
        Name = body.String("name"),
        Mapping = body.Mapping("mapping"),
        IsDemoGroup = body.Bool("is_demo_group"),
        Properties = body.Object("properties"),
        Emails = body.StringArray("emails"),
        GroupTags = body.StringArray("group_tags"),
        HierarchyLevelName = body.String("hierarchy_level_name"),
        ParentProvidedId = body.NullableString("parent_provided_id"),
        ExpectedVersion = body.Long("expected_version"),
    };

    private static DeleteCustomerRequest DeleteRequest(JsonIn body) => new(body.RequiredString("current_token"), body.Bool("cascade") ?? false);

    private static string CurrentToken(JsonIn body) => body.RequiredString("current_token");

    private static CreateUserGroupRequest CreateUserGroupRequest(JsonIn body) => new(body.RequiredString("user_group_id"))
    {
        Name = body.String("name"),
        Mapping = body.Mapping("mapping"),
        IsDemoGroup = body.Bool("is_demo_group"),
        Properties = body.Object("properties"),
    };

    private static UpdateUserGroupRequest UpdateUserGroupRequest(JsonIn body) => new(body.RequiredString("user_group_id"))
    {
        NewUserGroupId = body.String("new_user_group_id"),
        Name = body.String("name"),
        Mapping = body.Mapping("mapping"),
        IsDemoGroup = body.Bool("is_demo_group"),
        Properties = body.Object("properties"),
    };

    private static (List<CreateCustomerRequest> Rows, bool Atomic) ImportRequest(JsonIn body)
    {
        var rows = body.Objects("customers");
        if (rows is null)
        {
            body.Require("customers", "an array of customer objects");
        }

        var requests = new List<CreateCustomerRequest>();
        for (var i = 0; rows is not null && i < rows.Count; i++)
        {
            requests.Add(CreateRequest(rows[i]));
        }

        return (requests, body.Bool("atomic") ?? false);
    }

    private static void WriteCustomer(Utf8JsonWriter w, CustomerView customer) => JsonOut.Customer(w, "customer", customer);

    private static void WriteDeleted(Utf8JsonWriter w, DeleteResult deleted) => JsonOut.Strings(w, "deleted_provided_ids", deleted.DeletedProvidedIds);

    private static void WriteGroupTag(Utf8JsonWriter w, GroupTagView tag)
    {
        w.WriteStartObject("group_tag");
        w.WriteString("name", tag.Name);
        w.WriteEndObject();
    }

    private static void WriteGetOrCreateUserGroup(Utf8JsonWriter w, UserGroupResult result)
    {
        w.WriteBoolean("new_user_group", result.IsNew);
        JsonOut.UserGroup(w, result.UserGroup);
    }

    private static async Task WriteImport(Utf8JsonWriter w, Func<ValueTask> flush, ImportResult result)
    {
        w.WriteNumber("created", result.Created);
        w.WriteNumber("existing", result.Existing);
        w.WriteStartArray("errors");
        foreach (var error in result.Errors)
        {
            w.WriteStartObject();
            w.WriteNumber("row", error.Row);
            w.WriteString("provided_id", error.ProvidedId);
            w.WriteString("kind", error.Failure.GetType().Name);
            JsonOut.FailureFields(w, error.Failure);
            w.WriteEndObject();
            await flush();
        }

        w.WriteEndArray();
    }

    private static CustomerFilter FilterOf(HttpContext context) => new()
    {
        ParentProvidedId = context.Request.Query.TryGetValue("parent_provided_id", out var parent) ? parent.ToString() : null,
        HierarchyLevelName = context.Request.Query.TryGetValue("hierarchy_level_name", out var level) ? level.ToString() : null,
    };

    /// <summary>Writes the customers one at a time, handing each to the connection as it is written.</summary>
    private static async Task WriteCustomers(Utf8JsonWriter w, Func<ValueTask> flush, IReadOnlyList<CustomerView> customers)
    {
        w.WriteStartArray("customers");
        foreach (var customer in customers)
        {
            w.WriteStartObject();
            JsonOut.CustomerFields(w, customer);
            w.WriteEndObject();
            await flush();
        }

        w.WriteEndArray();
    }

    private static async Task ListCustomersV2(HttpContext context)
    {
        var violations = new List<Violation>();
        var page = JsonIn.QueryInt(context, violations, "invalid_page", "page");
        var pageSize = JsonIn.QueryInt(context, violations, "invalid_page_size", "page_size", "pageSize");
        if (violations.Count > 0)
        {
            await JsonOut.Failure(context, new ValidationFailed(violations));
            return;
        }

        var request = new CustomerPageRequest { Page = page ?? 1, PageSize = pageSize ?? 20, Filter = FilterOf(context) };
        var result = await Service(context).ListCustomerPageAsync(CallerOf(context), request, context.RequestAborted);
        await RespondStreamed(context, result, async (w, flush, p) =>
        {
            w.WriteNumber("total_count", p.TotalCount);
            w.WriteStartObject("results");
            await WriteCustomers(w, flush, p.Customers);
            w.WriteEndObject();
        });
    }

    private static async Task ListCustomersV1(HttpContext context) =>
        await RespondStreamed(context, await Service(context).ListCustomersAsync(CallerOf(context), FilterOf(context), context.RequestAborted), WriteCustomers);

    private static async Task ListGroupTags(HttpContext context) =>
        await Respond(context, await Service(context).ListGroupTagsAsync(CallerOf(context), context.RequestAborted), (w, tags) =>
        {
            w.WriteStartArray("group_tags");
            foreach (var tag in tags)
            {
                w.WriteStartObject();
                w.WriteString("name", tag.Name);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

    /// <summary>Per-token fixed one-minute windows; off unless <see cref="ExploHttpOptions.RateLimitPerMinute"/> is set.</summary>
    internal sealed class TokenRateLimiter : IDisposable
    {
        private readonly PartitionedRateLimiter<string>? _limiter;

        public TokenRateLimiter(IOptions<ExploHttpOptions> options)
        {
            if (options.Value.RateLimitPerMinute is { } perMinute)
            {
                _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            }
        }

        /// <summary>The partition of a valid API token: a hash of its secret, never the secret itself.</summary>
        public static string TokenKey(string secret) => "token:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

        /// <summary>The partition of a request without a valid token: the client's address.</summary>
        public static string AddressKey(HttpContext context) => "address:" + context.Connection.RemoteIpAddress;

        /// <summary>False when the partition is over its limit; <paramref name="retryAfterSeconds"/> says when to retry.</summary>
        public bool TryAcquire(string key, out int retryAfterSeconds)
        {
            retryAfterSeconds = 0;
            if (_limiter is null)
            {
                return true;
            }

            using var lease = _limiter.AttemptAcquire(key);
            if (lease.IsAcquired)
            {
                return true;
            }

            retryAfterSeconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 60;
            return false;
        }

        public void Dispose() => _limiter?.Dispose();
    }
}
