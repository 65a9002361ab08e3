using Explo.Domain.Ports;

namespace Explo.Domain.LiteDb;

/// <summary>
/// A unit of work waiting for the store's writer thread: its work, its caller's cancellation (observed only until the
/// writer starts it), and the task the caller awaits, completed only once the unit's change is committed and on disk.
/// </summary>
internal abstract class QueuedUnit
{
    private const int Waiting = 0;
    private const int Started = 1;
    private const int Dropped = 2;

    private int _state;

    /// <summary>Claims the unit for the writer; false when its caller cancelled it while it waited.</summary>
    public bool TryStart()
    {
        var started = Interlocked.CompareExchange(ref _state, Started, Waiting) == Waiting;
        OnStarted();
        return started;
    }

    /// <summary>Drops the unit while it still waits (its caller cancelled); false when the writer has started it.</summary>
    protected bool TryDrop() => Interlocked.CompareExchange(ref _state, Dropped, Waiting) == Waiting;

    /// <summary>Stops listening to the caller's cancellation.</summary>
    protected abstract void OnStarted();

    /// <summary>
    /// Runs the work against <paramref name="reader"/> and keeps its result; a work that throws keeps the exception
    /// instead (it is the unit's answer). Deciding again replaces the earlier decision.
    /// </summary>
    /// <returns>The change to commit, or null (nothing to change, or the work threw).</returns>
    public abstract ChangeSet? Decide(IWorkspaceReader reader);

    /// <summary>Completes the caller's task with the last decision (its result, or the exception the work threw).</summary>
    public abstract void Answer();

    /// <summary>Completes the caller's task with a failure of the store (unless it is already complete).</summary>
    public abstract void Fail(Exception failure);
}

/// <summary>A unit of work with its result type.</summary>
/// <typeparam name="T">The work's result.</typeparam>
internal sealed class QueuedUnit<T> : QueuedUnit
{
    // Continuations run off the writer thread: the caller's code after its await never holds up the next group.
    private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<IWorkspaceReader, WriteDecision<T>> _work;
    private readonly CancellationTokenRegistration _cancellation;
    private T _result = default!;
    private Exception? _thrown;

    public QueuedUnit(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken)
    {
        _work = work;
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var unit = (QueuedUnit<T>)state!;
                    if (unit.TryDrop())
                    {
                        unit._answer.TrySetCanceled(token);
                    }
                },
                this);
        }
    }

    /// <summary>What the caller awaits.</summary>
    public Task<T> Task => _answer.Task;

    protected override void OnStarted() => _cancellation.Dispose();

    public override ChangeSet? Decide(IWorkspaceReader reader)
    {
        try
        {
            var decision = _work(reader);
            (_result, _thrown) = (decision.Result, null);
            return decision.Changes;
        }
        catch (Exception e)
        {
            (_result, _thrown) = (default!, e);
            return null;
        }
    }

    public override void Answer()
    {
        if (_thrown is not null)
        {
            _answer.TrySetException(_thrown);
        }
        else
        {
            _answer.TrySetResult(_result);
        }
    }

    public override void Fail(Exception failure) => _answer.TrySetException(failure);
}
