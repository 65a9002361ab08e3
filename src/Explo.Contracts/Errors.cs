using System.Text.Json.Serialization;
using Explo.Domain;

namespace Explo.Contracts;

/// <summary>One broken rule in an error answer: the field, its code and a sentence.</summary>
public sealed class FieldErrorBody
{
    /// <summary>The field concerned, for example <c>customers[3].emails[0]</c>.</summary>
    [JsonPropertyName("field")]
    public string Field { get; set; } = string.Empty;

    /// <summary>The rule's stable code.</summary>
    [JsonPropertyName("error_code")]
    public string ErrorCode { get; set; } = string.Empty;

    /// <summary>What is wrong and how to fix it.</summary>
    [JsonPropertyName("error")]
    public string Error { get; set; } = string.Empty;
}

/// <summary>
/// The fields every failure is written with, in an error answer and in an import row: one sentence per distinct rule
/// broken (<c>error</c>), the first rule's code, and for a validation failure the broken rules (at most
/// <see cref="ErrorResponse.MaxListedErrors"/>) and how many more there are.
/// </summary>
public abstract class FailureBody
{
    /// <summary>One sentence per distinct rule broken.</summary>
    [JsonPropertyName("error")]
    public string Error { get; set; } = string.Empty;

    /// <summary>The (first) rule's stable code.</summary>
    [JsonPropertyName("error_code")]
    public string ErrorCode { get; set; } = string.Empty;

    /// <summary>The broken rules, each naming its field (validation failures only; at most <see cref="ErrorResponse.MaxListedErrors"/>).</summary>
    [JsonPropertyName("errors")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FieldErrorBody>? Errors { get; set; }

    /// <summary>How many broken rules were found beyond <see cref="Errors"/>; absent when none.</summary>
    [JsonPropertyName("more_errors")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long MoreErrors { get; set; }

    /// <summary>The failure these fields describe, given its kind.</summary>
    /// <param name="kind">The failure's kind (see <see cref="ErrorKinds"/>).</param>
    /// <returns>The failure.</returns>
    public Failure ToFailure(string kind) => kind switch
    {
        ErrorKinds.NotFound => new NotFound(ErrorCode, Error),
        ErrorKinds.Conflict => new Conflict(ErrorCode, Error),
        ErrorKinds.Forbidden => new Forbidden(ErrorCode, Error),
        ErrorKinds.Unauthorized => new Unauthorized(ErrorCode, Error),
        _ when Errors is { Count: > 0 } => new ValidationFailed(Errors.Select(e => new Violation(e.ErrorCode, e.Field, e.Error)).ToList()) { MoreViolations = MoreErrors },
        _ => new ValidationFailed(ErrorCode, "body", Error),
    };

    /// <summary>Sets the fields from a failure (a validation failure lists its violations, bounded).</summary>
    /// <typeparam name="T">The body's type.</typeparam>
    /// <param name="body">The body.</param>
    /// <param name="failure">The failure.</param>
    /// <returns><paramref name="body"/>.</returns>
    protected static T Fill<T>(T body, Failure failure)
        where T : FailureBody
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(failure);
        body.Error = failure.Message;
        body.ErrorCode = failure.Code;
        if (failure is ValidationFailed { Violations.Count: > 0 } validation)
        {
            body.Errors = validation.Violations.Take(ErrorResponse.MaxListedErrors)
                .Select(v => new FieldErrorBody { Field = v.Field, ErrorCode = v.Code, Error = v.Message })
                .ToList();
            body.MoreErrors = Math.Max(0, validation.Violations.Count - ErrorResponse.MaxListedErrors) + validation.MoreViolations;
        }

        return body;
    }
}

/// <summary>Every error answer: <c>success: 0</c> and the failure's fields (<see cref="FailureBody"/>).</summary>
public sealed class ErrorResponse : FailureBody
{
    /// <summary>Most entries <c>errors</c> lists; <c>more_errors</c> counts the rest.</summary>
    public const int MaxListedErrors = 100;

    /// <summary>Always 0 on an error.</summary>
    [JsonPropertyName("success")]
    [JsonPropertyOrder(-1)]
    public int Success { get; set; }

    /// <summary>The answer of a code and a message alone.</summary>
    /// <param name="code">The code.</param>
    /// <param name="message">The message.</param>
    /// <returns>The body.</returns>
    public static ErrorResponse Of(string code, string message) => new() { ErrorCode = code, Error = message };

    /// <summary>The answer of a failure (a validation failure lists its violations, bounded).</summary>
    /// <param name="failure">The failure.</param>
    /// <returns>The body.</returns>
    public static ErrorResponse From(Failure failure) => Fill(new ErrorResponse(), failure);
}

/// <summary>One failed row of a bulk import: its index, its provided id, the kind of failure and the failure's fields.</summary>
public sealed class ImportRowErrorBody : FailureBody
{
    /// <summary>The row's index in <c>customers</c> (from 0).</summary>
    [JsonPropertyName("row")]
    [JsonPropertyOrder(-3)]
    public int Row { get; set; }

    /// <summary>The row's provided id as sent.</summary>
    [JsonPropertyName("provided_id")]
    [JsonPropertyOrder(-2)]
    public string ProvidedId { get; set; } = string.Empty;

    /// <summary>The kind of failure, in snake_case: see <see cref="ErrorKinds"/>.</summary>
    [JsonPropertyName("error_kind")]
    [JsonPropertyOrder(-1)]
    public string ErrorKind { get; set; } = ErrorKinds.ValidationFailed;

    /// <summary>The wire shape of a failed row.</summary>
    /// <param name="error">The row's error.</param>
    /// <returns>The body.</returns>
    public static ImportRowErrorBody From(ImportRowError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var body = Fill(new ImportRowErrorBody(), error.Failure);
        body.Row = error.Row;
        body.ProvidedId = error.ProvidedId;
        body.ErrorKind = ErrorKinds.Of(error.Failure);
        return body;
    }

    /// <summary>The core's value of this row's error.</summary>
    /// <returns>The row error.</returns>
    public ImportRowError ToRowError() => new(Row, ProvidedId, ToFailure(ErrorKind));
}

/// <summary>
/// The stable snake_case names of the kinds of failure, as import rows carry them in <c>error_kind</c> (never a .NET
/// type name, so renaming a class can't change the wire).
/// </summary>
public static class ErrorKinds
{
    /// <summary>The request broke one or more rules.</summary>
    public const string ValidationFailed = "validation_failed";

    /// <summary>Something the request names does not exist (or is not visible).</summary>
    public const string NotFound = "not_found";

    /// <summary>The request conflicts with the current state.</summary>
    public const string Conflict = "conflict";

    /// <summary>The caller may not do this.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The caller is not authenticated.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The kind of a failure.</summary>
    /// <param name="failure">The failure.</param>
    /// <returns>Its kind's wire name.</returns>
    public static string Of(Failure failure) => failure switch
    {
        Domain.NotFound => NotFound,
        Domain.Conflict => Conflict,
        Domain.Forbidden => Forbidden,
        Domain.Unauthorized => Unauthorized,
        _ => ValidationFailed,
    };
}
