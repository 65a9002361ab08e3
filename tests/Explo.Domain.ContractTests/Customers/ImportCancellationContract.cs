namespace Explo.Domain.ContractTests.Customers;

/// <summary>
/// An import cancelled mid-way leaves the store consistent: a row-by-row import keeps the batches it committed and
/// reports them; an atomic one stores nothing. Run on the in-process service of each store (the batch size and the
/// progress callback that cancels are in-process options).
/// </summary>
public abstract class ImportCancellationContract : ContractTestBase
{
    private static List<CreateCustomerRequest> Rows(int count) =>
        Enumerable.Range(0, count).Select(i => new CreateCustomerRequest($"row-{i:D5}") { Properties = PropertyMap.Of(("i", i)) }).ToList();

    [Fact]
    public async Task A_row_by_row_import_cancelled_between_batches_keeps_and_reports_the_committed_batches()
    {
        using var cancel = new CancellationTokenSource();
        var rows = Rows(3_000);
        var options = new ImportOptions { BatchSize = 1_000, Progress = done => { if (done >= 1_000) { cancel.Cancel(); } } };

        var result = await AdminService.ImportCustomersAsync(Writer, rows, options, cancel.Token);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.True(result.Value.Cancelled);
        Assert.Equal((1_000, 0, 2_000), (result.Value.Created, result.Value.Existing, result.Value.NotReached));
        var stored = (await AdminService.ListCustomersAsync(Writer, new CustomerFilter())).SuccessValue;
        Assert.Equal(rows.Take(1_000).Select(r => r.ProvidedId), stored.Select(c => c.ProvidedId));

        // The rest can be imported again: the committed batch is whole, and is found as existing.
        var again = await AdminService.ImportCustomersAsync(Writer, rows, new ImportOptions { BatchSize = 1_000 });
        Assert.Equal((2_000, 1_000, false), (again.SuccessValue.Created, again.SuccessValue.Existing, again.SuccessValue.Cancelled));
    }

    [Fact]
    public async Task An_atomic_import_cancelled_before_it_commits_stores_nothing()
    {
        await Create("before");
        var before = await Snapshot();
        using var cancel = new CancellationTokenSource();
        var options = new ImportOptions { Atomic = true, Progress = done => { if (done >= 1_000) { cancel.Cancel(); } } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AdminService.ImportCustomersAsync(Writer, Rows(3_000), options, cancel.Token));

        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task An_import_cancelled_before_it_starts_does_nothing()
    {
        var before = await Snapshot();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AdminService.ImportCustomersAsync(Writer, Rows(10), null, cancel.Token));

        Assert.Equal(before, await Snapshot());
    }
}
