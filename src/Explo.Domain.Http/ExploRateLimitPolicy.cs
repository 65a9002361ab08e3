using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Explo.Domain.Http;

/// <summary>
/// The Explo endpoints' rate limit (the framework's rate limiter, with this policy): fixed one-minute windows of
/// <see cref="ExploHttpOptions.RateLimitPerMinute"/> requests, one per valid API token (a hash of its secret is the
/// partition) and one per client address for every request without one (missing, unknown, malformed), so a stream of
/// random tokens meets the limit too. The gate has checked the token by then (<see cref="ExploAccess"/>). A request
/// over the limit gets the API's JSON error, 429 <c>rate_limited</c>, with <c>Retry-After</c>.
/// </summary>
internal sealed class ExploRateLimitPolicy : IRateLimiterPolicy<string>
{
    /// <summary>The policy's name.</summary>
    public const string Name = "explo";

    private static readonly Func<OnRejectedContext, CancellationToken, ValueTask> Rejected = Reject;

    private readonly int? _perMinute;
    private readonly Func<string, FixedWindowRateLimiterOptions> _window;

    public ExploRateLimitPolicy(IOptions<ExploHttpOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _perMinute = options.Value.RateLimitPerMinute;
        var window = new FixedWindowRateLimiterOptions
        {
            PermitLimit = _perMinute ?? 1,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _window = _ => window;
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => Rejected;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        if (_perMinute is null)
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        var access = httpContext.Features.Get<ExploAccess>();
        var key = access is { Authenticated: true, Secret: { } secret } ? TokenKey(secret) : AddressKey(httpContext);
        return RateLimitPartition.GetFixedWindowLimiter(key, _window);
    }

    /// <summary>The partition of a valid API token: a hash of its secret, never the secret itself.</summary>
    private static string TokenKey(string secret) => "token:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>The partition of a request without a valid token: the client's address.</summary>
    private static string AddressKey(HttpContext context) => "address:" + context.Connection.RemoteIpAddress;

    private static async ValueTask Reject(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 60;
        ExploGate.CloseUnreadBody(context);
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var who = context.Features.Get<ExploAccess>() is { Authenticated: true, Secret: not null } ? "this API token" : "this address without a valid API token";
        await JsonOut.Error(context, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, $"Too many requests for {who}; retry after {retryAfter} seconds.");
    }
}
