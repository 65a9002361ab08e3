namespace Explo.Domain;

/// <summary>
/// Checks a caller before any work is done for it: a transport authenticates the presented API token (and, for a
/// write, that it may write) before it reads or parses a request body, so an unauthenticated request costs almost
/// nothing. Every use case still authenticates its caller itself; this is an early, cheap answer, not a replacement.
/// </summary>
public interface IExploAuthorizer
{
    /// <summary>Authenticates the caller and, when <paramref name="writes"/> is true, checks that it may write.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="writes">True when the caller is about to run a write operation.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>
    /// What the caller may do; <see cref="Unauthorized"/> (<c>missing_api_token</c>, <c>invalid_api_token</c>) or,
    /// for a read-only token asking to write, <see cref="Forbidden"/> (<c>read_only_token</c>).
    /// </returns>
    Task<Result<CallerAccess>> AuthorizeAsync(Caller caller, bool writes, CancellationToken cancellationToken = default);
}

/// <summary>What an authenticated caller may do.</summary>
/// <param name="AccessGroup">The name of the DVG the caller is confined to, or null for an unscoped administrator.</param>
/// <param name="CanWrite">False for a read-only API token.</param>
/// <param name="IsAdministrator">True for the host's administrator.</param>
public sealed record CallerAccess(string? AccessGroup, bool CanWrite, bool IsAdministrator);
