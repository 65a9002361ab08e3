using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Explo.Contracts;
using Explo.Domain.Rules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Explo.Domain.Http;

/// <summary>
/// The hosted Explo API's paths, headers and JSON shapes (the contract's, <see cref="ExploJson"/>) over an
/// <see cref="IExploApi"/> (or <see cref="IExploService"/>) registered in DI, in three calls:
/// <code>
/// builder.Services.AddExploApi();   // options, rate limiter, health check, OpenAPI document
/// app.UseExploApi();                // after routing: the gate (405s, 431, the token) and the rate limiter
/// app.MapExploApi();                // the endpoints, /healthz, /openapi/v1.json and the JSON 404
/// </code>
/// Each request goes: the method and trailing slash (405), the headers' size (431), the API token (checked from the
/// header alone), the rate limit (429), 401/403, then the body. A host that forgets <see cref="UseExploApi"/> is
/// still secure: each handler then checks the request itself (without a rate limit).
/// </summary>
public static class ExploApi
{
    /// <summary>
    /// Registers the endpoints' options (their <see cref="ExploHttpOptions.Limits"/> are those of the registered
    /// <see cref="Hosting.ExploOptions"/>, as <c>AddExploDomain</c> sets and binds them, unless
    /// <paramref name="configure"/> sets them), the rate limiter's policy, the store's health check, and the OpenAPI
    /// document (<c>v1</c>). The host's minimal-API JSON options learn the contract's shapes and converters
    /// (<see cref="ExploJson.Context"/> first in their resolver chain), which the document's schemas come from.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddExploApi(this IServiceCollection services, Action<ExploHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ExploHttpOptions>();

