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

    private static async Task<IReadOnlyList<StoredEvent>> Events(IEventArchive archive, int pageSize)
    {
        var all = new List<StoredEvent>();
        while (true)
        {
            var page = await archive.ReadEventsAsync(all.Count == 0 ? 0 : all[^1].Sequence, pageSize);
            all.AddRange(page);
            if (page.Count < pageSize)
            {
                return all;
            }
        }
    }

    /// <summary>
    /// The events and the high-water mark of a store. The events are read in pages of <paramref name="pageSize"/>: small
    /// pages (the default) exercise the paging of a small workspace; a big workspace is read in big pages, since a LiteDB
    /// page costs about as much as the batch document of 1,000 events it starts in.
    /// </summary>
    private static async Task<(IReadOnlyList<StoredEvent> Events, long LastCustomerId)> Contents(string db, int pageSize = 7)
    {
        using var store = CliStore.Open(db);
        return (await Events((IEventArchive)store.Store, pageSize), await store.Store.ReadAsync(r => r.LastCustomerId));
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

    /// <summary>
    /// A workspace of 100,000 customers (a tree: one customer in ten the parent of the next nine; integers too big for 64
    /// bits; non-ASCII text) makes the round trip with the same export byte for byte, the same events and the same
    /// high-water mark, and both copies keep every invariant. The copies' durations are logged, not asserted.
    /// </summary>
    [Fact]
    public async Task A_hundred_thousand_customers_go_to_PostgreSQL_and_back_with_an_identical_export()
    {
        const int Count = 100_000;
        await Ok("init");
        var rows = new StringBuilder();
        for (var i = 0; i < Count; i++)
        {
            var parent = i % 10 == 0 ? string.Empty : $", \"parent_provided_id\": \"c{i - (i % 10)}\", \"hierarchy_level_name\": \"User\"";
            rows.Append($"{{\"provided_id\": \"c{i}\"{parent}, \"properties\": {{\"n\": {i}, \"big\": 1{i}000000000000000000000, \"name\": \"ü{i}\"}}}}\n");
        }

        await Ok("import", Write("many.ndjson", rows.ToString()));
        var back = Path.Combine(Folder, "back.db");

        var clock = Stopwatch.StartNew();
        var there = await On(Db, "copy", "--from", Db, "--to", _place.ConnectionString);
        var toPostgres = clock.Elapsed;
        Assert.True(there.Exit == 0, there.Err);
        Assert.StartsWith($"Copied {Count} customers", there.Out, StringComparison.Ordinal);

        clock.Restart();
        var home = await On(Db, "copy", "--from", _place.ConnectionString, "--to", back);
        var toLiteDb = clock.Elapsed;
        Assert.True(home.Exit == 0, home.Err);
        Assert.StartsWith($"Copied {Count} customers", home.Out, StringComparison.Ordinal);
        log.WriteLine($"{Count:N0} customers: LiteDB -> PostgreSQL {toPostgres.TotalSeconds:0.0} s, PostgreSQL -> LiteDB {toLiteDb.TotalSeconds:0.0} s.");

        // Exported to files, so the bytes compared are the ones the tool writes.
        var sourceExport = Path.Combine(Folder, "source.ndjson");
        var copyExport = Path.Combine(Folder, "copy.ndjson");
        await Ok("export", "--format", "ndjson", "--out", sourceExport);
        await OkOn(back, "export", "--format", "ndjson", "--out", copyExport);
        var exported = File.ReadAllBytes(copyExport);
        AssertSameBytes(File.ReadAllBytes(sourceExport), exported);
        Assert.Equal(
            $"{{\"provided_id\":\"c{Count - 1}\",\"name\":\"c{Count - 1}\",\"is_demo_group\":false,\"emails\":[],\"group_tags\":[],\"properties\":{{\"n\":{Count - 1},\"big\":1{Count - 1}000000000000000000000,\"name\":\"ü{Count - 1}\"}},\"mapping\":{{}},\"hierarchy_level_name\":\"User\",\"parent_provided_id\":\"c{Count - 10}\",\"access_group\":\"Production\"}}",
            LastLine(exported));

        var (sourceEvents, sourceMark) = await Contents(Db, pageSize: 10_000);
        var (copiedEvents, copiedMark) = await Contents(back, pageSize: 10_000);
        Assert.Equal(Count + 1, sourceEvents.Count); // the workspace's creation, then one a customer
        Assert.Equal(sourceEvents, copiedEvents);
        Assert.Equal(Count, sourceMark);
        Assert.Equal(sourceMark, copiedMark);
        Assert.Contains("every invariant holds", await OkOn(_place.ConnectionString, "validate"), StringComparison.Ordinal);
        Assert.Contains("every invariant holds", await OkOn(back, "validate"), StringComparison.Ordinal);
    }

    /// <summary>The same bytes; otherwise a failure showing the first line that differs, as each side has it.</summary>
    private static void AssertSameBytes(byte[] expected, byte[] actual)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        var at = expected.AsSpan().CommonPrefixLength(actual);
        var start = expected.AsSpan(0, at).LastIndexOf((byte)'\n') + 1;
        Assert.Fail($"The exports differ from byte {at} ({expected.Length} and {actual.Length} bytes), on line {expected.AsSpan(0, at).Count((byte)'\n') + 1}:\n  source: {LineAt(expected, start)}\n  copy:   {LineAt(actual, start)}");
    }

    /// <summary>The line of UTF-8 text that starts at <paramref name="start"/>, without its line feed.</summary>
    private static string LineAt(byte[] text, int start)
    {
        var length = text.AsSpan(start).IndexOf((byte)'\n');
        return Encoding.UTF8.GetString(text, start, length < 0 ? text.Length - start : length);
    }

    /// <summary>The last line of UTF-8 text that ends with a line feed.</summary>
    private static string LastLine(byte[] text) => LineAt(text, text.AsSpan(0, text.Length - 1).LastIndexOf((byte)'\n') + 1);
}
