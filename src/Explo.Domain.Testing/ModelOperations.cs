using System.Text.Json;

namespace Explo.Domain.Testing;

/// <summary>
/// One operation of a generated sequence: what the model does (<see cref="Apply"/>) and what the real service does
/// (<see cref="ExecuteAsync"/>), so the two can be compared step by step.
/// </summary>
public abstract record ModelOperation
{
    /// <summary>Applies the operation to the model, recording the expected outcome in <see cref="ReferenceWorkspace.LastOutcome"/>.</summary>
    public ReferenceWorkspace Apply(ReferenceWorkspace model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (next, outcome) = On(model);
        return next with { LastOutcome = outcome };
    }

    /// <summary>The model's transition.</summary>
    protected abstract (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model);

    /// <summary>Runs the operation against the system under test and returns what it answered.</summary>
    public abstract Task<OperationOutcome> ExecuteAsync(ExploSystem system);
}

/// <summary>Get-or-create a customer.</summary>
public sealed record CreateCustomer(Actor Actor, string ProvidedId, string? Level, string? Parent, OrderedMap<JsonElement>? Properties, OrderedMap<string>? Mapping, IReadOnlyList<string>? Tags) : ModelOperation
{
    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model) =>
        model.Create(Actor, ProvidedId, Level, Parent, Properties, Mapping, Tags);

    /// <inheritdoc />
    public override async Task<OperationOutcome> ExecuteAsync(ExploSystem system) => OperationOutcome.Of(await Call(Guard(system).Api, system.CallerOf(Actor)));

    /// <summary>The call, on a port and as a caller (for <see cref="IdempotentWrite"/>).</summary>
    internal Task<Result<GetOrCreateResult>> Call(IExploApi api, Caller caller) => api.GetOrCreateCustomerAsync(
        caller,
        new CreateCustomerRequest(ProvidedId) { HierarchyLevelName = Level, ParentProvidedId = Parent, Properties = Properties, Mapping = Mapping, GroupTags = Tags });

    /// <summary>Every field of the request, canonically: two creates are the same request exactly when these are equal.</summary>
    internal string Fingerprint =>
        $"create|{ProvidedId}|{Level}|{Parent}|{(Properties is null ? "-" : PropertyMap.ToJson(Properties))}|{(Mapping is null ? "-" : string.Join(",", Mapping.Select(m => $"{m.Key}={m.Value}")))}|{(Tags is null ? "-" : string.Join(",", Tags))}";

    private static ExploSystem Guard(ExploSystem system) => system ?? throw new ArgumentNullException(nameof(system));

    /// <inheritdoc />
    public override string ToString() =>
        $"create {ProvidedId} as {Actor}" + (Level is null ? "" : $" level={Level}") + (Parent is null ? "" : $" parent={Parent}")
        + (Properties is null ? "" : $" properties={PropertyMap.ToJson(Properties)}") + (Tags is null ? "" : $" tags=[{string.Join(",", Tags)}]");
}

