using System.Reflection;
using LiteDB.Engine;

namespace Explo.Domain.LiteDb;

/// <summary>
/// Makes a LiteDB commit durable before the store answers it. LiteDB 5 (5.0.20, pinned) hands a commit's pages to an
/// asynchronous writer queue: <c>Commit()</c> returns once they are queued, and the queue's thread writes them to the
/// log and flushes when it runs dry, which, as it races the commit that feeds it, is after about every page (the ten
/// <c>fsync</c>s of one create that <c>strace</c> showed). So after a commit the store waits for LiteDB's queue to be
/// empty (every page written) and then syncs the log once itself; the log stream's own flushes don't reach the disk
/// (<see cref="DatabaseFiles.Log"/>). LiteDB has no public call that waits for its queue: the store reaches the
/// engine's <c>DiskService.Queue</c> by reflection, once, when the file is opened, and refuses to open the file if
/// LiteDB's internals are not the ones it was built against.
/// </summary>
internal sealed class CommitDurability
{
    private readonly Action _waitForQueue;
    private readonly DatabaseFiles _files;

    private CommitDurability(Action waitForQueue, DatabaseFiles files)
    {
        _waitForQueue = waitForQueue;
        _files = files;
    }

    /// <summary>Finds the engine's writer queue.</summary>
    /// <exception cref="InvalidOperationException">LiteDB is not the version the store was built against.</exception>
    public static CommitDurability Of(LiteEngine engine, DatabaseFiles files)
    {
        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var disk = typeof(LiteEngine).GetField("_disk", Instance)?.GetValue(engine);
        var lazy = disk?.GetType().GetProperty("Queue", Instance)?.GetValue(disk);
        var queue = lazy?.GetType().GetProperty("Value")?.GetValue(lazy);
        var wait = queue?.GetType().GetMethod("Wait", Instance, Type.EmptyTypes);
        if (queue is null || wait is null || wait.ReturnType != typeof(void))
        {
            throw new InvalidOperationException(
                $"LiteDB {typeof(LiteEngine).Assembly.GetName().Version} has no writer queue where LiteDB 5.0.20 has it (LiteEngine._disk.Queue.Wait()); the store can't make its commits durable with it.");
        }

        return new CommitDurability(wait.CreateDelegate<Action>(queue), files);
    }

    /// <summary>Returns once every page of the commits so far is written to the log and the log is on disk.</summary>
    public void Wait()
    {
        _waitForQueue();
        _files.SyncLog();
    }
}
