namespace Explo.Domain.ContractTests;

/// <summary>
/// Embed secrets (admin: create, list, revoke) and embed tokens (<c>generate_jwt</c> through the port under test, and
/// <see cref="IEmbedTokenValidator.ValidateEmbedTokenAsync"/> in process): what a token says, who may ask for one, and
/// every error, each of which changes nothing.
/// </summary>
public abstract class EmbedContract : ContractTestBase
{
    private async Task<CreatedEmbedSecret> NewSecret(string label = "test")
    {
        var created = await AdminService.CreateEmbedSecretAsync(Admin, label);
        Assert.True(created.IsSuccess, created.ToString());
        return created.SuccessValue;
    }

    private async Task<EmbedTokenClaims> Validate(string jwt)
    {
        var claims = await AdminService.ValidateEmbedTokenAsync(jwt);
        Assert.True(claims.IsSuccess, claims.ToString());
        return claims.SuccessValue;
    }

    [Fact]
    public async Task A_secret_is_32_letters_and_digits_under_a_uuid_key_id_shown_once_and_listed_without_it()
    {
        var events = Sut.EventCount();
        var created = await NewSecret("web app");

        Assert.Matches("^[A-Za-z0-9]{32}$", created.Secret);
        Assert.True(Guid.TryParseExact(created.Info.KeyId, "D", out _), created.Info.KeyId);
        Assert.Equal(events + 1, Sut.EventCount());
        var listed = Assert.Single((await AdminService.ListEmbedSecretsAsync(Admin)).SuccessValue);
        Assert.Equal(new EmbedSecretInfo(created.Info.KeyId, "web app", Start, null), listed);
        Assert.DoesNotContain(created.Secret, created.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(created.Secret, (await NewSecret()).Secret);
    }

    [Fact]
    public async Task A_token_for_a_visible_customer_carries_every_claim_and_validates_until_it_expires()
    {
        await Create("acme");
        await NewSecret("old");
        var newest = await NewSecret("new");

        var token = await Api.GenerateEmbedTokenAsync(Writer, new EmbedTokenRequest("acme", "dash-1")
        {
            Expiration = "PT1H", ChartId = "chart-9", RbAllowedFeatures = ["flt", "srt"], DisableEditableSectionEditing = true, EmbedOrigin = "https://app.example",
        });

        Assert.True(token.IsSuccess, token.ToString());
        Assert.Equal(newest.Info.KeyId, token.SuccessValue.KeyId);
        Assert.Equal(Start, token.SuccessValue.IssuedAt);
        Assert.Equal(Start.AddHours(1), token.SuccessValue.ExpiresAt);
        var claims = await Validate(token.SuccessValue.Jwt);
        Assert.Equal(("acme", "dash-1", newest.Info.KeyId, Start, Start.AddHours(1)), (claims.ProvidedId, claims.EmbedId, claims.KeyId, claims.IssuedAt, claims.ExpiresAt));
        Assert.Equal(["flt", "srt"], claims.RbAllowedFeatures);
        Assert.Equal((true, "https://app.example", "chart-9"), (claims.DisableEditableSectionEditing, claims.EmbedOrigin, claims.ChartId));

        Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.True((await AdminService.ValidateEmbedTokenAsync(token.SuccessValue.Jwt)).IsSuccess);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var expired = await AdminService.ValidateEmbedTokenAsync(token.SuccessValue.Jwt);
        Assert.Equal((FailureKind.Unauthorized, ErrorCodes.EmbedTokenExpired), (expired.Failure!.Kind, expired.Failure.Code));
    }

    [Fact]
    public async Task The_default_life_is_24_hours_the_optional_claims_stay_out_and_a_read_only_token_may_ask()
    {
        await Create("acme");
        var secret = await NewSecret();

        var token = (await Api.GenerateEmbedTokenAsync(ReadOnly, new EmbedTokenRequest("acme", "dash-1") { KeyId = secret.Info.KeyId })).SuccessValue;

        var claims = await Validate(token.Jwt);
        Assert.Equal(Start.AddHours(24), claims.ExpiresAt);
        Assert.Equal((null, null, null, null), (claims.RbAllowedFeatures, claims.DisableEditableSectionEditing, claims.EmbedOrigin, claims.ChartId));
        Assert.Equal([], (await Validate((await Api.GenerateEmbedTokenAsync(Writer, new EmbedTokenRequest("acme", "d") { RbAllowedFeatures = [] })).SuccessValue.Jwt)).RbAllowedFeatures!);
    }

    [Fact]
    public async Task Each_bad_request_gets_its_code_and_changes_nothing()
    {
        await Create("acme");
        await Create("other", caller: OtherWriter);
        Assert.Equal(ErrorCodes.NoEmbedSecret, (await Api.GenerateEmbedTokenAsync(Writer, new EmbedTokenRequest("acme", "d"))).Failure!.Code);
        var secret = await NewSecret();
        var revoked = await NewSecret();
        Assert.True((await AdminService.RevokeEmbedSecretAsync(Admin, revoked.Info.KeyId)).IsSuccess);
        var events = Sut.EventCount();

        (EmbedTokenRequest Request, FailureKind Kind, string Code)[] cases =
        [
            (new("acme", "d") { KeyId = "no-such-key" }, FailureKind.NotFound, ErrorCodes.EmbedSecretNotFound),
            (new("acme", "d") { KeyId = revoked.Info.KeyId }, FailureKind.NotFound, ErrorCodes.EmbedSecretNotFound),
            (new("nobody", "d"), FailureKind.NotFound, ErrorCodes.CustomerNotFound),
            (new("other", "d"), FailureKind.NotFound, ErrorCodes.CustomerNotFound),
            (new("acme", ""), FailureKind.Validation, ErrorCodes.InvalidEmbedId),
            (new("acme", "d") { RbAllowedFeatures = ["flt", "delete-everything"] }, FailureKind.Validation, ErrorCodes.InvalidRbAllowedFeatures),
            (new("acme", "d") { Expiration = "1H" }, FailureKind.Validation, ErrorCodes.InvalidExpiration),
            (new("acme", "d") { Expiration = "P1M" }, FailureKind.Validation, ErrorCodes.InvalidExpiration),
            (new("acme", "d") { Expiration = "-PT1H" }, FailureKind.Validation, ErrorCodes.InvalidExpiration),
            (new("acme", "d") { Expiration = "PT0S" }, FailureKind.Validation, ErrorCodes.InvalidExpiration),
            (new("acme", "d") { Expiration = "P30DT1S" }, FailureKind.Validation, ErrorCodes.InvalidExpiration),
        ];
        foreach (var (request, kind, code) in cases)
        {
            var result = await Api.GenerateEmbedTokenAsync(Writer, request);
            Assert.True(result.Failure is { } failure && failure.Kind == kind && failure.Code == code, $"{request}: {result}");
        }

        Assert.True((await Api.GenerateEmbedTokenAsync(Writer, new EmbedTokenRequest("acme", "d") { Expiration = "P30D", KeyId = secret.Info.KeyId })).IsSuccess);
        Assert.Equal(events, Sut.EventCount());
        Assert.Equal(2, (await AdminService.ListEmbedSecretsAsync(Admin)).SuccessValue.Count);
    }

    [Fact]
    public async Task A_revoked_secret_s_tokens_no_longer_validate_and_revoking_is_idempotent()
    {
        await Create("acme");
        var secret = await NewSecret();
        var jwt = (await Api.GenerateEmbedTokenAsync(Writer, new EmbedTokenRequest("acme", "d"))).SuccessValue.Jwt;

        Assert.True((await AdminService.RevokeEmbedSecretAsync(Admin, secret.Info.KeyId)).IsSuccess);
        var events = Sut.EventCount();
        Assert.True((await AdminService.RevokeEmbedSecretAsync(Admin, secret.Info.KeyId)).IsSuccess);

        Assert.Equal(events, Sut.EventCount());
        Assert.Equal(Start, Assert.Single((await AdminService.ListEmbedSecretsAsync(Admin)).SuccessValue).RevokedAt);
        Assert.Equal(ErrorCodes.InvalidEmbedToken, (await AdminService.ValidateEmbedTokenAsync(jwt)).Failure!.Code);
        Assert.Equal(ErrorCodes.EmbedSecretNotFound, (await AdminService.RevokeEmbedSecretAsync(Admin, "no-such-key")).Failure!.Code);
        Assert.Equal(ErrorCodes.NoEmbedSecret, (await Api.GenerateEmbedTokenAsync(Writer, new EmbedTokenRequest("acme", "d"))).Failure!.Code);
    }

    [Fact]
    public async Task An_altered_or_foreign_token_does_not_validate()
    {
        await Create("acme");
        var secret = await NewSecret();
        var jwt = (await Api.GenerateEmbedTokenAsync(Writer, new EmbedTokenRequest("acme", "d"))).SuccessValue.Jwt;
        var parts = jwt.Split('.');

        string Altered(int part)
        {
            var copy = (string[])parts.Clone();
            var text = copy[part].ToCharArray();
            text[text.Length / 2] = text[text.Length / 2] == 'A' ? 'B' : 'A';
            copy[part] = new string(text);
            return string.Join('.', copy);
        }

        foreach (var token in (string[])[Altered(2), Altered(3), Altered(4), "not a token", string.Join('.', parts[..4]), jwt + "x", ""])
        {
            var result = await AdminService.ValidateEmbedTokenAsync(token);
            Assert.True(result.Failure is { Kind: FailureKind.Unauthorized, Code: ErrorCodes.InvalidEmbedToken }, $"{token}: {result}");
        }

        // Another workspace's secret under the same key id: its tokens don't decrypt with this one's.
        using var other = CreateService(new ExploServiceOptions { TimeProvider = Clock, TokenGenerator = new FixedKeyIds(secret.Info.KeyId) });
        Assert.True((await other.Admin.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("acme"))).IsSuccess);
        var foreign = (await other.Admin.CreateEmbedSecretAsync(Admin)).SuccessValue;
        var foreignJwt = (await other.Admin.GenerateEmbedTokenAsync(Admin, new EmbedTokenRequest("acme", "d"))).SuccessValue.Jwt;
        Assert.True((await other.Admin.ValidateEmbedTokenAsync(foreignJwt)).IsSuccess);
        Assert.Equal(ErrorCodes.InvalidEmbedToken, (await AdminService.ValidateEmbedTokenAsync(foreignJwt)).Failure!.Code);
        Assert.Equal(secret.Info.KeyId, foreign.Info.KeyId);
    }

