using System.Collections.Immutable;
using System.Text.Json;
using Explo.Domain.Rules;

namespace Explo.Domain.Testing;

/// <summary>Who performs an operation in the model: a read-write token of a DVG, or a read-only one.</summary>
/// <param name="AccessGroup">The token's DVG.</param>
/// <param name="CanWrite">False for a read-only token.</param>
public sealed record Actor(string AccessGroup, bool CanWrite)
{
    /// <inheritdoc />
    public override string ToString() => CanWrite ? AccessGroup : AccessGroup + "(read-only)";
}

/// <summary>What an operation returned: "Success" or a failure type name, and the failure's code.</summary>
/// <param name="Kind">"Success", "ValidationFailed", "NotFound", "Conflict", "Forbidden" or "Unauthorized".</param>
/// <param name="Code">The failure's code, or null on success.</param>
public sealed record OperationOutcome(string Kind, string? Code)
{
    /// <summary>Success.</summary>
    public static OperationOutcome Success { get; } = new("Success", null);

    /// <summary>The outcome of a real result.</summary>
    public static OperationOutcome Of<T>(Result<T> result) =>
        result.Match(_ => Success, failure => new OperationOutcome(failure.GetType().Name, failure.Code));

    /// <inheritdoc />
    public override string ToString() => Code is null ? Kind : $"{Kind}({Code})";
}

/// <summary>A customer in the reference model. Parents are referred to by <see cref="Key"/>, which survives renames.</summary>
public sealed record ModelCustomer(
    int Key,
    string ProvidedId,
    string AccessGroup,
    string Level,
    int? Parent,
    OrderedMap<JsonElement> Properties,
    OrderedMap<string> Mapping,
    ImmutableArray<int> Tags,
    long Version,
    int TokenEpoch);

/// <summary>
/// The reference model of a workspace: the spec's semantics in plain immutable dictionaries, small enough to check by
/// reading. Computed fields are the core's fold over the model's root-to-leaf path. Each operation returns the next model and the outcome the
/// real service must give (the first rule broken, in the order of the rule set). It covers what the generators of
/// <see cref="ExploGenerators"/> produce: valid field formats, with hierarchy, existence, DVG and read-only mistakes.
/// </summary>
public sealed record ReferenceWorkspace
{
    /// <summary>The levels, root first.</summary>
    public ImmutableArray<string> Levels { get; init; } = ["Customer", "User"];

    /// <summary>The customers by key, in creation order.</summary>
    public ImmutableSortedDictionary<int, ModelCustomer> Customers { get; init; } = ImmutableSortedDictionary<int, ModelCustomer>.Empty;

    /// <summary>The group tags by id, in creation order.</summary>
    public ImmutableSortedDictionary<int, string> Tags { get; init; } = ImmutableSortedDictionary<int, string>.Empty;

    /// <summary>The next key for a customer or tag.</summary>
    public int NextKey { get; init; } = 1;

