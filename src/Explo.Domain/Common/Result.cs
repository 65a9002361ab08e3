using System.Diagnostics.CodeAnalysis;
using OneOf;

namespace Explo.Domain;

/// <summary>
/// The outcome of a use case: the success value or a business failure (<see cref="ValidationFailed"/>,
/// <see cref="NotFound"/>, <see cref="Conflict"/>, <see cref="Forbidden"/>, <see cref="Unauthorized"/>, each a record
/// to pattern-match on, each with its <see cref="Explo.Domain.Failure.Kind"/>, code and message).
/// <para>
/// Read it with <see cref="Match{TOut}(Func{T, TOut}, Func{Explo.Domain.Failure, TOut})"/> (one function for the value,
/// one for any failure), chain the next step with <see cref="Then{TOut}(Func{T, Result{TOut}})"/> or
/// <see cref="ThenAsync{TOut}(Func{T, Task{Result{TOut}}})"/>, fall back with <see cref="Else(T)"/>, or test
/// <see cref="IsSuccess"/>, after which <see cref="Value"/> (or, when false, <see cref="Failure"/>) needs no <c>!</c>.
/// </para>
/// </summary>
/// <typeparam name="T">The success value.</typeparam>
public sealed class Result<T> : OneOfBase<T, ValidationFailed, NotFound, Conflict, Forbidden, Unauthorized>
{
    private Result(OneOf<T, ValidationFailed, NotFound, Conflict, Forbidden, Unauthorized> input)
        : base(input)
    {
    }

    /// <summary>True when the use case succeeded: then <see cref="Value"/> is set, otherwise <see cref="Failure"/> is.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => IsT0;

    /// <summary>The success value; <c>default</c> when the result is a failure (check <see cref="IsSuccess"/>, or use <c>Match</c>).</summary>
    public new T? Value => IsT0 ? AsT0 : default;

    /// <summary>The success value, or an exception for a failure: for code that has already checked <see cref="IsSuccess"/> or means to fail loudly.</summary>
    /// <exception cref="InvalidOperationException">The result is a failure.</exception>
    public T SuccessValue => IsSuccess ? Value : throw new InvalidOperationException($"The result is a failure: {Failure.Code}: {Failure.Message}");

    /// <summary>The failure, or null on success.</summary>
    public Failure? Failure => IsT0 ? null : (Failure)base.Value;

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

    /// <summary>One function for the success value, one for any failure (switch on <see cref="Explo.Domain.Failure.Kind"/> or its type there).</summary>
    /// <typeparam name="TOut">What both return.</typeparam>
    /// <param name="onSuccess">Called with the value.</param>
    /// <param name="onFailure">Called with the failure.</param>
    /// <returns>What the function called returned.</returns>
    public TOut Match<TOut>(Func<T, TOut> onSuccess, Func<Failure, TOut> onFailure)
    {
        Guard.NotNull(onSuccess);
        Guard.NotNull(onFailure);
        return IsSuccess ? onSuccess(Value) : onFailure(Failure);
    }

    /// <summary>The asynchronous twin of <see cref="Match{TOut}(Func{T, TOut}, Func{Explo.Domain.Failure, TOut})"/>.</summary>
    /// <typeparam name="TOut">What both return.</typeparam>
    /// <param name="onSuccess">Called with the value.</param>
    /// <param name="onFailure">Called with the failure.</param>
    /// <returns>What the function called returned.</returns>
    public Task<TOut> MatchAsync<TOut>(Func<T, Task<TOut>> onSuccess, Func<Failure, Task<TOut>> onFailure)
    {
        Guard.NotNull(onSuccess);
        Guard.NotNull(onFailure);
        return IsSuccess ? onSuccess(Value) : onFailure(Failure);
    }

    /// <summary>The next step, run on the value; a failure passes through unchanged (and the step is not run).</summary>
    /// <typeparam name="TOut">The next step's success value.</typeparam>
    /// <param name="next">The next step.</param>
    /// <returns>The next step's result, or this failure.</returns>
    public Result<TOut> Then<TOut>(Func<T, Result<TOut>> next)
    {
        Guard.NotNull(next);
        return IsSuccess ? next(Value) : Result<TOut>.Fail(Failure);
    }

