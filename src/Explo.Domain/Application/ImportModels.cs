namespace Explo.Domain;

/// <summary>Options of a bulk import.</summary>
public sealed record ImportOptions
{
    /// <summary>True to import all rows or none: any invalid row fails the whole import and nothing is stored.</summary>
    public bool Atomic { get; init; }

    /// <summary>
    /// Called with the number of rows checked so far (every 1,000 rows and at the end), from the thread running the
    /// import, for a progress display. It must be quick and must not call the service.
    /// </summary>
    public Action<int>? Progress { get; init; }

    /// <summary>
    /// How many rows a non-atomic import takes per unit of work (<see cref="DefaultBatchSize"/> unless set; at least 1).
    /// Each batch commits on its own and the store is free between batches, so other writers get their turn while a long
    /// import goes on (readers of the LiteDB store are not held up by a batch at all); a smaller batch makes writers wait
    /// less and the import slower, as each commit writes the indexes again. An atomic
    /// import ignores it: it is one unit of work. A remote service (the HTTP client) leaves the choice to the server.
    /// </summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>The batch size of a non-atomic import unless set: 10,000 rows.</summary>
    public const int DefaultBatchSize = 10_000;
}

/// <summary>One row an import could not take.</summary>
/// <param name="Row">The row's 0-based position in the batch.</param>
/// <param name="ProvidedId">The row's provided id as given.</param>
/// <param name="Failure">Why: every violated rule, or a conflict.</param>
public sealed record ImportRowError(int Row, string ProvidedId, Failure Failure);

/// <summary>The outcome of a bulk import.</summary>
/// <param name="Created">How many customers were created.</param>
/// <param name="Existing">How many rows named a customer that already existed (left unchanged, as get-or-create does).</param>
/// <param name="Errors">The rows not imported (empty for a successful atomic import).</param>
public sealed record ImportResult(int Created, int Existing, IReadOnlyList<ImportRowError> Errors)
{
    /// <summary>
    /// True when the import was cancelled between two batches: what the committed batches did is reported here, and
    /// <see cref="NotReached"/> rows were never taken (a batch is taken whole or not at all). An atomic import is never
    /// reported cancelled: cancelled, it stores nothing and its task is cancelled.
    /// </summary>
    public bool Cancelled { get; init; }

    /// <summary>How many rows a cancelled import never reached (0 when it ran to the end).</summary>
    public int NotReached { get; init; }
}
