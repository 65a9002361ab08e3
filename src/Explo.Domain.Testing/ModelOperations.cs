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
    public override async Task<OperationOutcome> ExecuteAsync(ExploSystem system) => OperationOutcome.Of(await system.Api.GetOrCreateCustomerAsync(
        system.CallerOf(Actor),
        new CreateCustomerRequest(ProvidedId) { HierarchyLevelName = Level, ParentProvidedId = Parent, Properties = Properties, Mapping = Mapping, GroupTags = Tags }));

    /// <inheritdoc />
    public override string ToString() =>
        $"create {ProvidedId} as {Actor}" + (Level is null ? "" : $" level={Level}") + (Parent is null ? "" : $" parent={Parent}")
        + (Properties is null ? "" : $" properties={PropertyMap.ToJson(Properties)}") + (Tags is null ? "" : $" tags=[{string.Join(",", Tags)}]");
}

/// <summary>Update a customer.</summary>
public sealed record UpdateCustomer(Actor Actor, string ProvidedId, string? NewProvidedId, string? Level, bool ParentGiven, string? Parent, OrderedMap<JsonElement>? Properties, OrderedMap<string>? Mapping, IReadOnlyList<string>? Tags) : ModelOperation
{
    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model) =>
        model.Update(Actor, ProvidedId, NewProvidedId, Level, ParentGiven, Parent, Properties, Mapping, Tags);

    /// <inheritdoc />
    public override async Task<OperationOutcome> ExecuteAsync(ExploSystem system) => OperationOutcome.Of(await system.Api.UpdateCustomerAsync(
        system.CallerOf(Actor),
        new UpdateCustomerRequest(ProvidedId)
        {
            NewProvidedId = NewProvidedId,
            HierarchyLevelName = Level,
            ParentProvidedId = ParentGiven ? new Optional<string?>(Parent) : default,
            Properties = Properties,
            Mapping = Mapping,
            GroupTags = Tags,
        }));

    /// <inheritdoc />
    public override string ToString() =>
        $"update {ProvidedId} as {Actor}" + (NewProvidedId is null ? "" : $" rename={NewProvidedId}") + (Level is null ? "" : $" level={Level}")
        + (ParentGiven ? $" parent={Parent ?? "(detach)"}" : "") + (Properties is null ? "" : $" properties={PropertyMap.ToJson(Properties)}")
        + (Tags is null ? "" : $" tags=[{string.Join(",", Tags)}]");
}

/// <summary>Delete a customer (by its current token, looked up by provided id).</summary>
public sealed record DeleteCustomer(Actor Actor, string ProvidedId, bool Cascade) : ModelOperation
{
    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model) => model.Delete(Actor, ProvidedId, Cascade);

    /// <inheritdoc />
    public override async Task<OperationOutcome> ExecuteAsync(ExploSystem system) =>
        OperationOutcome.Of(await system.Api.DeleteCustomerAsync(system.CallerOf(Actor), new DeleteCustomerRequest(await system.TokenOf(ProvidedId), Cascade)));

    /// <inheritdoc />
    public override string ToString() => $"delete {ProvidedId} as {Actor}" + (Cascade ? " cascade" : "");
}

/// <summary>Rotate a customer's token.</summary>
public sealed record RefreshToken(Actor Actor, string ProvidedId) : ModelOperation
{
    /// <inheritdoc />
    protected override (ReferenceWorkspace Next, OperationOutcome Outcome) On(ReferenceWorkspace model) => model.Refresh(Actor, ProvidedId);

    /// <inheritdoc />
    public override async Task<OperationOutcome> ExecuteAsync(ExploSystem system) =>
        OperationOutcome.Of(await system.Api.RefreshCustomerTokenAsync(system.CallerOf(Actor), new RefreshTokenRequest(await system.TokenOf(ProvidedId))));

    /// <inheritdoc />
    public override string ToString() => $"refresh {ProvidedId} as {Actor}";
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
