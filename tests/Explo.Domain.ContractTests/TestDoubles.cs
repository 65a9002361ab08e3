using System.Globalization;
using Explo.Domain.Ports;

namespace Explo.Domain.ContractTests;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Deterministic 64-hex tokens: 1, 2, 3, ... left-padded, so tests can predict them and they never collide.</summary>
public sealed class SequentialTokenGenerator : ITokenGenerator
{
    private long _next;

    public string NewToken() => Interlocked.Increment(ref _next).ToString("x64", CultureInfo.InvariantCulture);
}
