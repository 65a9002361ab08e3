using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Explo.Domain;
using Explo.Domain.Hierarchy;
using Explo.Domain.LiteDb;
using Spectre.Console;

namespace Explo.Cli;

/// <summary>
/// The <c>explo</c> command line over one database file. It parses, calls the core's service on the LiteDB store as the
/// workspace administrator, and prints (tables and trees for people, <c>--json</c> for scripts). Exit codes: 0 success,
/// 1 a validation or domain failure, 2 a usage error; errors go to standard error in one sentence.
/// </summary>
public static class ExploCli
{
    /// <summary>Runs a command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => RunAsync(args, output, error, null);

    /// <summary>Runs a command line, drawing tables, trees and progress bars on <paramref name="terminal"/> when given.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="terminal">An interactive console (progress bars are drawn only there), or null.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IAnsiConsole? terminal)
    {
        ArgumentNullException.ThrowIfNull(args);
        var cli = new Commands(output, error, terminal);
        var parse = cli.Root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await error.WriteLineAsync(parse.Errors[0].Message + " (see 'explo --help')");
            return 2;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (ExploStoreException e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (DomainFailure e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    /// <summary>A business failure to print on standard error (exit code 1).</summary>
    private sealed class DomainFailure(string message) : Exception(message);

    private sealed class Commands
    {
        private readonly TextWriter _output;
        private readonly TextWriter _error;
        private readonly IAnsiConsole _console;
        private readonly IAnsiConsole? _terminal;

        /// <summary>Files with more rows than this get a progress bar (on an interactive terminal).</summary>
        private const int ProgressThreshold = 5_000;
        private readonly Option<string> _db = new("--db") { Description = "The database file.", DefaultValueFactory = _ => "explo.db", Recursive = true };
        private readonly Option<bool> _json = new("--json") { Description = "Print JSON for scripts." };

        public Commands(TextWriter output, TextWriter error, IAnsiConsole? terminal)
        {
            _output = output;
            _error = error;
            _terminal = terminal;
            _console = terminal ?? AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            Root = new RootCommand("explo: the offline tool over one Explo.Domain database file.");
            Root.Options.Add(_db);
            Root.Subcommands.Add(Init());
            Root.Subcommands.Add(Levels());
            Root.Subcommands.Add(AccessGroups());
            Root.Subcommands.Add(Tokens());
            Root.Subcommands.Add(Tags());
            Root.Subcommands.Add(Import());
            Root.Subcommands.Add(Export());
            Root.Subcommands.Add(Show());
            Root.Subcommands.Add(Tree());
            Root.Subcommands.Add(Find());
            Root.Subcommands.Add(Validate());
            Root.Subcommands.Add(Rotate());
            Root.Subcommands.Add(Stats());
        }

        public RootCommand Root { get; }

        private static readonly Caller Admin = Caller.Administrator();

        /// <summary>Opens the file, runs the work with the service, and closes the file.</summary>
        private async Task<int> With(ParseResult parse, Func<LiteDbWorkspaceStore, ExploService, Task<int>> work)
        {
            using var store = new LiteDbWorkspaceStore(parse.GetValue(_db)!);
            return await work(store, new ExploService(store));
        }

        private static T Ok<T>(Result<T> result) =>
            result.IsSuccess ? result.SuccessValue : throw new DomainFailure(result.Failure!.Message);

        private void Json(object value) => _output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

        private static readonly JsonSerializerOptions JsonOptions = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private Command Init()
        {
            var command = new Command("init", "Create a workspace file (levels Customer and User, DVG Production).");
            command.SetAction((parse, _) => With(parse, async (store, service) =>
            {
                var created = Ok(await service.InitializeWorkspaceAsync(Admin));
                _output.WriteLine(created ? $"Created a workspace in {store.FilePath}." : $"{store.FilePath} already holds a workspace.");
                return 0;
            }));
            return command;
        }

        private Command Levels()
        {
            var command = new Command("levels", "List, add and rename hierarchy levels.");
            var list = new Command("list", "List the levels, root first.") { _json };
            list.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var levels = Ok(await service.ListLevelsAsync(Admin));
                if (parse.GetValue(_json))
                {
                    Json(levels.Select(l => new { l.Name, l.Rank }));
                }
                else
                {
                    var table = new Table().AddColumn("rank").AddColumn("name");
                    foreach (var level in levels)
                    {
                        table.AddRow(level.Rank.ToString(CultureInfo.InvariantCulture), Markup.Escape(level.Name));
                    }

                    _console.Write(table);
                }

                return 0;
            }));

            var name = new Argument<string>("name") { Description = "The level's name." };
            var after = new Option<string?>("--after") { Description = "Insert directly below this level (default: at the bottom)." };
            var add = new Command("add", "Add a level.") { name, after };
            add.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var level = Ok(await service.AddLevelAsync(Admin, parse.GetValue(name)!, parse.GetValue(after)));
                _output.WriteLine($"Added level '{level.Name}' at rank {level.Rank}.");
                return 0;
            }));

            var newName = new Argument<string>("new-name") { Description = "The new name." };
            var rename = new Command("rename", "Rename a level.") { name, newName };
            rename.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var level = Ok(await service.RenameLevelAsync(Admin, parse.GetValue(name)!, parse.GetValue(newName)!));
                _output.WriteLine($"Renamed level '{parse.GetValue(name)}' to '{level.Name}'.");
                return 0;
            }));

            command.Subcommands.Add(list);
            command.Subcommands.Add(add);
            command.Subcommands.Add(rename);
            return command;
        }

        private Command AccessGroups()
        {
            var command = new Command("dvg", "List and add data visibility groups.");
            var list = new Command("list", "List the data visibility groups.") { _json };
            list.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var groups = Ok(await service.ListAccessGroupsAsync(Admin));
                if (parse.GetValue(_json))
                {
                    Json(groups.Select(g => new { g.Name }));
                }
                else
                {
                    foreach (var group in groups)
                    {
                        _output.WriteLine(group.Name);
                    }
                }

                return 0;
            }));
            var name = new Argument<string>("name") { Description = "The group's name." };
            var add = new Command("add", "Add a data visibility group.") { name };
            add.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                Ok(await service.AddAccessGroupAsync(Admin, parse.GetValue(name)!));
                _output.WriteLine($"Added data visibility group '{parse.GetValue(name)}'.");
                return 0;
            }));
            command.Subcommands.Add(list);
            command.Subcommands.Add(add);
            return command;
        }

        private Command Tokens()
        {
            var command = new Command("token", "Create, list and revoke API tokens.");
            var dvg = new Option<string>("--dvg") { Description = "The token's data visibility group.", Required = true };
            var readOnly = new Option<bool>("--read-only") { Description = "A token that can only read." };
            var label = new Option<string>("--label") { Description = "A label for people.", DefaultValueFactory = _ => string.Empty };
            var create = new Command("create", "Create an API token; its secret is printed once.") { dvg, readOnly, label };
            create.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var created = Ok(await service.CreateApiTokenAsync(Admin, new CreateApiTokenRequest(parse.GetValue(dvg)!, parse.GetValue(readOnly), parse.GetValue(label)!)));
                _output.WriteLine($"Created API token {created.Token.Id.Value} ({(created.Token.ReadOnly ? "read-only" : "read-write")}, {created.Token.AccessGroup}). Its secret, shown only now:");
                _output.WriteLine(created.Secret);
                return 0;
            }));
            var list = new Command("list", "List the API tokens (never their secrets).") { _json };
            list.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var tokens = Ok(await service.ListApiTokensAsync(Admin));
                if (parse.GetValue(_json))
                {
                    Json(tokens.Select(t => new { Id = t.Id.Value, t.AccessGroup, t.ReadOnly, t.Label, t.CreatedAt, t.RevokedAt }));
                }
                else
                {
                    var table = new Table().AddColumn("id").AddColumn("dvg").AddColumn("access").AddColumn("label").AddColumn("state");
                    foreach (var t in tokens)
                    {
                        table.AddRow(t.Id.Value.ToString(CultureInfo.InvariantCulture), Markup.Escape(t.AccessGroup), t.ReadOnly ? "read-only" : "read-write", Markup.Escape(t.Label), t.RevokedAt is null ? "active" : "revoked");
                    }

                    _console.Write(table);
                }

                return 0;
            }));
            var id = new Argument<int>("id") { Description = "The token's id (see 'token list')." };
            var revoke = new Command("revoke", "Revoke an API token.") { id };
            revoke.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                Ok(await service.RevokeApiTokenAsync(Admin, new ApiTokenId(parse.GetValue(id))));
                _output.WriteLine($"Revoked API token {parse.GetValue(id)}.");
                return 0;
            }));
            command.Subcommands.Add(create);
            command.Subcommands.Add(list);
            command.Subcommands.Add(revoke);
            return command;
        }

        private Command Tags()
        {
            var command = new Command("tags", "List, add, rename and remove group tags.");
            var list = new Command("list", "List the group tags.") { _json };
            list.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var tags = Ok(await service.ListGroupTagsAsync(Admin));
                if (parse.GetValue(_json))
                {
                    Json(tags.Select(t => new { t.Name }));
                }
                else
                {
                    foreach (var tag in tags)
                    {
                        _output.WriteLine(tag.Name);
                    }
                }

                return 0;
            }));
            var name = new Argument<string>("name") { Description = "The tag's name." };
            var newName = new Argument<string>("new-name") { Description = "The new name." };
            var add = new Command("add", "Add a group tag.") { name };
            add.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                Ok(await service.CreateGroupTagAsync(Admin, parse.GetValue(name)!));
                _output.WriteLine($"Added group tag '{parse.GetValue(name)}'.");
                return 0;
            }));
            var rename = new Command("rename", "Rename a group tag (every customer shows the new name).") { name, newName };
            rename.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                Ok(await service.RenameGroupTagAsync(Admin, parse.GetValue(name)!, parse.GetValue(newName)!));
                _output.WriteLine($"Renamed group tag '{parse.GetValue(name)}' to '{parse.GetValue(newName)}'.");
                return 0;
            }));
            var remove = new Command("remove", "Remove a group tag from the workspace and every customer.") { name };
            remove.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                Ok(await service.DeleteGroupTagAsync(Admin, parse.GetValue(name)!));
                _output.WriteLine($"Removed group tag '{parse.GetValue(name)}'.");
                return 0;
            }));
            command.Subcommands.Add(list);
            command.Subcommands.Add(add);
            command.Subcommands.Add(rename);
            command.Subcommands.Add(remove);
            return command;
        }

        private Command Import()
        {
            var file = new Argument<string>("file") { Description = "A .json (array), .ndjson or .csv file of customers in the API's request shape." };
            var format = new Option<string?>("--format") { Description = "json, ndjson or csv (default: from the file's extension)." };
            var dvg = new Option<string?>("--dvg") { Description = "The data visibility group of the imported customers (default: the first)." };
            var atomic = new Option<bool>("--atomic") { Description = "Import every row or none." };
            var command = new Command("import", "Import customers; parents may come after their children.") { file, format, dvg, atomic, _json };
            command.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var path = parse.GetValue(file)!;
                if (!File.Exists(path))
                {
                    throw new UsageException($"The file '{path}' does not exist.");
                }

                var rows = CustomerFiles.Read(await File.ReadAllBytesAsync(path), CustomerFiles.FormatOf(path, parse.GetValue(format)));
                var problems = rows.Where(r => r.Request is null).Select(r => (r.Line, Field: "row", Reason: r.Error!)).ToList();
                var readable = rows.Where(r => r.Request is not null).ToList();
                var isAtomic = parse.GetValue(atomic);
                if (isAtomic && problems.Count > 0)
                {
                    return Report(0, 0, problems, committed: false, parse.GetValue(_json));
                }

                var caller = Caller.Administrator(parse.GetValue(dvg));
                var started = DateTime.UtcNow;

                // The tool holds the file alone (no request waits for it), so the import is one transaction, which is
                // several times faster than the service's default batches of 1,000 rows (docs/decisions.md).
                var batchSize = Math.Max(1, readable.Count);
                var requests = readable.Select(r => r.Request!).ToList();
                Result<ImportResult> result;
                if (_terminal is not null && requests.Count > ProgressThreshold)
                {
                    result = await _terminal.Progress()
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                        .StartAsync(async context =>
                        {
                            var task = context.AddTask("checking rows", maxValue: requests.Count);
                            var outcome = await service.ImportCustomersAsync(caller, requests, new ImportOptions
                            {
                                Atomic = isAtomic,
                                BatchSize = batchSize,
                                Progress = done =>
                                {
                                    task.Value = done;
                                    var rate = done / Math.Max((DateTime.UtcNow - started).TotalSeconds, 0.001);
                                    task.Description = $"checked {done:N0} rows ({rate:N0} rows/s)";
                                },
                            });
                            task.Description = "written";
                            task.StopTask();
                            return outcome;
                        });
                }
                else
                {
                    result = await service.ImportCustomersAsync(caller, requests, new ImportOptions { Atomic = isAtomic, BatchSize = batchSize });
                }
                if (!result.IsSuccess && result.Failure is ValidationFailed failed && isAtomic)
                {
                    foreach (var v in failed.Violations)
                    {
                        var index = int.Parse(v.Field[(v.Field.IndexOf('[') + 1)..v.Field.IndexOf(']')], CultureInfo.InvariantCulture);
                        problems.Add((readable[index].Line, v.Field[(v.Field.IndexOf('.') + 1)..], v.Message[(v.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
                    }

                    return Report(0, 0, problems, committed: false, parse.GetValue(_json));
                }

                var import = Ok(result);
                problems.AddRange(import.Errors.Select(e => (readable[e.Row].Line, Field(e.Failure), e.Failure.Message)));
                var elapsed = DateTime.UtcNow - started;
                if (!parse.GetValue(_json) && rows.Count > 0)
                {
                    _error.WriteLine($"{rows.Count} rows in {elapsed.TotalSeconds:0.0} s ({rows.Count / Math.Max(elapsed.TotalSeconds, 0.001):0} rows/s).");
                }

                return Report(import.Created, import.Existing, problems, committed: true, parse.GetValue(_json));
            }));
            return command;
        }

        private static string Field(Failure failure) => failure is ValidationFailed v ? v.Violations[0].Field : "provided_id";

        private int Report(int created, int existing, List<(int Line, string Field, string Reason)> problems, bool committed, bool json)
        {
            problems.Sort((a, b) => a.Line.CompareTo(b.Line));
            if (json)
            {
                Json(new { Created = created, Existing = existing, Invalid = problems.Count, Committed = committed, Errors = problems.Select(p => new { p.Line, p.Field, p.Reason }) });
            }
            else
            {
                foreach (var (line, field, reason) in problems)
                {
                    _error.WriteLine($"line {line}: {field}: {reason}");
                }

                _output.WriteLine(committed
                    ? $"Imported {created} customers; {existing} already existed; {problems.Count} rows were invalid."
                    : $"Nothing was imported: {problems.Count} rows are invalid and --atomic is set.");
            }

            return problems.Count == 0 ? 0 : 1;
        }

        private Command Export()
        {
            var format = new Option<string>("--format") { Description = "json, ndjson or csv.", DefaultValueFactory = _ => "json" };
            var output = new Option<string?>("--out") { Description = "The file to write (default: standard output)." };
            var command = new Command("export", "Export every customer (import reads it back exactly).") { format, output };
            command.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var chosen = CustomerFiles.FormatOf("x." + parse.GetValue(format), null);
                var customers = Ok(await service.ListCustomersAsync(Admin, new CustomerFilter()));
                if (parse.GetValue(output) is { } path)
                {
                    await using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
                    CustomerFiles.Write(writer, customers, chosen);
                    _output.WriteLine($"Exported {customers.Count} customers to {path}.");
                }
                else
                {
                    CustomerFiles.Write(_output, customers, chosen);
                }

                return 0;
            }));
            return command;
        }

        private Command Show()
        {
            var id = new Argument<string>("provided-id") { Description = "The customer's provided id." };
            var command = new Command("show", "Show a customer: own and computed fields, and which ancestor each computed value comes from.") { id, _json };
            command.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var customer = Ok(await service.GetCustomerAsync(Admin, parse.GetValue(id)!));
                var chain = new List<CustomerView> { customer };
                while (chain[^1].ParentProvidedId is { } parent)
                {
                    chain.Add(Ok(await service.GetCustomerAsync(Admin, parent)));
                }

                string SourceOf(string key) => chain.FirstOrDefault(c => c.Properties.ContainsKey(key))?.ProvidedId ?? "?";
                string MappingSourceOf(string schema) => chain.FirstOrDefault(c => c.Mapping.ContainsKey(schema))?.ProvidedId ?? "data visibility group default";
                if (parse.GetValue(_json))
                {
                    Json(new
                    {
                        customer.ProvidedId,
                        customer.Name,
                        customer.HierarchyLevel,
                        customer.AccessGroup,
                        customer.ParentProvidedId,
                        customer.Emails,
                        customer.GroupTags,
                        customer.ComputedGroupTags,
                        Properties = JsonDocument.Parse(PropertyMap.ToJson(customer.Properties)).RootElement,
                        ComputedProperties = customer.ComputedProperties.Select(p => new { p.Key, Value = p.Value, Source = SourceOf(p.Key) }),
                        ComputedMapping = customer.ComputedMapping.Select(m => new { m.Key, m.Value, Source = MappingSourceOf(m.Key) }),
                    });
                    return 0;
                }

                var table = new Table().AddColumn("field").AddColumn("value");
                table.AddRow("provided_id", Markup.Escape(customer.ProvidedId));
                table.AddRow("name", Markup.Escape(customer.Name));
                table.AddRow("hierarchy_level", Markup.Escape(customer.HierarchyLevel));
                table.AddRow("access_group", Markup.Escape(customer.AccessGroup));
                table.AddRow("parent", Markup.Escape(customer.ParentProvidedId ?? "(root)"));
                table.AddRow("emails", Markup.Escape(string.Join(", ", customer.Emails)));
                table.AddRow("group_tags", Markup.Escape(string.Join(", ", customer.GroupTags)));
                table.AddRow("computed_group_tags", Markup.Escape(string.Join(", ", customer.ComputedGroupTags)));
                _console.Write(table);
                var computed = new Table().AddColumn("computed property").AddColumn("value").AddColumn("from");
                foreach (var (key, value) in customer.ComputedProperties)
                {
                    computed.AddRow(Markup.Escape(key), Markup.Escape(value.GetRawText()), Markup.Escape(SourceOf(key)));
                }

                foreach (var (schema, source) in customer.ComputedMapping)
                {
                    computed.AddRow(Markup.Escape("mapping " + schema), Markup.Escape(source), Markup.Escape(MappingSourceOf(schema)));
                }

                _console.Write(computed);
                return 0;
            }));
            return command;
        }

        private Command Tree()
        {
            var id = new Argument<string?>("provided-id") { Description = "The root of the tree to draw (default: every root).", Arity = ArgumentArity.ZeroOrOne };
            var depth = new Option<int?>("--depth") { Description = "How many levels to draw." };
            var command = new Command("tree", "Draw the hierarchy as a tree.") { id, depth, _json };
            command.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var all = Ok(await service.ListCustomersAsync(Admin, new CustomerFilter()));
                var children = all.Where(c => c.ParentProvidedId is not null).ToLookup(c => c.ParentProvidedId!, StringComparer.Ordinal);
                var roots = parse.GetValue(id) is { } start
                    ? [Ok(await service.GetCustomerAsync(Admin, start))]
                    : all.Where(c => c.ParentProvidedId is null).ToList();
                var maxDepth = parse.GetValue(depth) ?? int.MaxValue;
                if (maxDepth < 1)
                {
                    throw new UsageException($"--depth must be at least 1; got {maxDepth}.");
                }

                if (parse.GetValue(_json))
                {
                    // Nested objects for scripts: each node with its level, DVG and children (down to --depth).
                    object Node(CustomerView customer, int level) => new
                    {
                        customer.ProvidedId,
                        customer.HierarchyLevel,
                        customer.AccessGroup,
                        Children = level < maxDepth ? children[customer.ProvidedId].Select(c => Node(c, level + 1)).ToList() : [],
                    };
                    Json(roots.Select(r => Node(r, 1)));
                    return 0;
                }

                var tree = new Spectre.Console.Tree(Markup.Escape(Path.GetFileName(parse.GetValue(_db)!)));
                void Add(IHasTreeNodes node, CustomerView customer, int level)
                {
                    var child = node.AddNode(Markup.Escape($"{customer.ProvidedId} ({customer.HierarchyLevel}, {customer.AccessGroup})"));
                    if (level < maxDepth)
                    {
                        foreach (var next in children[customer.ProvidedId])
                        {
                            Add(child, next, level + 1);
                        }
                    }
                }

                foreach (var root in roots)
                {
                    Add(tree, root, 1);
                }

                _console.Write(tree);
                return 0;
            }));
            return command;
        }

        private Command Find()
        {
            var property = new Option<string>("--property") { Description = "KEY=VALUE: customers whose computed property KEY equals VALUE (JSON, or text).", Required = true };
            var command = new Command("find", "Find customers by a computed property.") { property, _json };
            command.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var text = parse.GetValue(property)!;
                var at = text.IndexOf('=', StringComparison.Ordinal);
                if (at <= 0)
                {
                    throw new UsageException($"--property must be KEY=VALUE; got '{text}'.");
                }

                var key = text[..at];
                var wanted = text[(at + 1)..];
                var all = Ok(await service.ListCustomersAsync(Admin, new CustomerFilter()));
                var found = all.Where(c => c.ComputedProperties.TryGetValue(key, out var v)
                    && (v.GetRawText() == wanted || (v.ValueKind == JsonValueKind.String && v.GetString() == wanted))).ToList();
                if (parse.GetValue(_json))
                {
                    Json(found.Select(c => new { c.ProvidedId, c.Name, c.HierarchyLevel, c.AccessGroup }));
                }
                else
                {
                    foreach (var c in found)
                    {
                        _output.WriteLine(c.ProvidedId);
                    }
                }

                return 0;
            }));
            return command;
        }

        private Command Validate()
        {
            var command = new Command("validate", "Check every invariant of the spec over the whole file.") { _json };
            command.SetAction((parse, _) => With(parse, (store, _) =>
            {
                var problems = WorkspaceInvariants.Check(store);
                if (parse.GetValue(_json))
                {
                    Json(new { Valid = problems.Count == 0, Problems = problems });
                }
                else if (problems.Count == 0)
                {
                    _output.WriteLine($"{store.FilePath}: every invariant holds.");
                }
                else
                {
                    _output.WriteLine($"{store.FilePath}: {problems.Count} problem(s):");
                    foreach (var problem in problems)
                    {
                        _output.WriteLine("  " + problem);
                    }
                }

                return Task.FromResult(problems.Count == 0 ? 0 : 1);
            }));
            return command;
        }

        private Command Rotate()
        {
            var id = new Argument<string>("provided-id") { Description = "The customer's provided id." };
            var command = new Command("rotate", "Give a customer a new dashboard token (the old one stops working).") { id };
            command.SetAction((parse, _) => With(parse, async (_, service) =>
            {
                var customer = Ok(await service.GetCustomerAsync(Admin, parse.GetValue(id)!));
                var rotated = Ok(await service.RefreshCustomerTokenAsync(Admin, customer.Token));
                _output.WriteLine($"New token of '{rotated.ProvidedId}':");
                _output.WriteLine(rotated.Token);
                return 0;
            }));
            return command;
        }

        private Command Stats()
        {
            var command = new Command("stats", "Counts per level and data visibility group, depth, file size.") { _json };
            command.SetAction((parse, _) => With(parse, async (store, service) =>
            {
                var all = Ok(await service.ListCustomersAsync(Admin, new CustomerFilter()));
                // Each customer's depth once: walk up to the first ancestor whose depth is known, then fill the path
                // in (linear in the customers, and no recursion on a chain 10,000 levels deep).
                var byId = all.ToDictionary(c => c.ProvidedId, StringComparer.Ordinal);
                var depthOf = new Dictionary<string, int>(all.Count, StringComparer.Ordinal);
                var path = new Stack<string>();
                foreach (var c in all)
                {
                    var at = c;
                    while (!depthOf.ContainsKey(at.ProvidedId))
                    {
                        path.Push(at.ProvidedId);
                        if (at.ParentProvidedId is not { } parent)
                        {
                            break;
                        }

                        at = byId[parent];
                    }

                    var known = depthOf.TryGetValue(at.ProvidedId, out var d) ? d : 0;
                    while (path.TryPop(out var next))
                    {
                        depthOf[next] = ++known;
                    }
                }

                var depth = depthOf.Count == 0 ? 0 : depthOf.Values.Max();
                var size = new FileInfo(store.FilePath).Length;
                var perLevel = all.GroupBy(c => c.HierarchyLevel).ToDictionary(g => g.Key, g => g.Count());
                var perGroup = all.GroupBy(c => c.AccessGroup).ToDictionary(g => g.Key, g => g.Count());
                if (parse.GetValue(_json))
                {
                    Json(new { Customers = all.Count, Depth = depth, FileBytes = size, PerLevel = perLevel, PerAccessGroup = perGroup });
                }
                else
                {
                    _output.WriteLine($"{all.Count} customers, depth {depth}, file {size} bytes.");
                    foreach (var (level, count) in perLevel)
                    {
                        _output.WriteLine($"  level {level}: {count}");
                    }

                    foreach (var (group, count) in perGroup)
                    {
                        _output.WriteLine($"  data visibility group {group}: {count}");
                    }
                }

                return 0;
            }));
            return command;
        }
    }
}
