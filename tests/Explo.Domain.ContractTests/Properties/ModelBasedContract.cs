using Explo.Domain.Testing;

namespace Explo.Domain.ContractTests.Properties;

/// <summary>
/// The model-based test (Explo.Domain.Testing's <see cref="ExploMachine"/>) on the adapter under test: random operation
/// sequences against the real system and the reference model side by side, compared after every step. Each run gets a
/// fresh store from <see cref="ContractTestBase.CreateService"/>; a file store is also closed and reopened at random points.
/// </summary>
public abstract class ModelBasedContract : ContractTestBase
{
    /// <summary>Sequences in a default run (EXPLO_PBT_RUNS overrides).</summary>
    protected virtual int Runs => 100;

    [Fact]
    public async Task Random_operation_sequences_behave_exactly_like_the_reference_model()
    {
        var canReopen = CreateAndDispose().Reopen is not null;
        var machine = new ExploMachine(() =>
        {
            var sut = CreateService(new ExploServiceOptions { TimeProvider = new ManualTimeProvider(Start), TokenGenerator = new SequentialTokenGenerator() });
            return new ExploSystem(sut.Api, sut.Admin, sut.Reopen, sut.Dispose, sut.WithIdempotencyKey);
        }, canReopen);

        // Off the test's synchronization context, so blocking on a remote adapter's calls can't deadlock.
        await Task.Run(() => machine.Check(Runs));
    }

    private ServiceUnderTest CreateAndDispose()
    {
        var probe = CreateService(new ExploServiceOptions());
        probe.Dispose();
        return probe;
    }
}