/// <summary>Update a customer; with an expected version, only at that version (If-Match over HTTP).</summary>
public sealed record UpdateCustomer(Actor Actor, string ProvidedId, string? NewProvidedId, string? Level, bool ParentGiven, string? Parent, OrderedMap<JsonElement>? Properties, OrderedMap<string>? Mapping, IReadOnlyList<string>? Tags, long? ExpectedVersion = null) : ModelOperation
{
    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model) =>
        model.Update(Actor, ProvidedId, NewProvidedId, Level, ParentGiven, Parent, Properties, Mapping, Tags, expectedVersion: ExpectedVersion);

    /// <inheritdoc />
    public override async Task<OperationOutcome> ExecuteAsync(ExploSystem system) =>
        OperationOutcome.Of(await Call((system ?? throw new ArgumentNullException(nameof(system))).Api, system.CallerOf(Actor)));

    /// <summary>The call, on a port and as a caller (for <see cref="IdempotentWrite"/>).</summary>
    internal Task<Result<CustomerView>> Call(IExploApi api, Caller caller) => api.UpdateCustomerAsync(
        caller,
        new UpdateCustomerRequest(ProvidedId)
        {
            NewProvidedId = NewProvidedId,
            HierarchyLevelName = Level,
            ParentProvidedId = ParentGiven ? new Optional<string?>(Parent) : default,
            Properties = Properties,
            Mapping = Mapping,
            GroupTags = Tags,
            ExpectedVersion = ExpectedVersion,
        });

    /// <summary>
    /// Every field of the request but the expected version (which goes as If-Match, not in the body), canonically.
    /// </summary>
    internal string Fingerprint =>
        $"update|{ProvidedId}|{NewProvidedId}|{Level}|{(ParentGiven ? "move:" + Parent : "-")}|{(Properties is null ? "-" : PropertyMap.ToJson(Properties))}|{(Mapping is null ? "-" : string.Join(",", Mapping.Select(m => $"{m.Key}={m.Value}")))}|{(Tags is null ? "-" : string.Join(",", Tags))}";

    /// <inheritdoc />
    public override string ToString() =>
        $"update {ProvidedId} as {Actor}" + (NewProvidedId is null ? "" : $" rename={NewProvidedId}") + (Level is null ? "" : $" level={Level}")
        + (ParentGiven ? $" parent={Parent ?? "(detach)"}" : "") + (Properties is null ? "" : $" properties={PropertyMap.ToJson(Properties)}")
        + (Tags is null ? "" : $" tags=[{string.Join(",", Tags)}]") + (ExpectedVersion is { } v ? $" if-version={v}" : "");
}

/// <summary>Delete a customer (by its current token, looked up by provided id); with an expected version, only at that version.</summary>
public sealed record DeleteCustomer(Actor Actor, string ProvidedId, bool Cascade, long? ExpectedVersion = null) : ModelOperation
{
    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model) => model.Delete(Actor, ProvidedId, Cascade, ExpectedVersion);

    /// <inheritdoc />
    public override async Task<OperationOutcome> ExecuteAsync(ExploSystem system) =>
        OperationOutcome.Of(await system.Api.DeleteCustomerAsync(system.CallerOf(Actor), new DeleteCustomerRequest(await system.TokenOf(ProvidedId), Cascade) { ExpectedVersion = ExpectedVersion }));

    /// <inheritdoc />
    public override string ToString() => $"delete {ProvidedId} as {Actor}" + (Cascade ? " cascade" : "") + (ExpectedVersion is { } v ? $" if-version={v}" : "");
}

/// <summary>Rotate a customer's token; with an expected version, only at that version.</summary>
public sealed record RefreshToken(Actor Actor, string ProvidedId, long? ExpectedVersion = null) : ModelOperation
{
    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model) => model.Refresh(Actor, ProvidedId, ExpectedVersion);

    /// <inheritdoc />
    public override async Task<OperationOutcome> ExecuteAsync(ExploSystem system) =>
        OperationOutcome.Of(await system.Api.RefreshCustomerTokenAsync(system.CallerOf(Actor), new RefreshTokenRequest(await system.TokenOf(ProvidedId)) { ExpectedVersion = ExpectedVersion }));

    /// <inheritdoc />
    public override string ToString() => $"refresh {ProvidedId} as {Actor}" + (ExpectedVersion is { } v ? $" if-version={v}" : "");
}

