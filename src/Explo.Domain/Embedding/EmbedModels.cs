namespace Explo.Domain;

/// <summary>An embed secret as admin listings show it: never the secret.</summary>
/// <param name="KeyId">The key's id, as <c>key_id</c> and the tokens' <c>kid</c> name it.</param>
/// <param name="Label">The label.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
public sealed record EmbedSecretInfo(string KeyId, string Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A newly created embed secret: the secret is shown here once and never again.</summary>
/// <param name="Info">The secret's description.</param>
/// <param name="Secret">The secret: 32 characters whose UTF-8 bytes are the AES-256 key of the embed tokens.</param>
public sealed record CreatedEmbedSecret(EmbedSecretInfo Info, string Secret)
{
    /// <inheritdoc />
    public override string ToString() => $"CreatedEmbedSecret {{ Info = {Info}, Secret = *** }}";
}

/// <summary>Input of <c>generate_jwt</c>: an embed token for one customer and one dashboard (or report builder).</summary>
/// <param name="ProvidedId">The customer's provided id (claim <c>cst</c>); the caller must see the customer.</param>
/// <param name="EmbedId">The embed id of the dashboard or report builder (claim <c>dsh</c>).</param>
public sealed record EmbedTokenRequest(string ProvidedId, string EmbedId)
{
    /// <summary>The embed secret to encrypt with; the newest live one when null.</summary>
    public string? KeyId { get; init; }

    /// <summary>How long the token lives, as an ISO-8601 duration (<c>PT1H</c>, <c>P1D</c>); <c>PT24H</c> when null.</summary>
    public string? Expiration { get; init; }

    /// <summary>The chart, when embedding a single one (claim <c>cht</c>).</summary>
    public string? ChartId { get; init; }

    /// <summary>
    /// The report-builder features allowed (claim <c>rbc</c>): any of <c>flt</c>, <c>srt</c>, <c>core</c>,
    /// <c>crt-view</c>, <c>fork</c>, or <c>*</c> for all; empty allows none; null leaves the claim out (all allowed).
    /// </summary>
    public IReadOnlyList<string>? RbAllowedFeatures { get; init; }

    /// <summary>True to stop the end user editing the dashboard's editable section (claim <c>des</c>).</summary>
    public bool? DisableEditableSectionEditing { get; init; }

    /// <summary>The origin the embed runs at (claim <c>iss</c>).</summary>
    public string? EmbedOrigin { get; init; }
}

/// <summary>An embed token: a compact JWE (<c>dir</c>, <c>A256GCM</c>) a browser may hold until it expires.</summary>
/// <param name="Jwt">The token, in compact form (five base64url parts, the second empty).</param>
/// <param name="KeyId">The embed secret that encrypted it.</param>
/// <param name="IssuedAt">When it was issued (claim <c>iat</c>, whole seconds).</param>
/// <param name="ExpiresAt">When it expires (claim <c>exp</c>, whole seconds).</param>
public sealed record EmbedToken(string Jwt, string KeyId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    /// <inheritdoc />
    public override string ToString() => $"EmbedToken {{ Jwt = ***, KeyId = {KeyId}, IssuedAt = {IssuedAt:O}, ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>What a valid embed token says (<see cref="IEmbedTokenValidator.ValidateEmbedTokenAsync"/>).</summary>
/// <param name="KeyId">The embed secret that encrypted it (header <c>kid</c>).</param>
/// <param name="ProvidedId">The customer's provided id (claim <c>cst</c>).</param>
/// <param name="EmbedId">The embed id (claim <c>dsh</c>).</param>
/// <param name="IssuedAt">When it was issued (claim <c>iat</c>).</param>
/// <param name="ExpiresAt">When it expires (claim <c>exp</c>).</param>
public sealed record EmbedTokenClaims(string KeyId, string ProvidedId, string EmbedId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>The chart (claim <c>cht</c>), when the token embeds a single one.</summary>
    public string? ChartId { get; init; }

    /// <summary>The report-builder features allowed (claim <c>rbc</c>); null when the token does not restrict them.</summary>
    public IReadOnlyList<string>? RbAllowedFeatures { get; init; }

    /// <summary>Whether editing the editable section is disabled (claim <c>des</c>); null when not said.</summary>
    public bool? DisableEditableSectionEditing { get; init; }

    /// <summary>The origin the embed runs at (claim <c>iss</c>); null when not said.</summary>
    public string? EmbedOrigin { get; init; }
}
