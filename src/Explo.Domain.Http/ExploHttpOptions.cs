namespace Explo.Domain.Http;

/// <summary>Options of the Explo-compatible endpoints.</summary>
public sealed class ExploHttpOptions
{
    /// <summary>The limits (request body, JSON depth, page size, ...); the service's own limits should match.</summary>
    public ExploLimits Limits { get; set; } = ExploLimits.Default;

    /// <summary>Requests per minute allowed per API token; null (the default) turns rate limiting off.</summary>
    public int? RateLimitPerMinute { get; set; }
}
