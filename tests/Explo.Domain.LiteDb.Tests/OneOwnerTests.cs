using System.Diagnostics;

namespace Explo.Domain.LiteDb.Tests;

/// <summary>
/// One owner per file, whatever its name: a hard link or a symbolic link to a database that a store holds is the same
/// file, so a second store on it is refused, in this process and from another one; once the first store is closed the
/// link opens and sees the same data.
/// </summary>
public sealed class OneOwnerTests : IDisposable
{
    private readonly TempDatabase _folder = new();
    private readonly Caller _admin = Caller.Administrator();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Links => ["hard", "symbolic"];

    [Theory]
    [MemberData(nameof(Links))]
    public async Task A_link_to_an_open_database_is_refused_in_the_same_process_and_opens_once_it_is_closed(string kind)
    {
        var path = _folder.PathOf();
        var link = _folder.PathOf("link.db");
        using (var first = new LiteDbWorkspaceStore(path))
        {
            Assert.True((await new ExploService(first).GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme"))).IsSuccess);
            MakeLink(kind, path, link);

            var error = Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(link));
            Assert.Contains(link, error.Message, StringComparison.Ordinal);
            Assert.Contains("in use", error.Message, StringComparison.Ordinal);

            // The first store is untouched by the refused attempt.
            Assert.True((await new ExploService(first).GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme-2"))).IsSuccess);
        }

        using var second = new LiteDbWorkspaceStore(link);
        var acme = second.ReadNow(r => r.FindCustomerByProvidedId("acme-2"));
        Assert.NotNull(acme);
        Assert.Equal(2, acme!.Id.Value);
    }

    [Fact]
    public void The_original_is_refused_while_a_store_holds_it_through_a_link()
    {
        var (path, hard, symbolic) = DatabaseWithLinks();

        using (new LiteDbWorkspaceStore(hard))
        {
            Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(path));
            Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(symbolic));
        }

        using (new LiteDbWorkspaceStore(symbolic))
        {
            Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(path));
            Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(hard));
        }
    }

    [Fact]
    public async Task A_link_to_a_database_another_process_holds_is_refused()
    {
        var (path, hard, symbolic) = DatabaseWithLinks();

        using var child = DurabilityTests.StartWriter(path, 11);
        try
        {
            Assert.Equal("ready", await DurabilityTests.ReadLine(child));
            foreach (var link in new[] { hard, symbolic, path })
            {
                var error = Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(link));
                Assert.Contains(link, error.Message, StringComparison.Ordinal);
                Assert.Contains("in use", error.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            child.Kill();
            await child.WaitForExitAsync();
        }

        // Killed, the writer's lock is gone with it: the link opens.
        using var after = new LiteDbWorkspaceStore(symbolic);
        Assert.Empty(after.Invariants());
    }

    [Fact]
    public async Task A_second_process_is_refused_a_link_to_a_database_this_process_holds()
    {
        var path = _folder.PathOf();
        var hard = _folder.PathOf("hard.db");
        using var store = new LiteDbWorkspaceStore(path);
        MakeLink("hard", path, hard);

        using var child = DurabilityTests.StartWriter(hard, 12);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var first = await child.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.True(first is null, "the second process opened a hard link to a database this process holds");
            await child.WaitForExitAsync(timeout.Token);
            var stderr = await child.StandardError.ReadToEndAsync(timeout.Token);
            Assert.Contains(hard, stderr, StringComparison.Ordinal);
            Assert.Contains("in use", stderr, StringComparison.Ordinal);
            Assert.NotEqual(0, child.ExitCode);
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
                await child.WaitForExitAsync();
            }
        }
    }

    [Fact]
    public async Task A_closed_store_leaves_the_database_file_alone_in_its_folder()
    {
        using (var store = new LiteDbWorkspaceStore(_folder.PathOf()))
        {
            Assert.True((await new ExploService(store).GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("acme"))).IsSuccess);
            Assert.True(File.Exists(_folder.PathOf("explo-log.db")), "LiteDB's log file is open beside the database");
        }

        Assert.Equal(["explo.db"], Directory.GetFiles(_folder.Folder).Select(Path.GetFileName));
    }

    /// <summary>A new database file, a hard link to it and a symbolic link to it.</summary>
    private (string Path, string Hard, string Symbolic) DatabaseWithLinks()
    {
        var path = _folder.PathOf();
        new LiteDbWorkspaceStore(path).Dispose();
        var hard = _folder.PathOf("hard.db");
        var symbolic = _folder.PathOf("symbolic.db");
        MakeLink("hard", path, hard);
        MakeLink("symbolic", path, symbolic);
        return (path, hard, symbolic);
    }

    internal static void MakeLink(string kind, string target, string link)
    {
        if (kind == "symbolic")
        {
            File.CreateSymbolicLink(link, target);
            return;
        }

        using var ln = Process.Start(new ProcessStartInfo("ln", [target, link]) { RedirectStandardError = true, UseShellExecute = false })!;
        ln.WaitForExit();
        Assert.True(ln.ExitCode == 0, "ln failed: " + ln.StandardError.ReadToEnd());
    }
}
