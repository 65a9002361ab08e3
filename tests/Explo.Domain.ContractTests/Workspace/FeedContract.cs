using System.Text.Json;

namespace Explo.Domain.ContractTests;

/// <summary>
/// The change feed (<c>GET /api/events/</c>, <see cref="IChangeFeed"/>): every change in commit order, resumable from
/// a cursor without repeating or skipping, each caller seeing its DVG's customers and the workspace's group tags.
/// </summary>
public abstract class FeedContract : ContractTestBase
{
    /// <summary>Reads the whole feed from the start in pages of <paramref name="limit"/>.</summary>
    private async Task<List<FeedEvent>> ReadAll(Caller caller, int limit = 100, string? after = null)
    {
        // The administrator reads in process (the HTTP API has no administrator); everyone else through the port under test.
        IChangeFeed feed = caller == Admin ? AdminService : Api;
        var all = new List<FeedEvent>();
        while (true)
        {
            var page = await feed.ReadEventsAsync(caller, after, limit);
            Assert.True(page.IsSuccess, page.ToString());
            Assert.True(page.SuccessValue.Events.Count <= limit);
            all.AddRange(page.SuccessValue.Events);
            if (page.SuccessValue.Events.Count == 0)
            {
                return all;
            }

            after = page.SuccessValue.NextCursor;
        }
    }

    [Fact]
    public async Task The_feed_lists_each_change_in_commit_order_with_its_customer_and_what_changed()
    {
        var before = (await ReadAll(Writer)).Count;
        await Create("acme");
        await Create("team", level: "User", parent: "acme");
        Assert.True((await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("team") { Name = "Team A" })).IsSuccess);
        var token = (await Api.GetCustomerAsync(Writer, "team")).SuccessValue.Token;
        Assert.True((await Api.RefreshCustomerTokenAsync(Writer, new RefreshTokenRequest(token))).IsSuccess);
        Assert.True((await Api.CreateGroupTagAsync(Writer, "vip")).IsSuccess);
        Assert.True((await Api.RenameGroupTagAsync(Writer, "vip", "gold")).IsSuccess);
        var newToken = (await Api.GetCustomerAsync(Writer, "team")).SuccessValue.Token;
        Assert.True((await Api.DeleteCustomerAsync(Writer, new DeleteCustomerRequest(newToken))).IsSuccess);

        var events = (await ReadAll(Writer, limit: 3)).Skip(before).ToList();

