namespace Explo.Domain.Ports;

/// <summary>A stored idempotency key: who used it, for what request, the answer it got, and until when it holds.</summary>
/// <param name="Scope">Whose key it is (an API token's id; the administrator's scope in process).</param>
/// <param name="Key">The key.</param>
/// <param name="Fingerprint">The fingerprint of the request that used it first.</param>
/// <param name="Reply">The answer that request got.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="ExpiresAt">From when it no longer holds: a store may delete it, and a repeat runs as new.</param>
public sealed record IdempotencyRecord(string Scope, string Key, string Fingerprint, IdempotentReply Reply, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
