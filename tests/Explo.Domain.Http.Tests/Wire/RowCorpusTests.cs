using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Explo.Cli;
using Explo.Client;
using Explo.Contracts;

namespace Explo.Domain.Http.Tests.Wire;

/// <summary>
/// One reading of a customer row everywhere (issue 14): one corpus of good and bad rows goes through every path that
/// reads a customer row (HTTP create, HTTP import, the client, and the command-line import from JSON, NDJSON and CSV)
/// and every path must accept and reject exactly the same rows with the same error codes on the same fields.
/// </summary>
public sealed partial class RowCorpusTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "explo-corpus-tests", Guid.NewGuid().ToString("N"));

    public RowCorpusTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS.
        }
    }

    /// <summary>A row of the corpus: its JSON text, and whether a CSV file can say the same thing (CSV cells are text).</summary>
    private sealed record Row(string Json, bool Csv = true)
    {
        public string ProvidedId => Regex.Match(Json, "\"provided_id\"\\s*:\\s*\"([^\"]*)\"").Groups[1].Value;

        public override string ToString() => Json.Length <= 100 ? Json : Json[..97] + "...";
    }

    /// <summary>A value 64 levels deep: the properties that hold it are one level over their limit of 64.</summary>
    private static readonly string Deep = new string('[', 64) + new string(']', 64);

    /// <summary>Every field with every wrong type, nulls, duplicates, limits, and good rows of every shape.</summary>
    private static readonly Row[] Corpus =
    [
        // Good rows.
        new("""{"provided_id": "c01"}"""),
        new("""{"provided_id": "c02", "name": "Acme GmbH", "emails": ["ops@acme.example"], "group_tags": ["enterprise"], "properties": {"region": "eu", "seats": 250}, "mapping": {"sales": "warehouse-eu"}, "hierarchy_level_name": "User", "parent_provided_id": "parent"}"""),
        new("""{"provided_id": "c03", "is_demo_group": true}"""),
        new("""{"provided_id": "c04", "is_demo_group": 1}"""),
        new("""{"provided_id": "c05", "is_demo_group": 0}"""),
        new("""{"provided_id": "c06", "mapping": {"sales": 42}}"""),
        new("""{"provided_id": "c07", "properties": {"big": 123456789012345678901234567890, "huge": 1e400, "exact": 0.1000000000000000055511151231257827, "é": "ü", "a.b": 1, "$x": [1, {"y": null}]}}"""),
        new("""{"provided_id": "c08", "name": null, "emails": null, "group_tags": null, "properties": null, "mapping": null, "hierarchy_level_name": null, "parent_provided_id": null, "is_demo_group": null}""", Csv: true),
        new("""{"provided_id": "c09", "unknown_field": {"ignored": true}}""", Csv: false),
        new("""{"provided_id": "parent", "name": "Parent Holdings"}"""),
        new("""{"provided_id": "c11", "emails": [], "group_tags": [], "properties": {}, "mapping": {}}""", Csv: false),

        // provided_id.
        new("""{"name": "no id"}"""),
        new("""{"provided_id": 12}""", Csv: false),
        new("""{"provided_id": null}"""),
        new("""{"provided_id": ""}"""),
        new("""{"provided_id": " c15"}"""),
        new("""{"provided_id": "c16\u0001x"}"""),
        new("""{"provided_id": "c17\u200b"}"""),
        new($$"""{"provided_id": "{{new string('p', 256)}}"}"""),
        new("""{"provided_id": ["c19"]}""", Csv: false),

        // name.
        new("""{"provided_id": "c20", "name": 5}""", Csv: false),
        new("""{"provided_id": "c21", "name": ["a"]}""", Csv: false),
        new($$"""{"provided_id": "c22", "name": "{{new string('n', 1025)}}"}"""),

        // is_demo_group.
        new("""{"provided_id": "c23", "is_demo_group": "yes"}"""),
        new("""{"provided_id": "c24", "is_demo_group": 2}"""),
        new("""{"provided_id": "c25", "is_demo_group": {"a": 1}}""", Csv: false),

        // emails.
        new("""{"provided_id": "c26", "emails": "ops@acme.example"}"""),
        new("""{"provided_id": "c27", "emails": [1, "ok@acme.example", true]}"""),
        new("""{"provided_id": "c28", "emails": ["not-an-address"]}"""),
        new("""{"provided_id": "c29", "emails": ["dup@acme.example", "dup@acme.example"]}"""),
        new($$"""{"provided_id": "c30", "emails": [{{string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"u{i}@acme.example\""))}}]}"""),

        // group_tags.
        new("""{"provided_id": "c31", "group_tags": "enterprise"}"""),
        new("""{"provided_id": "c32", "group_tags": [7]}"""),
        new("""{"provided_id": "c33", "group_tags": ["no-such-tag"]}"""),
        new("""{"provided_id": "c34", "group_tags": ["enterprise", "enterprise"]}"""),

        // properties.
        new("""{"provided_id": "c35", "properties": [1, 2]}""", Csv: false),
        new("""{"provided_id": "c36", "properties": "region=eu"}""", Csv: false),
        new($$$"""{"provided_id": "c37", "properties": {"deep": {{{Deep}}}}}"""),
        new("""{"provided_id": "c38", "properties": {"": 1}}""", Csv: false),
        new($$$"""{"provided_id": "c39", "properties": {"{{{new string('k', 256)}}}": 1}}"""),

        // mapping.
        new("""{"provided_id": "c40", "mapping": ["sales"]}""", Csv: false),
        new("""{"provided_id": "c41", "mapping": {"sales": true}}""", Csv: false),
        new("""{"provided_id": "c42", "mapping": "sales=eu"}""", Csv: false),

        // hierarchy_level_name and parent_provided_id.
        new("""{"provided_id": "c43", "hierarchy_level_name": 5}""", Csv: false),
        new("""{"provided_id": "c44", "hierarchy_level_name": "Galaxy"}"""),
        new("""{"provided_id": "c45", "parent_provided_id": 5}""", Csv: false),
        new("""{"provided_id": "c46", "parent_provided_id": "ghost"}"""),
        new("""{"provided_id": "c47", "parent_provided_id": "c47"}"""),

        // Several problems at once, and duplicates of a key.
        new("""{"provided_id": "c48", "name": 1, "emails": "x", "properties": [], "is_demo_group": "no", "mapping": {"s": false}}""", Csv: false),
        new("""{"provided_id": "c49", "name": "first", "name": "second"}""", Csv: false),
        new("""{"provided_id": "c50", "name": "\ud800"}""", Csv: false),

        // Limits of the core's rules.
        new($$"""{"provided_id": "c51", "group_tags": [{{string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"t{i}\""))}}]}"""),
        new($$$"""{"provided_id": "c52", "properties": {"blob": "{{{new string('b', 300_000)}}}"}}"""),
        new($$$"""{"provided_id": "c53", "mapping": {{{{string.Join(",", Enumerable.Range(0, 1001).Select(i => $"\"s{i}\": \"d\""))}}}}}""", Csv: false),
        new("""{"provided_id": "c54", "mapping": {"sales": ""}}""", Csv: false),
        new("""{"provided_id": "c55", "hierarchy_level_name": "Customer", "parent_provided_id": "parent"}"""),
        new("""{"provided_id": "c56", "hierarchy_level_name": "User"}"""),
    ];

    /// <summary>
    /// What a path made of a row: accepted, or the broken rules (code and field) in the order found, the first
    /// <see cref="ErrorResponse.MaxListedErrors"/> of them and how many more (as every error answer bounds its list).
    /// </summary>
    private sealed record Outcome(bool Accepted, string Problems)
    {
        public static Outcome Ok { get; } = new(true, string.Empty);

        public static Outcome Of(IEnumerable<(string Code, string Field)> problems, long more = 0)
        {
            var all = problems.ToList();
            var listed = all.Take(ErrorResponse.MaxListedErrors).Select(p => $"{p.Code}@{p.Field}");
            var beyond = all.Count - Math.Min(all.Count, ErrorResponse.MaxListedErrors) + more;
            return new(false, string.Join("; ", listed) + (beyond > 0 ? $"; (+{beyond} more)" : string.Empty));
        }

        public override string ToString() => Accepted ? "accepted" : Problems.Length <= 300 ? Problems : Problems[..297] + "...";
    }

    [Fact]
    public async Task Every_path_accepts_and_rejects_the_same_rows_with_the_same_codes()
    {
        Assert.True(Corpus.Length >= 40);
        var paths = new Dictionary<string, Outcome[]>
        {
            ["HTTP create_customer"] = await ThroughHttp(import: false),
            ["HTTP import_customers"] = await ThroughHttp(import: true),
            ["ExploClient"] = await ThroughClient(),
            ["explo import (json)"] = await ThroughCli("json"),
            ["explo import (ndjson)"] = await ThroughCli("ndjson"),
        };
        var csv = await ThroughCli("csv");

        var reference = paths["HTTP create_customer"];
        var differences = new List<string>();
        for (var i = 0; i < Corpus.Length; i++)
        {
            foreach (var (path, outcomes) in paths)
            {
                if (outcomes[i] != reference[i])
                {
                    differences.Add($"row {i} {Corpus[i]}: HTTP create_customer says {reference[i]}, {path} says {outcomes[i]}");
                }
            }

            if (Corpus[i].Csv && csv[i] != reference[i])
            {
                differences.Add($"row {i} {Corpus[i]}: HTTP create_customer says {reference[i]}, explo import (csv) says {csv[i]}");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));

        // The corpus is worth something only if it holds both: good rows, and bad rows of many kinds.
        Assert.InRange(reference.Count(o => o.Accepted), 8, 15);
        var kinds = reference.Where(o => !o.Accepted).SelectMany(o => o.Problems.Split("; ")).Where(p => !p.StartsWith('(')).Select(p => p[..p.IndexOf('@', StringComparison.Ordinal)]).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(kinds.Count >= 15, $"The bad rows break {kinds.Count} distinct rules: {string.Join(", ", kinds)}");
    }

    /// <summary>A server with the corpus's starting state: the tag <c>enterprise</c> and the customer <c>parent</c>.</summary>
    private static async Task<(TestServer Server, string Token)> Server()
    {
        var server = TestServer.Start();
        var token = Regex.Match(server.Announced, "[0-9a-f]{64}").Value;
        var admin = Caller.Administrator();
        Assert.True((await server.Service.CreateGroupTagAsync(admin, "enterprise")).IsSuccess);
        Assert.True((await server.Service.GetOrCreateCustomerAsync(admin, new CreateCustomerRequest("parent") { Name = "Parent Holdings" })).IsSuccess);
        return (server, token);
    }

    private async Task<Outcome[]> ThroughHttp(bool import)
    {
        var (server, token) = await Server();
        using (server)
        {
            var outcomes = new Outcome[Corpus.Length];
            for (var i = 0; i < Corpus.Length; i++)
            {
                var body = import ? $$"""{"customers": [{{Corpus[i].Json}}]}""" : Corpus[i].Json;
                using var request = new HttpRequestMessage(HttpMethod.Post, import ? "api/import_customers/" : "api/create_customer/")
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.TryAddWithoutValidation("Explo-Authorization", "Token " + token);
                using var response = await server.Http.SendAsync(request);
                var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                outcomes[i] = response.StatusCode == HttpStatusCode.OK
                    ? (import && answer["errors"]!.AsArray() is [var row, ..] ? FromError(row!, string.Empty) : Outcome.Ok)
                    : FromError(answer, import ? "customers[0]." : string.Empty);
            }

            return outcomes;
        }
    }

    /// <summary>The rules an error body or an import row lists (or its one code), with a row prefix taken off the fields.</summary>
    private static Outcome FromError(JsonNode error, string prefix) =>
        error["errors"] is JsonArray { Count: > 0 } errors
            ? Outcome.Of(errors.Select(e => ((string)e!["error_code"]!, Unprefixed((string)e["field"]!, prefix))), (long?)error["more_errors"] ?? 0)
            : Outcome.Of([((string)error["error_code"]!, string.Empty)]);

    private static string Unprefixed(string field, string prefix) =>
        prefix.Length > 0 && field.StartsWith(prefix, StringComparison.Ordinal) ? field[prefix.Length..] : field;

    private async Task<Outcome[]> ThroughClient()
    {
        var (server, token) = await Server();
        using (server)
        {
            using var client = new ExploClient(server.Http, token);
            var outcomes = new Outcome[Corpus.Length];
            for (var i = 0; i < Corpus.Length; i++)
            {
                // A client reads a row the way the contract reads one (the text first, then the fields), and sends
                // what it read as a typed request.
                var violations = new WireViolations();
                var body = ContractRows.Read(Encoding.UTF8.GetBytes(Corpus[i].Json), violations);
                if (violations.ToFailure() is { } invalid)
                {
                    outcomes[i] = FromFailure(invalid);
                    continue;
                }

                var result = await client.GetOrCreateCustomerAsync(client.Caller, body!.ToRequest());
                outcomes[i] = result.IsSuccess ? Outcome.Ok : FromFailure(result.Failure!);
            }

            return outcomes;
        }
    }

    private static Outcome FromFailure(Failure failure) => failure is ValidationFailed v
        ? Outcome.Of(v.Violations.Select(x => (x.Code, x.Field)), v.MoreViolations)
        : Outcome.Of([(failure.Code, string.Empty)]);

    private async Task<Outcome[]> ThroughCli(string format)
    {
        var db = Path.Combine(_folder, $"{format}.db");
        var file = Path.Combine(_folder, $"corpus.{format}");
        var rows = Enumerable.Range(0, Corpus.Length).Where(i => format != "csv" || Corpus[i].Csv).ToList();
        await File.WriteAllTextAsync(file, format switch
        {
            "json" => "[\n" + string.Join(",\n", rows.Select(i => Corpus[i].Json)) + "\n]\n",
            "ndjson" => string.Join("\n", rows.Select(i => Corpus[i].Json)) + "\n",
            _ => CsvOf(rows.Select(i => Corpus[i]).ToList()),
        });
        await Cli(db, "init");
        await Cli(db, "tags", "add", "enterprise");
        var parent = Path.Combine(_folder, $"parent-{format}.json");
        await File.WriteAllTextAsync(parent, """[{"provided_id": "parent", "name": "Parent Holdings"}]""");
        await Cli(db, "import", parent);

        var (_, output) = await Cli(db, "import", file, "--json");
        var report = JsonNode.Parse(output)!;
        var problems = report["errors"]!.AsArray()
            .GroupBy(e => (int)e!["line"]!)
            .ToDictionary(g => g.Key, g => Outcome.Of(g.Select(e => ((string)e!["error_code"]!, (string)e["field"]!))));

        // JSON arrays report rows by position (from 1); NDJSON by line; CSV by line, after the header.
        var outcomes = new Outcome[Corpus.Length];
        for (var k = 0; k < rows.Count; k++)
        {
            var line = format == "csv" ? k + 2 : k + 1;
            outcomes[rows[k]] = problems.TryGetValue(line, out var problem) ? problem : Outcome.Ok;
        }

        return outcomes;
    }

    private static async Task<(int Exit, string Output)> Cli(string db, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await ExploCli.RunAsync(["--db", db, .. args], output, error);
        Assert.True(exit is 0 or 1, $"explo {string.Join(' ', args)} exited {exit}: {error}");
        return (exit, output.ToString());
    }

    /// <summary>
    /// The CSV form of rows whose values a CSV cell can carry: text fields as cells, flags as their JSON text, lists as
    /// JSON arrays, <c>properties.KEY</c> cells with each value's JSON text and <c>mapping.SCHEMA</c> cells.
    /// </summary>
    private static string CsvOf(IReadOnlyList<Row> rows)
    {
        var objects = rows.Select(r => JsonNode.Parse(r.Json, documentOptions: new JsonDocumentOptions { MaxDepth = 256 })!.AsObject()).ToList();
        string[] plain = ["provided_id", "name", "is_demo_group", "emails", "group_tags", "hierarchy_level_name", "parent_provided_id"];
        var properties = objects.SelectMany(o => o["properties"] is JsonObject p ? p.Select(x => x.Key) : []).Distinct().ToList();
        var schemas = objects.SelectMany(o => o["mapping"] is JsonObject m ? m.Select(x => x.Key) : []).Distinct().ToList();
        var text = new StringBuilder();
        text.Append(Line([.. plain, .. properties.Select(k => "properties." + k), .. schemas.Select(s => "mapping." + s)]));
        foreach (var o in objects)
        {
            var cells = plain.Select(column => o[column] switch
            {
                null => string.Empty,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => (string)v!,
                var other => other.ToJsonString(Text),
            }).ToList();
            cells.AddRange(properties.Select(k => o["properties"] is JsonObject p && p.ContainsKey(k) ? p[k]?.ToJsonString(Text) ?? "null" : string.Empty));
            cells.AddRange(schemas.Select(s => o["mapping"] is JsonObject m && m[s] is { } v ? (v.GetValueKind() == JsonValueKind.String ? (string)v! : v.ToJsonString(Text)) : string.Empty));
            text.Append(Line(cells));
        }

        return text.ToString();
    }

    private static readonly JsonSerializerOptions Text = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 256 };

    private static string Line(IEnumerable<string> cells) =>
        string.Join(",", cells.Select(c => "\"" + c.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")) + "\n";
}
