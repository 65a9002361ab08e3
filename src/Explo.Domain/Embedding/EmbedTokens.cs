using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Explo.Domain;

/// <summary>
/// Embed tokens in Explo's format: a JWE in compact form, <c>alg</c> <c>dir</c> (the embed secret's UTF-8 bytes are the
/// key), <c>enc</c> <c>A256GCM</c> (a 96-bit random IV, a 128-bit tag, the additional data the ASCII of the encoded
/// protected header), the encrypted-key part empty, the plaintext the claims as JSON. Built on the BCL's
/// <see cref="AesGcm"/>; no third-party crypto.
/// </summary>
internal static class EmbedTokens
{
    /// <summary>The report-builder features <c>rbc</c> may name (<c>*</c> for all).</summary>
    public static readonly IReadOnlySet<string> Features = new HashSet<string>(["*", "flt", "srt", "core", "crt-view", "fork"], StringComparer.Ordinal);

    private const int IvBytes = 12;
    private const int TagBytes = 16;
    private const int KeyBytes = 32;

    /// <summary>Encrypts the claims with a secret, under its key id.</summary>
    public static string Encrypt(EmbedTokenClaims claims, string secret)
    {
        var header = Base64Url(Json(writer =>
        {
            writer.WriteString("alg", "dir");
            writer.WriteString("enc", "A256GCM");
            writer.WriteString("kid", claims.KeyId);
        }));
        var plaintext = Json(writer => WriteClaims(writer, claims));
        var iv = RandomNumberGenerator.GetBytes(IvBytes);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagBytes];
        using (var aes = new AesGcm(Key(secret), TagBytes))
        {
            aes.Encrypt(iv, plaintext, ciphertext, tag, Encoding.ASCII.GetBytes(header));
        }

        return $"{header}..{Base64Url(iv)}.{Base64Url(ciphertext)}.{Base64Url(tag)}";
    }

    /// <summary>The key id a token's header names, or null when the token is not a JWE of this format.</summary>
    public static string? KeyIdOf(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 5 || parts[1].Length != 0 || FromBase64Url(parts[0]) is not { } header)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(header);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && Text(root, "alg") == "dir" && Text(root, "enc") == "A256GCM" && Text(root, "kid") is { Length: > 0 } kid
                ? kid
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Decrypts a token with a secret: its claims, or null when it was not encrypted with it, or was altered.</summary>
    public static EmbedTokenClaims? Decrypt(string token, string keyId, string secret)
    {
        var parts = token.Split('.');
        if (parts.Length != 5 || FromBase64Url(parts[2]) is not { Length: IvBytes } iv || FromBase64Url(parts[3]) is not { } ciphertext
            || FromBase64Url(parts[4]) is not { Length: TagBytes } tag)
        {
            return null;
        }

        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(Key(secret), TagBytes);
            aes.Decrypt(iv, ciphertext, tag, plaintext, Encoding.ASCII.GetBytes(parts[0]));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(plaintext);
            return ReadClaims(document.RootElement, keyId);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses an ISO-8601 duration of days, hours, minutes and seconds (<c>P1D</c>, <c>PT1H30M</c>, <c>PT0.5S</c>);
    /// null when the text is not one. Years and months are refused: their length depends on the date.
    /// </summary>
    public static TimeSpan? ParseDuration(string text)
    {
        if (text.Length is 0 or > 64 || text[0] != 'P')
        {
            return null;
        }

        // Y and M before the T are years and months (after it, M is minutes).
        var date = text.IndexOf('T') is var t and >= 0 ? text[1..t] : text[1..];
        if (date.Contains('Y', StringComparison.Ordinal) || date.Contains('M', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return System.Xml.XmlConvert.ToTimeSpan(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return null;
        }
    }

    private static byte[] Key(string secret)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        Guard.That(key.Length == KeyBytes, "An embed secret is 32 bytes of UTF-8");
        return key;
    }

    private static void WriteClaims(Utf8JsonWriter writer, EmbedTokenClaims claims)
    {
        writer.WriteString("cst", claims.ProvidedId);
        writer.WriteString("dsh", claims.EmbedId);
        writer.WriteNumber("iat", claims.IssuedAt.ToUnixTimeSeconds());
        writer.WriteNumber("exp", claims.ExpiresAt.ToUnixTimeSeconds());
        if (claims.RbAllowedFeatures is { } features)
        {
            writer.WriteStartArray("rbc");
            foreach (var feature in features)
            {
                writer.WriteStringValue(feature);
            }

            writer.WriteEndArray();
        }

        if (claims.DisableEditableSectionEditing is { } disable)
        {
            writer.WriteBoolean("des", disable);
        }

        if (claims.EmbedOrigin is { } origin)
        {
            writer.WriteString("iss", origin);
        }

        if (claims.ChartId is { } chart)
        {
            writer.WriteString("cht", chart);
        }
    }

    private static EmbedTokenClaims? ReadClaims(JsonElement root, string keyId)
    {
        if (root.ValueKind != JsonValueKind.Object || Text(root, "cst") is not { } providedId || Text(root, "dsh") is not { } embedId
            || Seconds(root, "iat") is not { } issued || Seconds(root, "exp") is not { } expires)
        {
            return null;
        }

        List<string>? features = null;
        if (root.TryGetProperty("rbc", out var rbc))
        {
            if (rbc.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            features = [];
            foreach (var feature in rbc.EnumerateArray())
            {
                if (feature.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                features.Add(feature.GetString()!);
            }
        }

        bool? disable = root.TryGetProperty("des", out var des) ? des.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : null;
        return new EmbedTokenClaims(keyId, providedId, embedId, issued, expires)
        {
            RbAllowedFeatures = features,
            DisableEditableSectionEditing = disable,
            EmbedOrigin = Text(root, "iss"),
            ChartId = Text(root, "cht"),
        };
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Seconds(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            && seconds is >= 0 and <= 253_402_300_799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static byte[]? FromBase64Url(string text)
    {
        try
        {
            return System.Buffers.Text.Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Whole seconds since the epoch, as the claims carry them.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    /// <summary>A duration for a message.</summary>
    public static string Describe(TimeSpan span) => span.TotalDays >= 1 && span.TotalDays % 1 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"P{span.TotalDays:0}D")
        : System.Xml.XmlConvert.ToString(span);
}
