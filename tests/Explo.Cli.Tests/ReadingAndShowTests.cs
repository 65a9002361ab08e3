using System.Text;
using System.Text.Json;
using Explo.Contracts;
using Explo.Domain;
using Explo.Domain.LiteDb;

namespace Explo.Cli.Tests;

/// <summary>Import files are read by the API's reader; <c>show --json</c> prints the API's customer and the core's explanation.</summary>
public sealed class ReadingAndShowTests : CliTestBase
{
    private static List<FileRow> Read(string content, string format) => CustomerFiles.Read(Encoding.UTF8.GetBytes(content), format);

    private static string[] Problems(FileRow row) => [.. row.Violations.Select(v => $"{v.Field}:{v.Code}")];

    [Fact]
    public void A_json_row_is_read_as_the_api_reads_it_and_every_wrong_field_is_named()
    {
        var rows = Read("""
            [
              {"provided_id": "a", "is_demo_group": 1, "mapping": {"40": "213"}, "emails": ["ops@a.example"], "properties": {"n": 1.50}},
              {"provided_id": "b", "is_demo_group": 2, "emails": [1, "x@b.example", true], "name": 7, "properties": []},
              "not an object",
              {"provided_id": "c", "parent_schema_datasource_mapping": {"40": "213"}}
            ]
            """, "json");

        Assert.Equal([1, 2, 3, 4], rows.Select(r => r.Line));
        var a = rows[0].Request!;
        Assert.True(a.IsDemoGroup);
        Assert.Equal([("40", "213")], a.Mapping!.Select(m => (m.Key, m.Value)));
        Assert.Equal("1.50", a.Properties!["n"].GetRawText());
        Assert.Null(rows[1].Request);
        Assert.Equal(["emails[0]:invalid_type", "emails[2]:invalid_type", "is_demo_group:invalid_type", "name:invalid_type", "properties:invalid_type"], Problems(rows[1]).Order(StringComparer.Ordinal));
        Assert.Equal(["row:invalid_type"], Problems(rows[2]));

        // The request field is "mapping" only: the response's name is not an alias.
        Assert.Null(rows[3].Request!.Mapping);
    }

    [Fact]
    public void A_file_or_line_that_is_not_json_is_malformed_json_and_a_json_file_must_be_an_array()
    {
        Assert.Equal(["row:malformed_json"], Problems(Read("[{\"provided_id\": ", "json").Single()));
        Assert.Equal(["row:invalid_type"], Problems(Read("""{"provided_id": "a"}""", "json").Single()));

        var rows = Read("{\"provided_id\": \"a\"}\n\n{oops\n[1]\n", "ndjson");
        Assert.Equal([1, 3, 4], rows.Select(r => r.Line));
        Assert.Equal(["row:malformed_json"], Problems(rows[1]));
        Assert.Equal(["row:invalid_type"], Problems(rows[2]));
    }

    [Fact]
    public void A_csv_record_becomes_the_json_object_a_client_would_send()
    {
        var rows = Read(
            "provided_id,name,is_demo_group,emails,group_tags,properties.n,properties.s,mapping.40,access_group\n" +
            "a,A,1,\"[\"\"ops@a.example\"\"]\",,2.50,plain text,213,Production\n" +
            "b,,0,,,,,,\n" +
            "c,,2,[1],vip,,,,\n" +
            "d,,yes,ops@d.example,\"[\"\"vip\"\"]\",,,,\n" +
            "e,,true,,,\n", "csv");

        Assert.Equal([2, 3, 4, 5, 6], rows.Select(r => r.Line));
        var a = rows[0].Request!;
        Assert.Equal(("a", "A", true), (a.ProvidedId, a.Name, a.IsDemoGroup));
        Assert.Equal(["ops@a.example"], a.Emails!);
        Assert.Equal("2.50", a.Properties!["n"].GetRawText());
        Assert.Equal("plain text", a.Properties["s"].GetString());
        Assert.Equal("213", a.Mapping!["40"]);
        var b = rows[1].Request!;
        Assert.Equal((false, null, null, null, null), (b.IsDemoGroup, b.Name, b.Emails, b.Properties, b.Mapping));
        Assert.Equal(["emails[0]:invalid_type", "group_tags:invalid_type", "is_demo_group:invalid_type"], Problems(rows[2]).Order(StringComparer.Ordinal));
        Assert.Equal(["emails:invalid_type", "is_demo_group:invalid_type"], Problems(rows[3]).Order(StringComparer.Ordinal));
        Assert.Equal(["row:malformed_csv"], Problems(rows[4]));
    }

