using Explo.Domain.Rules;

namespace Explo.Domain;

/// <summary>
/// The bulk path: many get-or-creates, in units of work of at most <see cref="ImportOptions.BatchSize"/> rows (one
/// transaction each in a transactional store), or in one unit of work for an atomic import.
/// </summary>
public sealed partial class ExploService
{
    /// <inheritdoc />
    public Task<Result<ImportResult>> ImportCustomersAsync(Caller caller, IReadOnlyList<CreateCustomerRequest> customers, ImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(caller);
        Guard.NotNull(customers);
        Guard.That((options?.BatchSize ?? ImportOptions.DefaultBatchSize) > 0, "An import's batch size is at least one row");
        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled<Result<ImportResult>>(cancellationToken)
            : ImportAsync(caller, customers, options, cancellationToken);
    }

    private async Task<Result<ImportResult>> ImportAsync(Caller caller, IReadOnlyList<CreateCustomerRequest> customers, ImportOptions? options, CancellationToken cancellationToken)
    {
        var atomic = options?.Atomic ?? false;
        var progress = options?.Progress;
        var batchSize = options?.BatchSize ?? ImportOptions.DefaultBatchSize;

        // The order (parents first) is decided once, over the whole input, outside any unit of work: it depends on the
        // rows alone. Each batch is then a contiguous range of that order, so a row's parents within the input are in
        // its own batch or in one already committed.
        var (order, generations, cyclic) = ParentsFirst(customers);
        var import = new ImportRun(customers, order, generations, progress);
        foreach (var row in cyclic)
        {
            import.Errors.Add(new ImportRowError(row, customers[row].ProvidedId, new ValidationFailed(
                RuleCodes.HierarchyCycle,
                FieldNames.ParentProvidedId,
                $"parent_provided_id {TextChecks.Quote(customers[row].ParentProvidedId ?? string.Empty)}: the parents named within this import form a cycle, so this row never reaches an existing customer.")));
        }

        // An atomic import is one unit of work (all or nothing; the store's writers and readers wait for it). Otherwise
        // each batch commits on its own and the store is free between batches, so a long import does not stall the
        // requests of others; the outcome is still that of taking the rows one by one, as each batch decides its rows
        // against what the batches before it committed. A batch's unit of work tallies into a batch of its own, which
        // counts only once the batch is committed: the store may run a unit of work again.
        var size = atomic ? Math.Max(order.Count, 1) : batchSize;
        var start = 0;
        do
        {
            var end = (int)Math.Min((long)start + size, order.Count);
            var last = end == order.Count;
            Result<ImportBatch> batch;
            if (caller.Idempotency is { } idempotency)
            {
                // Under an idempotency key, the first batch looks the key up and the last one stores the import's answer.
                idempotency.Checks = start == 0;
                idempotency.Stores = last;
                idempotency.Final = last ? result => ((Result<ImportBatch>)result).Map(import.Preview) : null;
            }

            try
            {
                batch = await RunAsync<ImportBatch>(caller, Access.Write, unit =>
                {
                    var taken = import.Take(unit, start, end);
                    if (atomic && cancellationToken.IsCancellationRequested)
                    {
                        // Cancelled while its one unit of work was being decided: the unit is dropped, nothing is stored.
                        return ImportCancelled;
                    }

                    if (last && atomic && import.Errors.Count + taken.Errors.Count > 0)
                    {
                        var errors = import.Errors.Concat(taken.Errors).OrderBy(e => e.Row).ToList();
                        return new ValidationFailed(errors.SelectMany(RowViolations).ToList());
                    }

                    return taken;
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (start > 0 && cancellationToken.IsCancellationRequested)
            {
                // Dropped while it waited for its turn: as if cancelled between two batches.
                return Cancelled(import, order.Count - start);
            }

            if (!batch.IsSuccess)
            {
                if (ReferenceEquals(batch.Failure, ImportCancelled))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                return Result<ImportResult>.Fail(batch.Failure);
            }

            import.Add(batch.Value);
            start = end;
            if (start < order.Count && cancellationToken.IsCancellationRequested)
            {
                // Between two batches: the committed ones stand, and are reported; the rest is never taken.
                return Cancelled(import, order.Count - start);
            }
        }
        while (start < order.Count);

        progress?.Invoke(import.Done);
        import.Errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        return new ImportResult(import.Created, import.Existing, import.Errors);
    }

    private static ImportResult Cancelled(ImportRun import, int notReached)
    {
        import.Errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        return new ImportResult(import.Created, import.Existing, import.Errors) { Cancelled = true, NotReached = notReached };
    }

    /// <summary>
    /// What an atomic import's unit of work answers when the import is cancelled before it commits, so the store drops
    /// it; the caller sees a cancelled task, never this failure.
    /// </summary>
    private static readonly Conflict ImportCancelled = new(ErrorCodes.ImportCancelled, "The import was cancelled before it committed; nothing was stored.");

    /// <summary>An import under way: its input, its order, and what its committed batches did so far.</summary>
    private sealed class ImportRun(IReadOnlyList<CreateCustomerRequest> customers, List<int> order, List<(int Start, int Count)> generations, Action<int>? progress)
    {
        public List<ImportRowError> Errors { get; } = [];

        public int Created { get; private set; }

        public int Existing { get; private set; }

        public int Done { get; private set; }

        /// <summary>The import's result once the last batch, <paramref name="last"/>, is committed (nothing counted yet).</summary>
        public ImportResult Preview(ImportBatch last)
        {
            var errors = Errors.Concat(last.Errors).ToList();
            errors.Sort((a, b) => a.Row.CompareTo(b.Row));
            return new ImportResult(Created + last.Created, Existing + last.Existing, errors);
        }

        /// <summary>Counts a committed batch.</summary>
        public void Add(ImportBatch batch)
        {
            Errors.AddRange(batch.Errors);
            Created += batch.Created;
            Existing += batch.Existing;
            Done += batch.Done;
        }

        /// <summary>
        /// Takes the rows <c>order[start..end)</c> in one unit of work, tallying into a new batch: the import counts it
        /// (<see cref="Add"/>) once it is committed, so a unit of work the store runs again is not counted twice.
        /// </summary>
        public ImportBatch Take(UnitOfWork unit, int start, int end)
        {
            // Two batch lookups instead of two store queries per row: every provided id and parent the batch names, and
            // a token for every row of the batch that names no existing customer.
            var rows = order.GetRange(start, end - start);
            unit.Prefetch(rows.SelectMany(r => new[] { customers[r].ProvidedId, customers[r].ParentProvidedId }));
            unit.ReserveTokens(rows.Count(r => string.IsNullOrEmpty(customers[r].ProvidedId) || unit.FindByProvidedId(customers[r].ProvidedId) is null));

            // Rows are taken a generation at a time (roots of the input, then their children, ...). The rows of one
            // generation are decided together, on every core (deciding reads the unit's lookups, which hold still), then
            // applied in order. A row whose own or parent's provided id an earlier row of its generation created is
            // decided again at its turn, so the outcome is exactly that of taking the rows one by one. A generation cut
            // by the end of a batch goes on in the next one, which decides against what this one committed.
            var batch = new ImportBatch(Done);
            foreach (var (generationStart, generationCount) in generations)
            {
                var from = Math.Max(generationStart, start);
                var to = Math.Min(generationStart + generationCount, end);
                if (from >= to)
                {
                    if (generationStart >= end)
                    {
                        break;
                    }

                    continue;
                }

                TakeGeneration(unit, order.GetRange(from, to - from), batch);
            }

            return batch;
        }

        private void TakeGeneration(UnitOfWork unit, List<int> rows, ImportBatch batch)
        {
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

            var stagedNow = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < rows.Count; i++)
            {
                var done = batch.Step();
                if (done % 1000 == 0)
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
                    batch.Errors.Add(new ImportRowError(rows[i], request.ProvidedId, outcome.Failure));
                }
                else if (outcome.Value.IsNew)
                {
                    batch.Created++;
                    stagedNow.Add(request.ProvidedId);
                }
                else
                {
                    batch.Existing++;
                }
            }
        }
    }

    /// <summary>What one batch's unit of work did: counted by the import only once the batch is committed.</summary>
    /// <param name="doneBefore">The rows the import had taken before this batch (for progress reports).</param>
    private sealed class ImportBatch(int doneBefore)
    {
        public List<ImportRowError> Errors { get; } = [];

        public int Created { get; set; }

        public int Existing { get; set; }

        public int Done { get; private set; }

        /// <summary>Counts one more row taken; returns how many the import has taken with it.</summary>
        public int Step() => doneBefore + ++Done;
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