    /// <summary>The outcome of the last operation applied (set by <see cref="ModelOperation.Apply"/>).</summary>
    public OperationOutcome? LastOutcome { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"model: customers [{string.Join(", ", Customers.Values.Select(c => $"{c.ProvidedId}@{c.AccessGroup}/{c.Level}" + (c.Parent is { } p ? $" under {Customers[p].ProvidedId}" : "")))}], tags [{string.Join(", ", Tags.Values)}]";

    /// <summary>The customer with a provided id (any DVG).</summary>
    public ModelCustomer? Find(string providedId) => Customers.Values.FirstOrDefault(c => c.ProvidedId == providedId);

    /// <summary>The customer with a provided id, if the actor's DVG sees it.</summary>
    public ModelCustomer? FindVisible(Actor actor, string providedId) => Find(providedId) is { } c && c.AccessGroup == actor.AccessGroup ? c : null;

    /// <summary>A level's rank (0 for the root).</summary>
    public int Rank(string level) => Levels.IndexOf(level);

    /// <summary>The children of a customer.</summary>
    public IEnumerable<ModelCustomer> Children(int key) => Customers.Values.Where(c => c.Parent == key);

    /// <summary>The customer and its ancestors, root first.</summary>
    public IReadOnlyList<ModelCustomer> Path(ModelCustomer customer)
    {
        var path = new List<ModelCustomer>();
        for (ModelCustomer? c = customer; c is not null; c = c.Parent is { } p ? Customers[p] : null)
        {
            path.Insert(0, c);
        }

        return path;
    }

    /// <summary>
    /// <c>computed_properties</c>: the root's, then each customer's down the path; the nearer wins. The fold itself is
    /// the core's (<see cref="Inheritance.InheritanceResolver.Fold{TValue}"/>): the model decides the path, the core merges.
    /// </summary>
    public OrderedMap<JsonElement> ComputedProperties(ModelCustomer customer) => Inheritance.InheritanceResolver.Fold(Path(customer).Select(c => c.Properties));

    /// <summary><c>computed_parent_schema_datasource_mapping</c> (no data-source defaults in the model), by the core's fold.</summary>
    public OrderedMap<string> ComputedMapping(ModelCustomer customer) => Inheritance.InheritanceResolver.Fold(Path(customer).Select(c => c.Mapping));

    /// <summary><c>computed_group_tags</c>: own and ancestors' tags, root first, without repeats.</summary>
    public IReadOnlyList<string> ComputedTags(ModelCustomer customer) =>
        Path(customer).SelectMany(c => c.Tags).Distinct().Select(t => Tags[t]).ToList();

    private static (ReferenceWorkspace, OperationOutcome) Fail(ReferenceWorkspace model, string kind, string code) => (model, new OperationOutcome(kind, code));

    private ImmutableArray<int>? TagIds(IReadOnlyList<string>? names) =>
        names is null ? null : names.Distinct().Select(n => Tags.First(t => t.Value == n).Key).ToImmutableArray();

    private bool TagsExist(IReadOnlyList<string>? names) => names is null || names.All(n => Tags.Values.Contains(n));

    /// <summary>Get-or-create.</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) Create(Actor actor, string providedId, string? level, string? parent, OrderedMap<JsonElement>? properties, OrderedMap<string>? mapping, IReadOnlyList<string>? tags)
    {
        if (!actor.CanWrite)
        {
            return Fail(this, "Forbidden", RuleCodes.ReadOnlyToken);
        }

        if (Find(providedId) is { } existing)
        {
            return existing.AccessGroup == actor.AccessGroup ? (this, OperationOutcome.Success) : Fail(this, "Conflict", ErrorCodes.ProvidedIdTaken);
        }

        var parentCustomer = parent is null ? null : FindVisible(actor, parent);
        var effectiveLevel = level ?? Levels[0];
        string? broken =
            !ValidProvidedId(providedId) ? RuleCodes.InvalidProvidedId
            : !TagsExist(tags) ? RuleCodes.UnknownGroupTag
            : parent is not null && level is null ? RuleCodes.HierarchyLevelRequired
            : parent is not null && parentCustomer is null ? RuleCodes.ParentNotFound
            : parentCustomer is not null && Rank(parentCustomer.Level) >= Rank(effectiveLevel) ? RuleCodes.ParentLevelNotHigher
            : null;
        if (broken is not null)
        {
            return Fail(this, "ValidationFailed", broken);
        }

        var customer = new ModelCustomer(NextKey, providedId, actor.AccessGroup, effectiveLevel, parentCustomer?.Key,
            properties ?? PropertyMap.Empty, mapping ?? OrderedMap<string>.Empty, TagIds(tags) ?? [], 1, 0);
        return (this with { Customers = Customers.Add(customer.Key, customer), NextKey = NextKey + 1 }, OperationOutcome.Success);
    }

    /// <summary>Update; <paramref name="parentGiven"/> with a null <paramref name="parent"/> detaches.</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) Update(Actor actor, string providedId, string? newProvidedId, string? level, bool parentGiven, string? parent, OrderedMap<JsonElement>? properties, OrderedMap<string>? mapping, IReadOnlyList<string>? tags)
    {
        if (!actor.CanWrite)
        {
            return Fail(this, "Forbidden", RuleCodes.ReadOnlyToken);
        }

        if (FindVisible(actor, providedId) is not { } self)
        {
            return Fail(this, "NotFound", ErrorCodes.CustomerNotFound);
        }

        var newLevel = level ?? self.Level;
        var parentCustomer = parentGiven ? (parent is null ? null : FindVisible(actor, parent)) : (self.Parent is { } p ? Customers[p] : null);
        var cycle = parentGiven && parentCustomer is not null && Path(parentCustomer).Any(a => a.Key == self.Key);
        string? broken =
            newProvidedId is not null && newProvidedId != self.ProvidedId && !ValidProvidedId(newProvidedId) ? RuleCodes.InvalidProvidedId
            : !TagsExist(tags) ? RuleCodes.UnknownGroupTag
            : parentGiven && parent is not null && parentCustomer is null ? RuleCodes.ParentNotFound
            : parentCustomer is not null && Rank(parentCustomer.Level) >= Rank(newLevel) ? RuleCodes.ParentLevelNotHigher
            : cycle ? RuleCodes.HierarchyCycle
            : newLevel != self.Level && Children(self.Key).Any(c => Rank(c.Level) <= Rank(newLevel)) ? RuleCodes.ChildLevelNotLower
            : null;
        if (broken is not null)
        {
            return Fail(this, "ValidationFailed", broken);
        }

        if (newProvidedId is not null && newProvidedId != self.ProvidedId && Find(newProvidedId) is not null)
        {
            return Fail(this, "Conflict", ErrorCodes.ProvidedIdTaken);
        }

        var next = self with
        {
            ProvidedId = newProvidedId ?? self.ProvidedId,
            Level = newLevel,
            Parent = parentCustomer?.Key,
            Properties = properties ?? self.Properties,
            Mapping = mapping ?? self.Mapping,
            Tags = TagIds(tags) ?? self.Tags,
        };
        if (SameState(next, self))
        {
            return (this, OperationOutcome.Success);
        }

        return (this with { Customers = Customers.SetItem(self.Key, next with { Version = self.Version + 1 }) }, OperationOutcome.Success);
    }

    private static bool SameState(ModelCustomer a, ModelCustomer b) =>
        a.ProvidedId == b.ProvidedId && a.Level == b.Level && a.Parent == b.Parent && a.Tags.SequenceEqual(b.Tags)
        && a.Properties.SequenceEqual(b.Properties, PropertyMap.ValueComparer) && a.Mapping.SequenceEqual(b.Mapping);

    /// <summary>Delete by the customer's token (the target is named by provided id here).</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) Delete(Actor actor, string providedId, bool cascade)
    {
        if (!actor.CanWrite)
        {
            return Fail(this, "Forbidden", RuleCodes.ReadOnlyToken);
        }

        if (FindVisible(actor, providedId) is not { } self)
        {
            return Fail(this, "NotFound", ErrorCodes.CustomerNotFound);
        }

        if (!cascade && Children(self.Key).Any())
        {
            return Fail(this, "Conflict", ErrorCodes.CustomerHasChildren);
        }

        var doomed = Customers.Values.Where(c => Path(c).Any(a => a.Key == self.Key)).Select(c => c.Key).ToList();
        return (this with { Customers = Customers.RemoveRange(doomed) }, OperationOutcome.Success);
    }

    /// <summary>Token rotation.</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) Refresh(Actor actor, string providedId)
    {
        if (!actor.CanWrite)
        {
            return Fail(this, "Forbidden", RuleCodes.ReadOnlyToken);
        }

        if (FindVisible(actor, providedId) is not { } self)
        {
            return Fail(this, "NotFound", ErrorCodes.CustomerNotFound);
        }

        var next = self with { Version = self.Version + 1, TokenEpoch = self.TokenEpoch + 1 };
        return (this with { Customers = Customers.SetItem(self.Key, next) }, OperationOutcome.Success);
    }

    /// <summary>
    /// The spec's provided_id rule for an id being set: 1-255 UTF-16 units, no control (Cc) or format (Cf) character, no
    /// white space first or last (so not only white space either).
    /// </summary>
    private static bool ValidProvidedId(string id) =>
        id.Length is > 0 and <= 255
        && !id.Any(char.IsControl)
        && !id.EnumerateRunes().Any(r => System.Text.Rune.GetUnicodeCategory(r) == System.Globalization.UnicodeCategory.Format)
        && !char.IsWhiteSpace(id[0]) && !char.IsWhiteSpace(id[^1]);

    private static bool ValidTagName(string name) => name.Length is > 0 and <= 128 && name.Trim() == name;

    /// <summary>Create a group tag.</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) CreateTag(Actor actor, string name)
    {
        if (!actor.CanWrite)
        {
            return Fail(this, "Forbidden", RuleCodes.ReadOnlyToken);
        }

        if (!ValidTagName(name))
        {
            return Fail(this, "ValidationFailed", RuleCodes.InvalidGroupTagName);
        }

        if (Tags.Values.Contains(name))
        {
            return Fail(this, "Conflict", ErrorCodes.GroupTagExists);
        }

        return (this with { Tags = Tags.Add(NextKey, name), NextKey = NextKey + 1 }, OperationOutcome.Success);
    }

    /// <summary>Rename a group tag.</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) RenameTag(Actor actor, string name, string newName)
    {
        if (!actor.CanWrite)
        {
            return Fail(this, "Forbidden", RuleCodes.ReadOnlyToken);
        }

        if (!ValidTagName(newName))
        {
            return Fail(this, "ValidationFailed", RuleCodes.InvalidGroupTagName);
        }

        if (!Tags.Values.Contains(name))
        {
            return Fail(this, "NotFound", ErrorCodes.GroupTagNotFound);
        }

        if (name == newName)
        {
            return (this, OperationOutcome.Success);
        }

        if (Tags.Values.Contains(newName))
        {
            return Fail(this, "Conflict", ErrorCodes.GroupTagExists);
        }

        var id = Tags.First(t => t.Value == name).Key;
        return (this with { Tags = Tags.SetItem(id, newName) }, OperationOutcome.Success);
    }

    /// <summary>Delete a group tag: it leaves every customer carrying it (whose version rises).</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) DeleteTag(Actor actor, string name)
    {
        if (!actor.CanWrite)
        {
            return Fail(this, "Forbidden", RuleCodes.ReadOnlyToken);
        }

        if (!Tags.Values.Contains(name))
        {
            return Fail(this, "NotFound", ErrorCodes.GroupTagNotFound);
        }

        var id = Tags.First(t => t.Value == name).Key;
        var customers = Customers;
        foreach (var c in Customers.Values.Where(c => c.Tags.Contains(id)))
        {
            customers = customers.SetItem(c.Key, c with { Tags = c.Tags.Remove(id), Version = c.Version + 1 });
        }

        return (this with { Tags = Tags.Remove(id), Customers = customers }, OperationOutcome.Success);
    }
}