    [Fact]
    public async Task The_import_report_lists_every_problem_of_a_row_with_its_code()
    {
        var file = Write("customers.ndjson", """
            {"provided_id": "ok"}
            {"provided_id": "bad", "is_demo_group": 2, "emails": "x"}
            {"provided_id": "orphan", "parent_provided_id": "missing", "hierarchy_level_name": "User"}
            """);

        var run = await Explo("import", file, "--json");

        Assert.Equal(1, run.Exit);
        var report = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal(1, report.GetProperty("created").GetInt32());
        Assert.Equal(2, report.GetProperty("invalid").GetInt32());
        var errors = report.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("field").GetString(), e.GetProperty("error_code").GetString(), e.GetProperty("reason").GetString()!.Length > 0))
            .ToList();
        Assert.Equal(
            [(2, "is_demo_group", "invalid_type", true), (2, "emails", "invalid_type", true), (3, "parent_provided_id", "parent_not_found", true)],
            errors);
    }

    [Fact]
    public async Task Show_json_prints_the_api_customer_with_the_sources_of_its_computed_values()
    {
        await Ok("levels", "add", "Team", "--after", "Customer");
        await Ok("import", Write("t.ndjson", """
            {"provided_id": "acme", "properties": {"region": "eu", "plan": "gold", "n": 1.50}, "mapping": {"40": "213"}}
            {"provided_id": "ops", "parent_provided_id": "acme", "hierarchy_level_name": "Team", "properties": {"plan": "silver"}}
            {"provided_id": "bob", "parent_provided_id": "ops", "hierarchy_level_name": "User", "properties": {"seat": 7}}
            """));
        CustomerView bob;
        using (var store = new LiteDbWorkspaceStore(Db))
        {
            var service = new ExploService(store);
            Assert.True((await service.AddDataSourceAsync(Caller.Administrator(), new AddDataSourceRequest("ds-41", "41", null, ["Production"]))).IsSuccess);
            Assert.True((await service.SetDefaultDataSourceAsync(Caller.Administrator(), "Production", "41", "ds-41")).IsSuccess);
            bob = (await service.GetCustomerAsync(Caller.Administrator(), "bob")).SuccessValue;
        }

        var shown = JsonDocument.Parse(await Ok("show", "bob", "--json")).RootElement;

        // The API's customer object, field for field, then the two source objects.
        var expected = JsonDocument.Parse(JsonSerializer.Serialize(CustomerBody.From(bob), ExploJson.Context.CustomerBody)).RootElement;
        Assert.Equal(
            [.. expected.EnumerateObject().Select(p => p.Name), "computed_property_sources", "computed_mapping_sources"],
            shown.EnumerateObject().Select(p => p.Name));
        foreach (var field in expected.EnumerateObject())
        {
            Assert.True(JsonElement.DeepEquals(field.Value, shown.GetProperty(field.Name)), $"{field.Name}: {field.Value} != {shown.GetProperty(field.Name)}");
        }

        var computed = shown.GetProperty("computed_properties");
        Assert.Equal(JsonValueKind.Object, computed.ValueKind);
        Assert.Equal(PropertyMap.ToJson(bob.ComputedProperties), computed.GetRawText());
        Assert.Equal("1.50", computed.GetProperty("n").GetRawText());
        Assert.Equal(
            [("region", "acme"), ("plan", "ops"), ("n", "acme"), ("seat", "bob")],
            shown.GetProperty("computed_property_sources").EnumerateObject().Select(p => (p.Name, p.Value.GetString())));
        Assert.Equal(
            [("41", ExplainedCustomerBody.AccessGroupDefault), ("40", "acme")],
            shown.GetProperty("computed_mapping_sources").EnumerateObject().Select(p => (p.Name, p.Value.GetString())));

        var table = await Ok("show", "bob");
        Assert.Contains("data visibility group default", table, StringComparison.Ordinal);
        Assert.Contains("ops", table, StringComparison.Ordinal);
    }

    [Fact]
    public void The_contract_names_the_dvg_default_source_as_the_core_does()
    {
        Assert.Equal(CustomerExplanation.AccessGroupDefault, ExplainedCustomerBody.AccessGroupDefault);
    }

    [Fact]
    public async Task Find_matches_json_values_and_a_string_matches_the_raw_text()
    {
        await Ok("import", Write("t.ndjson", """
            {"provided_id": "a", "properties": {"seat": 7}}
            {"provided_id": "b", "properties": {"seat": "7"}}
            {"provided_id": "c", "properties": {"seat": 7.0, "o": {"x": 1, "y": [1, 2]}}}
            """));

        Assert.Equal(["a", "b", "c"], (await Ok("find", "--property", "seat=7")).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["b"], (await Ok("find", "--property", "seat=\"7\"")).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["c"], (await Ok("find", "--property", "o={\"y\": [1, 2], \"x\": 1}")).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var found = JsonDocument.Parse(await Ok("find", "--property", "seat=\"7\"", "--json")).RootElement;
        Assert.Equal("""[{"provided_id":"b","name":"b","hierarchy_level":"Customer","access_group":"Production"}]""", found.GetRawText());
        Assert.Equal(2, (await Explo("find", "--property", "=7")).Exit);
    }
}
