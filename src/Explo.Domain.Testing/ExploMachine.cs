using System.Globalization;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Explo.Domain.Testing;

/// <summary>
/// A model-based test of an Explo.Domain system (FsCheck's state machine API): random operation sequences run against
/// the real system and the <see cref="ReferenceWorkspace"/> side by side; after every step the outcome (success, or the
/// failure type and code) and the whole observable state must match. Failures shrink to a short sequence, printed one
/// operation per line.
/// </summary>
public sealed class ExploMachine : Machine<ExploSystem, ReferenceWorkspace>
{
    /// <summary>The levels of every run, root first.</summary>
    public static IReadOnlyList<string> Levels { get; } = ["Customer", "Region", "Team", "User"];

    private readonly Func<ExploSystem> _create;
    private readonly bool _canReopen;

    /// <summary>Creates the machine.</summary>
    /// <param name="create">Builds a fresh system (new store) for each run.</param>
    /// <param name="canReopen">True when the systems can close and reopen their store (also generated then).</param>
    /// <param name="maxOperations">The longest sequence.</param>
    public ExploMachine(Func<ExploSystem> create, bool canReopen = false, int maxOperations = 30)
        : base(maxOperations)
    {
        _create = create ?? throw new ArgumentNullException(nameof(create));
        _canReopen = canReopen;
    }

    /// <summary>The model a run starts from.</summary>
    public static ReferenceWorkspace InitialModel { get; } = new() { Levels = [.. Levels] };

    /// <inheritdoc />
    public override Arbitrary<Setup<ExploSystem, ReferenceWorkspace>> Setup => Arb.From(Gen.Constant(StateMachine.Setup(
        () =>
        {
            var system = _create();
            system.Steps = system.InitializeAsync(InitialModel);
            return system;
        },
        () => InitialModel)));

    /// <inheritdoc />
    /// <remarks>The system is disposed once its last step has run (see <see cref="ExploSystem.Steps"/>).</remarks>
    public override TearDown<ExploSystem> TearDown => StateMachine.TearDown<ExploSystem>(
        system => system.Steps = system.Steps.ContinueWith(_ => system.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default));

    /// <inheritdoc />
    public override Gen<Operation<ExploSystem, ReferenceWorkspace>> Next(ReferenceWorkspace model) =>
        ExploGenerators.Operations(model, _canReopen).Select(op => (Operation<ExploSystem, ReferenceWorkspace>)new Step(op));

    /// <summary>Checks the machine: <paramref name="runs"/> sequences, or <c>EXPLO_PBT_RUNS</c>; replays <c>EXPLO_PBT_REPLAY</c> ("seed,gamma").</summary>
    /// <param name="runs">The default number of sequences.</param>
    public void Check(int runs) => this.ToProperty().Check(RunSettings.Config(runs));

    private sealed class Step(ModelOperation operation) : Operation<ExploSystem, ReferenceWorkspace>
    {
        public override ReferenceWorkspace Run(ReferenceWorkspace model) => operation.Apply(model);

        /// <remarks>
        /// FsCheck's machine asks every step of a run for its property before it evaluates any, and the system's calls are
        /// asynchronous, so each step is chained after the one before it (<see cref="ExploSystem.Steps"/>) and its property
        /// is that task's outcome, which FsCheck awaits: the steps run one at a time, in order, and nothing blocks on them.
        /// </remarks>
        public override Property Check(ExploSystem actual, ReferenceWorkspace model)
        {
            var step = After(actual.Steps, () => CheckAsync(actual, model));
            actual.Steps = step;
            return FsCheck.FSharp.Prop.OfTestable(step);
        }

        private static async Task<Property> After(Task previous, Func<Task<Property>> step)
        {
            await previous.ConfigureAwait(false);
            return await step().ConfigureAwait(false);
        }

        private async Task<Property> CheckAsync(ExploSystem actual, ReferenceWorkspace model)
        {
            actual.Trace.Add(operation.ToString());
            var outcome = await operation.ExecuteAsync(actual).ConfigureAwait(false);
            if (outcome != model.LastOutcome)
            {
                return Prop.Label(false, $"the system answered {outcome}, the model {model.LastOutcome}, after:{Steps(actual)}");
            }

            var difference = await actual.CompareAsync(model).ConfigureAwait(false);
            return Prop.Label(difference is null, $"the state differs from the model: {difference}after:{Steps(actual)}");
        }

        public override string ToString() => operation.ToString();

        private static string Steps(ExploSystem actual) =>
            string.Concat(actual.Trace.Select((step, i) => $"{Environment.NewLine}  {i + 1}. {step}"));
    }
}

/// <summary>How many cases property tests run, and replaying a reported failure.</summary>
public static class RunSettings
{
    /// <summary>The environment variable that sets the number of runs (for deep runs).</summary>
    public const string RunsVariable = "EXPLO_PBT_RUNS";

    /// <summary>The environment variable that replays a failure: the "seed,gamma" (or "seed,gamma,size") FsCheck reports.</summary>
    public const string ReplayVariable = "EXPLO_PBT_REPLAY";

    /// <summary>The number of runs: <c>EXPLO_PBT_RUNS</c> when set to a positive number, else the default.</summary>
    public static int Runs(int defaultRuns) =>
        int.TryParse(Environment.GetEnvironmentVariable(RunsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var runs) && runs > 0 ? runs : defaultRuns;

    /// <summary>A configuration that throws on failure (with the shrunk case and the seed), is quiet on success, and replays when asked.</summary>
    public static Config Config(int defaultRuns)
    {
        var config = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(Runs(defaultRuns)).WithQuietOnSuccess(true);
        var replay = Environment.GetEnvironmentVariable(ReplayVariable)?.Trim(' ', '(', ')').Split(',', StringSplitOptions.TrimEntries);
        if (replay is { Length: 2 or 3 })
        {
            var seed = new Rnd(ulong.Parse(replay[0], CultureInfo.InvariantCulture), ulong.Parse(replay[1], CultureInfo.InvariantCulture));
            var size = replay.Length == 3 ? FSharpOption<int>.Some(int.Parse(replay[2], CultureInfo.InvariantCulture)) : FSharpOption<int>.None;
            config = config.WithReplay(FSharpOption<Replay>.Some(new Replay(seed, size)));
        }

        return config;
    }
}
