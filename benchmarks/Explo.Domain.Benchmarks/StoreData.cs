using System.Globalization;
using System.Text.Json;
using Explo.Domain.LiteDb;

namespace Explo.Domain.Benchmarks;

/// <summary>
/// Customer files for the store benchmarks: generated import rows, and LiteDB files built once and kept (a
/// 1,000,000-customer file takes minutes to build) in <c>EXPLO_BENCH_DATA</c>, or the temporary folder.
/// </summary>
public static class StoreData
{
    public static readonly Caller Admin = Caller.Administrator();

    public static string Folder
    {
        get
        {
            var folder = Environment.GetEnvironmentVariable("EXPLO_BENCH_DATA") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Path.GetTempPath(), "explo-bench");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>
    /// Import rows of a three-level tree (accounts with 10 properties and a mapping, teams with 3, users with 2), with
    /// <paramref name="customers"/> rows in all: 1 account in 1,000 rows, 9 teams per account, the rest users.
    /// </summary>
    public static List<CreateCustomerRequest> Rows(int customers, string prefix = "c")
    {
        var accounts = Math.Max(1, customers / 1_000);
        var teams = Math.Min(customers - accounts, accounts * 9);
        var rows = new List<CreateCustomerRequest>(customers);
        for (var a = 0; a < accounts; a++)
        {
            rows.Add(new CreateCustomerRequest(Id("a", a)) { Properties = Props("account", a, 10), Mapping = OrderedMap.Of(("40", "ds-a"), ("41", "ds-b")) });
        }

        for (var t = 0; t < teams; t++)
        {
            rows.Add(new CreateCustomerRequest(Id("t", t)) { ParentProvidedId = Id("a", t % accounts), HierarchyLevelName = "Team", Properties = Props("team", t, 3) });
        }

        for (var u = 0; rows.Count < customers; u++)
        {
            rows.Add(new CreateCustomerRequest(Id("u", u))
            {
                ParentProvidedId = teams > 0 ? Id("t", u % teams) : Id("a", u % accounts),
                HierarchyLevelName = "User",
                Properties = Props("user", u, 2),
                Emails = [string.Create(CultureInfo.InvariantCulture, $"{prefix}-u{u}@example.com")],
            });
        }

        return rows;

        string Id(string kind, int i) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{kind}{i}");
    }

    private static OrderedMap<JsonElement> Props(string kind, int i, int count) =>
        OrderedMap<JsonElement>.From(Enumerable.Range(0, count).Select(j => KeyValuePair.Create(
            j == 0 ? "plan" : string.Create(CultureInfo.InvariantCulture, $"{kind}-{j}"),
            JsonSerializer.SerializeToElement<object>(j % 2 == 0 ? i % 97 : string.Create(CultureInfo.InvariantCulture, $"{kind}-{i % 13}")))));

    /// <summary>A new workspace file with the levels Customer, Team, User.</summary>
    public static LiteDbWorkspaceStore NewStore(string path)
    {
        Delete(path);
        var store = new LiteDbWorkspaceStore(path);
        var service = new ExploService(store);
        Check(service.AddLevelAsync(Admin, "Team", "Customer").Result);
        return store;
    }

    /// <summary>A file holding <paramref name="customers"/> generated customers, built once and reused.</summary>
    public static string Built(int customers)
    {
        var path = Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture, $"customers-{customers}-v2.db"));
        var done = path + ".complete";
        if (File.Exists(done) && File.Exists(path))
        {
            return path;
        }

        using (var store = NewStore(path))
        {
            var service = new ExploService(store);
            var rows = Rows(customers);

            // In slices of 100,000 rows (parents come before their children in the rows).
            foreach (var slice in rows.Chunk(100_000))
            {
                var imported = Check(service.ImportCustomersAsync(Admin, slice).Result);
                if (imported.Errors.Count > 0)
                {
                    throw new InvalidOperationException($"Building {path}: {imported.Errors[0].Failure.Message}");
                }
            }
        }

        File.WriteAllText(done, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return path;
    }

    public static void Delete(string path)
    {
        foreach (var file in new[] { path, path + ".lock", Path.ChangeExtension(path, null) + "-log" + Path.GetExtension(path), path + ".complete" })
        {
            File.Delete(file);
        }
    }

    public static T Check<T>(Result<T> result) =>
        result.IsSuccess ? result.SuccessValue : throw new InvalidOperationException(result.Failure!.Message);
}
