namespace Explo.Domain;

/// <summary>Embed secrets and embed tokens (<c>generate_jwt</c>).</summary>
public sealed partial class ExploService
{
    /// <inheritdoc />
    public Task<Result<CreatedEmbedSecret>> CreateEmbedSecretAsync(Caller caller, string? label = null, CancellationToken cancellationToken = default) =>
        Run<CreatedEmbedSecret>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            var generator = unit.Options.TokenGenerator;
            var secret = new EmbedSecret(generator.NewKeyId(), generator.NewEmbedSecret(), label ?? string.Empty, unit.Now, null);
            Guard.That(
                System.Text.Encoding.UTF8.GetByteCount(secret.Secret) == EmbedSecret.SecretLength && secret.KeyId.Length > 0
                    && FindSecret(unit.Workspace, secret.KeyId) is null,
                "The token generator gave an embed secret that is not 32 bytes of UTF-8, or a key id already in use");

            unit.Replace(unit.Workspace.With(embedSecrets: [.. unit.Workspace.EmbedSecrets, secret]));
            unit.Emit(new WorkspaceChanged("embed_secret_created", $"key {secret.KeyId}") { OccurredAt = unit.Now });
            return new CreatedEmbedSecret(Info(secret), secret.Secret);
        });

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<EmbedSecretInfo>>> ListEmbedSecretsAsync(Caller caller, CancellationToken cancellationToken = default) =>
        Run(caller, Access.Admin, cancellationToken, unit =>
            Result<IReadOnlyList<EmbedSecretInfo>>.Success(unit.Workspace.EmbedSecrets.Select(Info).ToList()));

    /// <inheritdoc />
    public Task<Result<Done>> RevokeEmbedSecretAsync(Caller caller, string keyId, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(keyId);
        return Run<Done>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            if (FindSecret(unit.Workspace, keyId) is not { } secret)
            {
                return new NotFound(ErrorCodes.EmbedSecretNotFound, $"No embed secret has key id {Rules.TextChecks.Quote(keyId)}.");
            }

            if (!secret.IsLive)
            {
                return Done.Instance;
            }

            var revoked = secret with { RevokedAt = unit.Now };
            unit.Replace(unit.Workspace.With(embedSecrets: unit.Workspace.EmbedSecrets.Select(e => ReferenceEquals(e, secret) ? revoked : e)));
            unit.Emit(new WorkspaceChanged("embed_secret_revoked", $"key {keyId}") { OccurredAt = unit.Now });
            return Done.Instance;
        });
    }

    /// <inheritdoc />
    public Task<Result<EmbedToken>> GenerateEmbedTokenAsync(Caller caller, EmbedTokenRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return Run<EmbedToken>(caller, Access.Read, cancellationToken, unit =>
        {
            if (string.IsNullOrEmpty(request.EmbedId))
            {
                return new ValidationFailed(ErrorCodes.InvalidEmbedId, FieldNames.EmbedId, "embed_id is required: the id of the dashboard or report builder to embed.");
            }

            var lifetime = TimeSpan.FromHours(24);
            if (request.Expiration is { } expiration)
            {
                var max = unit.Limits.MaxEmbedTokenLifetime;
                if (EmbedTokens.ParseDuration(expiration) is not { } parsed || parsed <= TimeSpan.Zero || parsed > max)
                {
                    return new ValidationFailed(
                        ErrorCodes.InvalidExpiration,
                        FieldNames.Expiration,
                        $"expiration must be a positive ISO-8601 duration of days, hours, minutes or seconds (such as PT1H or P1D) of at most {EmbedTokens.Describe(max)}; {Rules.TextChecks.Quote(expiration)} is not.");
                }

                lifetime = parsed;
            }

            foreach (var feature in request.RbAllowedFeatures ?? [])
            {
                if (feature is null || !EmbedTokens.Features.Contains(feature))
                {
                    return new ValidationFailed(
                        ErrorCodes.InvalidRbAllowedFeatures,
                        FieldNames.RbAllowedFeatures,
                        $"rb_allowed_features may hold only {string.Join(", ", EmbedTokens.Features.Order(StringComparer.Ordinal))}; {(feature is null ? "null" : Rules.TextChecks.Quote(feature))} is not one.");
                }
            }

            EmbedSecret? secret;
            if (request.KeyId is { } keyId)
            {
                secret = FindSecret(unit.Workspace, keyId) is { IsLive: true } live ? live : null;
                if (secret is null)
                {
                    return new NotFound(ErrorCodes.EmbedSecretNotFound, $"No live embed secret has key id {Rules.TextChecks.Quote(keyId)}.");
                }
            }
            else
            {
                secret = unit.Workspace.EmbedSecrets.LastOrDefault(e => e.IsLive);
                if (secret is null)
                {
                    return new Conflict(ErrorCodes.NoEmbedSecret, "The workspace has no live embed secret; create one (explo secrets create) before generating embed tokens.");
                }
            }

            if (unit.FindVisible(request.ProvidedId ?? string.Empty) is not { } customer)
            {
                return CustomerNotFound(request.ProvidedId ?? string.Empty);
            }

            var issued = EmbedTokens.Truncate(unit.Now);
            var claims = new EmbedTokenClaims(secret.KeyId, customer.ProvidedId, request.EmbedId, issued, EmbedTokens.Truncate(unit.Now + lifetime))
            {
                ChartId = request.ChartId,
                RbAllowedFeatures = request.RbAllowedFeatures,
                DisableEditableSectionEditing = request.DisableEditableSectionEditing,
                EmbedOrigin = request.EmbedOrigin,
            };
            return new EmbedToken(EmbedTokens.Encrypt(claims, secret.Secret), secret.KeyId, claims.IssuedAt, claims.ExpiresAt);
        });
    }

    /// <inheritdoc />
    public async Task<Result<EmbedTokenClaims>> ValidateEmbedTokenAsync(string token, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(token);
        var keyId = token.Length <= 16 * 1024 ? EmbedTokens.KeyIdOf(token) : null;
        if (keyId is null)
        {
            return new Unauthorized(ErrorCodes.InvalidEmbedToken, "The embed token is not a compact JWE of this workspace's format (dir, A256GCM, with a key id).");
        }

        var secret = await _store.ReadAsync(reader => reader.Workspace is { } workspace ? FindSecret(workspace, keyId) : null, cancellationToken).ConfigureAwait(false);
        if (secret is not { IsLive: true })
        {
            return new Unauthorized(ErrorCodes.InvalidEmbedToken, "The embed token was encrypted with a key this workspace does not hold, or has revoked.");
        }

        if (EmbedTokens.Decrypt(token, keyId, secret.Secret) is not { } claims)
        {
            return new Unauthorized(ErrorCodes.InvalidEmbedToken, "The embed token does not decrypt with its key: it was altered, or is not an embed token.");
        }

        var now = _options.TimeProvider.GetUtcNow();
        if (claims.ExpiresAt <= now)
        {
            return new Unauthorized(ErrorCodes.EmbedTokenExpired, $"The embed token expired at {claims.ExpiresAt:O}.");
        }

        return claims;
    }

    private static EmbedSecret? FindSecret(Workspace workspace, string keyId) =>
        workspace.EmbedSecrets.FirstOrDefault(e => string.Equals(e.KeyId, keyId, StringComparison.Ordinal));

    private static EmbedSecretInfo Info(EmbedSecret secret) => new(secret.KeyId, secret.Label, secret.CreatedAt, secret.RevokedAt);
}
