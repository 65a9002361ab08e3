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
            endpoints.MapMethods(endpoint.Path, [endpoint.Method], Guarded(endpoint, rateLimited: true));
            var others = AllMethods.Where(m => m != endpoint.Method).ToArray();
            endpoints.MapMethods(endpoint.Path, others, context => JsonOut.Error(
                context, StatusCodes.Status405MethodNotAllowed, "method_not_allowed", $"{context.Request.Method} is not allowed on {endpoint.Path}; use {endpoint.Method}."));
        }

        endpoints.MapGet(ExploPaths.Health, context => JsonOut.Write(context, StatusCodes.Status200OK, w => w.WriteString("status", "ok")));
        endpoints.MapGet(ExploPaths.OpenApi, async context =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(OpenApiDocument.Json, context.RequestAborted);
        });
        return endpoints;
    }

    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>One endpoint of the API: its method, path and handler (also the source of the OpenAPI document).</summary>
    internal sealed record Endpoint(string Method, string Path, RequestDelegate Handler);

    internal static readonly IReadOnlyList<Endpoint> Endpoints =
    [
        new("POST", ExploPaths.CreateCustomer, CreateCustomer),
        new("POST", ExploPaths.GetCustomer, GetCustomer),
        new("GET", ExploPaths.ListCustomersV2, ListCustomersV2),
        new("GET", ExploPaths.ListCustomersV1, ListCustomersV1),
        new("POST", ExploPaths.UpdateCustomer, UpdateCustomer),
        new("DELETE", ExploPaths.DeleteCustomer, DeleteCustomer),
        new("POST", ExploPaths.RefreshCustomerToken, RefreshCustomerToken),
        new("GET", ExploPaths.GroupTags, ListGroupTags),
        new("POST", ExploPaths.CreateGroupTag, CreateGroupTag),
        new("POST", ExploPaths.RenameGroupTag, RenameGroupTag),
        new("POST", ExploPaths.DeleteGroupTag, DeleteGroupTag),
        new("POST", ExploPaths.CreateUserGroup, CreateUserGroup),
        new("POST", ExploPaths.EmbedCreateUserGroup, CreateUserGroup),
        new("POST", ExploPaths.UpdateUserGroup, UpdateUserGroup),
        new("DELETE", ExploPaths.DeleteUserGroup, DeleteUserGroup),
        new("POST", ExploPaths.RefreshUserGroupToken, RefreshUserGroupToken),
        new("POST", ExploPaths.ImportCustomers, ImportCustomers),
    ];

    /// <summary>Wraps a handler: authentication header check, rate limit, and a generic 500 that never leaks internals.</summary>
    private static RequestDelegate Guarded(Endpoint endpoint, bool rateLimited) => async context =>
    {
        try
        {
            if (context.Request.Path.Value is not { } path || !path.EndsWith('/'))
            {
                await JsonOut.Error(context, StatusCodes.Status405MethodNotAllowed, "trailing_slash_required", $"Every path of this API ends in '/': use {endpoint.Path} instead of {context.Request.Path}.");
                return;
            }

            if (rateLimited && context.RequestServices.GetService<TokenRateLimiter>() is { } limiter
                && limiter.TryAcquire(context, out var retryAfter) is false)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await JsonOut.Error(context, StatusCodes.Status429TooManyRequests, "rate_limited", $"Too many requests for this API token; retry after {retryAfter} seconds.");
                return;
            }

            await endpoint.Handler(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e)
        {
            context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Explo.Domain.Http")
                .LogError("Request {Method} {Path} failed: {Type}", context.Request.Method, context.Request.Path, e.GetType().Name);
            if (!context.Response.HasStarted)
            {
                await JsonOut.Error(context, StatusCodes.Status500InternalServerError, "internal_error", "The server failed to handle the request; it has been logged.");
            }
        }
    };

    private static IExploService Service(HttpContext context) => context.RequestServices.GetRequiredService<IExploService>();

    private static ExploLimits Limits(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<ExploHttpOptions>>().Value.Limits;

    /// <summary>The caller from <c>Explo-Authorization: Token &lt;secret&gt;</c>; an absent header means no token.</summary>
    internal static Caller CallerOf(HttpContext context) => Caller.WithApiToken(SecretOf(context));

    internal static string? SecretOf(HttpContext context)
    {
        var header = context.Request.Headers[ExploPaths.AuthorizationHeader].ToString().Trim();
        if (header.Length == 0)
        {
            return null;
        }

        const string scheme = "Token ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : header;
    }

    /// <summary>Reads the body, or answers the rejection (and returns null).</summary>
    private static async Task<JsonIn?> Body(HttpContext context)
    {
        var (body, rejection) = await JsonIn.Read(context, Limits(context));
        if (rejection is not null)
        {
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

        await JsonOut.Failure(context, new ValidationFailed(body.Violations));
        return true;
    }

    private static Task Respond<T>(HttpContext context, Result<T> result, Action<Utf8JsonWriter, T> write) =>
        result.IsSuccess
            ? JsonOut.Success(context, w => write(w, result.SuccessValue))
            : JsonOut.Failure(context, result.Failure!);

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

    private static async Task CreateCustomer(HttpContext context)
    {
        if (await Body(context) is not { } body)
        {
            return;
        }

        var request = CreateRequest(body);
        if (await Rejected(context, body))
        {
            return;
        }

        var result = await Service(context).GetOrCreateCustomerAsync(CallerOf(context), request, context.RequestAborted);
        await Respond(context, result, (w, r) =>
        {
            w.WriteBoolean("new_customer", r.IsNew);
            JsonOut.Customer(w, "customer", r.Customer);
        });
    }

    private static async Task GetCustomer(HttpContext context)
    {
        if (await Body(context) is not { } body)
        {
            return;
        }

        var providedId = body.RequiredString("provided_id");
        if (await Rejected(context, body))
        {
            return;
        }

        var result = await Service(context).GetCustomerAsync(CallerOf(context), providedId, context.RequestAborted);
        await Respond(context, result, (w, c) => JsonOut.Customer(w, "customer", c));
    }

    private static CustomerFilter FilterOf(HttpContext context) => new()
    {
        ParentProvidedId = context.Request.Query.TryGetValue("parent_provided_id", out var parent) ? parent.ToString() : null,
        HierarchyLevelName = context.Request.Query.TryGetValue("hierarchy_level_name", out var level) ? level.ToString() : null,
    };

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
        await Respond(context, result, (w, p) =>
        {
            w.WriteNumber("total_count", p.TotalCount);
            w.WriteStartObject("results");
            w.WriteStartArray("customers");
            foreach (var customer in p.Customers)
            {
                w.WriteStartObject();
                JsonOut.CustomerFields(w, customer);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task ListCustomersV1(HttpContext context)
    {
        var result = await Service(context).ListCustomersAsync(CallerOf(context), FilterOf(context), context.RequestAborted);
        await Respond(context, result, (w, customers) =>
        {
            w.WriteStartArray("customers");
            foreach (var customer in customers)
            {
                w.WriteStartObject();
                JsonOut.CustomerFields(w, customer);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static async Task UpdateCustomer(HttpContext context)
    {
        if (await Body(context) is not { } body)
        {
            return;
        }

        var request = new UpdateCustomerRequest(body.RequiredString("provided_id"))
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
        if (await Rejected(context, body))
        {
            return;
        }

        var result = await Service(context).UpdateCustomerAsync(CallerOf(context), request, context.RequestAborted);
        await Respond(context, result, (w, c) => JsonOut.Customer(w, "customer", c));
    }

    private static async Task<DeleteCustomerRequest?> DeleteRequest(HttpContext context)
    {
        if (await Body(context) is not { } body)
        {
            return null;
        }

        var request = new DeleteCustomerRequest(body.RequiredString("current_token"), body.Bool("cascade") ?? false);
        return await Rejected(context, body) ? null : request;
    }

    private static async Task DeleteCustomer(HttpContext context)
    {
        if (await DeleteRequest(context) is not { } request)
        {
            return;
        }

        var result = await Service(context).DeleteCustomerAsync(CallerOf(context), request, context.RequestAborted);
        await Respond(context, result, (w, d) => JsonOut.Strings(w, "deleted_provided_ids", d.DeletedProvidedIds));
    }

    private static async Task<string?> CurrentToken(HttpContext context)
    {
        if (await Body(context) is not { } body)
        {
            return null;
        }

        var token = body.RequiredString("current_token");
        return await Rejected(context, body) ? null : token;
    }

    private static async Task RefreshCustomerToken(HttpContext context)
    {
        if (await CurrentToken(context) is not { } token)
        {
            return;
        }

        var result = await Service(context).RefreshCustomerTokenAsync(CallerOf(context), token, context.RequestAborted);
        await Respond(context, result, (w, c) => JsonOut.Customer(w, "customer", c));
    }

    private static async Task ListGroupTags(HttpContext context)
    {
        var result = await Service(context).ListGroupTagsAsync(CallerOf(context), context.RequestAborted);
        await Respond(context, result, (w, tags) =>
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
    }

    private static void GroupTag(Utf8JsonWriter w, GroupTagView tag)
    {
        w.WriteStartObject("group_tag");
        w.WriteString("name", tag.Name);
        w.WriteEndObject();
    }

    private static async Task CreateGroupTag(HttpContext context)
    {
        if (await Body(context) is not { } body)
        {
            return;
        }

        var name = body.RequiredString("name");
        if (await Rejected(context, body))
        {
            return;
        }

        await Respond(context, await Service(context).CreateGroupTagAsync(CallerOf(context), name, context.RequestAborted), GroupTag);
    }

    private static async Task RenameGroupTag(HttpContext context)
    {
        if (await Body(context) is not { } body)
        {
            return;
        }

        var name = body.RequiredString("name");
        var newName = body.RequiredString("new_name");
        if (await Rejected(context, body))
        {
            return;
        }

        await Respond(context, await Service(context).RenameGroupTagAsync(CallerOf(context), name, newName, context.RequestAborted), GroupTag);
    }

    private static async Task DeleteGroupTag(HttpContext context)
    {
        if (await Body(context) is not { } body)
        {
            return;
        }

        var name = body.RequiredString("name");
        if (await Rejected(context, body))
        {
            return;
        }

        await Respond(context, await Service(context).DeleteGroupTagAsync(CallerOf(context), name, context.RequestAborted), (_, _) => { });
    }

    private static async Task CreateUserGroup(HttpContext context)
    {
        if (await Body(context) is not { } body)
        {
            return;
        }

        var request = new CreateUserGroupRequest(body.RequiredString("user_group_id"))
        {
            Name = body.String("name"),
            Mapping = body.Mapping("mapping"),
            IsDemoGroup = body.Bool("is_demo_group"),
            Properties = body.Object("properties"),
        };
        if (await Rejected(context, body))
        {
            return;
        }

        var result = await Service(context).GetOrCreateUserGroupAsync(CallerOf(context), request, context.RequestAborted);
        await Respond(context, result, (w, r) =>
        {
            w.WriteBoolean("new_user_group", r.IsNew);
            JsonOut.UserGroup(w, r.UserGroup);
        });
    }

    private static async Task UpdateUserGroup(HttpContext context)
    {
        if (await Body(context) is not { } body)
        {
            return;
        }

        var request = new UpdateUserGroupRequest(body.RequiredString("user_group_id"))
        {
            NewUserGroupId = body.String("new_user_group_id"),
            Name = body.String("name"),
            Mapping = body.Mapping("mapping"),
            IsDemoGroup = body.Bool("is_demo_group"),
            Properties = body.Object("properties"),
        };
        if (await Rejected(context, body))
        {
            return;
        }

        await Respond(context, await Service(context).UpdateUserGroupAsync(CallerOf(context), request, context.RequestAborted), JsonOut.UserGroup);
    }

    private static async Task DeleteUserGroup(HttpContext context)
    {
        if (await DeleteRequest(context) is not { } request)
        {
            return;
        }

        var result = await Service(context).DeleteUserGroupAsync(CallerOf(context), request, context.RequestAborted);
        await Respond(context, result, (w, d) => JsonOut.Strings(w, "deleted_provided_ids", d.DeletedProvidedIds));
    }

    private static async Task RefreshUserGroupToken(HttpContext context)
    {
        if (await CurrentToken(context) is not { } token)
        {
            return;
        }

        await Respond(context, await Service(context).RefreshUserGroupTokenAsync(CallerOf(context), token, context.RequestAborted), JsonOut.UserGroup);
    }

    private static async Task ImportCustomers(HttpContext context)
    {
        if (await Body(context) is not { } body)
        {
            return;
        }

        var rows = body.Objects("customers");
        var atomic = body.Bool("atomic") ?? false;
        var requests = new List<CreateCustomerRequest>();
        for (var i = 0; rows is not null && i < rows.Count; i++)
        {
            requests.Add(CreateRequest(rows[i]));
            body.Absorb($"customers[{i}]", rows[i]);
        }

        if (rows is null && body.Violations.Count == 0)
        {
            await JsonOut.Failure(context, new ValidationFailed("invalid_type", "customers", "customers must be an array of customer objects."));
            return;
        }

        if (await Rejected(context, body))
        {
            return;
        }

        var result = await Service(context).ImportCustomersAsync(CallerOf(context), requests, new ImportOptions { Atomic = atomic }, context.RequestAborted);
        await Respond(context, result, (w, r) =>
        {
            w.WriteNumber("created", r.Created);
            w.WriteNumber("existing", r.Existing);
            w.WriteStartArray("errors");
            foreach (var error in r.Errors)
            {
                w.WriteStartObject();
                w.WriteNumber("row", error.Row);
                w.WriteString("provided_id", error.ProvidedId);
                w.WriteString("error_code", error.Failure.Code);
                w.WriteString("error", error.Failure.Message);
                w.WriteString("kind", error.Failure.GetType().Name);
                if (error.Failure is ValidationFailed invalid)
                {
                    w.WriteStartArray("errors");
                    foreach (var v in invalid.Violations)
                    {
                        w.WriteStartObject();
                        w.WriteString("field", v.Field);
                        w.WriteString("error_code", v.Code);
                        w.WriteString("error", v.Message);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

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

        /// <summary>False when the caller's token is over its limit; <paramref name="retryAfterSeconds"/> says when to retry.</summary>
        public bool TryAcquire(HttpContext context, out int retryAfterSeconds)
        {
            retryAfterSeconds = 0;
            if (_limiter is null)
            {
                return true;
            }

            // Partition by a hash of the secret, never the secret itself; requests without a token share one partition per address.
            var key = SecretOf(context) is { } secret
                ? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))
                : "anonymous:" + context.Connection.RemoteIpAddress;
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
