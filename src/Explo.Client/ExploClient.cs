using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Explo.Domain;

namespace Explo.Client;

/// <summary>
/// The Explo.Domain service port over HTTP: talks to this project's server or to the hosted Explo API, so a host can
/// swap the in-process <see cref="ExploService"/> for a remote one without changing its code. Business failures come
/// back as the same <see cref="Result{T}"/> values, with the server's <c>error_code</c>; network failures throw
/// (<see cref="HttpRequestException"/>), and so does an answer that has no result value (<see cref="ExploClientException"/>).
/// Admin operations are not served over HTTP: they return <see cref="Forbidden"/> <c>admin_required</c> without a call.
/// </summary>
public sealed class ExploClient : IExploService, IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly bool _ownsHttp;

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
    public Caller Caller { get; } = Caller.WithApiToken(null);

    private ExploClient(HttpClient http, bool ownsHttp)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        var root = http.BaseAddress ?? throw new ArgumentException("The HttpClient needs a BaseAddress (the API's root).", nameof(http));
        _base = root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
        _ownsHttp = ownsHttp;
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
        return Send(caller, HttpMethod.Post, "api/create_customer/", w => Wire.WriteCreate(w, request),
            e => new GetOrCreateResult(Wire.Bool(e, "new_customer"), Wire.Customer(e.GetProperty("customer"))), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<CustomerView>> GetCustomerAsync(Caller caller, string providedId, CancellationToken cancellationToken = default) =>
        Send(caller, HttpMethod.Post, "api/get_customer/", w => w.WriteString("provided_id", providedId), CustomerOf, cancellationToken);

    /// <inheritdoc />
    public Task<Result<CustomerPage>> ListCustomerPageAsync(Caller caller, CustomerPageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = Query(request.Filter, ("page", request.Page.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("page_size", request.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return Send(caller, HttpMethod.Get, "v2/api/customers/" + query, null, e => new CustomerPage(
            Wire.Long(e, "total_count"),
            request.Page,
            request.PageSize,
            e.GetProperty("results").GetProperty("customers").EnumerateArray().Select(Wire.Customer).ToList()), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<CustomerView>>> ListCustomersAsync(Caller caller, CustomerFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Send<IReadOnlyList<CustomerView>>(caller, HttpMethod.Get, "api/customers/" + Query(filter), null,
            e => e.GetProperty("customers").EnumerateArray().Select(Wire.Customer).ToList(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<CustomerView>> UpdateCustomerAsync(Caller caller, UpdateCustomerRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Send(caller, HttpMethod.Post, "api/update_customer/", w =>
        {
            w.WriteString("provided_id", request.ProvidedId);
            Wire.OptionalString(w, "new_provided_id", request.NewProvidedId);
            Wire.WriteShared(w, request.Name, request.Mapping, request.IsDemoGroup, request.Properties);
            Wire.OptionalStrings(w, "emails", request.Emails);
            Wire.OptionalStrings(w, "group_tags", request.GroupTags);
            Wire.OptionalString(w, "hierarchy_level_name", request.HierarchyLevelName);
            if (request.ParentProvidedId.HasValue)
            {
                if (request.ParentProvidedId.Value is { } parent)
                {
                    w.WriteString("parent_provided_id", parent);
                }
                else
                {
                    w.WriteNull("parent_provided_id");
                }
            }

            if (request.ExpectedVersion is { } version)
            {
                w.WriteNumber("expected_version", version);
            }
        }, CustomerOf, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<DeleteResult>> DeleteCustomerAsync(Caller caller, DeleteCustomerRequest request, CancellationToken cancellationToken = default) =>
        Delete(caller, "api/delete_customer/", request, cancellationToken);

    /// <inheritdoc />
    public Task<Result<CustomerView>> RefreshCustomerTokenAsync(Caller caller, string currentToken, CancellationToken cancellationToken = default) =>
        Send(caller, HttpMethod.Post, "api/refresh_customer_token/", w => w.WriteString("current_token", currentToken), CustomerOf, cancellationToken);

    /// <inheritdoc />
    public Task<Result<ImportResult>> ImportCustomersAsync(Caller caller, IReadOnlyList<CreateCustomerRequest> customers, ImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        return Send(caller, HttpMethod.Post, "api/import_customers/", w =>
        {
            w.WriteStartArray("customers");
            foreach (var customer in customers)
            {
                w.WriteStartObject();
                Wire.WriteCreate(w, customer);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("atomic", options?.Atomic ?? false);
        }, e => new ImportResult(
            (int)Wire.Long(e, "created"),
            (int)Wire.Long(e, "existing"),
            e.GetProperty("errors").EnumerateArray()
                .Select(r => new ImportRowError((int)Wire.Long(r, "row"), Wire.String(r, "provided_id") ?? string.Empty, Wire.RowFailure(r)))
                .ToList()), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<GroupTagView>>> ListGroupTagsAsync(Caller caller, CancellationToken cancellationToken = default) =>
        Send<IReadOnlyList<GroupTagView>>(caller, HttpMethod.Get, "api/group_tags/", null,
            e => e.GetProperty("group_tags").EnumerateArray().Select(t => new GroupTagView(Wire.String(t, "name") ?? string.Empty)).ToList(), cancellationToken);

    /// <inheritdoc />
    public Task<Result<GroupTagView>> CreateGroupTagAsync(Caller caller, string name, CancellationToken cancellationToken = default) =>
        Send(caller, HttpMethod.Post, "api/create_group_tag/", w => w.WriteString("name", name), GroupTagOf, cancellationToken);

    /// <inheritdoc />
    public Task<Result<GroupTagView>> RenameGroupTagAsync(Caller caller, string name, string newName, CancellationToken cancellationToken = default) =>
        Send(caller, HttpMethod.Post, "api/rename_group_tag/", w =>
        {
            w.WriteString("name", name);
            w.WriteString("new_name", newName);
        }, GroupTagOf, cancellationToken);

    /// <inheritdoc />
    public Task<Result<Done>> DeleteGroupTagAsync(Caller caller, string name, CancellationToken cancellationToken = default) =>
        Send(caller, HttpMethod.Post, "api/delete_group_tag/", w => w.WriteString("name", name), _ => Done.Instance, cancellationToken);

    /// <inheritdoc />
    public Task<Result<UserGroupResult>> GetOrCreateUserGroupAsync(Caller caller, CreateUserGroupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Send(caller, HttpMethod.Post, "api/create_user_group/", w =>
        {
            w.WriteString("user_group_id", request.UserGroupId);
            Wire.WriteShared(w, request.Name, request.Mapping, request.IsDemoGroup, request.Properties);
        }, e => new UserGroupResult(Wire.Bool(e, "new_user_group"), Wire.UserGroup(e.GetProperty("user_group"))), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<UserGroupView>> UpdateUserGroupAsync(Caller caller, UpdateUserGroupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Send(caller, HttpMethod.Post, "api/update_user_group/", w =>
        {
            w.WriteString("user_group_id", request.UserGroupId);
            Wire.OptionalString(w, "new_user_group_id", request.NewUserGroupId);
            Wire.WriteShared(w, request.Name, request.Mapping, request.IsDemoGroup, request.Properties);
        }, UserGroupOf, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Result<DeleteResult>> DeleteUserGroupAsync(Caller caller, DeleteCustomerRequest request, CancellationToken cancellationToken = default) =>
        Delete(caller, "api/delete_user_group/", request, cancellationToken);

    /// <inheritdoc />
    public Task<Result<UserGroupView>> RefreshUserGroupTokenAsync(Caller caller, string currentToken, CancellationToken cancellationToken = default) =>
        Send(caller, HttpMethod.Post, "api/refresh_user_group_token/", w => w.WriteString("current_token", currentToken), UserGroupOf, cancellationToken);

    /// <inheritdoc />
    public Task<Result<bool>> InitializeWorkspaceAsync(Caller caller, CancellationToken cancellationToken = default) => AdminOnly<bool>();

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<HierarchyLevel>>> ListLevelsAsync(Caller caller, CancellationToken cancellationToken = default) => AdminOnly<IReadOnlyList<HierarchyLevel>>();

    /// <inheritdoc />
    public Task<Result<HierarchyLevel>> AddLevelAsync(Caller caller, string name, string? after = null, CancellationToken cancellationToken = default) => AdminOnly<HierarchyLevel>();

    /// <inheritdoc />
    public Task<Result<HierarchyLevel>> RenameLevelAsync(Caller caller, string name, string newName, CancellationToken cancellationToken = default) => AdminOnly<HierarchyLevel>();

    /// <inheritdoc />
    public Task<Result<Done>> RemoveLevelAsync(Caller caller, string name, CancellationToken cancellationToken = default) => AdminOnly<Done>();

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<AccessGroup>>> ListAccessGroupsAsync(Caller caller, CancellationToken cancellationToken = default) => AdminOnly<IReadOnlyList<AccessGroup>>();

    /// <inheritdoc />
    public Task<Result<AccessGroup>> AddAccessGroupAsync(Caller caller, string name, CancellationToken cancellationToken = default) => AdminOnly<AccessGroup>();

    /// <inheritdoc />
    public Task<Result<AccessGroup>> RenameAccessGroupAsync(Caller caller, string name, string newName, CancellationToken cancellationToken = default) => AdminOnly<AccessGroup>();

    /// <inheritdoc />
    public Task<Result<CreatedApiToken>> CreateApiTokenAsync(Caller caller, CreateApiTokenRequest request, CancellationToken cancellationToken = default) => AdminOnly<CreatedApiToken>();

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<ApiTokenInfo>>> ListApiTokensAsync(Caller caller, CancellationToken cancellationToken = default) => AdminOnly<IReadOnlyList<ApiTokenInfo>>();

    /// <inheritdoc />
    public Task<Result<Done>> RevokeApiTokenAsync(Caller caller, ApiTokenId id, CancellationToken cancellationToken = default) => AdminOnly<Done>();

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<DataSourceView>>> ListDataSourcesAsync(Caller caller, CancellationToken cancellationToken = default) => AdminOnly<IReadOnlyList<DataSourceView>>();

    /// <inheritdoc />
    public Task<Result<DataSourceView>> AddDataSourceAsync(Caller caller, AddDataSourceRequest request, CancellationToken cancellationToken = default) => AdminOnly<DataSourceView>();

    /// <inheritdoc />
    public Task<Result<Done>> RemoveDataSourceAsync(Caller caller, string id, CancellationToken cancellationToken = default) => AdminOnly<Done>();

    /// <inheritdoc />
    public Task<Result<Done>> SetDefaultDataSourceAsync(Caller caller, string accessGroup, string schemaId, string? dataSourceId, CancellationToken cancellationToken = default) => AdminOnly<Done>();

    private static Forbidden AdminRequired() => new(
        "admin_required",
        "Admin operations (levels, data visibility groups, API tokens, data sources) are not served over the HTTP API; run them in-process or with the command-line tool.");

    private static Task<Result<T>> AdminOnly<T>() => Task.FromResult(Result<T>.Fail(AdminRequired()));

    private static CustomerView CustomerOf(JsonElement e) => Wire.Customer(e.GetProperty("customer"));

    private static GroupTagView GroupTagOf(JsonElement e) => new(Wire.String(e.GetProperty("group_tag"), "name") ?? string.Empty);

    private static UserGroupView UserGroupOf(JsonElement e) => Wire.UserGroup(e.GetProperty("user_group"));

    private Task<Result<DeleteResult>> Delete(Caller caller, string path, DeleteCustomerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Send(caller, HttpMethod.Delete, path, w =>
        {
            w.WriteString("current_token", request.CurrentToken);
            w.WriteBoolean("cascade", request.Cascade);
        }, e => new DeleteResult(Wire.Strings(e, "deleted_provided_ids")), cancellationToken);
    }

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

    /// <summary>One call: the caller's token in the header, a JSON body, and the answer read as a result value.</summary>
    private async Task<Result<T>> Send<T>(Caller caller, HttpMethod method, string path, Action<Utf8JsonWriter>? body, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsAdministrator)
        {
            return AdminRequired();
        }

        if (caller.Secret is { Length: > 0 } unsafeSecret && unsafeSecret.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            // No header can carry it, and no token has such a secret.
            return new Unauthorized("invalid_api_token", "The API token is unknown or has been revoked.");
        }

        using var request = new HttpRequestMessage(method, new Uri(_base, path));
        var where = $"{method} {request.RequestUri!.AbsolutePath}";
        if (!string.IsNullOrEmpty(caller.Secret))
        {
            request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + caller.Secret);
        }

        if (body is not null)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                body(writer);
                writer.WriteEndObject();
            }

            request.Content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        JsonDocument document;
        try
        {
            // Answers wrap properties (up to the limit, 64 by default) in a few levels of envelope.
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new ExploClientException($"{where} answered {status} with a body that is not JSON.", status, e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return Result<T>.Success(read(root));
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
                {
                    throw new ExploClientException($"{where} answered {status} with a body of an unexpected shape.", status, e);
                }
            }

            return Wire.Failure(status, root) is { } failure
                ? Result<T>.Fail(failure)
                : throw new ExploClientException($"{where} answered {status}: {Wire.String(root, "error") ?? "no message"}", status);
        }
    }
}
