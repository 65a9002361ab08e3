using System.Collections.Concurrent;

namespace Explo.Domain.Ports;

/// <summary>
/// A unit of work waiting for a store's writer thread: its work, its caller's cancellation (observed only until the
/// writer starts it), and the task the caller awaits. A store that runs its units on a thread of its own (and may group
/// several into one transaction, deciding each over a <see cref="PendingChangesReader"/>) queues one per
/// <see cref="IWorkspaceStore.WriteAsync{T}"/>: it starts it (<see cref="TryStart"/>), decides it (<see cref="Decide"/>,
/// again if the transaction is retried), and answers it once the change is committed and durable
/// (<see cref="Answer"/>), or fails it (<see cref="Fail"/>).
/// </summary>
public abstract class QueuedUnit
{
    private const int Waiting = 0;
    private const int Started = 1;
    private const int Dropped = 2;

    private int _state;

    /// <summary>Only <see cref="QueuedUnit{T}"/> derives from it.</summary>
    private protected QueuedUnit()
    {
    }

    /// <summary>
    /// Queues a unit of <paramref name="work"/> for a store's writer thread, as <see cref="IWorkspaceStore.WriteAsync{T}"/>
    /// does: a token already cancelled gives a cancelled task and queues nothing; a queue that was completed (the store
    /// is closing or closed) fails the task with an <see cref="ObjectDisposedException"/> naming <paramref name="store"/>.
    /// </summary>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="queue">The store's queue of units.</param>
    /// <param name="work">The work.</param>
    /// <param name="cancellationToken">The caller's cancellation, observed until the writer starts the unit.</param>
    /// <param name="store">The store's type name, for the exception.</param>
    /// <returns>What the caller awaits: the work's result once its change is committed.</returns>
    public static ValueTask<T> Enqueue<T>(BlockingCollection<QueuedUnit> queue, Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken, string store)
    {
        Guard.NotNull(queue);
        Guard.NotNull(work);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        var unit = new QueuedUnit<T>(work, cancellationToken);
        try
        {
            queue.Add(unit, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // Adding was completed: the store is closing or closed.
            unit.Fail(new ObjectDisposedException(store));
        }

        return new ValueTask<T>(unit.Task);
    }

    /// <summary>
    /// A writer thread's loop over its queue: waits for a unit, then takes every unit waiting behind it (up to
    /// <paramref name="maxGroup"/> in all), starting each (<see cref="TryStart"/>); units cancelled while they waited are
    /// left out, and a group of none is skipped. Ends when the queue is completed and empty.
    /// </summary>
    /// <param name="queue">The store's queue of units.</param>
    /// <param name="maxGroup">The most units in one group (at least 1).</param>
    /// <returns>The groups, each a new list of started units, in queue order.</returns>
    public static IEnumerable<List<QueuedUnit>> Groups(BlockingCollection<QueuedUnit> queue, int maxGroup)
    {
        Guard.NotNull(queue);
        Guard.That(maxGroup >= 1, "A group holds at least one unit");
        foreach (var first in queue.GetConsumingEnumerable())
        {
            var group = StartGroup(first, queue, maxGroup);
            if (group.Count > 0)
            {
                yield return group;
            }
        }
    }

    /// <summary>
    /// Starts a unit taken from the queue and every unit waiting behind it (up to <paramref name="maxGroup"/> in all), as
    /// <see cref="Groups"/> does for each; for a writer loop that must hold something (a lock) before it starts units.
    /// </summary>
    /// <param name="first">The unit taken from the queue.</param>
    /// <param name="queue">The store's queue of units.</param>
    /// <param name="maxGroup">The most units in one group (at least 1).</param>
    /// <returns>The started units, in queue order; none when all were cancelled while they waited.</returns>
    public static List<QueuedUnit> StartGroup(QueuedUnit first, BlockingCollection<QueuedUnit> queue, int maxGroup)
    {
        Guard.NotNull(first);
        Guard.NotNull(queue);
        Guard.That(maxGroup >= 1, "A group holds at least one unit");
        var group = new List<QueuedUnit>();
        if (first.TryStart())
        {
            group.Add(first);
        }

        while (group.Count < maxGroup && queue.TryTake(out var next))
        {
            if (next.TryStart())
            {
                group.Add(next);
            }
        }

        return group;
    }

    /// <summary>Claims the unit for the writer; false when its caller cancelled it while it waited.</summary>
    public bool TryStart()
    {
        var started = Interlocked.CompareExchange(ref _state, Started, Waiting) == Waiting;
        OnStarted();
        return started;
    }

    /// <summary>Drops the unit while it still waits (its caller cancelled); false when the writer has started it.</summary>
    private protected bool TryDrop() => Interlocked.CompareExchange(ref _state, Dropped, Waiting) == Waiting;

    /// <summary>Stops listening to the caller's cancellation.</summary>
    private protected abstract void OnStarted();

    /// <summary>
    /// Runs the work against <paramref name="reader"/> and keeps its result; a work that throws keeps the exception
    /// instead (it is the unit's answer). Deciding again replaces the earlier decision.
    /// </summary>
    /// <returns>The change to commit, or null (nothing to change, or the work threw).</returns>
    public abstract ChangeSet? Decide(IWorkspaceReader reader);

    /// <summary>The exception the work threw in its last decision (null when it decided); <see cref="Answer"/> hands it to the caller.</summary>
    public abstract Exception? Thrown { get; }

    /// <summary>Completes the caller's task with the last decision (its result, or the exception the work threw).</summary>
    public abstract void Answer();

    /// <summary>Completes the caller's task with a failure of the store (unless it is already complete).</summary>
    public abstract void Fail(Exception failure);
}

/// <summary>A unit of work with its result type.</summary>
/// <typeparam name="T">The work's result.</typeparam>
public sealed class QueuedUnit<T> : QueuedUnit
{
    // Continuations run off the writer thread: the caller's code after its await never holds up the next group.
    private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<IWorkspaceReader, WriteDecision<T>> _work;
    private readonly CancellationTokenRegistration _cancellation;
    private T _result = default!;
    private Exception? _thrown;

    /// <summary>A unit of <paramref name="work"/>, dropped when <paramref name="cancellationToken"/> fires while it waits.</summary>
    /// <param name="work">The work, as given to <see cref="IWorkspaceStore.WriteAsync{T}"/>.</param>
    /// <param name="cancellationToken">The caller's cancellation: its task is cancelled if it fires before the writer starts the unit.</param>
    public QueuedUnit(Func<IWorkspaceReader, WriteDecision<T>> work, CancellationToken cancellationToken)
    {
        Guard.NotNull(work);
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

    private protected override void OnStarted() => _cancellation.Dispose();

    /// <inheritdoc />
    public override Exception? Thrown => _thrown;

    /// <inheritdoc />
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

    /// <inheritdoc />
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

    /// <inheritdoc />
    public override void Fail(Exception failure) => _answer.TrySetException(failure);
}
