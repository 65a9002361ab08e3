using Explo.Domain.LiteDb;

namespace Explo.Tests.Shared;

/// <summary>
/// Every way a program over one database file can fail to open it at start, each set up in a fresh folder: the server
/// and <c>explo</c> must report each in one sentence naming the problem and the path, and exit 1.
/// <para>
/// The read-only cases need a file or folder the test's user can't write. As root (or with CAP_DAC_OVERRIDE) chmod
/// does not stop writes, which <see cref="Unwritable"/> detects by trying; then each case uses another place that
/// user can't write either (a sysctl file, the sysfs root, a folder standing where LiteDB's log file goes), so the
/// test still checks a real refusal rather than passing or skipping silently.
/// </para>
/// </summary>
internal sealed class StartFailure : IDisposable
{
    public const string BadPath = "a path through a file";
    public const string Folder = "a folder";
    public const string EmptyPath = "an empty path";
    public const string ReadOnlyFile = "a read-only file";
    public const string ReadOnlyFolderNewFile = "a new file in a read-only folder";
    public const string ReadOnlyFolderLogFile = "a file in a read-only folder (its log can't be created)";
    public const string InUse = "a file in use by another store";
    public const string NotLiteDb = "a file that is not LiteDB's";

    private readonly List<Action> _undo = [];

    private StartFailure(string path, string[] expected)
    {
        Path = path;
        Expected = expected;
    }

    /// <summary>Every case that opening the database can meet.</summary>
    public static IReadOnlyList<string> Cases { get; } = [BadPath, Folder, EmptyPath, ReadOnlyFile, ReadOnlyFolderNewFile, ReadOnlyFolderLogFile, InUse, NotLiteDb];

    /// <summary>The <c>--db</c> value.</summary>
    public string Path { get; }

    /// <summary>What the one line must contain (the path, when there is one, and the problem), ordinal, ignoring case.</summary>
    public string[] Expected { get; }

    /// <summary>True when the test runs as a user whom chmod does not stop (root).</summary>
    public static bool Privileged { get; } = ChmodIsIgnored();

    /// <summary>Sets up one case in <paramref name="folder"/>.</summary>
    public static StartFailure Arrange(string name, string folder)
    {
        switch (name)
        {
            case BadPath:
            {
                var file = System.IO.Path.Combine(folder, "plain.txt");
                File.WriteAllText(file, "not a folder");
                var path = System.IO.Path.Combine(file, "explo.db");
                return new StartFailure(path, [path, "is a file, not a folder"]);
            }

            case Folder:
                return new StartFailure(folder, [folder, "is a folder"]);

            case EmptyPath:
                return new StartFailure(string.Empty, ["path is required", "empty"]);

            case ReadOnlyFile:
            {
                if (Privileged)
                {
                    // Root may write any file chmod protects; not a sysctl whose table says read-only.
                    const string sysctl = "/proc/sys/kernel/ostype";
                    return new StartFailure(sysctl, [sysctl, "permission denied"]);
                }

                var path = NewDatabase(folder);
                var failure = new StartFailure(path, [path, "permission denied"]);
                Chmod(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                failure._undo.Add(() => Chmod(path, UnixFileMode.UserRead | UnixFileMode.UserWrite));
                return failure;
            }

            case ReadOnlyFolderNewFile:
            {
                if (Privileged)
                {
                    // Nobody creates files in sysfs.
                    var path = $"/sys/explo-{Guid.NewGuid():N}.db";
                    return new StartFailure(path, [path, "can't be created"]);
                }

                var readOnly = System.IO.Path.Combine(folder, "read-only");
                Directory.CreateDirectory(readOnly);
                var failure = new StartFailure(System.IO.Path.Combine(readOnly, "explo.db"), [System.IO.Path.Combine(readOnly, "explo.db"), "not writable"]);
                MakeReadOnly(failure, readOnly);
                return failure;
            }

            case ReadOnlyFolderLogFile:
            {
                var readOnly = System.IO.Path.Combine(folder, "read-only");
                Directory.CreateDirectory(readOnly);
                var path = NewDatabase(readOnly);
                var log = System.IO.Path.Combine(readOnly, "explo-log.db");
                var failure = new StartFailure(path, [path, log]);
                if (Privileged)
                {
                    // Root may create files in any folder chmod protects: a folder stands where the log file goes.
                    Directory.CreateDirectory(log);
                }
                else
                {
                    MakeReadOnly(failure, readOnly);
                }

                return failure;
            }

            case InUse:
            {
                var path = NewDatabase(folder);
                var holder = new LiteDbWorkspaceStore(path);
                var failure = new StartFailure(path, [path, "in use"]);
                failure._undo.Add(holder.Dispose);
                return failure;
            }

            case NotLiteDb:
            {
                var path = System.IO.Path.Combine(folder, "notes.db");
                File.WriteAllText(path, new string('x', 20_000));
                return new StartFailure(path, [path, "not a LiteDB"]);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "no such case");
        }
    }

    /// <summary>A database file with a workspace (so a server does not announce a token on it).</summary>
    public static string NewDatabase(string folder)
    {
        var path = System.IO.Path.Combine(folder, "explo.db");
        using var store = new LiteDbWorkspaceStore(path);
        _ = new Explo.Domain.ExploService(store).InitializeWorkspaceAsync(Explo.Domain.Caller.Administrator()).GetAwaiter().GetResult();
        return path;
    }

    /// <summary>Checks a start-up failure's output: exit 1, one line naming the problem, no stack trace or exception type.</summary>
    public void AssertReported(int exit, string output, string error) => AssertOneLine(exit, output, error, Expected);

    /// <summary>Exit 1, nothing on standard output, one line on standard error containing every expected part (any case), no stack trace.</summary>
    public static void AssertOneLine(int exit, string output, string error, IEnumerable<string> expected)
    {
        Assert.True(exit == 1, $"exit code {exit}; output: {output}; error: {error}");
        var everything = output + error;
        Assert.DoesNotContain("   at ", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", everything, StringComparison.Ordinal);
        Assert.True(output.Trim().Length == 0, "nothing on standard output, got: " + output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        foreach (var part in expected)
        {
            Assert.True(line.Contains(part, StringComparison.OrdinalIgnoreCase), $"'{line}' does not contain '{part}'");
        }
    }

    public void Dispose()
    {
        foreach (var undo in _undo)
        {
            undo();
        }
    }

    private static void MakeReadOnly(StartFailure failure, string folder)
    {
        Chmod(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        failure._undo.Add(() => Chmod(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
    }

    private static void Chmod(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The start-up failure cases use Unix file modes.");
        }

        File.SetUnixFileMode(path, mode);
    }

    private static bool ChmodIsIgnored()
    {
        var probe = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"explo-chmod-probe-{Guid.NewGuid():N}");
        File.WriteAllText(probe, string.Empty);
        try
        {
            Chmod(probe, UnixFileMode.UserRead);
            using (new FileStream(probe, FileMode.Open, FileAccess.ReadWrite))
            {
                return true;
            }
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            Chmod(probe, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Delete(probe);
        }
    }
}
