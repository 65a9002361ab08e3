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
            var (order, cyclic) = ParentsFirst(customers);
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

            int created = 0, existing = 0, done = 0;
            foreach (var row in order)
            {
                if (++done % 1000 == 0)
                {
                    progress?.Invoke(done);
                }

                var outcome = GetOrCreateCore(unit, Guard.NotNull(customers[row]), FieldNames.ProvidedId);
                if (!outcome.IsSuccess)
                {
                    errors.Add(new ImportRowError(row, customers[row].ProvidedId, outcome.Failure!));
                }
                else if (outcome.SuccessValue.IsNew)
                {
                    created++;
                }
                else
                {
                    existing++;
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

    /// <summary>
    /// Orders the rows so a parent named by another row comes first (parents may follow children in a file), keeping the
    /// file's order otherwise; rows whose in-batch parents form a cycle are returned apart.
    /// </summary>
    private static (List<int> Order, List<int> Cyclic) ParentsFirst(IReadOnlyList<CreateCustomerRequest> rows)
    {
        var firstRow = new Dictionary<string, int>(rows.Count, StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].ProvidedId is { Length: > 0 } id)
            {
                firstRow.TryAdd(id, i);
            }
        }

        var waiting = new int[rows.Count];
        var dependents = new Dictionary<int, List<int>>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].ParentProvidedId is { } parent && firstRow.TryGetValue(parent, out var parentRow) && parentRow != i)
            {
                waiting[i] = 1;
                if (!dependents.TryGetValue(parentRow, out var list))
                {
                    dependents[parentRow] = list = [];
                }

                list.Add(i);
            }
        }

        var order = new List<int>(rows.Count);
        var ready = new Queue<int>(Enumerable.Range(0, rows.Count).Where(i => waiting[i] == 0));
        while (ready.TryDequeue(out var row))
        {
            order.Add(row);
            if (dependents.TryGetValue(row, out var children))
            {
                foreach (var child in children)
                {
                    ready.Enqueue(child);
                }
            }
        }

        var placed = new bool[rows.Count];
        foreach (var row in order)
        {
            placed[row] = true;
        }

        return (order, Enumerable.Range(0, rows.Count).Where(i => !placed[i]).ToList());
    }
}
