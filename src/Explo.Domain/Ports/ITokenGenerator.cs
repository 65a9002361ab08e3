using System.Security.Cryptography;

namespace Explo.Domain.Ports;

/// <summary>The driven port for secrets: customer dashboard tokens and API token secrets.</summary>
public interface ITokenGenerator
{
    /// <summary>A new secret: 64 lowercase hex characters (32 bytes from a CSPRNG in production).</summary>
    /// <returns>The secret.</returns>
    string NewToken();

    /// <summary>
    /// A new embed secret: <see cref="EmbedSecret.SecretLength"/> letters and digits from a CSPRNG (about 190 bits), whose
    /// UTF-8 bytes are a 32-byte AES-256 key.
    /// </summary>
    /// <returns>The secret.</returns>
    string NewEmbedSecret() => RandomNumberGenerator.GetString(EmbedSecretAlphabet, EmbedSecret.SecretLength);

    /// <summary>A new embed secret's key id: a random UUID, in its 36-character form.</summary>
    /// <returns>The key id.</returns>
    string NewKeyId() => Guid.NewGuid().ToString("D");

    /// <summary>The characters of an embed secret.</summary>
    private const string EmbedSecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
}

/// <summary>The production token generator: 32 bytes from the operating system's CSPRNG, as lowercase hex.</summary>
public sealed class CryptoTokenGenerator : ITokenGenerator
{
    /// <summary>The shared instance.</summary>
    public static CryptoTokenGenerator Instance { get; } = new();

    /// <inheritdoc />
    public string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
