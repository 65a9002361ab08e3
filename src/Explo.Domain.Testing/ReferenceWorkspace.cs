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

    /// <summary>The outcome <see cref="ToString"/> wrote.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The outcome.</returns>
    public static OperationOutcome Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var open = text.IndexOf('(', StringComparison.Ordinal);
        return open < 0 ? new OperationOutcome(text, null) : new OperationOutcome(text[..open], text[(open + 1)..^1]);
    }
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
    int TokenEpoch)
{
    /// <summary>The name: the one given on create or update, else the provided id it was created with (null only when built without one).</summary>
    public string? Name { get; init; }

    /// <summary><c>is_demo_group</c> (false unless set).</summary>
    public bool IsDemoGroup { get; init; }
}

/// <summary>
/// A customer's token as the model knows it: the customer's <see cref="ModelCustomer.Key"/> and how many rotations
/// it had seen when the token was issued (<see cref="ModelCustomer.TokenEpoch"/>). A token is current while its
/// customer exists and has not been rotated since; a test maps the real token strings it saw to these.
/// </summary>
/// <param name="Customer">The key of the customer the token was issued to.</param>
/// <param name="Epoch">The customer's <see cref="ModelCustomer.TokenEpoch"/> when it was issued.</param>
public sealed record ModelToken(int Customer, int Epoch);

/// <summary>A registered data source in the model.</summary>
/// <param name="Id">The data source id (the mapping value).</param>
/// <param name="SchemaId">Its schema.</param>
/// <param name="AccessGroups">The DVGs that may map to it.</param>
public sealed record ModelDataSource(string Id, string SchemaId, ImmutableArray<string> AccessGroups);

/// <summary>
/// The reference model of a workspace: the spec's semantics in plain immutable dictionaries, small enough to check by
/// reading. Computed fields are the core's fold over the model's root-to-leaf path (the mapping's on top of the DVG's
/// default data sources). Each operation returns the next model and the outcome the real service must give (the first
/// rule broken, in the order of the rule set). It covers valid field formats (names, emails, property keys and sizes
/// are taken as valid), with hierarchy, existence, data source, DVG and read-only mistakes; the administrator's set-up
/// (levels, data sources, defaults) is modelled for valid set-ups only.
/// </summary>
public sealed record ReferenceWorkspace
{
    /// <summary>The levels, root first.</summary>
    public ImmutableArray<string> Levels { get; init; } = ["Customer", "User"];

    /// <summary>The customers by key, in creation order.</summary>
    public ImmutableSortedDictionary<int, ModelCustomer> Customers { get; init; } = ImmutableSortedDictionary<int, ModelCustomer>.Empty;

    /// <summary>The group tags by id, in creation order.</summary>
    public ImmutableSortedDictionary<int, string> Tags { get; init; } = ImmutableSortedDictionary<int, string>.Empty;

    /// <summary>The registered data sources, in registration order. While there are none, mapping values are opaque strings.</summary>
    public ImmutableArray<ModelDataSource> DataSources { get; init; } = [];

    /// <summary>The default mapping of each DVG that has one (schema to data source, in the order set): the base layer of its computed mappings.</summary>
    public ImmutableDictionary<string, OrderedMap<string>> DefaultMappings { get; init; } = ImmutableDictionary.Create<string, OrderedMap<string>>(StringComparer.Ordinal);

    /// <summary>The next key for a customer or tag.</summary>
    public int NextKey { get; init; } = 1;

    /// <summary>
    /// The idempotency keys stored so far, by actor (an API token) and key: the fingerprint of the write that used the
    /// key first and its outcome (only successful writes keep their key). Keys don't expire within a run.
    /// </summary>
    public ImmutableDictionary<(Actor Actor, string Key), (string Fingerprint, OperationOutcome Outcome)> IdempotencyKeys { get; init; } =
        ImmutableDictionary<(Actor Actor, string Key), (string Fingerprint, OperationOutcome Outcome)>.Empty;

