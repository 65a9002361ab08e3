using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Explo.Contracts;
using Microsoft.AspNetCore.Http;

namespace Explo.Domain.Http;

/// <summary>
/// <c>Idempotency-Key</c> at the HTTP edge: the key read and checked, the request's fingerprint (its method, path and
/// body), the answer rendered as bytes so the store keeps exactly what the first request was answered, and a replay
/// written back with <c>Idempotent-Replayed: true</c>.
/// </summary>
internal static class IdempotentRequests
{
    /// <summary>The header that marks an answer given again from the store.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The request's idempotency key: null without one, or a failure when the header is malformed or repeated.</summary>
    public static (string? Key, ValidationFailed? Invalid) KeyOf(HttpContext context)
    {
        var values = context.Request.Headers[FieldNames.IdempotencyKey];
        if (values.Count == 0)
        {
            return (null, null);
        }

        if (values.Count > 1)
        {
            return (null, new ValidationFailed(ErrorCodes.InvalidIdempotencyKey, FieldNames.IdempotencyKey, $"{FieldNames.IdempotencyKey} is given {values.Count} times; give it once."));
        }

        var key = values[0] ?? string.Empty;
        return IdempotentRequest.Check(key) is { } invalid ? (null, invalid) : (key, null);
    }

    /// <summary>The fingerprint of a request: SHA-256 of its method, path and body text, so any other request differs.</summary>
    public static string Fingerprint(HttpContext context, JsonElement body)
    {
        var text = $"{context.Request.Method} {context.Request.Path.Value}\n{body.GetRawText()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>A result as the endpoint answers it: its status, body bytes and (for one customer) its ETag.</summary>
    public static IdempotentReply Render<TResult, TAnswer>(Result<TResult> result, Func<TResult, TAnswer> answer, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TAnswer> shape, Func<TResult, long>? version) =>
        result.Match(
            value => new IdempotentReply(StatusCodes.Status200OK, JsonOut.Bytes(answer(value), shape), version is null ? null : EntityTags.Of(version(value))),
            failure => new IdempotentReply(JsonOut.StatusOf(failure), JsonOut.Bytes(ErrorResponse.From(failure), ExploJson.Context.ErrorResponse), null));

    /// <summary>Writes a reply: this request's own, or a stored one given again (marked so).</summary>
    public static Task Write(HttpContext context, IdempotentReply reply)
    {
        if (reply.Tag is { } tag)
        {
            context.Response.Headers.ETag = tag;
        }

        if (reply.Replayed)
        {
            context.Response.Headers[ReplayedHeader] = "true";
        }

        return JsonOut.Write(context, reply.Status, reply.Body);
    }
}

/// <summary>
/// The idempotency keys this server is running requests for: a second request with a key in flight waits for the first
/// (and then gets its stored answer), for at most <see cref="ExploHttpOptions.IdempotencyWait"/>; after that it is
/// answered 409 <c>idempotency_key_in_use</c>. Across servers on one database, the store's serialised writers give the
/// later request the stored answer.
/// </summary>
internal sealed class IdempotencyGate
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits until no request of this caller runs with the key, then marks it running; the returned handle ends it.
    /// Null when another one still runs after <paramref name="wait"/>.
    /// </summary>
    public async Task<IDisposable?> Enter(Caller caller, string key, TimeSpan wait, CancellationToken cancellationToken)
    {
        // The caller's secret (never stored or shown) tells one token's keys from another's.
        var name = $"{(caller.IsAdministrator ? "admin" : caller.Secret)}\n{key}";
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deadline = DateTime.UtcNow + wait;
        while (!_running.TryAdd(name, done.Task))
        {
            if (_running.TryGetValue(name, out var running))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return null;
                }

                try
                {
                    // Its timer goes when the wait ends, whichever way.
                    await running.WaitAsync(left, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    return null;
                }
            }
        }

        return new Running(this, name, done);
    }

    private sealed class Running(IdempotencyGate gate, string name, TaskCompletionSource done) : IDisposable
    {
        public void Dispose()
        {
            gate._running.TryRemove(new KeyValuePair<string, Task>(name, done.Task));
            done.TrySetResult();
        }
    }
}
