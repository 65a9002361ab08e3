namespace Explo.Domain;

/// <summary>
/// Who is calling the service. Every use case takes one, so DVG scoping and read-only tokens are enforced in the core.
/// <list type="bullet">
/// <item><see cref="WithApiToken"/>: an API token's secret, as an Explo client sends it; sees and writes only its DVG.</item>
/// <item><see cref="Administrator"/>: the host itself (library, CLI); may run admin operations and, unless scoped
/// to a DVG, sees every DVG and creates customers in the first one.</item>
/// </list>
/// </summary>
public sealed class Caller
{
    private Caller(string? secret, bool isAdministrator, string? accessGroupName)
    {
        Secret = secret;
        IsAdministrator = isAdministrator;
        AccessGroupName = accessGroupName;
    }

    /// <summary>The API token secret presented, or null (a remote client sends it; never logged: <see cref="ToString"/> hides it).</summary>
    public string? Secret { get; }

    /// <summary>True for the host's administrator.</summary>
    public bool IsAdministrator { get; }

    /// <summary>For an administrator, the DVG it is scoped to (null: every DVG).</summary>
    public string? AccessGroupName { get; }

    /// <summary>A caller presenting an API token secret (null or empty: no token).</summary>
    /// <param name="secret">The secret.</param>
    /// <returns>The caller.</returns>
    public static Caller WithApiToken(string? secret) => new(secret, false, null);

    /// <summary>The host's administrator, optionally scoped to one DVG.</summary>
    /// <param name="accessGroupName">The DVG to act in, or null for all (creates go to the first DVG).</param>
    /// <returns>The caller.</returns>
    public static Caller Administrator(string? accessGroupName = null) => new(null, true, accessGroupName);

    /// <summary>The idempotent request this caller's writes belong to (see <see cref="IIdempotentWrites"/>), or null.</summary>
    internal IdempotencyContext? Idempotency { get; private init; }

    /// <summary>This caller, its writes belonging to an idempotent request.</summary>
    internal Caller With(IdempotencyContext idempotency) => new(Secret, IsAdministrator, AccessGroupName) { Idempotency = idempotency };

    /// <inheritdoc />
    public override string ToString() => IsAdministrator
        ? $"Administrator({AccessGroupName ?? "all DVGs"})"
        : "ApiToken(***)";
}

/// <summary>A caller after authentication: what it may see and do.</summary>
/// <param name="Scope">The only DVG visible, or null for all.</param>
/// <param name="CreateIn">The DVG new customers go to.</param>
/// <param name="CanWrite">False for a read-only token.</param>
/// <param name="IsAdministrator">True for the host's administrator.</param>
/// <param name="Identity">Who it is, for what is kept per caller (idempotency keys): the API token's id, or the administrator's scope.</param>
internal sealed record Principal(AccessGroupId? Scope, AccessGroupId CreateIn, bool CanWrite, bool IsAdministrator, string Identity)
{
    public bool Sees(Customer customer) => Scope is null || Scope == customer.AccessGroupId;
}
