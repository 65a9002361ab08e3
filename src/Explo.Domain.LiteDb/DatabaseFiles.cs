namespace Explo.Domain.LiteDb;

/// <summary>
/// The database file and LiteDB's log file, opened by the store itself and handed to LiteDB as streams.
/// <para>
/// The store's lock is the database file's own: it is opened once with <see cref="FileShare.None"/>, which on Linux and
/// macOS is an exclusive <c>flock</c> on the open file (on Windows, a share mode), held until the store is closed. A lock
/// belongs to the file, not to its name, so a hard link, a symbolic link or a bind mount of the same file meets the same
/// lock, and a second opener fails at once, in this process too (flock locks belong to one opening of the file, so two
/// openings in one process conflict as two processes do). LiteDB opening the file by name would take a shared lock of
/// its own on another opening and collide with the store's, which is why LiteDB gets these streams instead.
/// </para>
/// <para>
/// Every failure to open is an <see cref="ExploStoreException"/> with one sentence naming the file and the problem.
/// </para>
/// </summary>
internal sealed class DatabaseFiles : IDisposable
{
    private readonly FileStream _data;
    private readonly FileStream _log;
    private readonly HeldStream _logStream;

    private DatabaseFiles(string path, string logPath, FileStream data, FileStream log, bool created)
    {
        Path = path;
        LogPath = logPath;
        _data = data;
        _log = log;
        Created = created;
        Data = new HeldStream(data, syncOnFlush: true);
        _logStream = new HeldStream(log, syncOnFlush: false);
        Log = _logStream;
    }

    /// <summary>The database file's full path, as the caller named it.</summary>
    public string Path { get; }

    /// <summary>LiteDB's log file: the database file's name with <c>-log</c> before the extension, beside the file the name finally points to.</summary>
    public string LogPath { get; }

    /// <summary>The database file, for LiteDB.</summary>
    public Stream Data { get; }

    /// <summary>
    /// The log file, for LiteDB. Its flushes don't reach the disk: LiteDB's writer flushes after each page it writes
    /// while a commit goes on, so the store syncs the log once per commit instead (<see cref="SyncLog"/>).
    /// </summary>
    public Stream Log { get; }

    /// <summary>Writes the log file through to the disk (an <c>fsync</c>): every page written to it so far is durable.</summary>
    public void SyncLog() => _log.Flush(flushToDisk: true);

    /// <summary>How many times the log was cut (LiteDB empties it when a checkpoint has copied it into the file).</summary>
    public int LogGeneration => _logStream.Generation;

    /// <summary>
    /// Waits until LiteDB has written the log up to <paramref name="end"/> in generation <paramref name="generation"/>,
    /// or has cut the log since (a checkpoint first writes the whole log and copies it into the synced file).
    /// </summary>
    /// <param name="generation">The log's generation when the end was taken.</param>
    /// <param name="end">The offset the log must reach.</param>
    /// <param name="patience">How long LiteDB's writer may go without writing before the wait fails.</param>
    /// <exception cref="IOException">LiteDB's writer wrote nothing for <paramref name="patience"/>.</exception>
    public void WaitForLog(int generation, long end, TimeSpan patience) => _logStream.WaitFor(generation, end, patience);

    /// <summary>True when this open created the database file.</summary>
    public bool Created { get; }

    /// <summary>True when the database file is empty (LiteDB will create a new database in it).</summary>
    public bool IsNew => _data.Length == 0;

    /// <summary>
    /// Opens the database file (creating it and its folder when missing) and takes its lock, then opens LiteDB's log file.
    /// </summary>
    /// <param name="path">The database file's path.</param>
    /// <returns>The open files.</returns>
    /// <exception cref="ExploStoreException">The path can't be used, or the file is in use by another store.</exception>
    public static DatabaseFiles Open(string path)
    {
        var fullPath = FullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new ExploStoreException($"The database path '{fullPath}' is a folder, not a database file.");
        }

