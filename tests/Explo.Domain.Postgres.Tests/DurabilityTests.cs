using System.Diagnostics;
using System.Globalization;
using Explo.Domain.Hierarchy;

namespace Explo.Domain.Postgres.Tests;

/// <summary>
/// A child process writes through the service on PostgreSQL from several concurrent loops and prints each
/// acknowledged write; the test kills it with SIGKILL at a random moment and checks, through a new store, that every
/// acknowledged write is there and the workspace is consistent (an acknowledged write is a committed transaction).
/// </summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly PostgresSchema _place = PostgresCluster.NewSchema();

    public void Dispose() => _place.Dispose();

    [Theory]
    [InlineData(11, 1)]
    [InlineData(12, 8)]
    public async Task Every_acknowledged_write_survives_the_writing_process_being_killed(int seed, int writers)
    {
        var random = new Random(seed);
        var acknowledged = new Dictionary<string, (long Version, string Token)>(StringComparer.Ordinal);
        using (var child = StartWriter(_place.ConnectionString, seed, writers))
        {
            Assert.Equal("ready", await ReadLine(child));
            var killAfter = random.Next(50, 300);
            while (acknowledged.Count < killAfter)
            {
                var parts = (await ReadLine(child)).Split(' ');
                Assert.Equal("ack", parts[0]);
                var version = long.Parse(parts[2], CultureInfo.InvariantCulture);
                if (!acknowledged.TryGetValue(parts[1], out var known) || known.Version < version)
                {
                    acknowledged[parts[1]] = (version, parts[3]);
                }
            }

            child.Kill(); // SIGKILL: connections dropped mid-transaction, nothing flushed by the child.
            await child.WaitForExitAsync();
        }

        using var store = new PostgresWorkspaceStore(_place.ConnectionString);
        Assert.Empty(await WorkspaceInvariants.CheckAsync(store));
        foreach (var (providedId, (version, token)) in acknowledged)
        {
            var stored = await store.ReadAsync(r => r.FindCustomerByProvidedId(providedId));
            Assert.True(stored is not null, $"acknowledged customer {providedId} is missing after the kill");
            Assert.True(stored!.Version >= version, $"{providedId} is at version {stored.Version}, below the acknowledged {version}");
            if (stored.Version == version)
            {
                Assert.Equal(token, stored.Token);
            }
        }

        var service = new ExploService(store);
        Assert.True((await service.GetOrCreateCustomerAsync(Caller.Administrator(), new CreateCustomerRequest("after-the-kill"))).SuccessValue.IsNew);
    }

    private static Process StartWriter(string connectionString, int seed, int writers)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Explo.Domain.LiteDb.KillWriter.dll"));
        info.ArgumentList.Add(connectionString);
        info.ArgumentList.Add(seed.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(writers.ToString(CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the writer process");
    }

    private static async Task<string> ReadLine(Process child)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await child.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException("the writer exited early: " + await child.StandardError.ReadToEndAsync());
    }
}