        // One source of truth: the limits are the service's (ExploOptions, as AddExploDomain registers and binds them),
        // unless configure sets them itself (it runs after this).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ExploHttpOptions>, LimitsFromExploOptions>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<IdempotencyGate>();
        services.AddRateLimiter(o => o.AddPolicy<string, ExploRateLimitPolicy>(ExploRateLimitPolicy.Name));
        services.AddHealthChecks().AddCheck<ExploStoreHealthCheck>(ExploStoreHealthCheck.Name);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ExploJson.Context);
            foreach (var converter in ExploJson.Converters())
            {
                o.SerializerOptions.Converters.Add(converter);
            }
        });
        services.AddOpenApi(ExploOpenApi.DocumentName, ExploOpenApi.Configure);
        return services;
    }

    /// <summary>
    /// Adds the Explo middleware: the gate (a wrong method or a missing trailing slash is 405, headers over the limit
    /// 431, then the API token is checked and kept for what follows) and the framework's rate limiter
    /// (<c>UseRateLimiter</c>; don't add another). Call it after routing (a <c>WebApplication</c> routes first by
    /// itself) and before anything that should only see admitted requests.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseExploApi(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ExploGateMiddleware>();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// Maps every endpoint of the Explo-compatible API (each with its request and response shapes and its error
    /// statuses, for the OpenAPI document), <c>/healthz</c> (the store's health check), <c>/openapi/v1.json</c>,
    /// and the API's JSON 404 for any other path.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapExploApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ExploHttpOptions>>().Value;
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(Log.Category);
        var api = endpoints.MapGroup("/");
        if (options.RateLimitPerMinute is not null)
        {
            api.RequireRateLimiting(ExploRateLimitPolicy.Name);
        }

        foreach (var endpoint in Endpoints)
        {
            var handler = Serve(endpoint, options, logger);

            // The handler reads its own body (after the token is checked), so it is a RequestDelegate; its method
            // is put in the metadata, which is what makes the API description (and so the document) list it.
            var builder = api.MapMethods(endpoint.Path, [endpoint.Method], handler)
                .WithMetadata(endpoint, handler.Method, new ProducesResponseTypeMetadata(StatusCodes.Status200OK, endpoint.Response, [Json]))
                .WithName(endpoint.Name)
                .WithSummary(endpoint.Summary)
                .WithTags(endpoint.Tag);
            if (endpoint.Body is { } body)
            {
                // No content types: routing would otherwise match only requests that name one (the API reads JSON
                // whatever the Content-Type says, except another charset, 415); the document then says JSON.
                builder.WithMetadata(new AcceptsMetadata([], body));
            }

            foreach (var status in endpoint.ErrorStatuses())
            {
                builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorResponse), [Json]));
            }
        }

        // Any other path: the API's JSON error, not an empty 404.
        endpoints.MapFallback("{*path}", context => JsonOut.Error(context, StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"There is no endpoint at {context.Request.Path}; the API's paths are listed at {ExploPaths.OpenApi}."));

        RequestDelegate health = context => Task.CompletedTask;
        endpoints.MapHealthChecks(ExploPaths.Health, new HealthCheckOptions { ResponseWriter = ExploStoreHealthCheck.Write, Predicate = _ => true })
            .WithMetadata(
                new HttpMethodMetadata([HttpMethods.Get]),
                health.Method,
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(HealthBody), [Json]),
                new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(HealthBody), [Json]))
            .WithName("health")
            .WithSummary("Whether the server and its store answer.")
            .WithTags("Server");
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        return endpoints;
    }

    private const string Json = "application/json";

    /// <summary>The statuses a write may get from the service (declared before the table, which uses it).</summary>
    private static readonly int[] Writing = [StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict];

    /// <summary>The statuses of a write that honours <c>If-Match</c>: a write's, and 412 for a stale version.</summary>
    private static readonly int[] ConditionalWriting = [.. Writing, StatusCodes.Status412PreconditionFailed];

    internal static readonly IReadOnlyList<ExploEndpoint> Endpoints =
    [
        new()
        {
            Method = "POST", Path = ExploPaths.CreateCustomer, Name = "create_customer", Tag = "Customers",
            Summary = "Gets a customer by provided id, or creates it.",
            Body = typeof(CreateCustomerBody), Response = typeof(GetOrCreateCustomerResponse), ServiceStatuses = Writing,
            Run = Post(ExploJson.Context.CreateCustomerBody, (s, c, b, t) => s.GetOrCreateCustomerAsync(c, b.ToRequest(), t), r => new GetOrCreateCustomerResponse { NewCustomer = r.IsNew, Customer = CustomerBody.From(r.Customer) }, ExploJson.Context.GetOrCreateCustomerResponse, version: r => r.Customer.Version),
        },
        new()
        {
            Method = "POST", Path = ExploPaths.GetCustomer, Name = "get_customer", Tag = "Customers", Writes = false,
            Summary = "Gets a customer by provided id.",
            Body = typeof(GetCustomerBody), Response = typeof(CustomerResponse),
            Run = Post(ExploJson.Context.GetCustomerBody, (s, c, b, t) => s.GetCustomerAsync(c, b.ProvidedId, t), CustomerAnswer, ExploJson.Context.CustomerResponse, version: CustomerVersion),
        },
        new()
        {
            Method = "GET", Path = ExploPaths.ListCustomersV2, Name = "list_customers", Tag = "Customers", Writes = false,
            Summary = "Lists the customers a page at a time (streamed).",
            Response = typeof(CustomerPageResponse), Query = ["page", "page_size", "pageSize", "cursor", "parent_provided_id", "hierarchy_level_name"],
            Run = ListCustomersV2,
        },
        new()
        {
            Method = "GET", Path = ExploPaths.ListCustomersV1, Name = "list_customers_v1", Tag = "Customers", Writes = false,
            Summary = "Lists every customer (deprecated; streamed).",
            Response = typeof(CustomerListResponse), Query = ["parent_provided_id", "hierarchy_level_name"],
            Run = ListCustomersV1,
        },
        new()
        {
            Method = "POST", Path = ExploPaths.UpdateCustomer, Name = "update_customer", Tag = "Customers",
            Summary = "Changes a customer's fields.",
            Body = typeof(UpdateCustomerBody), Response = typeof(CustomerResponse), ServiceStatuses = ConditionalWriting, Conditional = true,
            Run = Conditional(ExploJson.Context.UpdateCustomerBody, (s, c, b, v, t) => s.UpdateCustomerAsync(c, b.ToRequest() with { ExpectedVersion = v }, t), CustomerAnswer, ExploJson.Context.CustomerResponse, CustomerVersion, b => b.ExpectedVersion),
        },
        new()
        {
            Method = "DELETE", Path = ExploPaths.DeleteCustomer, Name = "delete_customer", Tag = "Customers",
            Summary = "Deletes a customer (with cascade, its descendants too).",
            Body = typeof(DeleteCustomerBody), Response = typeof(DeleteResponse), ServiceStatuses = ConditionalWriting, Conditional = true,
            Run = Conditional(ExploJson.Context.DeleteCustomerBody, (s, c, b, v, t) => s.DeleteCustomerAsync(c, b.ToRequest() with { ExpectedVersion = v }, t), DeletedAnswer, ExploJson.Context.DeleteResponse, version: null),
        },
        new()
        {
            Method = "POST", Path = ExploPaths.RefreshCustomerToken, Name = "refresh_customer_token", Tag = "Customers",
            Summary = "Gives a customer a new token.",
            Body = typeof(CurrentTokenBody), Response = typeof(CustomerResponse), ServiceStatuses = ConditionalWriting, Conditional = true,
            Run = Conditional(ExploJson.Context.CurrentTokenBody, (s, c, b, v, t) => s.RefreshCustomerTokenAsync(c, new RefreshTokenRequest(b.CurrentToken) { ExpectedVersion = v }, t), CustomerAnswer, ExploJson.Context.CustomerResponse, CustomerVersion),
        },
        new()
        {
            Method = "POST", Path = ExploPaths.GenerateJwt, Name = "generate_jwt", Tag = "Embedding", Writes = false,
            Summary = "Generates an embed token (a JWE) for a customer and a dashboard; read-only tokens may call it.",
            Body = typeof(GenerateJwtBody), Response = typeof(GenerateJwtResponse), ServiceStatuses = Writing,
            Run = Post(ExploJson.Context.GenerateJwtBody, (s, c, b, t) => s.GenerateEmbedTokenAsync(c, b.ToRequest(), t), GenerateJwtResponse.From, ExploJson.Context.GenerateJwtResponse),
        },
        new()
        {
            Method = "GET", Path = ExploPaths.Events, Name = "list_events", Tag = "Change feed", Writes = false,
            Summary = "Reads the change feed: the events after a cursor, in commit order.",
            Response = typeof(EventPageResponse), Query = ["after", "limit"],
            Run = ListEvents,
        },
        new()
        {
            Method = "GET", Path = ExploPaths.GroupTags, Name = "list_group_tags", Tag = "Group tags", Writes = false,
            Summary = "Lists the workspace's group tags.",
            Response = typeof(GroupTagListResponse),
            Run = ListGroupTags,
        },
        new()
        {
            Method = "POST", Path = ExploPaths.CreateGroupTag, Name = "create_group_tag", Tag = "Group tags",
            Summary = "Creates a group tag.",
            Body = typeof(GroupTagNameBody), Response = typeof(GroupTagResponse), ServiceStatuses = Writing,
            Run = Post(ExploJson.Context.GroupTagNameBody, (s, c, b, t) => s.CreateGroupTagAsync(c, b.Name, t), GroupTagAnswer, ExploJson.Context.GroupTagResponse),
        },
        new()
        {
            Method = "POST", Path = ExploPaths.RenameGroupTag, Name = "rename_group_tag", Tag = "Group tags",
            Summary = "Renames a group tag (everywhere it is used).",
            Body = typeof(RenameGroupTagBody), Response = typeof(GroupTagResponse), ServiceStatuses = Writing,
            Run = Post(ExploJson.Context.RenameGroupTagBody, (s, c, b, t) => s.RenameGroupTagAsync(c, b.Name, b.NewName, t), GroupTagAnswer, ExploJson.Context.GroupTagResponse),
        },
        new()
        {
            Method = "POST", Path = ExploPaths.DeleteGroupTag, Name = "delete_group_tag", Tag = "Group tags",
            Summary = "Deletes a group tag.",
            Body = typeof(GroupTagNameBody), Response = typeof(SuccessResponse),
            Run = Post(ExploJson.Context.GroupTagNameBody, (s, c, b, t) => s.DeleteGroupTagAsync(c, b.Name, t), _ => new SuccessResponse(), ExploJson.Context.SuccessResponse),
        },
        new()
        {
            Method = "POST", Path = ExploPaths.CreateUserGroup, Name = "create_user_group", Tag = "User groups (legacy)",
            Summary = "Gets a user group, or creates it.",
            Body = typeof(CreateUserGroupBody), Response = typeof(GetOrCreateUserGroupResponse), ServiceStatuses = Writing,
            Run = Post(ExploJson.Context.CreateUserGroupBody, (s, c, b, t) => s.GetOrCreateUserGroupAsync(c, b.ToRequest(), t), GetOrCreateUserGroupAnswer, ExploJson.Context.GetOrCreateUserGroupResponse, version: r => r.UserGroup.Version),
        },
        new()
        {
            Method = "POST", Path = ExploPaths.EmbedCreateUserGroup, Name = "embed_create_user_group", Tag = "User groups (legacy)",
            Summary = "Gets a user group, or creates it (the embed path).",
            Body = typeof(CreateUserGroupBody), Response = typeof(GetOrCreateUserGroupResponse), ServiceStatuses = Writing,
            Run = Post(ExploJson.Context.CreateUserGroupBody, (s, c, b, t) => s.GetOrCreateUserGroupAsync(c, b.ToRequest(), t), GetOrCreateUserGroupAnswer, ExploJson.Context.GetOrCreateUserGroupResponse, version: r => r.UserGroup.Version),
        },
        new()
        {
            Method = "POST", Path = ExploPaths.UpdateUserGroup, Name = "update_user_group", Tag = "User groups (legacy)",
            Summary = "Changes a user group's fields.",
            Body = typeof(UpdateUserGroupBody), Response = typeof(UserGroupResponse), ServiceStatuses = ConditionalWriting, Conditional = true,
            Run = Conditional(ExploJson.Context.UpdateUserGroupBody, (s, c, b, v, t) => s.UpdateUserGroupAsync(c, b.ToRequest() with { ExpectedVersion = v }, t), UserGroupAnswer, ExploJson.Context.UserGroupResponse, UserGroupVersion),
        },
        new()
        {
            Method = "DELETE", Path = ExploPaths.DeleteUserGroup, Name = "delete_user_group", Tag = "User groups (legacy)",
            Summary = "Deletes a user group.",
            Body = typeof(DeleteCustomerBody), Response = typeof(DeleteResponse), ServiceStatuses = ConditionalWriting, Conditional = true,
            Run = Conditional(ExploJson.Context.DeleteCustomerBody, (s, c, b, v, t) => s.DeleteUserGroupAsync(c, b.ToRequest() with { ExpectedVersion = v }, t), DeletedAnswer, ExploJson.Context.DeleteResponse, version: null),
        },
        new()
        {
            Method = "POST", Path = ExploPaths.RefreshUserGroupToken, Name = "refresh_user_group_token", Tag = "User groups (legacy)",
            Summary = "Gives a user group a new token.",
            Body = typeof(CurrentTokenBody), Response = typeof(UserGroupResponse), ServiceStatuses = ConditionalWriting, Conditional = true,
            Run = Conditional(ExploJson.Context.CurrentTokenBody, (s, c, b, v, t) => s.RefreshUserGroupTokenAsync(c, new RefreshTokenRequest(b.CurrentToken) { ExpectedVersion = v }, t), UserGroupAnswer, ExploJson.Context.UserGroupResponse, UserGroupVersion),
        },
        new()
        {
            Method = "POST", Path = ExploPaths.ImportCustomers, Name = "import_customers", Tag = "Customers",
            Summary = "Imports many customers at once (the failed rows are listed, streamed).",
            Body = typeof(ImportCustomersBody), Response = typeof(ImportResponse), ServiceStatuses = Writing,
            Run = Post(
                ExploJson.Context.ImportCustomersBody,
                (s, c, b, t) => s.ImportCustomersAsync(c, b.Customers.Select(row => row.ToRequest()).ToList(), new ImportOptions { Atomic = b.Atomic ?? false }, t),
                r => new ImportResponse { Created = r.Created, Existing = r.Existing, Errors = r.Errors.Select(ImportRowErrorBody.From) },
                ExploJson.Context.ImportResponse,
                streamed: true),
        },
    ];

    private static long CustomerVersion(CustomerView customer) => customer.Version;

    private static long UserGroupVersion(UserGroupView group) => group.Version;

    private static CustomerResponse CustomerAnswer(CustomerView customer) => new() { Customer = CustomerBody.From(customer) };

    private static DeleteResponse DeletedAnswer(DeleteResult deleted) => new() { DeletedProvidedIds = deleted.DeletedProvidedIds };

    private static GroupTagResponse GroupTagAnswer(GroupTagView tag) => new() { GroupTag = new GroupTagBody { Name = tag.Name } };

    private static UserGroupResponse UserGroupAnswer(UserGroupView group) => new() { UserGroup = UserGroupBody.From(group) };

    private static GetOrCreateUserGroupResponse GetOrCreateUserGroupAnswer(UserGroupResult result) =>
        new() { NewUserGroup = result.IsNew, UserGroup = UserGroupBody.From(result.UserGroup) };

    /// <summary>
    /// The endpoint's request delegate: the gate's verdict (kept by <see cref="ExploGateMiddleware"/>, or reached
    /// here when the host has no such middleware), 401/403 before any body is read, then the endpoint. What it throws
    /// is answered by <see cref="ExploGate.Fault"/>.
    /// </summary>
    private static RequestDelegate Serve(ExploEndpoint endpoint, ExploHttpOptions options, ILogger logger) => async context =>
    {
        try
        {
            if ((context.Features.Get<ExploAccess>() ?? await ExploGate.Admit(context, endpoint, options)) is not { } access)
            {
                return;
            }

            if (access.Failure is { } failure)
            {
                ExploGate.CloseUnreadBody(context);
                await JsonOut.Failure(context, failure);
                return;
            }

            await endpoint.Run(context, access.Caller);
        }
        catch (Exception e)
        {
            await ExploGate.Fault(context, e, logger);
        }
    };

    /// <summary>The ports the API serves: an <see cref="IExploApi"/> from DI, else the whole <see cref="IExploService"/>.</summary>
    private static IExploApi Service(HttpContext context) =>
        context.RequestServices.GetService<IExploApi>() ?? context.RequestServices.GetRequiredService<IExploService>();

    /// <summary>
    /// An endpoint with a JSON body: the body read within the limits and checked (<see cref="JsonIn"/>), its fields read
    /// by the contract (every wrong type reported at once), the service called, the answer written whole or streamed;
    /// with <paramref name="version"/>, the answer's <c>ETag</c> is the version of the customer it returns.
    /// </summary>
    private static Func<HttpContext, Caller, Task> Post<TBody, TResult, TAnswer>(
        JsonTypeInfo<TBody> shape,
        Func<IExploApi, Caller, TBody, CancellationToken, Task<Result<TResult>>> call,
        Func<TResult, TAnswer> answer,
        JsonTypeInfo<TAnswer> answerShape,
        bool streamed = false,
        Func<TResult, long>? version = null)
        where TBody : class =>
        Handle(shape, (s, c, b, _, t) => call(s, c, b, t), answer, answerShape, streamed, version, conditional: false, bodyVersion: null);

    /// <summary>
    /// A write to one customer that honours <c>If-Match</c>: the header (and the body's <paramref name="bodyVersion"/>,
    /// if it has one) becomes the service's expected version, which a stale customer fails with 412
    /// <c>precondition_failed</c>; the answer's <c>ETag</c> is the customer's version after the write.
    /// </summary>
    private static Func<HttpContext, Caller, Task> Conditional<TBody, TResult, TAnswer>(
        JsonTypeInfo<TBody> shape,
        Func<IExploApi, Caller, TBody, long?, CancellationToken, Task<Result<TResult>>> call,
        Func<TResult, TAnswer> answer,
        JsonTypeInfo<TAnswer> answerShape,
        Func<TResult, long>? version,
        Func<TBody, long?>? bodyVersion = null)
        where TBody : class =>
        Handle(shape, call, answer, answerShape, streamed: false, version, conditional: true, bodyVersion);

    private static Func<HttpContext, Caller, Task> Handle<TBody, TResult, TAnswer>(
        JsonTypeInfo<TBody> shape,
        Func<IExploApi, Caller, TBody, long?, CancellationToken, Task<Result<TResult>>> call,
        Func<TResult, TAnswer> answer,
        JsonTypeInfo<TAnswer> answerShape,
        bool streamed,
        Func<TResult, long>? version,
        bool conditional,
        Func<TBody, long?>? bodyVersion)
        where TBody : class => async (context, caller) =>
    {
        long? expected = null;
        if (conditional)
        {
            (expected, var invalid) = EntityTags.Required(context);
            if (invalid is not null)
            {
                ExploGate.CloseUnreadBody(context);
                await JsonOut.Failure(context, invalid);
                return;
            }
        }

        var (key, invalidKey) = IdempotentRequests.KeyOf(context);
        if (invalidKey is not null)
        {
            ExploGate.CloseUnreadBody(context);
            await JsonOut.Failure(context, invalidKey);
            return;
        }

        var (read, json) = await Body(context, shape);
        if (read is not { } body)
        {
            return;
        }

        if (bodyVersion is not null)
        {
            (expected, var disagreeing) = EntityTags.Agreed(expected, bodyVersion(body));
            if (disagreeing is not null)
            {
                await JsonOut.Failure(context, disagreeing);
                return;
            }
        }

        var api = Service(context);
        if (key is not null && context.GetEndpoint()?.Metadata.GetMetadata<ExploEndpoint>() is { Writes: true })
        {
            await Idempotent(context, caller, api, key, json, (c, t) => call(api, c, body, expected, t), r => IdempotentRequests.Render(r, answer, answerShape, version));
            return;
        }

        var result = await call(api, caller, body, expected, context.RequestAborted);
        await result.Match(
            value =>
            {
                if (version is not null)
                {
                    EntityTags.Set(context, version(value));
                }

                return streamed ? JsonOut.Stream(context, answer(value), answerShape) : JsonOut.Success(context, answer(value), answerShape);
            },
            failure => JsonOut.Failure(context, failure));
    };

    /// <summary>
    /// A write under an <c>Idempotency-Key</c>: once no request of the caller with the key runs here (else, after
    /// <see cref="ExploHttpOptions.IdempotencyWait"/>, 409 <c>idempotency_key_in_use</c>), the service runs it, storing
    /// its answer with its change or giving a stored one again, and that answer is written.
    /// </summary>
    private static async Task Idempotent<TResult>(HttpContext context, Caller caller, IExploApi api, string key, JsonElement json, Func<Caller, CancellationToken, Task<Result<TResult>>> write, Func<Result<TResult>, IdempotentReply> render)
    {
        if (api is not IIdempotentWrites runner)
        {
            await JsonOut.Failure(context, new ValidationFailed(ErrorCodes.InvalidIdempotencyKey, FieldNames.IdempotencyKey, $"This server's service does not keep idempotency keys; send the request without {FieldNames.IdempotencyKey}."));
            return;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<ExploHttpOptions>>().Value;
        using var running = await context.RequestServices.GetRequiredService<IdempotencyGate>().Enter(caller, key, options.IdempotencyWait, context.RequestAborted);
        if (running is null)
        {
            await JsonOut.Failure(context, new Conflict(ErrorCodes.IdempotencyKeyInUse, $"A request with this {FieldNames.IdempotencyKey} is still running; retry with the same key once it has answered (nothing was changed by this one)."));
            return;
        }

        var reply = await runner.RunIdempotentAsync(caller, new IdempotentRequest(key, IdempotentRequests.Fingerprint(context, json)), write, render, context.RequestAborted);
        await IdempotentRequests.Write(context, reply);
    }

    /// <summary>Reads the body into its shape (and its JSON), or answers why not (and returns null).</summary>
    private static async ValueTask<(TBody? Body, JsonElement Json)> Body<TBody>(HttpContext context, JsonTypeInfo<TBody> shape)
        where TBody : class
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<ExploHttpOptions>>().Value.Limits;
        var (json, rejection) = await JsonIn.Read(context, limits);
        if (rejection is not null)
        {
            if (rejection.Code is ErrorCodes.IncompleteBody or ErrorCodes.RequestTimeout)
            {
                // A client fault at the transport level: worth a warning (a pattern may be an attack), never an error.
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(Log.Category);
                Log.RequestRejected(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, rejection.Status, rejection.Code);
            }

            await JsonOut.Rejected(context, rejection);
            return (null, default);
        }

        var violations = new WireViolations();
        var body = BodyReader.Read(json, shape, violations);
        if (violations.ToFailure() is { } invalid)
        {
            await JsonOut.Failure(context, invalid);
            return (null, default);
        }

        return (body, json);
    }

    private static CustomerFilter FilterOf(HttpContext context) => new()
    {
        ParentProvidedId = context.Request.Query.TryGetValue("parent_provided_id", out var parent) ? parent.ToString() : null,
        HierarchyLevelName = context.Request.Query.TryGetValue("hierarchy_level_name", out var level) ? level.ToString() : null,
    };

    private static async Task ListCustomersV2(HttpContext context, Caller caller)
    {
        var violations = new List<Violation>();
        var page = JsonIn.QueryInt(context, violations, RuleCodes.InvalidPage, FieldNames.Page);
        var pageSize = JsonIn.QueryInt(context, violations, RuleCodes.InvalidPageSize, FieldNames.PageSize, "pageSize");
        if (violations.Count > 0)
        {
            await JsonOut.Failure(context, new ValidationFailed(violations));
            return;
        }

        var cursor = context.Request.Query.TryGetValue(FieldNames.Cursor, out var given) ? given.ToString() : null;
        if (cursor is not null && page is not null)
        {
            await JsonOut.Failure(context, new ValidationFailed(ErrorCodes.InvalidCursor, FieldNames.Cursor, "Give cursor or page, not both: a cursor names where the next page starts."));
            return;
        }

        var request = new CustomerPageRequest { Page = page ?? 1, PageSize = pageSize ?? 20, Filter = FilterOf(context), Cursor = cursor };
        var result = await Service(context).ListCustomerPageAsync(caller, request, context.RequestAborted);
        await result.Match(
            page => JsonOut.Stream(context, new CustomerPageResponse { TotalCount = page.TotalCount, Results = new() { Customers = page.Customers.Select(CustomerBody.From) }, NextCursor = page.NextCursor }, ExploJson.Context.CustomerPageResponse),
            failure => JsonOut.Failure(context, failure));
    }

    private static async Task ListCustomersV1(HttpContext context, Caller caller)
    {
        var result = await Service(context).ListCustomersAsync(caller, FilterOf(context), context.RequestAborted);
        await result.Match(
            customers => JsonOut.Stream(context, new CustomerListResponse { Customers = customers.Select(CustomerBody.From) }, ExploJson.Context.CustomerListResponse),
            failure => JsonOut.Failure(context, failure));
    }

    private static async Task ListEvents(HttpContext context, Caller caller)
    {
        var violations = new List<Violation>();
        var limit = JsonIn.QueryInt(context, violations, ErrorCodes.InvalidLimit, FieldNames.Limit);
        if (violations.Count > 0)
        {
            await JsonOut.Failure(context, new ValidationFailed(violations));
            return;
        }

        var after = context.Request.Query.TryGetValue(FieldNames.After, out var cursor) ? cursor.ToString() : null;
        var result = await Service(context).ReadEventsAsync(caller, after, limit ?? 100, context.RequestAborted);
        await result.Match(
            page => JsonOut.Success(context, EventPageResponse.From(page), ExploJson.Context.EventPageResponse),
            failure => JsonOut.Failure(context, failure));
    }

    private static async Task ListGroupTags(HttpContext context, Caller caller)
    {
        var result = await Service(context).ListGroupTagsAsync(caller, context.RequestAborted);
        await result.Match(
            tags => JsonOut.Success(context, new GroupTagListResponse { GroupTags = tags.Select(t => new GroupTagBody { Name = t.Name }).ToList() }, ExploJson.Context.GroupTagListResponse),
            failure => JsonOut.Failure(context, failure));
    }
}
