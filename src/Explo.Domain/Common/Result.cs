using OneOf;

namespace Explo.Domain;

/// <summary>
/// The outcome of a use case: the success value or one of the business failures.
/// A named <see cref="OneOfBase{T0,T1,T2,T3,T4,T5}"/>: use <c>Match</c>/<c>Switch</c>, or
/// <see cref="IsSuccess"/>, <see cref="SuccessValue"/> and <see cref="Failure"/>.
/// </summary>
/// <typeparam name="T">The success value.</typeparam>
public sealed class Result<T> : OneOfBase<T, ValidationFailed, NotFound, Conflict, Forbidden, Unauthorized>
{
    private Result(OneOf<T, ValidationFailed, NotFound, Conflict, Forbidden, Unauthorized> input)
        : base(input)
    {
    }

    /// <summary>True when the use case succeeded.</summary>
    public bool IsSuccess => IsT0;

    /// <summary>The success value.</summary>
    /// <exception cref="InvalidOperationException">The result is a failure (check <see cref="IsSuccess"/> first).</exception>
    public T SuccessValue => IsT0 ? AsT0 : throw new InvalidOperationException($"The result is a failure: {Failure!.Code}: {Failure.Message}");

    /// <summary>The failure, or null on success.</summary>
    public Failure? Failure => Match<Failure?>(_ => null, f => f, f => f, f => f, f => f, f => f);

    /// <summary>Wraps a success value.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Result<T>(T value) => new(value);

    /// <summary>Wraps a success value (for interface-typed values, which implicit conversions can't take).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The result.</returns>
    public static Result<T> Success(T value) => new(value);

    /// <summary>Wraps a failure.</summary>
    /// <param name="failure">The failure.</param>
    public static implicit operator Result<T>(ValidationFailed failure) => new(failure);

    /// <summary>Wraps a failure.</summary>
    /// <param name="failure">The failure.</param>
    public static implicit operator Result<T>(NotFound failure) => new(failure);

    /// <summary>Wraps a failure.</summary>
    /// <param name="failure">The failure.</param>
    public static implicit operator Result<T>(Conflict failure) => new(failure);

    /// <summary>Wraps a failure.</summary>
    /// <param name="failure">The failure.</param>
    public static implicit operator Result<T>(Forbidden failure) => new(failure);

    /// <summary>Wraps a failure.</summary>
    /// <param name="failure">The failure.</param>
    public static implicit operator Result<T>(Unauthorized failure) => new(failure);

    /// <summary>Wraps any failure in a result of this type.</summary>
    /// <param name="failure">The failure.</param>
    /// <returns>The result.</returns>
    public static Result<T> Fail(Failure failure) => Guard.NotNull(failure) switch
    {
        ValidationFailed f => f,
        NotFound f => f,
        Conflict f => f,
        Forbidden f => f,
        Unauthorized f => f,
        _ => throw Guard.Unreachable("unknown failure type"),
    };

    /// <summary>Carries this result's failure into a result of another success type.</summary>
    /// <typeparam name="TOther">The other success type.</typeparam>
    /// <param name="map">Maps the success value.</param>
    /// <returns>The mapped result.</returns>
    public Result<TOther> Map<TOther>(Func<T, TOther> map)
    {
        Guard.NotNull(map);
        return IsT0 ? map(AsT0) : Result<TOther>.Fail(Failure!);
    }

    /// <inheritdoc />
    public override string ToString() => IsT0 ? $"Success({AsT0})" : $"Failure({Failure!.Code}: {Failure.Message})";
}

/// <summary>The success value of an operation that returns nothing else.</summary>
public sealed record Done
{
    /// <summary>The one instance.</summary>
    public static Done Instance { get; } = new();

    private Done()
    {
    }
}
