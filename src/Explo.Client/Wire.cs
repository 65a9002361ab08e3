using System.Text.Json;
using Explo.Contracts;
using Explo.Domain;

namespace Explo.Client;

/// <summary>What the client adds to the contract: the kind of failure each HTTP status stands for.</summary>
internal static class Wire
{
    /// <summary>The kind of failure an error status stands for; null for a status that has no result value (5xx, ...).</summary>
    public static string? KindOf(int status) => status switch
    {
        400 or 413 => ErrorKinds.ValidationFailed,
        401 => ErrorKinds.Unauthorized,
        403 or 429 => ErrorKinds.Forbidden,
        404 => ErrorKinds.NotFound,
        409 or 412 or 422 => ErrorKinds.Conflict,
        _ => null,
    };

    /// <summary>The failure an error body describes; null when the status has no result value or the body is no error body.</summary>
    public static Failure? Failure(int status, byte[] body)
    {
        if (KindOf(status) is not { } kind)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, ExploJson.Context.ErrorResponse) is { } error
                ? error.ToFailure(kind) is var failure && string.IsNullOrEmpty(failure.Code) ? Unnamed(status, kind) : failure
                : Unnamed(status, kind);
        }
        catch (JsonException)
        {
            return Unnamed(status, kind);
        }
    }

    /// <summary>The message of an error body, for exceptions; null when there is none.</summary>
    public static string? MessageOf(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, ExploJson.Context.ErrorResponse)?.Error is { Length: > 0 } message ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Failure Unnamed(int status, string kind) =>
        ErrorResponse.Of(ErrorCodes.UnknownError, $"The server answered {status}.").ToFailure(kind);
}
