namespace Explo.Domain;

/// <summary>
/// An embed secret as the workspace keeps it: the key that encrypts the embed tokens of <c>generate_jwt</c>. Unlike an
/// API token's, the secret itself is kept (encrypting needs it); admin listings never show it, and
/// <see cref="ToString"/> hides it.
/// </summary>
/// <param name="KeyId">The key's id (a UUID), named by the tokens' <c>kid</c> header and by <c>key_id</c>.</param>
/// <param name="Secret">32 ASCII characters: their UTF-8 bytes are the AES-256 key.</param>
/// <param name="Label">A free-text label for people.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked; null while it is live.</param>
[Entity]
public sealed record EmbedSecret(string KeyId, string Secret, string Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>The length of a secret, in characters (each one byte of the key).</summary>
    public const int SecretLength = 32;

    /// <summary>True while the secret has not been revoked.</summary>
    public bool IsLive => RevokedAt is null;

    /// <inheritdoc />
    public override string ToString() => $"EmbedSecret {{ KeyId = {KeyId}, Secret = ***, Label = {Label}, CreatedAt = {CreatedAt:O}, RevokedAt = {RevokedAt:O} }}";
}
