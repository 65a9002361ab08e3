using System.Text.Json;

namespace Explo.Cli.Tests;

public sealed class AdminCommandTests : CliTestBase
{
    [Fact]
    public async Task Init_creates_the_workspace_once()
    {
        Assert.Contains("Created a workspace", await Ok("init"), StringComparison.Ordinal);
        Assert.Contains("already holds a workspace", await Ok("init"), StringComparison.Ordinal);
        Assert.True(File.Exists(Db));
    }

    [Fact]
    public async Task Levels_can_be_added_below_another_renamed_and_listed()
    {
        await Ok("levels", "add", "Team", "--after", "Customer");
        await Ok("levels", "add", "Seat");
        await Ok("levels", "rename", "Seat", "Chair");

        var levels = JsonDocument.Parse(await Ok("levels", "list", "--json")).RootElement.EnumerateArray().Select(l => l.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Customer", "Team", "User", "Chair"], levels);
        Assert.Contains("Team", await Ok("levels", "list"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_groups_and_tokens_are_managed_and_secrets_shown_once()
    {
        await Ok("dvg", "add", "Development");
        Assert.Equal("Production\nDevelopment\n", (await Ok("dvg", "list")).Replace("\r", string.Empty));

        var created = await Ok("token", "create", "--dvg", "Development", "--read-only", "--label", "ci");
        var secret = created.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
        Assert.Matches("^[0-9a-f]{64}$", secret);

        var listed = await Ok("token", "list", "--json");
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        var token = JsonDocument.Parse(listed).RootElement[0];
        Assert.Equal("Development", token.GetProperty("access_group").GetString());
        Assert.True(token.GetProperty("read_only").GetBoolean());

        await Ok("token", "revoke", token.GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("revoked", await Ok("token", "list"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_secrets_are_created_with_their_secret_shown_once_listed_and_revoked()
    {
        var created = (await Ok("secrets", "create", "--label", "web")).Replace("\r", string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, created.Length);
        Assert.Matches("^key_id: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", created[0]);
        Assert.Matches("^secret: [A-Za-z0-9]{32}$", created[1]);
        var keyId = created[0]["key_id: ".Length..];
        var secret = created[1]["secret: ".Length..];

        var listed = await Ok("secrets", "list", "--json");
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        var entry = JsonDocument.Parse(listed).RootElement[0];
        Assert.Equal((keyId, "web"), (entry.GetProperty("key_id").GetString(), entry.GetProperty("label").GetString()));
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("revoked_at").ValueKind);
        Assert.DoesNotContain(secret, await Ok("secrets", "list"), StringComparison.Ordinal);

        Assert.Contains(keyId, await Ok("secrets", "revoke", keyId), StringComparison.Ordinal);
        Assert.Contains("revoked", await Ok("secrets", "list"), StringComparison.Ordinal);
        var unknown = await Explo("secrets", "revoke", "no-such-key");
        Assert.Equal((1, "No embed secret has key id 'no-such-key'."), (unknown.Exit, unknown.Err.Trim()));
    }

    [Fact]
    public async Task Events_prints_the_feed_one_json_line_each_and_the_cursor_to_go_on_from()
    {
        await Ok("tags", "add", "vip");
        await Ok("tags", "rename", "vip", "gold");
        var first = await Explo("events");
        Assert.Equal(0, first.Exit);
        var lines = first.Out.Replace("\r", string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var types = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToList();
        Assert.Equal(["group_tag_created", "group_tag_renamed"], types.Where(t => t!.StartsWith("group_tag", StringComparison.Ordinal)));
        Assert.StartsWith("next_cursor: ", first.Err.Trim(), StringComparison.Ordinal);
        var cursor = first.Err.Trim()["next_cursor: ".Length..];

        await Ok("tags", "remove", "gold");
        var next = await Explo("events", "--after", cursor);
        Assert.Equal("group_tag_deleted", JsonDocument.Parse(next.Out.Trim()).RootElement.GetProperty("type").GetString());

        var bad = await Explo("events", "--after", "nonsense");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("after is not a cursor", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_are_added_renamed_listed_and_removed()
    {
        await Ok("tags", "add", "vip");
        await Ok("tags", "add", "ünï tag");
        await Ok("tags", "rename", "vip", "gold");
        Assert.Equal(["gold", "ünï tag"], JsonDocument.Parse(await Ok("tags", "list", "--json")).RootElement.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        await Ok("tags", "remove", "gold");
        Assert.Equal("ünï tag", (await Ok("tags", "list")).Trim());
    }

    [Fact]
    public async Task A_domain_failure_exits_1_with_one_sentence_on_stderr_and_changes_nothing()
    {
        await Ok("tags", "add", "vip");
        var run = await Explo("tags", "add", "vip");

        Assert.Equal(1, run.Exit);
        Assert.Equal("A group tag named 'vip' already exists.", run.Err.Trim());
        Assert.Equal("vip", (await Ok("tags", "list")).Trim());
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("levels", "add")]
    [InlineData("token", "create")]
    [InlineData("token", "revoke", "not-a-number")]
    public async Task A_usage_error_exits_2(params string[] args)
    {
        var run = await Explo(args);
        Assert.Equal(2, run.Exit);
        Assert.False(string.IsNullOrWhiteSpace(run.Err));
    }

    [Fact]
    public async Task A_file_held_by_another_store_is_a_clear_error()
    {
        using var holder = new Explo.Domain.LiteDb.LiteDbWorkspaceStore(Db);
        var run = await Explo("tags", "list");
        Assert.Equal(1, run.Exit);
        Assert.Contains(Db, run.Err, StringComparison.Ordinal);
    }
}