    [Fact]
    public async Task The_longest_life_is_the_host_s_limit()
    {
        using var strict = CreateService(new ExploServiceOptions { TimeProvider = Clock, TokenGenerator = Tokens, Limits = ExploLimits.Default with { MaxEmbedTokenLifetime = TimeSpan.FromHours(2) } });
        Assert.True((await strict.Admin.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("acme"))).IsSuccess);
        Assert.True((await strict.Admin.CreateEmbedSecretAsync(Admin)).IsSuccess);

        Assert.True((await strict.Admin.GenerateEmbedTokenAsync(Admin, new EmbedTokenRequest("acme", "d") { Expiration = "PT2H" })).IsSuccess);
        var refused = await strict.Admin.GenerateEmbedTokenAsync(Admin, new EmbedTokenRequest("acme", "d") { Expiration = "PT2H1S" });
        Assert.Equal(ErrorCodes.InvalidExpiration, refused.Failure!.Code);
        Assert.Contains("PT2H", refused.Failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Sequential tokens, and key ids that are all one fixed value.</summary>
    private sealed class FixedKeyIds(string keyId) : Ports.ITokenGenerator
    {
        private readonly SequentialTokenGenerator _tokens = new();

        public string NewToken() => _tokens.NewToken();

        public string NewKeyId() => keyId;
    }
}