    /// <summary>The asynchronous twin of <see cref="Then{TOut}(Func{T, Result{TOut}})"/>.</summary>
    /// <typeparam name="TOut">The next step's success value.</typeparam>
    /// <param name="next">The next step.</param>
    /// <returns>The next step's result, or this failure.</returns>
    public Task<Result<TOut>> ThenAsync<TOut>(Func<T, Task<Result<TOut>>> next)
    {
        Guard.NotNull(next);
        return IsSuccess ? next(Value) : Task.FromResult(Result<TOut>.Fail(Failure));
    }

    /// <summary>Maps the success value; a failure passes through unchanged.</summary>
    /// <typeparam name="TOther">The other success type.</typeparam>
    /// <param name="map">Maps the success value.</param>
    /// <returns>The mapped result.</returns>
    public Result<TOther> Map<TOther>(Func<T, TOther> map)
    {
        Guard.NotNull(map);
        return IsSuccess ? map(Value) : Result<TOther>.Fail(Failure);
    }

    /// <summary>The value, or <paramref name="fallback"/> for a failure.</summary>
    /// <param name="fallback">The value to use instead of a failure.</param>
    /// <returns>The value or the fallback.</returns>
    public T Else(T fallback) => IsSuccess ? Value : fallback;

    /// <summary>The value, or what <paramref name="fallback"/> makes of the failure.</summary>
    /// <param name="fallback">Makes a value from the failure.</param>
    /// <returns>The value or the fallback's.</returns>
    public T Else(Func<Failure, T> fallback)
    {
        Guard.NotNull(fallback);
        return IsSuccess ? Value : fallback(Failure);
    }

    /// <inheritdoc />
    public override string ToString() => IsSuccess ? $"Success({Value})" : $"Failure({Failure.Code}: {Failure.Message})";
}

/// <summary>The result's steps on the task a use case returns, so a chain reads <c>await service.GetCustomerAsync(...).ThenAsync(...)</c>.</summary>
public static class ResultTasks
{
    /// <summary>Awaits the result, then runs the next step on its value (a failure passes through).</summary>
    /// <typeparam name="T">The success value.</typeparam>
    /// <typeparam name="TOut">The next step's success value.</typeparam>
    /// <param name="result">The pending result.</param>
    /// <param name="next">The next step.</param>
    /// <returns>The next step's result, or the failure.</returns>
    public static async Task<Result<TOut>> ThenAsync<T, TOut>(this Task<Result<T>> result, Func<T, Task<Result<TOut>>> next) =>
        await (await Guard.NotNull(result).ConfigureAwait(false)).ThenAsync(next).ConfigureAwait(false);

    /// <summary>Awaits the result, then runs the next (synchronous) step on its value (a failure passes through).</summary>
    /// <typeparam name="T">The success value.</typeparam>
    /// <typeparam name="TOut">The next step's success value.</typeparam>
    /// <param name="result">The pending result.</param>
    /// <param name="next">The next step.</param>
    /// <returns>The next step's result, or the failure.</returns>
    public static async Task<Result<TOut>> Then<T, TOut>(this Task<Result<T>> result, Func<T, Result<TOut>> next) =>
        (await Guard.NotNull(result).ConfigureAwait(false)).Then(next);

    /// <summary>Awaits the result and matches it: one function for the value, one for any failure.</summary>
    /// <typeparam name="T">The success value.</typeparam>
    /// <typeparam name="TOut">What both return.</typeparam>
    /// <param name="result">The pending result.</param>
    /// <param name="onSuccess">Called with the value.</param>
    /// <param name="onFailure">Called with the failure.</param>
    /// <returns>What the function called returned.</returns>
    public static async Task<TOut> Match<T, TOut>(this Task<Result<T>> result, Func<T, TOut> onSuccess, Func<Failure, TOut> onFailure) =>
        (await Guard.NotNull(result).ConfigureAwait(false)).Match(onSuccess, onFailure);
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
