using Explo.Domain.Ports;

namespace Explo.Domain.Postgres;

/// <summary>
/// A unit of work queued for the store's writer thread. Its caller's cancellation counts only while it waits: the
/// writer claims it before running it, and a unit cancelled first is never run.
/// </summary>
internal abstract class WriteUnit
{
    // 0 waiting, 1 claimed by the writer, 2 cancelled by its caller.
    private int _phase;

    /// <summary>Takes the unit for the writer; false when its caller cancelled it first.</summary>
    public bool Claim() => Interlocked.CompareExchange(ref _phase, 1, 0) == 0;

    /// <summary>Marks the unit cancelled unless the writer has claimed it.</summary>
    protected bool Cancel() => Interlocked.CompareExchange(ref _phase, 2, 0) == 0;

    /// <summary>Runs the work through <paramref name="run"/> and answers the caller (result or failure).</summary>
    /// <param name="run">Runs a work function in a write transaction, commits its changes, and returns the failure (null when committed).</param>
    public abstract void Run(Func<Func<IWorkspaceReader, ChangeSet?>, Exception?> run);

    /// <summary>Fails the caller's task (the store is closed or broken).</summary>
    public abstract void Fail(Exception failure);
}

/// <summary>A queued unit with its result type.</summary>
internal sealed class WriteUnit<T> : WriteUnit
{
    private readonly TaskCompletionSource<T> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<IWorkspaceReader, WriteDecision<T>> _work;
    private readonly CancellationTokenRegistration _registration;

    public WriteUnit(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken)
    {
        _work = work;
        _registration = cancellationToken.UnsafeRegister(
            static (state, token) =>
            {
                var unit = (WriteUnit<T>)state!;
                if (unit.Cancel())
                {
                    unit._outcome.TrySetCanceled(token);
                }
            },
            this);
    }

    public Task<T> Task => _outcome.Task;

    public override void Run(Func<Func<IWorkspaceReader, ChangeSet?>, Exception?> run)
    {
        _registration.Dispose();
        T result = default!;
        var failure = run(reader =>
        {
            // The work may run again (a retried transaction): only the last decision counts.
            var decision = _work(reader);
            result = decision.Result;
            return decision.Changes;
        });
        if (failure is null)
        {
            _outcome.TrySetResult(result);
        }
        else
        {
            _outcome.TrySetException(failure);
        }
    }

    public override void Fail(Exception failure)
    {
        _registration.Dispose();
        _outcome.TrySetException(failure);
    }
}
