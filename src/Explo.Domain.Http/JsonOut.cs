using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Explo.Contracts;
using Microsoft.AspNetCore.Http;

namespace Explo.Domain.Http;

/// <summary>
/// Writes the API's answers: the contract's shapes serialized with <see cref="ExploJson.Context"/>. A small answer is
/// serialized into a per-thread buffer first, so it goes out with its Content-Length; a list or an import result is
/// streamed as it is serialized.
/// </summary>
internal static class JsonOut
{
    /// <summary>The Content-Type of every answer.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>A per-thread buffer larger than this is dropped after use rather than kept.</summary>
    private const int MaxKeptBuffer = 256 * 1024;

    /// <summary>The writer's options: those of the wire (non-ASCII text as itself), which a given writer must carry.</summary>
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = ExploJson.Options.Encoder,
        MaxDepth = ExploJson.MaxDepth,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes a whole answer with its Content-Length.</summary>
    public static Task Write<T>(HttpContext context, int status, T value, JsonTypeInfo<T> shape)
    {
        // Serialized and copied to the connection's buffer before anything awaits, so the buffer is free again for
        // the next answer on this thread.
        var buffer = Serialize(value, shape);
        var task = Write(context, status, buffer.WrittenSpan);
        Release(buffer);
        return task;
    }

    /// <summary>An answer's bytes, exactly as <see cref="Write{T}"/> writes them (for an answer kept to be given again).</summary>
    public static byte[] Bytes<T>(T value, JsonTypeInfo<T> shape)
    {
        var buffer = Serialize(value, shape);
        var bytes = buffer.WrittenSpan.ToArray();
        Release(buffer);
        return bytes;
    }

    /// <summary>Writes an answer's bytes with its Content-Length.</summary>
    public static Task Write(HttpContext context, int status, ReadOnlySpan<byte> body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        response.BodyWriter.Write(body);
        var flush = response.BodyWriter.FlushAsync(context.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    private static ArrayBufferWriter<byte> Serialize<T>(T value, JsonTypeInfo<T> shape)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        JsonSerializer.Serialize(writer, value, shape);
        return buffer;
    }

    private static void Release(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > MaxKeptBuffer)
        {
            t_buffer = null;
            t_writer = null;
        }
    }

    /// <summary>A success answer written whole.</summary>
    public static Task Success<T>(HttpContext context, T value, JsonTypeInfo<T> shape) => Write(context, StatusCodes.Status200OK, value, shape);

    /// <summary>
    /// Writes a success answer straight to the connection as it is serialized: the serializer enumerates the lazy
    /// sequences of <paramref name="value"/> (the customers of a list, the failed rows of an import) one item at a
    /// time, hands what it has written to the connection every few KiB and waits while the client is slow to read
    /// (back-pressure), so an answer of any size holds about one item in memory.
    /// </summary>
    public static Task Stream<T>(HttpContext context, T value, JsonTypeInfo<T> shape)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ContentType;
        return JsonSerializer.SerializeAsync(context.Response.BodyWriter, value, shape, context.RequestAborted);
    }

    /// <summary>An error answer of a code and a sentence.</summary>
    public static Task Error(HttpContext context, int status, string code, string message) =>
        Write(context, status, ErrorResponse.Of(code, message), ExploJson.Context.ErrorResponse);

    /// <summary>The answer of a body the hardening layer refused; a problem of one field (a repeated key) lists it in <c>errors</c>.</summary>
    public static Task Rejected(HttpContext context, JsonIn.Rejection rejection) => Write(
        context,
        rejection.Status,
        rejection.Violation is { } violation ? ErrorResponse.From(new ValidationFailed([violation])) : ErrorResponse.Of(rejection.Code, rejection.Message),
        ExploJson.Context.ErrorResponse);

    /// <summary>The answer of a failure: its status (<see cref="StatusOf(Failure)"/>), and its body (a validation failure lists its violations, bounded).</summary>
    public static Task Failure(HttpContext context, Failure failure) =>
        Write(context, StatusOf(failure), ErrorResponse.From(failure), ExploJson.Context.ErrorResponse);

    /// <summary>
    /// The HTTP status of a failure: that of its kind, except two conflicts HTTP has statuses of its own for: a stale
    /// expected version (<c>precondition_failed</c>), 412 as a failed <c>If-Match</c>, and an idempotency key used for
    /// another request (<c>idempotency_key_reused</c>), 422.
    /// </summary>
    /// <param name="failure">The failure.</param>
    /// <returns>The status.</returns>
    public static int StatusOf(Failure failure) => failure switch
    {
        Conflict { Code: ErrorCodes.PreconditionFailed } => StatusCodes.Status412PreconditionFailed,
        Conflict { Code: ErrorCodes.IdempotencyKeyReused } => StatusCodes.Status422UnprocessableEntity,
        _ => StatusOf(failure.Kind),
    };

    // The table has an arm for every kind and no discard, so a new FailureKind fails the build here (CS8509, an error
    // with warnings as errors) until it gets its status. CS8524 is about values outside the enum's named members
    // ((FailureKind)42), which no failure can have: it is the one warning switched off, for this table only.
#pragma warning disable CS8524

    /// <summary>The HTTP status of each kind of failure.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The status.</returns>
    public static int StatusOf(FailureKind kind) => kind switch
    {
        FailureKind.Validation => StatusCodes.Status400BadRequest,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        FailureKind.Forbidden => StatusCodes.Status403Forbidden,
        FailureKind.Unauthorized => StatusCodes.Status401Unauthorized,
    };
#pragma warning restore CS8524
}
