using System.Text;
using System.Text.Json;
using Explo.Domain.ContractTests;
using Explo.Domain.InMemory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Explo.Domain.Tests.Embedding;

/// <summary>
/// The embed tokens against an independent JWE implementation (Microsoft.IdentityModel): it parses the compact form and
/// the header, builds the additional data, picks the key by <c>kid</c> and decrypts with the embed secret's UTF-8 bytes
/// as the <c>dir</c> key, and the claims it finds are the ones asked for; a token it encrypts the same way (as a host
/// that builds its own would) validates in the service. Its own AES-GCM primitive calls Windows' BCrypt, which Linux
/// lacks, so it is given the BCL's <see cref="System.Security.Cryptography.AesGcm"/> as its crypto provider: the
/// primitive is the platform's, everything around it (the JWE format) is IdentityModel's.
/// </summary>
public sealed class EmbedTokenInteropTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);
    private readonly ManualTimeProvider _clock = new(Now);
    private readonly ExploService _service;
    private readonly Caller _admin = Caller.Administrator();

    public EmbedTokenInteropTests()
    {
        _service = new ExploService(new InMemoryWorkspaceStore(), new ExploServiceOptions { TimeProvider = _clock });
        Assert.True(_service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme")).GetAwaiter().GetResult().IsSuccess);
    }

    [Fact]
    public async Task Microsoft_identity_model_decrypts_the_token_and_finds_every_claim()
    {
        var secret = (await _service.CreateEmbedSecretAsync(_admin, "interop")).SuccessValue;
        var token = (await _service.GenerateEmbedTokenAsync(_admin, new EmbedTokenRequest("acme", "dash-7")
        {
            Expiration = "PT2H30M", RbAllowedFeatures = ["flt", "crt-view"], DisableEditableSectionEditing = false, EmbedOrigin = "https://app.example", ChartId = "c-1",
        })).SuccessValue;

        var jwe = new JsonWebToken(token.Jwt);
        Assert.Equal(("dir", "A256GCM", secret.Info.KeyId), (jwe.Alg, jwe.Enc, jwe.Kid));
        Assert.Equal(string.Empty, jwe.EncodedToken.Split('.')[1]);
        var key = Key(secret.Secret, secret.Info.KeyId);
        var plaintext = new JsonWebTokenHandler().DecryptToken(jwe, new TokenValidationParameters { TokenDecryptionKey = key });

        using var claims = JsonDocument.Parse(plaintext);
        var root = claims.RootElement;
        Assert.Equal("acme", root.GetProperty("cst").GetString());
        Assert.Equal("dash-7", root.GetProperty("dsh").GetString());
        Assert.Equal(Now.ToUnixTimeSeconds(), root.GetProperty("iat").GetInt64());
        Assert.Equal(Now.AddMinutes(150).ToUnixTimeSeconds(), root.GetProperty("exp").GetInt64());
        Assert.Equal(["flt", "crt-view"], root.GetProperty("rbc").EnumerateArray().Select(e => e.GetString()));
        Assert.False(root.GetProperty("des").GetBoolean());
        Assert.Equal("https://app.example", root.GetProperty("iss").GetString());
        Assert.Equal("c-1", root.GetProperty("cht").GetString());
        Assert.Equal(["cst", "dsh", "iat", "exp", "rbc", "des", "iss", "cht"], root.EnumerateObject().Select(p => p.Name));

        // The wrong key fails there too.
        var wrong = Key(new string('x', 32), secret.Info.KeyId);
        Assert.ThrowsAny<SecurityTokenException>(() => new JsonWebTokenHandler().DecryptToken(jwe, new TokenValidationParameters { TokenDecryptionKey = wrong }));
    }

    [Fact]
    public async Task A_token_a_host_encrypts_itself_validates_in_the_service_until_its_exp()
    {
        var secret = (await _service.CreateEmbedSecretAsync(_admin)).SuccessValue;
        var key = Key(secret.Secret, secret.Info.KeyId);
        var payload = JsonSerializer.Serialize(new { cst = "acme", dsh = "dash-1", iat = Now.ToUnixTimeSeconds(), exp = Now.AddMinutes(5).ToUnixTimeSeconds() });
        var jwt = new JsonWebTokenHandler().EncryptToken(payload, new EncryptingCredentials(key, "dir", "A256GCM"));

        var claims = (await _service.ValidateEmbedTokenAsync(jwt)).SuccessValue;
        Assert.Equal(("acme", "dash-1", secret.Info.KeyId, Now.AddMinutes(5)), (claims.ProvidedId, claims.EmbedId, claims.KeyId, claims.ExpiresAt));

        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(ErrorCodes.EmbedTokenExpired, (await _service.ValidateEmbedTokenAsync(jwt)).Failure!.Code);
    }

    private static SymmetricSecurityKey Key(string secret, string keyId) =>
        new(Encoding.UTF8.GetBytes(secret)) { KeyId = keyId, CryptoProviderFactory = new CryptoProviderFactory { CustomCryptoProvider = new PlatformAesGcm() } };

    /// <summary>IdentityModel's crypto provider hook, answering A256GCM with the BCL's AES-GCM.</summary>
    private sealed class PlatformAesGcm : ICryptoProvider
    {
        public bool IsSupportedAlgorithm(string algorithm, params object[] args) => algorithm == SecurityAlgorithms.Aes256Gcm;

        public object Create(string algorithm, params object[] args) => new Provider((SymmetricSecurityKey)args[0], algorithm);

        public void Release(object cryptoInstance) => (cryptoInstance as IDisposable)?.Dispose();

        private sealed class Provider(SymmetricSecurityKey key, string algorithm) : AuthenticatedEncryptionProvider(key, algorithm)
        {
            private const int TagBytes = 16;

            public override byte[] Decrypt(byte[] ciphertext, byte[] authenticatedData, byte[] iv, byte[] authenticationTag)
            {
                var plaintext = new byte[ciphertext.Length];
                using var aes = new System.Security.Cryptography.AesGcm(key.Key, TagBytes);
                try
                {
                    aes.Decrypt(iv, ciphertext, authenticationTag, plaintext, authenticatedData);
                }
                catch (System.Security.Cryptography.AuthenticationTagMismatchException e)
                {
                    throw new SecurityTokenDecryptionFailedException("The tag does not match.", e);
                }

                return plaintext;
            }

            public override AuthenticatedEncryptionResult Encrypt(byte[] plaintext, byte[] authenticatedData) =>
                Encrypt(plaintext, authenticatedData, System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

            public override AuthenticatedEncryptionResult Encrypt(byte[] plaintext, byte[] authenticatedData, byte[] iv)
            {
                var ciphertext = new byte[plaintext.Length];
                var tag = new byte[TagBytes];
                using var aes = new System.Security.Cryptography.AesGcm(key.Key, TagBytes);
                aes.Encrypt(iv, plaintext, ciphertext, tag, authenticatedData);
                return new AuthenticatedEncryptionResult(key, ciphertext, iv, tag);
            }
        }
    }
}
