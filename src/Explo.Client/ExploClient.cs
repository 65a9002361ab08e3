using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Explo.Contracts;
using Explo.Domain;
using Explo.Domain.Rules;

namespace Explo.Client;

/// <summary>
/// The Explo.Domain service port over HTTP: talks to this project's server or to the hosted Explo API, so a host can
/// swap the in-process <see cref="ExploService"/> for a remote one without changing its code. Business failures come
/// back as the same <see cref="Result{T}"/> values, with the server's <c>error_code</c>; network failures throw
/// (<see cref="HttpRequestException"/>), and so does an answer that has no result value (<see cref="ExploClientException"/>).
/// It implements the ports the HTTP API serves (<see cref="IExploApi"/>: customers, group tags, legacy user groups), not
/// <see cref="IWorkspaceAdmin"/>: admin operations are not served over HTTP, and an administrator caller gets
/// <see cref="Forbidden"/> <c>admin_required</c> without a call.
/// </summary>
public sealed class ExploClient : IExploApi, IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly bool _ownsHttp;
    private readonly string? _idempotencyKey;

    /// <summary>Uses an existing <see cref="HttpClient"/> and its <see cref="HttpClient.BaseAddress"/>; does not dispose it.</summary>
    /// <param name="http">The client; its base address is the API's root, for example <c>http://localhost:5080/</c>.</param>
    public ExploClient(HttpClient http)
        : this(http, ownsHttp: false)
    {
    }

    /// <summary>Creates a client of its own for an API root address.</summary>
    /// <param name="baseAddress">The API's root, for example <c>http://localhost:5080/</c> or <c>https://api.explo.co/</c>.</param>
    public ExploClient(Uri baseAddress)
        : this(new HttpClient { BaseAddress = baseAddress ?? throw new ArgumentNullException(nameof(baseAddress)) }, ownsHttp: true)
    {
    }

    /// <summary>Creates a client of its own for an API root address, holding an API token for <see cref="Caller"/>.</summary>
    /// <param name="baseAddress">The API's root.</param>
    /// <param name="apiToken">The API token's secret.</param>
    public ExploClient(Uri baseAddress, string apiToken)
        : this(baseAddress)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiToken);
        Caller = Caller.WithApiToken(apiToken);
    }

    /// <summary>Uses an existing <see cref="HttpClient"/>, holding an API token for <see cref="Caller"/>; does not dispose it.</summary>
    /// <param name="http">The client, with the API's root as its base address.</param>
    /// <param name="apiToken">The API token's secret.</param>
    public ExploClient(HttpClient http, string apiToken)
        : this(http, ownsHttp: false)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiToken);
        Caller = Caller.WithApiToken(apiToken);
    }

    /// <summary>
    /// The caller for the token this client was configured with (<c>client.GetCustomerAsync(client.Caller, "acme")</c>);
    /// a caller with no token when none was given. Any call may still pass another caller.
    /// </summary>
    public Caller Caller { get; private init; } = Caller.WithApiToken(null);

    private ExploClient(HttpClient http, bool ownsHttp, string? idempotencyKey = null)
    {
        _idempotencyKey = idempotencyKey;
        _http = http ?? throw new ArgumentNullException(nameof(http));
        var root = http.BaseAddress ?? throw new ArgumentException("The HttpClient needs a BaseAddress (the API's root).", nameof(http));
        _base = root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
        _ownsHttp = ownsHttp;
    }

    /// <summary>
    /// A client that sends <c>Idempotency-Key: <paramref name="key"/></c> with every <c>POST</c> and <c>DELETE</c>, on the
    /// same connection pool, caller and token; this client is unchanged. Use one key per logical write, and call the
    /// same method again with it after a timeout or a network failure: the server runs the write once and answers a
    /// repeat with the first answer (it knows the key for 24 hours by default). The same key with another request is a
    /// <see cref="Conflict"/> <c>idempotency_key_reused</c>; a repeat while the first still runs may be a
    /// <see cref="Conflict"/> <c>idempotency_key_in_use</c> (retry it). Disposing it never disposes the shared
    /// <see cref="HttpClient"/>.
    /// </summary>
    /// <param name="key">The key: 1 to 255 printable ASCII characters, no space at either end.</param>
    /// <returns>The client that sends it.</returns>
    /// <exception cref="ArgumentException">The key is not one the server takes.</exception>
    public ExploClient WithIdempotencyKey(string key)
    {
        if (IdempotentRequest.Check(key) is { } invalid)
        {
            throw new ArgumentException(invalid.Violations[0].Message, nameof(key));
        }

        return new ExploClient(_http, ownsHttp: false, key) { Caller = Caller };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <inheritdoc />
    public Task<Result<GetOrCreateResult>> GetOrCreateCustomerAsync(Caller caller, CreateCustomerRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Send(caller, HttpMethod.Post, "api/create_customer/", Body(CreateCustomerBody.From(request), Contract.CreateCustomerBody),
            Contract.GetOrCreateCustomerResponse, r => new GetOrCreateResult(r.NewCustomer, Required(r.Customer).ToView()), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<CustomerView>> GetCustomerAsync(Caller caller, string providedId, CancellationToken cancellationToken = default) =>
        Send(caller, HttpMethod.Post, "api/get_customer/", Body(new GetCustomerBody { ProvidedId = providedId }, Contract.GetCustomerBody),
            Contract.CustomerResponse, CustomerOf, cancellationToken);

    /// <inheritdoc />
    public Task<Result<CustomerPage>> ListCustomerPageAsync(Caller caller, CustomerPageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var size = ("page_size", request.PageSize.ToString(CultureInfo.InvariantCulture));
        // With a cursor, a page other than the first goes too, so the server refuses the pair as the service does.
        var page = ("page", request.Page.ToString(CultureInfo.InvariantCulture));
        var query = request.Cursor is not { } cursor ? Query(request.Filter, page, size)
            : request.Page == 1 ? Query(request.Filter, ("cursor", cursor), size)
            : Query(request.Filter, ("cursor", cursor), page, size);
        return Send(caller, HttpMethod.Get, "v2/api/customers/" + query, null, Contract.CustomerPageResponse,
            r => new CustomerPage(r.TotalCount, request.Page, request.PageSize, Views(r.Results?.Customers)) { NextCursor = r.NextCursor }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<CustomerView>>> ListCustomersAsync(Caller caller, CustomerFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Send<CustomerListResponse, IReadOnlyList<CustomerView>>(caller, HttpMethod.Get, "api/customers/" + Query(filter), null, Contract.CustomerListResponse,
            r => Views(r.Customers), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<CustomerView>> UpdateCustomerAsync(Caller caller, UpdateCustomerRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The expected version goes as If-Match (which the hosted API ignores, as it does expected_version).
        return Send(caller, HttpMethod.Post, "api/update_customer/", Body(UpdateCustomerBody.From(request with { ExpectedVersion = null }), Contract.UpdateCustomerBody),
            request.ExpectedVersion, Contract.CustomerResponse, (r, _) => CustomerOf(r), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<DeleteResult>> DeleteCustomerAsync(Caller caller, DeleteCustomerRequest request, CancellationToken cancellationToken = default) =>
        Delete(caller, "api/delete_customer/", request, cancellationToken);

    /// <inheritdoc />
    public Task<Result<CustomerView>> RefreshCustomerTokenAsync(Caller caller, RefreshTokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Send(caller, HttpMethod.Post, "api/refresh_customer_token/", Body(new CurrentTokenBody { CurrentToken = request.CurrentToken }, Contract.CurrentTokenBody),
            request.ExpectedVersion, Contract.CustomerResponse, (r, _) => CustomerOf(r), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<EmbedToken>> GenerateEmbedTokenAsync(Caller caller, EmbedTokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Send(caller, HttpMethod.Post, "api/generate_jwt/", Body(GenerateJwtBody.From(request), Contract.GenerateJwtBody), Contract.GenerateJwtResponse,
            r => r.ToToken(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<EventPage>> ReadEventsAsync(Caller caller, string? after = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"api/events/?limit={limit}") + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after));
        return Send(caller, HttpMethod.Get, query, null, Contract.EventPageResponse, r => r.ToPage(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<ImportResult>> ImportCustomersAsync(Caller caller, IReadOnlyList<CreateCustomerRequest> customers, ImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var body = new ImportCustomersBody { Customers = customers.Select(CreateCustomerBody.From).ToList(), Atomic = options?.Atomic ?? false };
        return Send(caller, HttpMethod.Post, "api/import_customers/", Body(body, Contract.ImportCustomersBody), Contract.ImportResponse,
            r => new ImportResult(r.Created, r.Existing, (r.Errors ?? []).Select(e => e.ToRowError()).ToList()), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<GroupTagView>>> ListGroupTagsAsync(Caller caller, CancellationToken cancellationToken = default) =>
        Send<GroupTagListResponse, IReadOnlyList<GroupTagView>>(caller, HttpMethod.Get, "api/group_tags/", null, Contract.GroupTagListResponse,
            r => (r.GroupTags ?? []).Select(t => new GroupTagView(t.Name ?? string.Empty)).ToList(), cancellationToken);

    /// <inheritdoc />
    public Task<Result<GroupTagView>> CreateGroupTagAsync(Caller caller, string name, CancellationToken cancellationToken = default) =>
        Send(caller, HttpMethod.Post, "api/create_group_tag/", Body(new GroupTagNameBody { Name = name }, Contract.GroupTagNameBody),
            Contract.GroupTagResponse, GroupTagOf, cancellationToken);

    /// <inheritdoc />
    public Task<Result<GroupTagView>> RenameGroupTagAsync(Caller caller, string name, string newName, CancellationToken cancellationToken = default) =>
        Send(caller, HttpMethod.Post, "api/rename_group_tag/", Body(new RenameGroupTagBody { Name = name, NewName = newName }, Contract.RenameGroupTagBody),
            Contract.GroupTagResponse, GroupTagOf, cancellationToken);

    /// <inheritdoc />
    public Task<Result<Done>> DeleteGroupTagAsync(Caller caller, string name, CancellationToken cancellationToken = default) =>
        Send(caller, HttpMethod.Post, "api/delete_group_tag/", Body(new GroupTagNameBody { Name = name }, Contract.GroupTagNameBody),
            Contract.SuccessResponse, _ => Done.Instance, cancellationToken);

    /// <inheritdoc />
    public Task<Result<UserGroupResult>> GetOrCreateUserGroupAsync(Caller caller, CreateUserGroupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Send(caller, HttpMethod.Post, "api/create_user_group/", Body(CreateUserGroupBody.From(request), Contract.CreateUserGroupBody),
            null, Contract.GetOrCreateUserGroupResponse, (r, version) => new UserGroupResult(r.NewUserGroup, Required(r.UserGroup).ToView() with { Version = version ?? 0 }), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<UserGroupView>> UpdateUserGroupAsync(Caller caller, UpdateUserGroupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Send(caller, HttpMethod.Post, "api/update_user_group/", Body(UpdateUserGroupBody.From(request), Contract.UpdateUserGroupBody),
            request.ExpectedVersion, Contract.UserGroupResponse, UserGroupOf, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<DeleteResult>> DeleteUserGroupAsync(Caller caller, DeleteCustomerRequest request, CancellationToken cancellationToken = default) =>
        Delete(caller, "api/delete_user_group/", request, cancellationToken);

    /// <inheritdoc />
    public Task<Result<UserGroupView>> RefreshUserGroupTokenAsync(Caller caller, RefreshTokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Send(caller, HttpMethod.Post, "api/refresh_user_group_token/", Body(new CurrentTokenBody { CurrentToken = request.CurrentToken }, Contract.CurrentTokenBody),
            request.ExpectedVersion, Contract.UserGroupResponse, UserGroupOf, cancellationToken);
    }

    private static Forbidden AdminRequired() => new(
        RuleCodes.AdminRequired,
        "The workspace administrator is not served over the HTTP API (nor are admin operations: levels, data visibility groups, API tokens, data sources); call with an API token, or run admin operations in-process or with the command-line tool.");

    private static ExploJsonContext Contract => ExploJson.Context;

    // An answer may leave out (or null) a part another server doesn't send: the client reads it as empty, or as the
    // unexpected shape it is when the part is the answer itself.
    private static CustomerView CustomerOf(CustomerResponse response) => Required(response.Customer).ToView();

    private static GroupTagView GroupTagOf(GroupTagResponse response) => new(Required(response.GroupTag).Name ?? string.Empty);

    /// <summary>The user group of an answer; its version is the answer's ETag (the legacy body doesn't show it).</summary>
    private static UserGroupView UserGroupOf(UserGroupResponse response, long? version) => Required(response.UserGroup).ToView() with { Version = version ?? 0 };

    private static List<CustomerView> Views(IEnumerable<CustomerBody>? customers) => (customers ?? []).Select(c => Required(c).ToView()).ToList();

    private static T Required<T>(T? part)
        where T : class => part ?? throw new JsonException($"The answer has no {typeof(T).Name}.");

    /// <summary>A request body in the contract's shape, as UTF-8 JSON.</summary>
    private static byte[] Body<T>(T body, JsonTypeInfo<T> shape) => JsonSerializer.SerializeToUtf8Bytes(body, shape);

    private Task<Result<DeleteResult>> Delete(Caller caller, string path, DeleteCustomerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new DeleteCustomerBody { CurrentToken = request.CurrentToken, Cascade = request.Cascade };
        return Send(caller, HttpMethod.Delete, path, Body(body, Contract.DeleteCustomerBody), request.ExpectedVersion, Contract.DeleteResponse,
            (r, _) => new DeleteResult(r.DeletedProvidedIds ?? []), cancellationToken);
    }

    /// <summary>The version a strong <c>ETag</c> of this API's form (<c>"7"</c>) names; null for none or another form.</summary>
    private static long? VersionOf(EntityTagHeaderValue? tag) =>
        tag is { IsWeak: false, Tag: { Length: > 2 } quoted }
        && long.TryParse(quoted.AsSpan(1, quoted.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;

    private static string Query(CustomerFilter filter, params (string Name, string Value)[] more)
    {
        var parts = more.ToList();
        if (filter.ParentProvidedId is { } parent)
        {
            parts.Add(("parent_provided_id", parent));
        }

        if (filter.HierarchyLevelName is { } level)
        {
            parts.Add(("hierarchy_level_name", level));
        }

        return parts.Count == 0 ? string.Empty : "?" + string.Join("&", parts.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));
    }

    /// <summary>One call: the caller's token in the header, a JSON body, and the answer read in the contract's shape.</summary>
    private Task<Result<T>> Send<TResponse, T>(Caller caller, HttpMethod method, string path, byte[]? body, JsonTypeInfo<TResponse> shape, Func<TResponse, T> read, CancellationToken cancellationToken) =>
        Send(caller, method, path, body, null, shape, (r, _) => read(r), cancellationToken);

    /// <summary>
    /// One call: the caller's token in the header, <c>If-Match</c> when <paramref name="ifMatch"/> is given, a JSON
    /// body, and the answer read in the contract's shape with the version its <c>ETag</c> names (null without one).
    /// </summary>
    private async Task<Result<T>> Send<TResponse, T>(Caller caller, HttpMethod method, string path, byte[]? body, long? ifMatch, JsonTypeInfo<TResponse> shape, Func<TResponse, long?, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsAdministrator)
        {
            return AdminRequired();
        }

        if (caller.Secret is { Length: > 0 } unsafeSecret && unsafeSecret.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            // No header can carry it, and no token has such a secret.
            return new Unauthorized(ErrorCodes.InvalidApiToken, "The API token is unknown or has been revoked.");
        }

        using var request = new HttpRequestMessage(method, new Uri(_base, path));
        var where = $"{method} {request.RequestUri!.AbsolutePath}";
        if (!string.IsNullOrEmpty(caller.Secret))
        {
            request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + caller.Secret);
        }

        if (_idempotencyKey is { } key && (method == HttpMethod.Post || method == HttpMethod.Delete))
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        if (ifMatch is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture, $"\"{version}\"")));
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (!response.IsSuccessStatusCode)
        {
            return Wire.Failure(status, bytes) is { } failure
                ? Result<T>.Fail(failure)
                : throw new ExploClientException($"{where} answered {status}: {Wire.MessageOf(bytes) ?? "no message"}", status);
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, shape) is { } answer
                ? Result<T>.Success(read(answer, VersionOf(response.Headers.ETag)))
                : throw new JsonException("The answer is null.");
        }
        catch (JsonException e)
        {
            throw new ExploClientException($"{where} answered {status} with a body that is not JSON of the expected shape.", status, e);
        }
    }
}
