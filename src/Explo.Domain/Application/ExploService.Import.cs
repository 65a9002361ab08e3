using Explo.Domain.Rules;

namespace Explo.Domain;

/// <summary>The bulk path: many get-or-creates in one unit of work (one transaction in a transactional store).</summary>
public sealed partial class ExploService
{
    /// <inheritdoc />
    public Task<Result<ImportResult>> ImportCustomersAsync(Caller caller, IReadOnlyList<CreateCustomerRequest> customers, ImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(customers);
        var atomic = options?.Atomic ?? false;
        var progress = options?.Progress;
        return Run<ImportResult>(caller, Access.Write, cancellationToken, unit =>
        {
            var (order, generations, cyclic) = ParentsFirst(customers);
            var errors = new List<ImportRowError>();
            foreach (var row in cyclic)
            {
                errors.Add(new ImportRowError(row, customers[row].ProvidedId, new ValidationFailed(
                    "hierarchy_cycle",
                    FieldNames.ParentProvidedId,
                    $"parent_provided_id {TextChecks.Quote(customers[row].ParentProvidedId ?? string.Empty)}: the parents named within this import form a cycle, so this row never reaches an existing customer.")));
            }

            // Two batch lookups instead of two store queries per row: every provided id and parent the rows name, and
            // a token for every row that names no existing customer.
            unit.Prefetch(customers.SelectMany(c => new[] { c.ProvidedId, c.ParentProvidedId }));
            unit.ReserveTokens(customers.Count(c => string.IsNullOrEmpty(c.ProvidedId) || unit.FindByProvidedId(c.ProvidedId) is null));

            // Rows are taken a generation at a time (roots of the batch, then their children, ...). The rows of one
            // generation are decided together, on every core (deciding reads the unit's lookups, which hold still), then
            // applied in order. A row whose own or parent's provided id an earlier row of its generation created is
            // decided again at its turn, so the outcome is exactly that of taking the rows one by one.
            int created = 0, existing = 0, done = 0;
            var stagedNow = new HashSet<string>(StringComparer.Ordinal);
            foreach (var generation in generations)
            {
                var rows = order.GetRange(generation.Start, generation.Count);
                var decisions = new CreateDecision[rows.Count];
                if (rows.Count >= ParallelDecisionThreshold)
                {
                    Parallel.For(0, rows.Count, i => decisions[i] = DecideGetOrCreate(unit, Guard.NotNull(customers[rows[i]]), FieldNames.ProvidedId));
                }
                else
                {
                    for (var i = 0; i < rows.Count; i++)
                    {
                        decisions[i] = DecideGetOrCreate(unit, Guard.NotNull(customers[rows[i]]), FieldNames.ProvidedId);
                    }
                }

                stagedNow.Clear();
                for (var i = 0; i < rows.Count; i++)
                {
                    if (++done % 1000 == 0)
                    {
                        progress?.Invoke(done);
                    }

                    var request = customers[rows[i]];
                    var stale = (request.ProvidedId is { } id && stagedNow.Contains(id))
                        || (request.ParentProvidedId is { } parent && stagedNow.Contains(parent));
                    var decision = stale ? DecideGetOrCreate(unit, request, FieldNames.ProvidedId) : decisions[i];
                    var outcome = decision.Outcome ?? Create(unit, request, decision);
                    if (!outcome.IsSuccess)
                    {
                        errors.Add(new ImportRowError(rows[i], request.ProvidedId, outcome.Failure!));
                    }
                    else if (outcome.SuccessValue.IsNew)
                    {
                        created++;
                        stagedNow.Add(request.ProvidedId);
                    }
                    else
                    {
                        existing++;
                    }
                }
            }

            progress?.Invoke(done);
            errors.Sort((a, b) => a.Row.CompareTo(b.Row));
            if (atomic && errors.Count > 0)
            {
                return new ValidationFailed(errors.SelectMany(RowViolations).ToList());
            }

            return new ImportResult(created, existing, errors);
        });
    }

    /// <summary>Every violation of a failed row, its field prefixed with the row (<c>rows[12].parent_provided_id</c>).</summary>
    private static IEnumerable<Violation> RowViolations(ImportRowError error)
    {
        var prefix = $"rows[{error.Row}]";
        return error.Failure is ValidationFailed invalid
            ? invalid.Violations.Select(v => v with { Field = $"{prefix}.{v.Field}", Message = $"row {error.Row} ({TextChecks.Quote(error.ProvidedId)}): {v.Message}" })
            : [new Violation(error.Failure.Code, $"{prefix}.{FieldNames.ProvidedId}", $"row {error.Row} ({TextChecks.Quote(error.ProvidedId)}): {error.Failure.Message}")];
    }

    /// <summary>Generations of at least this many rows are decided on several threads.</summary>
    private const int ParallelDecisionThreshold = 512;

    /// <summary>
    /// Orders the rows so a parent named by another row comes first (parents may follow children in a file), keeping the
    /// file's order otherwise, in generations: first the rows whose parent is not in the batch, then their children, and
    /// so on (each generation a contiguous range of the order). Rows whose in-batch parents form a cycle are returned apart.
    /// </summary>
    private static (List<int> Order, List<(int Start, int Count)> Generations, List<int> Cyclic) ParentsFirst(IReadOnlyList<CreateCustomerRequest> rows)
    {
        var firstRow = new Dictionary<string, int>(rows.Count, StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].ProvidedId is { Length: > 0 } id)
            {
                firstRow.TryAdd(id, i);
            }
        }

        var waiting = new bool[rows.Count];
        var dependents = new Dictionary<int, List<int>>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].ParentProvidedId is { } parent && firstRow.TryGetValue(parent, out var parentRow) && parentRow != i)
            {
                waiting[i] = true;
                if (!dependents.TryGetValue(parentRow, out var list))
                {
                    dependents[parentRow] = list = [];
                }

                list.Add(i);
            }
        }

        var order = new List<int>(rows.Count);
        var generations = new List<(int Start, int Count)>();
        for (var row = 0; row < rows.Count; row++)
        {
            if (!waiting[row])
            {
                order.Add(row);
            }
        }

        // Each pass appends the children of the previous generation, in the order of their parents.
        for (var start = 0; start < order.Count;)
        {
            var end = order.Count;
            generations.Add((start, end - start));
            for (var i = start; i < end; i++)
            {
                if (dependents.TryGetValue(order[i], out var children))
                {
                    order.AddRange(children);
                }
            }

            start = end;
        }

        var placed = new bool[rows.Count];
        foreach (var row in order)
        {
            placed[row] = true;
        }

        return (order, generations, Enumerable.Range(0, rows.Count).Where(i => !placed[i]).ToList());
    }
}
