namespace Explo.Domain.ContractTests;

/// <summary>An administrator may choose an API token's secret (the server takes it from EXPLO_API_TOKEN).</summary>
public abstract class ApiTokenSecretContract : ContractTestBase
{
    [Fact]
    public async Task A_chosen_secret_authenticates_like_a_generated_one()
    {
        var created = await AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Production") { Secret = "my-own-secret-0123456789" });

        Assert.Equal("my-own-secret-0123456789", created.SuccessValue.Secret);
        Assert.DoesNotContain("my-own-secret", new CreateApiTokenRequest("Production") { Secret = "my-own-secret-0123456789" }.ToString(), StringComparison.Ordinal);
        var result = await Api.GetOrCreateCustomerAsync(Caller.WithApiToken("my-own-secret-0123456789"), new CreateCustomerRequest("acme"));
        Assert.Equal("Production", result.SuccessValue.Customer.AccessGroup);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has white space in it")]
    [InlineData("tab\tinside-the-secret-value")]
    public async Task A_chosen_secret_must_be_long_and_printable(string secret)
    {
        var result = await RejectedWithoutChange(() => AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Production") { Secret = secret }));
        AssertViolation(result, "invalid_api_token_secret", "secret");
    }

    [Fact]
    public async Task A_chosen_secret_already_in_use_is_a_conflict()
    {
        await AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Production") { Secret = "the-same-secret-twice" });
        var result = await RejectedWithoutChange(() => AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest("Development") { Secret = "the-same-secret-twice" }));
        AssertFails<Conflict, CreatedApiToken>(result, "api_token_exists");
    }
}
