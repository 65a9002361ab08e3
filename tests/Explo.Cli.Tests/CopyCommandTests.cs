using System.Diagnostics;
using System.Text;
using Explo.Domain;
using Explo.Domain.LiteDb;
using Explo.Domain.Ports;
using Explo.Domain.Postgres;
using Explo.Tests.Shared;
using Xunit.Abstractions;

namespace Explo.Cli.Tests;

/// <summary>
/// <c>explo copy</c> moves a whole workspace between stores: LiteDB -> PostgreSQL -> LiteDB gives back the same export,
/// tokens, tags, events and high-water mark; a non-empty target is refused and left as it was.
/// </summary>
public sealed class CopyCommandTests(ITestOutputHelper log) : CliTestBase, IDisposable
{
    private readonly PostgresSchema _place = PostgresCluster.NewSchema();

    void IDisposable.Dispose()
    {
        _place.Dispose();
        Dispose();
    }

    private static async Task<(int Exit, string Out, string Err)> On(string db, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await ExploCli.RunAsync(["--db", db, .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<string> OkOn(string db, params string[] args)
    {
        var (exit, output, error) = await On(db, args);
        Assert.True(exit == 0, $"explo --db {db} {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }

    private static async Task<IReadOnlyList<StoredEvent>> Events(IEventArchive archive)
    {
        var all = new List<StoredEvent>();
        while (true)
        {
            var page = await archive.ReadEventsAsync(all.Count == 0 ? 0 : all[^1].Sequence, 7);
            all.AddRange(page);
            if (page.Count < 7)
            {
                return all;
            }
        }
    }

    private static async Task<(IReadOnlyList<StoredEvent> Events, long LastCustomerId)> Contents(string db)
    {
        using var store = CliStore.Open(db);
        return (await Events((IEventArchive)store.Store), await store.Store.ReadAsync(r => r.LastCustomerId));
    }

    /// <summary>A workspace with every part: levels, DVGs, tokens, tags, a data source, awkward customers, a deleted highest id.</summary>
    private async Task<long> FillSourceAsync()
    {
        await Ok("init");
        await Ok("levels", "add", "Team", "--after", "Customer");
        await Ok("levels", "add", "Seat");
        await Ok("dvg", "add", "Staging");
        await Ok("token", "create", "--dvg", "Production", "--label", "main");
        await Ok("token", "create", "--dvg", "Staging", "--read-only", "--label", "ro");
        await Ok("tags", "add", "vip");
        await Ok("tags", "add", "beta");
        await Ok("import", Write("rows.ndjson", """
            {"provided_id": "acme", "name": "Acme", "group_tags": ["vip"], "properties": {"seats": 12345678901234567890, "huge": 1e400, "ключ": "значение", "z": 1, "a": [1.50, {"b": null}]}, "mapping": {"40": "213"}}
            {"provided_id": "ops", "parent_provided_id": "acme", "hierarchy_level_name": "Team", "group_tags": ["vip", "beta"], "properties": {"emoji 🙂": true}}
            {"provided_id": "bob", "parent_provided_id": "ops", "hierarchy_level_name": "User", "emails": ["bob@example.com"], "properties": {"n": -0.0}}
            {"provided_id": "solo", "properties": {}}
            """));
        await Ok("import", Write("last.ndjson", "{\"provided_id\": \"last-one\"}\n"));
        using var store = new LiteDbWorkspaceStore(Db);
        var service = new ExploService(store);
        Assert.True((await service.AddDataSourceAsync(Caller.Administrator(), new AddDataSourceRequest("ds-41", "41", "Main", ["Production"]))).IsSuccess);
        var last = (await service.GetCustomerAsync(Caller.Administrator(), "last-one")).SuccessValue;
        Assert.True((await service.DeleteCustomerAsync(Caller.Administrator(), new DeleteCustomerRequest(last.Token))).IsSuccess);
        Assert.Equal(last.Id.Value, await store.ReadAsync(r => r.LastCustomerId));
        return last.Id.Value;
    }

    private async Task AssertSameAsync(string source, string copy)
    {
        foreach (var command in new[] { new[] { "export", "--format", "ndjson" }, ["token", "list"], ["tags", "list"], ["levels", "list"], ["dvg", "list"] })
        {
            Assert.Equal(await OkOn(source, command), await OkOn(copy, command));
        }

        var (sourceEvents, sourceMark) = await Contents(source);
        var (copiedEvents, copiedMark) = await Contents(copy);
        Assert.NotEmpty(sourceEvents);
        Assert.Equal(sourceEvents, copiedEvents);
        Assert.Equal(sourceMark, copiedMark);
        Assert.Contains("every invariant holds", await OkOn(copy, "validate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workspace_goes_to_PostgreSQL_and_back_with_the_same_export_tokens_tags_events_and_ids()
    {
        var deletedId = await FillSourceAsync();
        var back = Path.Combine(Folder, "back.db");

        var there = await On(Db, "copy", "--from", Db, "--to", _place.ConnectionString);
        Assert.True(there.Exit == 0, there.Err);
        Assert.StartsWith("Copied 4 customers, 2 group tags and ", there.Out, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL database", there.Out, StringComparison.Ordinal);
        Assert.Contains("events", there.Err, StringComparison.Ordinal); // progress, on standard error
        await AssertSameAsync(Db, _place.ConnectionString);

        var home = await On(Db, "copy", "--from", _place.ConnectionString, "--to", back);
        Assert.True(home.Exit == 0, home.Err);
        await AssertSameAsync(Db, back);
        Assert.Equal(Encoding.UTF8.GetBytes(await OkOn(Db, "export", "--format", "ndjson")), Encoding.UTF8.GetBytes(await OkOn(back, "export", "--format", "ndjson")));
        Assert.Contains("1e400", await OkOn(back, "export", "--format", "ndjson"), StringComparison.Ordinal);

        // The deleted highest id is never given again: the next customer in the copy gets a fresh one.
        await OkOn(back, "import", Write("new.ndjson", "{\"provided_id\": \"newcomer\"}\n"));
        using var store = new LiteDbWorkspaceStore(back);
        var newcomer = (await new ExploService(store).GetCustomerAsync(Caller.Administrator(), "newcomer")).SuccessValue;
        Assert.Equal(deletedId + 1, newcomer.Id.Value);
    }

    [Fact]
    public async Task A_non_empty_target_is_refused_in_one_sentence_and_left_unchanged()
    {
        await FillSourceAsync();
        var target = Path.Combine(Folder, "target.db");
        await OkOn(target, "init");
        await OkOn(target, "import", Write("one.ndjson", "{\"provided_id\": \"other\"}\n"));
        var before = (await OkOn(target, "export", "--format", "ndjson"), await Contents(target));

        var refused = await On(Db, "copy", "--from", Db, "--to", target);

        Assert.Equal(1, refused.Exit);
        Assert.Empty(refused.Out);
        Assert.DoesNotContain('\n', refused.Err.TrimEnd());
        Assert.Contains("is not empty", refused.Err, StringComparison.Ordinal);
        var after = (await OkOn(target, "export", "--format", "ndjson"), await Contents(target));
        Assert.Equal(before.Item1, after.Item1);
        Assert.Equal(before.Item2.Events, after.Item2.Events);
        Assert.Equal(before.Item2.LastCustomerId, after.Item2.LastCustomerId);

        // A PostgreSQL target with a workspace is refused too.
        await OkOn(_place.ConnectionString, "init");
        var refusedThere = await On(Db, "copy", "--from", Db, "--to", _place.ConnectionString);
        Assert.Equal(1, refusedThere.Exit);
        Assert.Contains("is not empty", refusedThere.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_is_copied_to_a_new_file()
    {
        await FillSourceAsync();
        var copy = Path.Combine(Folder, "copy.db");

        var run = await On(Db, "copy", "--from", Db, "--to", copy);

        Assert.True(run.Exit == 0, run.Err);
        Assert.Equal($"Copied 4 customers, 2 group tags and {(await Contents(Db)).Events.Count} events from {Db} to {copy}.\n", run.Out.ReplaceLineEndings("\n"));
        await AssertSameAsync(Db, copy);
    }

    [Fact]
    public async Task Twenty_thousand_customers_go_to_PostgreSQL_and_back_with_an_identical_export()
    {
        await Ok("init");
        var rows = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            var parent = i % 10 == 0 ? string.Empty : $", \"parent_provided_id\": \"c{i - (i % 10)}\", \"hierarchy_level_name\": \"User\"";
            rows.Append($"{{\"provided_id\": \"c{i}\"{parent}, \"properties\": {{\"n\": {i}, \"big\": 1{i}000000000000000000000, \"name\": \"ü{i}\"}}}}\n");
        }

        await Ok("import", Write("many.ndjson", rows.ToString()));
        var back = Path.Combine(Folder, "back.db");
        var clock = Stopwatch.StartNew();

        var there = await On(Db, "copy", "--from", Db, "--to", _place.ConnectionString);
        var toPostgres = clock.Elapsed;
        var home = await On(Db, "copy", "--from", _place.ConnectionString, "--to", back);
        var total = clock.Elapsed;

        Assert.True(there.Exit == 0, there.Err);
        Assert.True(home.Exit == 0, home.Err);
        Assert.StartsWith("Copied 20000 customers", home.Out, StringComparison.Ordinal);
        log.WriteLine($"20,000 customers: LiteDB -> PostgreSQL {toPostgres.TotalSeconds:0.0} s, PostgreSQL -> LiteDB {(total - toPostgres).TotalSeconds:0.0} s.");
        Assert.Equal(await Ok("export", "--format", "ndjson"), await OkOn(back, "export", "--format", "ndjson"));
        Assert.Equal((await Contents(Db)).Events, (await Contents(back)).Events);
        Assert.Contains("every invariant holds", await OkOn(back, "validate"), StringComparison.Ordinal);
        Assert.True(total < TimeSpan.FromMinutes(2), $"The two copies took {total}.");
    }
}
