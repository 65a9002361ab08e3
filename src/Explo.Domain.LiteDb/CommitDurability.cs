using System.Reflection;
using LiteDB.Engine;

namespace Explo.Domain.LiteDb;

/// <summary>
/// Makes LiteDB commits durable before the store answers them. LiteDB 5 (5.0.20, pinned) hands a commit's pages to an
/// asynchronous writer: <c>Commit()</c> returns once they are queued, and the writer's thread writes them to the log and
/// flushes when it runs dry, which, as it races the commit that feeds it, was after about every page (the ten
/// <c>fsync</c>s of one create that <c>strace</c> showed). So the log stream's own flushes don't reach the disk
/// (<see cref="DatabaseFiles.Log"/>); after a commit the store takes where the commit's last page goes in the log
/// (<see cref="Mark"/>), and a commit is durable once LiteDB has written the log that far and the store has synced it
/// once (<see cref="WaitFor"/>), for every commit up to that mark at once. LiteDB has no public way to say where its
/// log ends: the store reads its disk service's log length by reflection, and refuses to open a file if LiteDB's
/// internals are not the ones it was built against.
/// </summary>
internal sealed class CommitDurability
{
    /// <summary>How long LiteDB's log writer may write nothing while a commit waits for it.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly object _disk;
    private readonly FieldInfo _logLength;
    private readonly DatabaseFiles _files;
    private LogMark _synced;

    private CommitDurability(object disk, FieldInfo logLength, DatabaseFiles files)
    {
        _disk = disk;
        _logLength = logLength;
        _files = files;
        _synced = new LogMark(files.LogGeneration, 0);
    }

    /// <summary>A point in the log: its generation (it is cut after each checkpoint) and an offset in it.</summary>
    internal readonly record struct LogMark(int Generation, long End);

    /// <summary>Finds the engine's log length.</summary>
    /// <exception cref="InvalidOperationException">LiteDB is not the version the store was built against.</exception>
    public static CommitDurability Of(LiteEngine engine, DatabaseFiles files)
    {
        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic;
        var disk = typeof(LiteEngine).GetField("_disk", Instance)?.GetValue(engine);
        var logLength = disk?.GetType().GetField("_logLength", Instance);
        if (disk is null || logLength is null || logLength.FieldType != typeof(long))
        {
            throw new InvalidOperationException(
                $"LiteDB {typeof(LiteEngine).Assembly.GetName().Version} keeps no log length where LiteDB 5.0.20 does (LiteEngine._disk._logLength); the store can't tell when its commits are on disk.");
        }

        return new CommitDurability(disk, logLength, files);
    }

    /// <summary>
    /// Where the log ends once LiteDB has written every page committed so far. Call it on the writer thread right after a
    /// commit (LiteDB places a commit's pages, and cuts the log in a checkpoint, only inside a commit).
    /// </summary>
    public LogMark Mark() => new(_files.LogGeneration, (long)_logLength.GetValue(_disk)! + LogPageSize);

    /// <summary>
    /// Returns once the log is written up to <paramref name="mark"/> and synced (one <c>fsync</c> for every commit up to
    /// it); at once when an earlier call already synced that far. One caller at a time.
    /// </summary>
    /// <exception cref="IOException">The log could not be written or synced.</exception>
    public void WaitFor(LogMark mark)
    {
        if (mark.Generation < _synced.Generation || (mark.Generation == _synced.Generation && mark.End <= _synced.End))
        {
            return;
        }

        _files.WaitForLog(mark.Generation, mark.End, Patience);
        _files.SyncLog();
        _synced = mark;
    }

    /// <summary>LiteDB's page size: a log length is the offset of its last page.</summary>
    private const long LogPageSize = 8192;
}
