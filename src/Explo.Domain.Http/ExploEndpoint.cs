using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Explo.Domain.Http;

/// <summary>
/// One endpoint of the API, also its endpoint metadata (how the gate, the rate limiter and the OpenAPI document know
/// an Explo endpoint): its method and path, whether it writes (a read-only token is refused before its body is read),
/// its request and response shapes and the error statuses it may answer.
/// </summary>
internal sealed class ExploEndpoint
{
    public required string Method { get; init; }

    public required string Path { get; init; }

    /// <summary>The operation's id and summary in the OpenAPI document.</summary>
    public required string Name { get; init; }

    public required string Summary { get; init; }

    public required string Tag { get; init; }

    public bool Writes { get; init; } = true;

    /// <summary>The request body's shape; null for the GET endpoints.</summary>
    public Type? Body { get; init; }

    /// <summary>The success answer's shape.</summary>
    public required Type Response { get; init; }

    /// <summary>Whether the endpoint honours <c>If-Match</c> (a write to one customer).</summary>
    public bool Conditional { get; init; }

    /// <summary>The query parameters (GET endpoints).</summary>
    public IReadOnlyList<string> Query { get; init; } = [];

    /// <summary>The statuses the service may answer besides the gate's (400 validation, 404, 409).</summary>
    public IReadOnlyList<int> ServiceStatuses { get; init; } = [StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound];

    /// <summary>Handles a request whose caller was admitted (its body not read yet).</summary>
    public required Func<HttpContext, Caller, Task> Run { get; init; }

    /// <summary>Every error status this endpoint may answer, in order.</summary>
    public IEnumerable<int> ErrorStatuses()
    {
        var statuses = new SortedSet<int>(ServiceStatuses)
        {
            StatusCodes.Status401Unauthorized,
            StatusCodes.Status403Forbidden,
            StatusCodes.Status405MethodNotAllowed,
            StatusCodes.Status429TooManyRequests,
            StatusCodes.Status431RequestHeaderFieldsTooLarge,
            StatusCodes.Status500InternalServerError,
            StatusCodes.Status503ServiceUnavailable,
        };
        if (Body is not null)
        {
            statuses.UnionWith([StatusCodes.Status400BadRequest, StatusCodes.Status408RequestTimeout, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType]);
        }

        if (Body is not null && Writes)
        {
            // An Idempotency-Key in use (409) or used for another request (422).
            statuses.UnionWith([StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity]);
        }

        return statuses;
    }
}

/// <summary>The API's endpoints by path, for the answers to a wrong method or a missing trailing slash.</summary>
internal static class ExploEndpointTable
{
    private static readonly FrozenDictionary<string, ExploEndpoint> ByPath =
        ExploApi.Endpoints.ToFrozenDictionary(e => e.Path.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, ExploEndpoint>.AlternateLookup<ReadOnlySpan<char>> BySpan =
        ByPath.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The endpoint at a path, with or without its trailing slash (as routing matches); null for any other path.</summary>
    public static ExploEndpoint? At(PathString path)
    {
        if (path.Value is not { Length: > 1 } value)
        {
            return null;
        }

        var span = value.AsSpan();
        return BySpan.TryGetValue(span[^1] == '/' ? span[..^1] : span, out var endpoint) ? endpoint : null;
    }
}
