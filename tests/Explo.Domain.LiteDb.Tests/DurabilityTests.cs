using System.Diagnostics;
using Explo.Domain.Hierarchy;

namespace Explo.Domain.LiteDb.Tests;

/// <summary>
/// A child process writes through the service and prints each acknowledged write; the test kills it with SIGKILL
/// at a random moment, reopens the file, and checks every acknowledged write is there and the file is consistent.
/// </summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly TempDatabase _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 8)] // concurrent writers: the store commits their units in groups
    [InlineData(5, 16)]
    public async Task Every_acknowledged_write_survives_the_process_being_killed(int seed, int writers)
    {
        var path = _folder.PathOf();
        var random = new Random(seed);
        var acknowledged = new Dictionary<string, (long Version, string Token)>(StringComparer.Ordinal);

        using (var child = StartWriter(path, seed, writers))
        {
            Assert.Equal("ready", await ReadLine(child));
            var killAfter = random.Next(50, 400);
            while (acknowledged.Count < killAfter)
            {
                var line = await ReadLine(child);
                var parts = line!.Split(' ');
                Assert.Equal("ack", parts[0]);
                // With several writers, two acknowledgements of one customer may be printed out of order: keep the newer.
                var version = long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                if (!acknowledged.TryGetValue(parts[1], out var known) || known.Version < version)
                {
                    acknowledged[parts[1]] = (version, parts[3]);
                }
            }

            child.Kill(); // SIGKILL on Unix: no finaliser, no flush, no checkpoint.
            await child.WaitForExitAsync();
        }

        using var store = new LiteDbWorkspaceStore(path);
        Assert.Empty(store.Invariants());
        foreach (var (providedId, (version, token)) in acknowledged)
        {
            var stored = store.ReadNow(r => r.FindCustomerByProvidedId(providedId));
            Assert.True(stored is not null, $"acknowledged customer {providedId} is missing after the kill");
            Assert.True(stored!.Version >= version, $"{providedId} is at version {stored.Version}, below the acknowledged {version}");
            if (stored.Version == version)
            {
                Assert.Equal(token, stored.Token);
            }
        }

        // The reopened file is fully usable: every customer resolves, and writes go on.
        var service = new ExploService(store);
        var all = await service.ListCustomersAsync(Caller.Administrator(), new CustomerFilter());
        Assert.True(all.IsSuccess);
        Assert.True((await service.GetOrCreateCustomerAsync(Caller.Administrator(), new CreateCustomerRequest("after-the-crash"))).SuccessValue.IsNew);
    }

    [Fact]
    public async Task Opening_a_file_another_process_holds_fails_at_once_naming_the_file()
    {
        var path = _folder.PathOf();
        using var child = StartWriter(path, 7);
        try
        {
            Assert.Equal("ready", await ReadLine(child));
            var error = Assert.Throws<ExploStoreException>(() => new LiteDbWorkspaceStore(path));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            child.Kill();
            await child.WaitForExitAsync();
        }
    }

    internal static Process StartWriter(string path, int seed, int writers = 1)
    {
        var writer = Path.Combine(AppContext.BaseDirectory, "Explo.Domain.LiteDb.KillWriter.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(writer);
        info.ArgumentList.Add(path);
        info.ArgumentList.Add(seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(writers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the writer process");
    }

    internal static async Task<string?> ReadLine(Process child)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await child.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null)
        {
            throw new InvalidOperationException("the writer exited early: " + await child.StandardError.ReadToEndAsync());
        }

        return line;
    }
}
