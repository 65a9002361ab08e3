using System.Security.Cryptography;
using System.Text;

namespace Explo.Domain;

/// <summary>
/// An API token as the workspace keeps it: only the SHA-256 hash of the secret, its DVG, and whether it can write.
/// The secret itself is shown once, at creation.
/// </summary>
/// <param name="Id">The identity.</param>
/// <param name="SecretHash">Lowercase hex SHA-256 of the secret.</param>
/// <param name="AccessGroupId">The DVG the token sees and writes.</param>
/// <param name="ReadOnly">True when the token may only read.</param>
/// <param name="Label">A free-text label for people.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked; null while valid.</param>
[Entity]
public sealed record ApiToken(
    ApiTokenId Id,
    string SecretHash,
    AccessGroupId AccessGroupId,
    bool ReadOnly,
    string Label,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt)
{
    /// <summary>True while the token has not been revoked.</summary>
    public bool IsActive => RevokedAt is null;

    /// <summary>The hash under which a secret is stored.</summary>
    /// <param name="secret">The secret.</param>
    /// <returns>Lowercase hex SHA-256 of the UTF-8 secret.</returns>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Guard.NotNull(secret))));

    /// <summary>Compares this token's hash with a secret's hash in constant time.</summary>
    /// <param name="secretHash">The hash of the presented secret.</param>
    /// <returns>True on a match.</returns>
    public bool Matches(string secretHash) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(SecretHash),
            Encoding.ASCII.GetBytes(Guard.NotNull(secretHash)));
}
