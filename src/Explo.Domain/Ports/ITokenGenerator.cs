using System.Security.Cryptography;

namespace Explo.Domain.Ports;

/// <summary>The driven port for secrets: customer dashboard tokens and API token secrets.</summary>
public interface ITokenGenerator
{
    /// <summary>A new secret: 64 lowercase hex characters (32 bytes from a CSPRNG in production).</summary>
    /// <returns>The secret.</returns>
    string NewToken();
}

/// <summary>The production token generator: 32 bytes from the operating system's CSPRNG, as lowercase hex.</summary>
public sealed class CryptoTokenGenerator : ITokenGenerator
{
    /// <summary>The shared instance.</summary>
    public static CryptoTokenGenerator Instance { get; } = new();

    /// <inheritdoc />
    public string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
