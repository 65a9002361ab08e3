namespace Explo.Domain;

/// <summary>
/// A write's idempotency key as a host's edge passes it (over HTTP, the <c>Idempotency-Key</c> header), with the
/// fingerprint of the request it came with (over HTTP, a hash of the method, path and body).
/// </summary>
/// <param name="Key">The key: 1 to 255 printable ASCII characters (space to <c>~</c>), no space at either end.</param>
/// <param name="Fingerprint">What identifies the request (the same request, the same fingerprint); compared exactly.</param>
public sealed record IdempotentRequest(string Key, string Fingerprint)
{
    /// <summary>Longest key (255 characters).</summary>
    public const int MaxKeyLength = 255;

    /// <summary>Why a key can't be used, or null when it can.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The failure naming the field, or null.</returns>
    public static ValidationFailed? Check(string? key)
    {
        var problem = key switch
        {
            null or "" => "is empty",
            { Length: > MaxKeyLength } => $"is {key.Length} characters long, over {MaxKeyLength}",
            _ when key.Any(c => c is < ' ' or > '~') => "has a character that is not printable ASCII",
            _ when key[0] == ' ' || key[^1] == ' ' => "starts or ends with a space",
            _ => null,
        };
        return problem is null
            ? null
            : new ValidationFailed(ErrorCodes.InvalidIdempotencyKey, FieldNames.IdempotencyKey, $"{FieldNames.IdempotencyKey} {problem}; it must be 1 to {MaxKeyLength} printable ASCII characters.");
    }
}

/// <summary>
/// A write's answer as its edge renders it and the store keeps it with the change (over HTTP, the status, the body's
/// bytes and the <c>ETag</c>), so a repeat of the request gets it again, exactly.
/// </summary>
/// <param name="Status">The status (an HTTP status for the HTTP edge).</param>
/// <param name="Body">The body's bytes.</param>
/// <param name="Tag">An entity tag to repeat with it (the HTTP <c>ETag</c>), or null.</param>
public sealed record IdempotentReply(int Status, byte[] Body, string? Tag)
{
    /// <summary>True when this is the stored answer of an earlier request with the key, not this request's own.</summary>
    public bool Replayed { get; init; }
}

/// <summary>
/// Runs writes under an idempotency key (implemented by <see cref="ExploService"/>): the first request with a key runs
/// as usual, and its rendered answer is stored with its change, in the same transaction; a repeat with the same key and
/// the same fingerprint, from the same caller, gets that answer and changes nothing; the same key with another
/// fingerprint is a <see cref="Conflict"/> <c>idempotency_key_reused</c>. Keys expire after
/// <see cref="ExploLimits.IdempotencyKeyLifetime"/>. A failed write stores nothing (it changed nothing), so its repeat
/// runs again.
/// </summary>
public interface IIdempotentWrites
{
    /// <summary>Runs one write under an idempotency key.</summary>
    /// <typeparam name="T">The write's result.</typeparam>
    /// <param name="caller">The caller; keys are kept per API token (per administrator scope in process).</param>
    /// <param name="request">The key and the request's fingerprint.</param>
    /// <param name="write">
    /// The write: one call of this service's write methods, made with the caller it is given, whose result it returns as
    /// is (on a repeat, the call changes nothing and its result is not the answer).
    /// </param>
    /// <param name="reply">Renders a result as the edge answers it; for a success, called once, inside the unit of work.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The answer: this request's own, or (<see cref="IdempotentReply.Replayed"/>) the stored one.</returns>
    Task<IdempotentReply> RunIdempotentAsync<T>(Caller caller, IdempotentRequest request, Func<Caller, CancellationToken, Task<Result<T>>> write, Func<Result<T>, IdempotentReply> reply, CancellationToken cancellationToken = default);
}

/// <summary>
/// One idempotent request in flight, carried by its <see cref="Caller"/> to the units of work it runs: what they check
/// and store, and what the last run of each found. A unit may run more than once; each run starts from <see cref="Reset"/>.
/// </summary>
internal sealed class IdempotencyContext(IdempotentRequest request, Func<object, IdempotentReply> render)
{
    /// <summary>What a unit that found its key answers instead of running; the runner answers the stored reply.</summary>
    public static readonly Conflict ReplayMarker = new(ErrorCodes.IdempotentReplay, "The request was answered before; its stored answer is replayed.");

    public IdempotentRequest Request { get; } = request;

    /// <summary>Whether the next unit looks the key up (the first unit of the request).</summary>
    public bool Checks { get; set; } = true;

    /// <summary>Whether the next unit stores the answer with its change (the last unit of the request).</summary>
    public bool Stores { get; set; } = true;

    /// <summary>Turns a unit's result into the request's (an import's last batch into the import's result); identity by default.</summary>
    public Func<object, object>? Final { get; set; }

    /// <summary>The stored answer the last run found, or null.</summary>
    public IdempotentReply? Replayed { get; set; }

    /// <summary>The answer the last run stored with its change, or null.</summary>
    public IdempotentReply? Stored { get; set; }

    public void Reset()
    {
        Replayed = null;
        Stored = null;
    }

    public IdempotentReply Render(object unitResult) => render(Final is { } final ? final(unitResult) : unitResult);
}