        var folder = System.IO.Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            // The store creates missing folders, unless a file stands where one of them would go.
            for (var up = folder; !string.IsNullOrEmpty(up); up = System.IO.Path.GetDirectoryName(up))
            {
                if (File.Exists(up))
                {
                    throw new ExploStoreException($"The database path '{fullPath}' can't be used: '{up}' is a file, not a folder.");
                }
            }

            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ExploStoreException($"The folder '{folder}' of the database file '{fullPath}' can't be created: {Reason(e)}.", e);
            }
        }

        // The log goes beside the file a symbolic link finally points to, so every name of the file finds the same log.
        string target;
        try
        {
            var file = new FileInfo(fullPath);
            target = file.LinkTarget is null ? fullPath : file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fullPath;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ExploStoreException($"The database file '{fullPath}' can't be opened: {Reason(e)}.", e);
        }

        var existed = File.Exists(fullPath);
        FileStream data;
        try
        {
            data = new FileStream(fullPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.RandomAccess);
        }
        catch (IOException e) when (IsLockConflict(e))
        {
            throw new ExploStoreException($"The database file '{fullPath}' is in use by another process (or another store in this one); close it there first.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ExploStoreException(
                existed
                    ? $"The database file '{fullPath}' can't be opened for writing (permission denied); Explo needs to write to it."
                    : $"The database file '{fullPath}' can't be created: the folder '{folder}' is not writable (permission denied).",
                e);
        }
        catch (IOException e)
        {
            throw new ExploStoreException($"The database file '{fullPath}' can't be opened: {Reason(e)}.", e);
        }

        var logPath = System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(target) ?? string.Empty,
            System.IO.Path.GetFileNameWithoutExtension(target) + "-log" + System.IO.Path.GetExtension(target));
        var logExisted = File.Exists(logPath);
        try
        {
            var log = new FileStream(logPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.RandomAccess);
            return new DatabaseFiles(fullPath, logPath, data, log, created: !existed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file this call created stays only if it became a database.
            if (!existed && data.Length == 0)
            {
                TryDelete(fullPath);
            }

            data.Dispose();
            throw new ExploStoreException(
                e switch
                {
                    _ when Directory.Exists(logPath) => $"The database file '{fullPath}' can't be opened: a folder stands where its log file '{logPath}' goes.",
                    IOException io when IsLockConflict(io) => $"The log file '{logPath}' of the database file '{fullPath}' is in use by another process; close it there first.",
                    UnauthorizedAccessException when !logExisted => $"The database file '{fullPath}' can't be opened: LiteDB's log file '{logPath}' can't be created beside it (permission denied; is the folder read-only?).",
                    _ => $"The database file '{fullPath}' can't be opened: its log file '{logPath}' can't be opened for writing ({Reason(e)}).",
                },
                e);
        }
    }

    /// <summary>Closes the log (deleting it when empty, as LiteDB does), then the database file, which releases the lock.</summary>
    public void Dispose()
    {
        var empty = _log.Length == 0;
        _log.Dispose();
        if (empty)
        {
            TryDelete(LogPath);
        }

        _data.Dispose();
    }

    /// <summary>Closes both files after a failed open; a database file this open created and left empty is removed again.</summary>
    public void Abandon()
    {
        var remove = Created && _data.Length == 0;
        Dispose();
        if (remove)
        {
            TryDelete(Path);
        }
    }

    /// <summary>The full path of a database path, or a one-sentence error for an empty or malformed one.</summary>
    /// <param name="path">The path as given.</param>
    /// <returns>The full path.</returns>
    public static string FullPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ExploStoreException("A database file path is required; the one given is empty.");
        }

        try
        {
            return System.IO.Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ExploStoreException($"The database path '{path.Replace("\0", "\\0", StringComparison.Ordinal)}' is not a valid file path.", e);
        }
    }

    /// <summary>The lock is taken (on Unix, flock answered EWOULDBLOCK; on Windows, a sharing or lock violation).</summary>
    private static bool IsLockConflict(IOException e) =>
        OperatingSystem.IsWindows()
            ? (e.HResult & 0xFFFF) is 32 or 33
            : e.HResult == (OperatingSystem.IsLinux() ? 11 : 35);

    /// <summary>A message on one line (LiteDB's and the runtime's may span several), for a one-sentence error.</summary>
    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>The operating system's reason, without the path .NET appends (the sentence names the path itself).</summary>
    private static string Reason(Exception e)
    {
        var message = OneLine(e.Message);
        var cut = message.IndexOf(" : '", StringComparison.Ordinal);
        return e switch
        {
            UnauthorizedAccessException => "permission denied",
            DirectoryNotFoundException => "a folder on its path does not exist",
            FileNotFoundException => "it does not exist",
            _ when cut > 0 => char.ToLowerInvariant(message[0]) + message[1..cut],
            _ => message.TrimEnd('.'),
        };
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind; harmless (an empty log or an empty new file).
        }
    }

    /// <summary>
    /// A file handed to LiteDB: it reads and writes it, but closing it is the store's (LiteDB disposes streams it
    /// wraps on some paths). LiteDB flushes where it means "to disk" (its own file streams fsync there): for the database
    /// file a flush here is a flush to disk, as it was when LiteDB opened the file itself (a checkpoint, which copies the
    /// log into the file, relies on it); for the log it only empties the stream's buffer, and the store syncs the log
    /// once a commit's pages are all written (<see cref="CommitDurability"/>).
    /// </summary>
    private sealed class HeldStream(FileStream file, bool syncOnFlush) : Stream
    {
        // A monitor, not a Lock: the wait for the log needs Monitor.Wait and PulseAll.
        private readonly object _sync = new();
        private long _written;
        private int _generation;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => true;

        public override long Length => file.Length;

        public override long Position
        {
            get => file.Position;
            set => file.Position = value;
        }

        public int Generation
        {
            get
            {
                lock (_sync)
                {
                    return _generation;
                }
            }
        }

        public override void Flush() => file.Flush(flushToDisk: syncOnFlush);

        public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => file.Read(buffer);

        public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);

        public override void SetLength(long value)
        {
            file.SetLength(value);
            lock (_sync)
            {
                _generation++;
                _written = value;
                Monitor.PulseAll(_sync);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var start = file.Position;
            file.Write(buffer);
            lock (_sync)
            {
                _written = Math.Max(_written, start + buffer.Length);
                Monitor.PulseAll(_sync);
            }
        }

        public void WaitFor(int generation, long end, TimeSpan patience)
        {
            lock (_sync)
            {
                var waited = TimeSpan.Zero;
                var step = TimeSpan.FromMilliseconds(100);
                while (_generation == generation && _written < end)
                {
                    if (waited >= patience)
                    {
                        throw new IOException($"LiteDB wrote nothing to the log for {patience.TotalSeconds:0} s; its writer may have failed.");
                    }

                    if (!Monitor.Wait(_sync, step))
                    {
                        waited += step;
                    }
                }
            }
        }
    }
}
