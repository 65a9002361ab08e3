using Explo.Domain.InMemory;

namespace Explo.Domain.Tests;

public sealed class ImportProgressTests
{
    [Fact]
    public async Task Progress_is_reported_every_thousand_rows_and_at_the_end()
    {
        var service = new ExploService(new InMemoryWorkspaceStore());
        var seen = new List<int>();
        var rows = Enumerable.Range(0, 2_500).Select(i => new CreateCustomerRequest($"p{i}")).ToList();

        var result = await service.ImportCustomersAsync(Caller.Administrator(), rows, new ImportOptions { Progress = seen.Add });

        Assert.Equal(2_500, result.SuccessValue.Created);
        Assert.Equal([1_000, 2_000, 2_500], seen);
    }
}