    /// <summary>
    /// A write under an idempotency key: a read-only actor is refused as the write would be; a key the actor used for
    /// the same write answers that write's outcome and changes nothing, for another write it is a conflict
    /// (<c>idempotency_key_reused</c>); a new key runs the write and keeps the key if it succeeds.
    /// </summary>
    /// <param name="actor">Who writes.</param>
    /// <param name="key">The key.</param>
    /// <param name="fingerprint">What identifies the write (its request, without its expected version).</param>
    /// <param name="write">The write's own transition.</param>
    /// <returns>The next model and the outcome.</returns>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) Idempotent(Actor actor, string key, string fingerprint, Func<ReferenceWorkspace, (ReferenceWorkspace Next, OperationOutcome Outcome)> write)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(write);
        if (!actor.CanWrite)
        {
            return Fail(this, "Forbidden", RuleCodes.ReadOnlyToken);
        }

        if (IdempotencyKeys.TryGetValue((actor, key), out var stored))
        {
            return stored.Fingerprint == fingerprint ? (this, stored.Outcome) : Fail(this, "Conflict", ErrorCodes.IdempotencyKeyReused);
        }

        var (next, outcome) = write(this);
        return outcome == OperationOutcome.Success
            ? (next with { IdempotencyKeys = next.IdempotencyKeys.SetItem((actor, key), (fingerprint, outcome)) }, outcome)
            : (next, outcome);
    }

    /// <summary>Every write sent under an idempotency key so far, in order (what the generators retry).</summary>
    public ImmutableList<IdempotentWrite> KeyedWrites { get; init; } = [];

    /// <summary>The outcome of the last operation applied (set by <see cref="ModelOperation.Apply"/>).</summary>
    public OperationOutcome? LastOutcome { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"model: customers [{string.Join(", ", Customers.Values.Select(c => $"{c.ProvidedId}@{c.AccessGroup}/{c.Level}" + (c.Parent is { } p ? $" under {Customers[p].ProvidedId}" : "")))}], tags [{string.Join(", ", Tags.Values)}]";

    /// <summary>The customer with a provided id (any DVG).</summary>
    public ModelCustomer? Find(string providedId) => Customers.Values.FirstOrDefault(c => c.ProvidedId == providedId);

    /// <summary>The customer with a provided id, if the actor's DVG sees it.</summary>
    public ModelCustomer? FindVisible(Actor actor, string providedId) => Find(providedId) is { } c && c.AccessGroup == actor.AccessGroup ? c : null;

    /// <summary>The current token of a customer.</summary>
    public static ModelToken TokenOf(ModelCustomer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return new(customer.Key, customer.TokenEpoch);
    }

    /// <summary>The customer whose current token this is (any DVG), or null for a retired or unknown token (null).</summary>
    public ModelCustomer? FindByToken(ModelToken? token) =>
        token is not null && Customers.TryGetValue(token.Customer, out var c) && c.TokenEpoch == token.Epoch ? c : null;

    /// <summary>The customers of one DVG, in creation order.</summary>
    public IEnumerable<ModelCustomer> CustomersIn(string accessGroup) => Customers.Values.Where(c => c.AccessGroup == accessGroup);

    /// <summary>A level's rank (0 for the root), or -1 for a name that is not a level.</summary>
    public int Rank(string level) => Levels.IndexOf(level);

    /// <summary>The children of a customer.</summary>
    public IEnumerable<ModelCustomer> Children(int key) => Customers.Values.Where(c => c.Parent == key);

    /// <summary>The customer and its descendants (the customers a cascading delete removes), the customer first.</summary>
    public IReadOnlyList<ModelCustomer> Subtree(ModelCustomer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return Customers.Values.Where(c => Path(c).Any(a => a.Key == customer.Key)).OrderBy(c => c.Key == customer.Key ? 0 : 1).ToList();
    }

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

    /// <summary>The default mapping of a DVG (empty when it has none).</summary>
    public OrderedMap<string> DefaultMapping(string accessGroup) => DefaultMappings.GetValueOrDefault(accessGroup) ?? OrderedMap<string>.Empty;

    /// <summary>
    /// <c>computed_properties</c>: the root's, then each customer's down the path; the nearer wins. The fold itself is
    /// the core's (<see cref="Inheritance.InheritanceResolver.Fold{TValue}"/>): the model decides the path, the core merges.
    /// </summary>
    public OrderedMap<JsonElement> ComputedProperties(ModelCustomer customer) => Inheritance.InheritanceResolver.Fold(Path(customer).Select(c => c.Properties));

    /// <summary>
    /// <c>computed_parent_schema_datasource_mapping</c>: the customer's DVG's default mapping (<see cref="DefaultMapping"/>,
    /// its entries first), then each mapping down the path, by the core's fold.
    /// </summary>
    public OrderedMap<string> ComputedMapping(ModelCustomer customer) =>
        Inheritance.InheritanceResolver.Fold(Path(customer).Select(c => c.Mapping).Prepend(DefaultMapping(customer.AccessGroup)));

    /// <summary><c>computed_group_tags</c>: own and ancestors' tags, root first, without repeats.</summary>
    public IReadOnlyList<string> ComputedTags(ModelCustomer customer) =>
        Path(customer).SelectMany(c => c.Tags).Distinct().Select(t => Tags[t]).ToList();

    /// <summary>The administrator adds a level just below <paramref name="after"/>.</summary>
    /// <exception cref="ArgumentException">The name is taken, or <paramref name="after"/> is not a level (set-ups the model does not cover).</exception>
    public ReferenceWorkspace AddLevel(string name, string after)
    {
        if (Rank(name) >= 0 || Rank(after) < 0)
        {
            throw new ArgumentException($"the model adds a new level below an existing one; got '{name}' after '{after}'.", nameof(name));
        }

        return this with { Levels = Levels.Insert(Rank(after) + 1, name) };
    }

    /// <summary>The administrator registers a data source of a schema for some DVGs.</summary>
    /// <exception cref="ArgumentException">The id is taken (a set-up the model does not cover).</exception>
    public ReferenceWorkspace AddDataSource(string id, string schemaId, IEnumerable<string> accessGroups)
    {
        if (DataSources.Any(d => d.Id == id))
        {
            throw new ArgumentException($"data source '{id}' exists already.", nameof(id));
        }

        return this with { DataSources = DataSources.Add(new ModelDataSource(id, schemaId, accessGroups.Distinct().ToImmutableArray())) };
    }

    /// <summary>
    /// The administrator sets (or, with a null <paramref name="dataSourceId"/>, clears) a DVG's default data source of a
    /// schema; a new default goes last in the DVG's default mapping.
    /// </summary>
    /// <exception cref="ArgumentException">The data source is not one of that schema visible to that DVG (a set-up the model does not cover).</exception>
    public ReferenceWorkspace SetDefaultDataSource(string accessGroup, string schemaId, string? dataSourceId)
    {
        if (dataSourceId is not null && !IsVisibleDataSource(accessGroup, schemaId, dataSourceId))
        {
            throw new ArgumentException($"'{dataSourceId}' is not a data source of schema '{schemaId}' in '{accessGroup}'.", nameof(dataSourceId));
        }

        var others = DefaultMapping(accessGroup).Where(e => e.Key != schemaId);
        var defaults = OrderedMap<string>.From(dataSourceId is null ? others : others.Append(KeyValuePair.Create(schemaId, dataSourceId)));
        return this with { DefaultMappings = defaults.Count == 0 ? DefaultMappings.Remove(accessGroup) : DefaultMappings.SetItem(accessGroup, defaults) };
    }

    private bool IsVisibleDataSource(string accessGroup, string schemaId, string dataSourceId) =>
        DataSources.Any(d => d.Id == dataSourceId && d.SchemaId == schemaId && d.AccessGroups.Contains(accessGroup));

    /// <summary>Hierarchy rule 6: where a schema has registered data sources, a value must name one of that schema visible to the DVG.</summary>
    private bool MappingIsValid(OrderedMap<string>? mapping, string accessGroup) =>
        mapping is null || mapping.All(e => !DataSources.Any(d => d.SchemaId == e.Key) || IsVisibleDataSource(accessGroup, e.Key, e.Value));

    private static T NotNull<T>(T value)
        where T : class => value ?? throw new ArgumentNullException(nameof(value));

    private static (ReferenceWorkspace, OperationOutcome) Fail(ReferenceWorkspace model, string kind, string code) => (model, new OperationOutcome(kind, code));

    private ImmutableArray<int>? TagIds(IReadOnlyList<string>? names) =>
        names is null ? null : names.Distinct().Select(n => Tags.First(t => t.Value == n).Key).ToImmutableArray();

    private bool TagsExist(IReadOnlyList<string>? names) => names is null || names.All(n => Tags.Values.Contains(n));

    /// <summary>Get-or-create; a get of an existing customer changes nothing (so it returns this very model).</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) Create(Actor actor, string providedId, string? level, string? parent, OrderedMap<JsonElement>? properties, OrderedMap<string>? mapping, IReadOnlyList<string>? tags, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
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
            : !MappingIsValid(mapping, actor.AccessGroup) ? RuleCodes.UnknownDataSource
            : Rank(effectiveLevel) < 0 ? RuleCodes.UnknownHierarchyLevel
            : parent is not null && level is null ? RuleCodes.HierarchyLevelRequired
            : parent is not null && parentCustomer is null ? RuleCodes.ParentNotFound
            : parentCustomer is not null && Rank(parentCustomer.Level) >= Rank(effectiveLevel) ? RuleCodes.ParentLevelNotHigher
            : null;
        if (broken is not null)
        {
            return Fail(this, "ValidationFailed", broken);
        }

        var customer = new ModelCustomer(NextKey, providedId, actor.AccessGroup, effectiveLevel, parentCustomer?.Key,
            properties ?? PropertyMap.Empty, mapping ?? OrderedMap<string>.Empty, TagIds(tags) ?? [], 1, 0)
        {
            Name = name ?? providedId,
        };
        return (this with { Customers = Customers.Add(customer.Key, customer), NextKey = NextKey + 1 }, OperationOutcome.Success);
    }

    /// <summary>
    /// Update; <paramref name="parentGiven"/> with a null <paramref name="parent"/> detaches. An update that changes
    /// nothing keeps the version (and returns this very model).
    /// </summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) Update(Actor actor, string providedId, string? newProvidedId, string? level, bool parentGiven, string? parent, OrderedMap<JsonElement>? properties, OrderedMap<string>? mapping, IReadOnlyList<string>? tags, string? name = null, bool? isDemoGroup = null, long? expectedVersion = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.CanWrite)
        {
            return Fail(this, "Forbidden", RuleCodes.ReadOnlyToken);
        }

        if (FindVisible(actor, providedId) is not { } self)
        {
            return Fail(this, "NotFound", ErrorCodes.CustomerNotFound);
        }

        if (expectedVersion is { } expected && expected != self.Version)
        {
            return Fail(this, "Conflict", ErrorCodes.PreconditionFailed);
        }

        var newLevel = level ?? self.Level;
        var levelKnown = Rank(newLevel) >= 0;
        var parentCustomer = parentGiven ? (parent is null ? null : FindVisible(actor, parent)) : (self.Parent is { } p ? Customers[p] : null);
        var cycle = parentGiven && parentCustomer is not null && Path(parentCustomer).Any(a => a.Key == self.Key);
        string? broken =
            newProvidedId is not null && newProvidedId != self.ProvidedId && !ValidProvidedId(newProvidedId) ? RuleCodes.InvalidProvidedId
            : !TagsExist(tags) ? RuleCodes.UnknownGroupTag
            : !MappingIsValid(mapping, self.AccessGroup) ? RuleCodes.UnknownDataSource
            : !levelKnown ? RuleCodes.UnknownHierarchyLevel
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
            Name = name ?? self.Name,
            IsDemoGroup = isDemoGroup ?? self.IsDemoGroup,
        };
        if (SameState(next, self))
        {
            return (this, OperationOutcome.Success);
        }

        return (this with { Customers = Customers.SetItem(self.Key, next with { Version = self.Version + 1 }) }, OperationOutcome.Success);
    }

    private static bool SameState(ModelCustomer a, ModelCustomer b) =>
        a.ProvidedId == b.ProvidedId && a.Level == b.Level && a.Parent == b.Parent && a.Tags.SequenceEqual(b.Tags)
        && a.Properties.SequenceEqual(b.Properties, PropertyMap.ValueComparer) && a.Mapping.SequenceEqual(b.Mapping)
        && a.Name == b.Name && a.IsDemoGroup == b.IsDemoGroup;

    /// <summary>Delete by the customer's token (the target is named by provided id here).</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) Delete(Actor actor, string providedId, bool cascade, long? expectedVersion = null) =>
        Delete(actor, FindVisible(NotNull(actor), providedId), cascade, expectedVersion);

    /// <summary>Delete by a token: the current token of a customer the actor sees, or else (retired, unknown: null) not found.</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) DeleteByToken(Actor actor, ModelToken? token, bool cascade) =>
        Delete(actor, Visible(NotNull(actor), FindByToken(token)), cascade);

    private static ModelCustomer? Visible(Actor actor, ModelCustomer? customer) => customer?.AccessGroup == actor.AccessGroup ? customer : null;

    private (ReferenceWorkspace Next, OperationOutcome Outcome) Delete(Actor actor, ModelCustomer? self, bool cascade, long? expectedVersion = null)
    {
        if (!actor.CanWrite)
        {
            return Fail(this, "Forbidden", RuleCodes.ReadOnlyToken);
        }

        if (self is null)
        {
            return Fail(this, "NotFound", ErrorCodes.CustomerNotFound);
        }

        if (expectedVersion is { } expected && expected != self.Version)
        {
            return Fail(this, "Conflict", ErrorCodes.PreconditionFailed);
        }

        if (!cascade && Children(self.Key).Any())
        {
            return Fail(this, "Conflict", ErrorCodes.CustomerHasChildren);
        }

        return (this with { Customers = Customers.RemoveRange(Subtree(self).Select(c => c.Key)) }, OperationOutcome.Success);
    }

    /// <summary>Token rotation (the target is named by provided id here).</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) Refresh(Actor actor, string providedId, long? expectedVersion = null) =>
        Refresh(actor, FindVisible(NotNull(actor), providedId), expectedVersion);

    /// <summary>Token rotation by a token: the current token of a customer the actor sees, or else (retired, unknown: null) not found.</summary>
    public (ReferenceWorkspace Next, OperationOutcome Outcome) RefreshByToken(Actor actor, ModelToken? token) =>
        Refresh(actor, Visible(NotNull(actor), FindByToken(token)));

    private (ReferenceWorkspace Next, OperationOutcome Outcome) Refresh(Actor actor, ModelCustomer? self, long? expectedVersion = null)
    {
        if (!actor.CanWrite)
        {
            return Fail(this, "Forbidden", RuleCodes.ReadOnlyToken);
        }

        if (self is null)
        {
            return Fail(this, "NotFound", ErrorCodes.CustomerNotFound);
        }

        if (expectedVersion is { } expected && expected != self.Version)
        {
            return Fail(this, "Conflict", ErrorCodes.PreconditionFailed);
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
