using System.Text;
using System.Text.Json;
using Explo.Domain;
using Explo.Domain.LiteDb;

namespace Explo.Cli.Tests;

public sealed class DataCommandTests : CliTestBase
{
    [Fact]
    public async Task Json_import_takes_parents_after_children_and_show_explains_computed_values()
    {
        await Ok("tags", "add", "vip");
        var file = Write("customers.json", """
            [
              {"provided_id": "bob", "parent_provided_id": "acme", "hierarchy_level_name": "User", "properties": {"seat": 7, "plan": "silver"}},
              {"provided_id": "acme", "name": "Acme", "group_tags": ["vip"], "properties": {"region": "eu", "plan": "gold"}, "mapping": {"40": "213"}}
            ]
            """);

        Assert.Contains("Imported 2 customers", await Ok("import", file), StringComparison.Ordinal);

        var shown = JsonDocument.Parse(await Ok("show", "bob", "--json")).RootElement;
        var sources = shown.GetProperty("computed_property_sources");
        Assert.Equal("acme", sources.GetProperty("region").GetString());
        Assert.Equal("bob", sources.GetProperty("plan").GetString());
        Assert.Equal("eu", shown.GetProperty("computed_properties").GetProperty("region").GetString());
        Assert.Equal("acme", shown.GetProperty("computed_mapping_sources").GetProperty("40").GetString());
        Assert.Equal(["vip"], shown.GetProperty("computed_group_tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("region", await Ok("show", "bob"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_rows_are_reported_by_line_and_field_while_valid_rows_land()
    {
        var file = Write("customers.ndjson", """
            {"provided_id": "ok-1"}
            {"provided_id": "bad-level", "hierarchy_level_name": "Nope"}
            not json at all
            {"provided_id": "orphan", "parent_provided_id": "missing", "hierarchy_level_name": "User"}
            {"provided_id": "ok-2", "emails": "not-a-list"}
            """);

        var run = await Explo("import", file);

        Assert.Equal(1, run.Exit);
        Assert.Contains("Imported 1 customers", run.Out, StringComparison.Ordinal);
        var errors = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("line ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, errors.Length);
        Assert.StartsWith("line 2: hierarchy_level_name:", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("line 3: row:", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("line 4: parent_provided_id:", errors[2], StringComparison.Ordinal);
        Assert.StartsWith("line 5: emails: emails must be an array of strings", errors[3], StringComparison.Ordinal);
        Assert.EndsWith("(invalid_type)", errors[3].TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith("(malformed_json)", errors[1].TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_atomic_import_with_an_invalid_row_imports_nothing()
    {
        var file = Write("customers.ndjson", """
            {"provided_id": "ok-1"}
            {"provided_id": "bad", "emails": ["nope"]}
            """);

        var run = await Explo("import", file, "--atomic");

        Assert.Equal(1, run.Exit);
        Assert.Contains("Nothing was imported", run.Out, StringComparison.Ordinal);
        Assert.StartsWith("line 2: emails[0]:", run.Err, StringComparison.Ordinal);
        Assert.Equal("[]", (await Ok("find", "--property", "x=1", "--json")).Trim());
        Assert.Contains("0 customers", await Ok("stats"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_with_awkward_quoting_and_unicode_imports_exactly()
    {
        var file = Write("customers.csv",
            "provided_id,name,emails,hierarchy_level_name,parent_provided_id,properties.a.b,properties.$note,properties.城市,mapping.40\n" +
            "acme,\"Acme, Inc. \"\"the best\"\"\",\"[\"\"ops@acme.example\"\"]\",,,12345678901234567890,\"line one\nline two\",東京,213\n" +
            "bob,Bøb,,User,acme,null,\"{\"\"nested\"\": [1, 2.50]}\",,\n");

        await Ok("import", file);

        var acme = JsonDocument.Parse(await Ok("show", "acme", "--json")).RootElement;
        Assert.Equal("Acme, Inc. \"the best\"", acme.GetProperty("name").GetString());
        var properties = acme.GetProperty("properties");
        Assert.Equal("12345678901234567890", properties.GetProperty("a.b").GetRawText());
        Assert.Equal("line one\nline two", properties.GetProperty("$note").GetString());
        Assert.Equal("東京", properties.GetProperty("城市").GetString());
        var bob = JsonDocument.Parse(await Ok("show", "bob", "--json")).RootElement;
        Assert.Equal(JsonValueKind.Null, bob.GetProperty("properties").GetProperty("a.b").ValueKind);
        Assert.Equal("""{"nested":[1,2.50]}""", bob.GetProperty("properties").GetProperty("$note").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal("Bøb", bob.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("ndjson")]
    [InlineData("csv")]
    public async Task Export_then_import_gives_the_same_customers_properties_and_tree(string format)
    {
        // A generated tree of 10,000 customers, three levels, with awkward keys and exact numbers.
        await Ok("levels", "add", "Team", "--after", "Customer");
        var rows = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            var level = i < 100 ? null : i < 1_000 ? "Team" : "User";
            var parent = i < 100 ? null : i < 1_000 ? $"c{i % 100}" : $"c{100 + (i % 900)}";
            rows.Append(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["provided_id"] = $"c{i}",
                ["hierarchy_level_name"] = level,
                ["parent_provided_id"] = parent,
                ["properties"] = new Dictionary<string, object> { ["k.x"] = i % 7, ["$ü"] = $"v{i % 3}", [$"own{i % 5}"] = 0.1m + i },
                ["mapping"] = new Dictionary<string, string> { ["40"] = $"ds{i % 4}" },
            })).Append('\n');
        }

        await Ok("import", Write("tree.ndjson", rows.ToString()));
        var exported = Path.Combine(Folder, "export." + format);
        await Ok("export", "--format", format, "--out", exported);

        var copy = Path.Combine(Folder, "copy.db");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await ExploCli.RunAsync(["--db", copy, "levels", "add", "Team", "--after", "Customer"], output, error));
        Assert.Equal(0, await ExploCli.RunAsync(["--db", copy, "import", exported], output, error));

        Assert.Equal(Describe(Db), Describe(copy));
    }

    private static string Describe(string path)
    {
        using var store = new LiteDbWorkspaceStore(path);
        var customers = new ExploService(store).ListCustomersAsync(Caller.Administrator(), new CustomerFilter()).GetAwaiter().GetResult().SuccessValue;
        Assert.Equal(10_000, customers.Count);
        return string.Join('\n', customers.OrderBy(c => c.ProvidedId, StringComparer.Ordinal).Select(c =>
            $"{c.ProvidedId}|{c.Name}|{c.HierarchyLevel}|{c.ParentProvidedId}|{PropertyMap.ToJson(c.Properties)}|{string.Join(",", c.Mapping)}|{PropertyMap.ToJson(c.ComputedProperties)}"));
    }

    [Fact]
    public async Task Tree_find_rotate_stats_and_validate_work_on_a_small_file()
    {
        await Ok("import", Write("t.ndjson", """
            {"provided_id": "acme", "properties": {"region": "eu"}}
            {"provided_id": "bob", "parent_provided_id": "acme", "hierarchy_level_name": "User"}
            {"provided_id": "globex", "properties": {"region": "us"}}
            """));

        var tree = await Ok("tree");
        Assert.Contains("acme (Customer, Production)", tree, StringComparison.Ordinal);
        Assert.Contains("bob (User, Production)", tree, StringComparison.Ordinal);
        Assert.DoesNotContain("bob", await Ok("tree", "acme", "--depth", "1"), StringComparison.Ordinal);
        var nodes = JsonDocument.Parse(await Ok("tree", "--json")).RootElement;
        Assert.Equal(["acme", "globex"], nodes.EnumerateArray().Select(n => n.GetProperty("provided_id").GetString()));
        Assert.Equal("bob", nodes[0].GetProperty("children")[0].GetProperty("provided_id").GetString());
        Assert.Equal(0, JsonDocument.Parse(await Ok("tree", "acme", "--depth", "1", "--json")).RootElement[0].GetProperty("children").GetArrayLength());
        Assert.Equal(2, (await Explo("tree", "--depth", "0")).Exit);

        Assert.Equal(["acme", "bob"], (await Ok("find", "--property", "region=eu")).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["globex"], (await Ok("find", "--property", "region=\"us\"")).Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var before = JsonDocument.Parse(await Ok("show", "bob", "--json")).RootElement.GetProperty("provided_id").GetString();
        var rotated = (await Ok("rotate", "bob")).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
        Assert.Matches("^[0-9a-f]{64}$", rotated);
        Assert.Equal("bob", before);

        var stats = JsonDocument.Parse(await Ok("stats", "--json")).RootElement;
        Assert.Equal(3, stats.GetProperty("customers").GetInt32());
        Assert.Equal(2, stats.GetProperty("depth").GetInt32());
        Assert.Equal(2, stats.GetProperty("per_level").GetProperty("Customer").GetInt32());

        Assert.Contains("every invariant holds", await Ok("validate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_reports_a_broken_file_and_exits_1()
    {
        await Ok("import", Write("t.ndjson", """
            {"provided_id": "acme"}
            {"provided_id": "bob", "parent_provided_id": "acme", "hierarchy_level_name": "User"}
            """));

        // Break the file behind the service's back: bob's parent points at a customer that does not exist.
        using (var raw = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = Db }))
        {
            var customers = raw.GetCollection("customers");
            var bob = customers.FindOne(LiteDB.Query.EQ("pid", "bob"));
            bob["parent"] = 999L;
            customers.Update(bob);
        }

        var run = await Explo("validate");
        Assert.Equal(1, run.Exit);
        Assert.Contains("its parent #999 does not exist", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Importing_a_missing_file_or_an_unknown_format_is_a_usage_error()
    {
        Assert.Equal(2, (await Explo("import", Path.Combine(Folder, "nope.json"))).Exit);
        Assert.Equal(2, (await Explo("import", Write("x.txt", "hello"))).Exit);
    }
}

public sealed class ProgressTests : CliTestBase
{
    [Fact]
    public async Task A_large_import_on_a_terminal_draws_a_progress_bar_with_the_rate()
    {
        var rows = string.Concat(Enumerable.Range(0, 6_000).Select(i => $"{{\"provided_id\": \"c{i}\"}}\n"));
        var file = Write("big.ndjson", rows);
        var screen = new StringWriter();
        var terminal = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(screen),
            Interactive = Spectre.Console.InteractionSupport.Yes,
            Ansi = Spectre.Console.AnsiSupport.Yes,
        });

        var exit = await ExploCli.RunAsync(["--db", Db, "import", file], new StringWriter(), new StringWriter(), terminal);

        Assert.Equal(0, exit);
        var drawn = screen.ToString();
        Assert.Contains("rows/s", drawn, StringComparison.Ordinal);
        Assert.Contains("100%", drawn, StringComparison.Ordinal);
    }
}
