using System.CommandLine;
using System.Globalization;
using Explo.Domain;
using Spectre.Console;

namespace Explo.Cli.Commands;

/// <summary>
/// <c>explo import FILE</c>: customers from a JSON array, NDJSON or CSV file, each row read by the API's own body reader;
/// every problem is reported with its line, field, code and message.
/// </summary>
internal static class ImportCommand
{
    /// <summary>Files with more rows than this get a progress bar (on an interactive terminal).</summary>
    private const int ProgressThreshold = 5_000;

    /// <summary>One problem of an import.</summary>
    private readonly record struct Problem(int Line, string Field, string Code, string Reason);

    public static Command Create(CliContext cli)
    {
        var file = new Argument<string>("file") { Description = "A .json (array), .ndjson or .csv file of customers in the API's request shape." };
        var format = new Option<string?>("--format") { Description = "json, ndjson or csv (default: from the file's extension)." };
        var dvg = new Option<string?>("--dvg") { Description = "The data visibility group of the imported customers (default: the first)." };
        var atomic = new Option<bool>("--atomic") { Description = "Import every row or none." };
        var command = new Command("import", "Import customers; parents may come after their children.") { file, format, dvg, atomic, cli.JsonOption };
        command.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new UsageException($"The file '{path}' does not exist.");
            }

            var json = cli.WantsJson(parse);
            var rows = CustomerFiles.Read(await File.ReadAllBytesAsync(path), CustomerFiles.FormatOf(path, parse.GetValue(format)));
            var problems = rows.SelectMany(r => r.Violations.Select(v => new Problem(r.Line, v.Field, v.Code, v.Message))).ToList();
            var readable = rows.Where(r => r.Request is not null).ToList();
            var isAtomic = parse.GetValue(atomic);
            if (isAtomic && problems.Count > 0)
            {
                return Report(cli, 0, 0, problems, committed: false, json);
            }

            var caller = Caller.Administrator(parse.GetValue(dvg));
            var started = DateTime.UtcNow;

            // The tool holds the file alone (no request waits for it), so the import is one transaction, which is
            // several times faster than the service's default batches of 1,000 rows (docs/decisions.md).
            var batchSize = Math.Max(1, readable.Count);
            var requests = readable.Select(r => r.Request!).ToList();
            Result<ImportResult> result;
            if (cli.Terminal is { } terminal && requests.Count > ProgressThreshold)
            {
                result = await terminal.Progress()
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
                // customers[3].emails[0]: "customers[3].emails[0]: message" -> the row's line, the field in the row, the message.
                foreach (var v in failed.Violations)
                {
                    var index = int.Parse(v.Field[(v.Field.IndexOf('[', StringComparison.Ordinal) + 1)..v.Field.IndexOf(']', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
                    problems.Add(new Problem(readable[index].Line, v.Field[(v.Field.IndexOf('.', StringComparison.Ordinal) + 1)..], v.Code, v.Message[(v.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
                }

                return Report(cli, 0, 0, problems, committed: false, json);
            }

            var import = CliContext.Ok(result);
            problems.AddRange(import.Errors.SelectMany(e => ProblemsOf(readable[e.Row].Line, e.Failure)));
            var elapsed = DateTime.UtcNow - started;
            if (!json && rows.Count > 0)
            {
                cli.Error.WriteLine($"{rows.Count} rows in {elapsed.TotalSeconds:0.0} s ({rows.Count / Math.Max(elapsed.TotalSeconds, 0.001):0} rows/s).");
            }

            return Report(cli, import.Created, import.Existing, problems, committed: true, json);
        }));
        return command;
    }

    /// <summary>Every rule a row broke (as import_customers lists them), or the one failure that is not about a field.</summary>
    private static IEnumerable<Problem> ProblemsOf(int line, Failure failure) => failure is ValidationFailed v
        ? v.Violations.Select(x => new Problem(line, x.Field, x.Code, x.Message))
        : [new Problem(line, "provided_id", failure.Code, failure.Message)];

    /// <summary>Prints the outcome and every problem, by line; exit code 1 when a row failed.</summary>
    private static int Report(CliContext cli, int created, int existing, List<Problem> problems, bool committed, bool json)
    {
        // Stable: a row's problems keep the order they were found in.
        var sorted = problems.OrderBy(p => p.Line).ToList();
        var invalidRows = sorted.Select(p => p.Line).Distinct().Count();
        if (json)
        {
            cli.Json(
                new ImportReportJson(created, existing, invalidRows, committed, [.. sorted.Select(p => new ImportErrorJson(p.Line, p.Field, p.Reason, p.Code))]),
                CliJson.Context.ImportReportJson);
        }
        else
        {
            foreach (var (line, field, code, reason) in sorted)
            {
                cli.Error.WriteLine($"line {line}: {field}: {reason} ({code})");
            }

            cli.Output.WriteLine(committed
                ? $"Imported {created} customers; {existing} already existed; {invalidRows} rows were invalid."
                : $"Nothing was imported: {invalidRows} rows are invalid and --atomic is set.");
        }

        return sorted.Count == 0 ? 0 : 1;
    }
}