        Assert.Equal(
            ["customer_created", "customer_created", "customer_updated", "customer_token_rotated", "group_tag_created", "group_tag_renamed", "customer_deleted"],
            events.Select(e => e.Type));
        Assert.Equal(["acme", "team", "team", "team", null, null, "team"], events.Select(e => e.ProvidedId));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Id < p.Second.Id));
        Assert.All(events, e => Assert.Equal(Start, e.OccurredAt));
        using (var updated = JsonDocument.Parse(events[2].Data))
        {
            Assert.Equal(["name"], updated.RootElement.GetProperty("changed_fields").EnumerateArray().Select(f => f.GetString()));
        }

        using var renamed = JsonDocument.Parse(events[5].Data);
        Assert.Equal(("vip", "gold"), (renamed.RootElement.GetProperty("old_name").GetString(), renamed.RootElement.GetProperty("new_name").GetString()));
    }

    [Fact]
    public async Task A_token_sees_its_dvg_s_customers_and_every_group_tag_and_the_administrator_everything()
    {
        await Create("mine");
        await Create("theirs", caller: OtherWriter);
        Assert.True((await Api.CreateGroupTagAsync(OtherWriter, "shared")).IsSuccess);
        await AddLevel("Team", after: "Customer");

        var mine = await ReadAll(ReadOnly);
        var theirs = await ReadAll(OtherWriter);
        var all = await ReadAll(Admin);

        Assert.Equal(["mine", null], mine.Select(e => e.ProvidedId));
        Assert.Equal(["theirs", null], theirs.Select(e => e.ProvidedId));
        Assert.Contains(all, e => e.ProvidedId == "mine");
        Assert.Contains(all, e => e.ProvidedId == "theirs");
        Assert.Contains(all, e => e.Type == "hierarchy_level_added" || e.Type.StartsWith("hierarchy_level", StringComparison.Ordinal));
        Assert.DoesNotContain(mine, e => e.Type.StartsWith("hierarchy_level", StringComparison.Ordinal) || e.Type.StartsWith("api_token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cursor_resumes_after_the_last_event_read_and_an_empty_read_keeps_it()
    {
        await Create("a");
        var first = (await Api.ReadEventsAsync(Writer, limit: 1)).SuccessValue;
        await Create("b");
        var rest = (await Api.ReadEventsAsync(Writer, first.NextCursor, 1000)).SuccessValue;

        Assert.Equal(["a"], first.Events.Select(e => e.ProvidedId));
        Assert.Equal(["b"], rest.Events.Select(e => e.ProvidedId));
        var end = (await Api.ReadEventsAsync(Writer, rest.NextCursor)).SuccessValue;
        Assert.Empty(end.Events);
        Assert.Equal(rest.NextCursor, end.NextCursor);
        await Create("c");
        Assert.Equal(["c"], (await Api.ReadEventsAsync(Writer, end.NextCursor)).SuccessValue.Events.Select(e => e.ProvidedId));
    }

    [Fact]
    public async Task A_malformed_or_foreign_cursor_and_a_limit_out_of_range_are_refused_by_name()
    {
        await Create("a");
        var cursor = (await Api.ReadEventsAsync(Writer)).SuccessValue.NextCursor;
        var events = Sut.EventCount();

        foreach (var bad in (string[])["", "not-a-cursor", "ZXYxOi0x", cursor + "A", Convert.ToBase64String("page:5"u8.ToArray()), new string('a', 100)])
        {
            var refused = await Api.ReadEventsAsync(Writer, bad);
            Assert.True(refused.Failure is ValidationFailed { Code: ErrorCodes.InvalidCursor } v && v.Violations[0].Field == "after", $"{bad}: {refused}");
        }

        foreach (var limit in (int[])[0, -1, 1001])
        {
            var refused = await Api.ReadEventsAsync(Writer, limit: limit);
            Assert.True(refused.Failure is ValidationFailed { Code: ErrorCodes.InvalidLimit } v && v.Violations[0].Field == "limit", $"{limit}: {refused}");
        }

        Assert.Equal(events, Sut.EventCount());
        Assert.Equal(ErrorCodes.InvalidApiToken, (await Api.ReadEventsAsync(Caller.WithApiToken("nope"))).Failure!.Code);
    }

    [Fact]
    public async Task Read_to_its_end_in_pages_of_7_while_4_writers_run_the_feed_repeats_and_skips_nothing()
    {
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var id = $"w{w}-{i}";
                Assert.True((await Api.GetOrCreateCustomerAsync(Writer, new CreateCustomerRequest(id))).IsSuccess);
                if (i % 5 == 0)
                {
                    Assert.True((await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest(id) { Name = "renamed" })).IsSuccess);
                }
            }
        })).ToList();

        var read = new List<FeedEvent>();
        var trace = new List<string>();
        string? after = null;
        while (true)
        {
            // Whether the writers were done is taken before the read: an empty read after that is the end.
            var done = writers.TrueForAll(w => w.IsCompleted);
            var page = (await Api.ReadEventsAsync(Writer, after, 7)).SuccessValue;
            read.AddRange(page.Events);
            trace.Add($"{page.Events.Count}@{page.NextCursor}");
            after = page.NextCursor;
            if (page.Events.Count == 0 && done)
            {
                break;
            }

            await Task.Yield();
        }

        await Task.WhenAll(writers);
        var whole = await ReadAll(Admin, limit: 1000);
        var expected = string.Join(',', whole.Where(e => e.ProvidedId is not null).Select(e => e.Id));
        Assert.True(expected == string.Join(',', read.Select(e => e.Id)), $"expected {expected}; read {string.Join(',', read.Select(e => e.Id))}; pages {string.Join(' ', trace.TakeLast(20))}");
        Assert.Equal(120, read.Count);
        Assert.Equal(read.Count, read.Select(e => e.Id).Distinct().Count());
    }
}
