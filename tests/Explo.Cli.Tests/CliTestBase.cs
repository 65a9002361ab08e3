namespace Explo.Cli.Tests;

/// <summary>Runs the real command line in-process on a temporary database file.</summary>
public abstract class CliTestBase : IDisposable
{
    protected CliTestBase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "explo-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Db = Path.Combine(Folder, "explo.db");
    }

    protected string Folder { get; }

    protected string Db { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS.
        }

        GC.SuppressFinalize(this);
    }

    protected sealed record Run(int Exit, string Out, string Err);

    /// <summary>Runs <c>explo --db FILE args...</c>.</summary>
    protected async Task<Run> Explo(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await ExploCli.RunAsync(["--db", Db, .. args], output, error);
        return new Run(exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that must succeed.</summary>
    protected async Task<string> Ok(params string[] args)
    {
        var run = await Explo(args);
        Assert.True(run.Exit == 0, $"explo {string.Join(' ', args)} exited {run.Exit}: {run.Err}");
        return run.Out;
    }

    protected string Write(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