/// <summary>
/// A create or an update sent under an idempotency key (a retry when the key was used before): in process through
/// <see cref="IIdempotentWrites"/>, over HTTP through a port that sends <c>Idempotency-Key</c>
/// (<see cref="ExploSystem.WithIdempotencyKey"/>).
/// </summary>
/// <param name="Key">The key.</param>
/// <param name="Write">The write: a <see cref="CreateCustomer"/> or an <see cref="UpdateCustomer"/>.</param>
public sealed record IdempotentWrite(string Key, ModelOperation Write) : ModelOperation
{
    private (Actor Actor, string Fingerprint) Parts => Write switch
    {
        CreateCustomer create => (create.Actor, create.Fingerprint),
        UpdateCustomer update => (update.Actor, update.Fingerprint),
        _ => throw new InvalidOperationException($"{Write} can't be sent under an idempotency key here."),
    };

    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (actor, fingerprint) = Parts;
        var (next, outcome) = model.Idempotent(actor, Key, fingerprint, m =>
        {
            var written = Write.Apply(m);
            return (written, written.LastOutcome!);
        });
        return (next with { KeyedWrites = next.KeyedWrites.Add(this) }, outcome);
    }

    /// <inheritdoc />
    public override Task<OperationOutcome> ExecuteAsync(ExploSystem system) => Write switch
    {
        CreateCustomer create => Keyed(system, create.Actor, create.Fingerprint, create.Call),
        UpdateCustomer update => Keyed(system, update.Actor, update.Fingerprint, update.Call),
        _ => throw new InvalidOperationException($"{Write} can't be sent under an idempotency key here."),
    };

    private async Task<OperationOutcome> Keyed<T>(ExploSystem system, Actor actor, string fingerprint, Func<IExploApi, Caller, Task<Result<T>>> call)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (system.WithIdempotencyKey is { } keyed)
        {
            return OperationOutcome.Of(await call(keyed(Key), system.CallerOf(actor)).ConfigureAwait(false));
        }

        var runner = system.Api as IIdempotentWrites
            ?? throw new InvalidOperationException("The port under test takes no idempotency keys; give the system a WithIdempotencyKey.");
        var reply = await runner.RunIdempotentAsync(
            system.CallerOf(actor),
            new IdempotentRequest(Key, fingerprint),
            (caller, _) => call(system.Api, caller),
            result => new IdempotentReply(0, System.Text.Encoding.UTF8.GetBytes(OperationOutcome.Of(result).ToString()), null)).ConfigureAwait(false);
        return OperationOutcome.Parse(System.Text.Encoding.UTF8.GetString(reply.Body));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Write} with Idempotency-Key '{Key}'";
}

/// <summary>Create a group tag.</summary>
public sealed record CreateTag(Actor Actor, string Name) : ModelOperation
{
    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model) => model.CreateTag(Actor, Name);

    /// <inheritdoc />
    public override async Task<OperationOutcome> ExecuteAsync(ExploSystem system) => OperationOutcome.Of(await system.Api.CreateGroupTagAsync(system.CallerOf(Actor), Name));

    /// <inheritdoc />
    public override string ToString() => $"create tag '{Name}' as {Actor}";
}

/// <summary>Rename a group tag.</summary>
public sealed record RenameTag(Actor Actor, string Name, string NewName) : ModelOperation
{
    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model) => model.RenameTag(Actor, Name, NewName);

    /// <inheritdoc />
    public override async Task<OperationOutcome> ExecuteAsync(ExploSystem system) => OperationOutcome.Of(await system.Api.RenameGroupTagAsync(system.CallerOf(Actor), Name, NewName));

    /// <inheritdoc />
    public override string ToString() => $"rename tag '{Name}' to '{NewName}' as {Actor}";
}

/// <summary>Delete a group tag.</summary>
public sealed record DeleteTag(Actor Actor, string Name) : ModelOperation
{
    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model) => model.DeleteTag(Actor, Name);

    /// <inheritdoc />
    public override async Task<OperationOutcome> ExecuteAsync(ExploSystem system) => OperationOutcome.Of(await system.Api.DeleteGroupTagAsync(system.CallerOf(Actor), Name));

    /// <inheritdoc />
    public override string ToString() => $"delete tag '{Name}' as {Actor}";
}

/// <summary>Close and reopen the store (only generated for systems that can, such as a LiteDB file).</summary>
public sealed record ReopenStore : ModelOperation
{
    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model) => (model, OperationOutcome.Success);

    /// <inheritdoc />
    public override Task<OperationOutcome> ExecuteAsync(ExploSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        system.Reopen!();
        return Task.FromResult(OperationOutcome.Success);
    }

    /// <inheritdoc />
    public override string ToString() => "close and reopen the store";
}
