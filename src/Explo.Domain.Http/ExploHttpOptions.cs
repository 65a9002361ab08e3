namespace Explo.Domain.Http;

/// <summary>Options of the Explo-compatible endpoints.</summary>
public sealed class ExploHttpOptions
{
    /// <summary>The limits (request body, JSON depth, page size, ...); the service's own limits should match.</summary>
    public ExploLimits Limits { get; set; } = ExploLimits.Default;

    /// <summary>
    /// Largest total size of a request's headers (names and values), in bytes (32 KiB, Kestrel's own default). The
    /// endpoints answer a larger request with the API's JSON error (431); a host should set Kestrel's own limit
    /// (<c>KestrelServerLimits.MaxRequestHeadersTotalSize</c>) above this, since Kestrel's own rejection has no body.
    /// </summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// How long a request waits for another one of its token with the same <c>Idempotency-Key</c> that is still running
    /// on this server (then it gets that one's answer) before it is answered 409 <c>idempotency_key_in_use</c>; 30
    /// seconds by default.
    /// </summary>
    public TimeSpan IdempotencyWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests per minute allowed per API token; null (the default) turns rate limiting off.</summary>
    public int? RateLimitPerMinute { get; set; }
}
