using System.Text;

namespace Explo.Domain.Testing;

/// <summary>
/// The real system in a model-based test: the port under test (<see cref="Api"/>, in-process or remote), an in-process
/// service on the same store for set-up and for reading the whole state (<see cref="Admin"/>), and, for a file store,
/// a way to close and reopen it. It compares its state with a <see cref="ReferenceWorkspace"/> after every step.
/// </summary>
public sealed class ExploSystem : IDisposable
{
    private readonly Action? _dispose;
    private readonly Dictionary<Actor, string> _secrets = [];
    private readonly Dictionary<int, CustomerId> _identities = [];
    private readonly Dictionary<int, (int Epoch, string Token)> _tokens = [];
    private readonly Caller _admin = Caller.Administrator();

    /// <summary>Creates the system.</summary>
    /// <param name="api">The port under test.</param>
    /// <param name="admin">An in-process service on the same store (it may be <paramref name="api"/> itself).</param>
    /// <param name="reopen">Closes and reopens the store, or null when it can't.</param>
    /// <param name="dispose">Releases the store, server and files.</param>
    /// <param name="withIdempotencyKey">
    /// The port under test sending an idempotency key with its writes (over HTTP, the client's <c>WithIdempotencyKey</c>);
    /// null when <paramref name="api"/> is the in-process service, which takes keys itself (<see cref="IIdempotentWrites"/>).
    /// </param>
    public ExploSystem(IExploApi api, IExploService admin, Action? reopen = null, Action? dispose = null, Func<string, IExploApi>? withIdempotencyKey = null)
    {
        Api = api ?? throw new ArgumentNullException(nameof(api));
        Admin = admin ?? throw new ArgumentNullException(nameof(admin));
        Reopen = reopen;
        _dispose = dispose;
        WithIdempotencyKey = withIdempotencyKey;
    }

    /// <summary>The port under test sending an idempotency key, or null when <see cref="Api"/> takes keys itself.</summary>
    public Func<string, IExploApi>? WithIdempotencyKey { get; }

    /// <summary>The port under test.</summary>
    public IExploApi Api { get; }

    /// <summary>The operations run on this system so far, one line each (printed when a step fails).</summary>
    public IList<string> Trace { get; } = new List<string>();

    /// <summary>
    /// The system's work so far in a machine run (initialisation, then each step chained after the one before it), so
    /// steps run in order although FsCheck asks for them all at once; completed outside a machine run.
    /// </summary>
    internal Task Steps { get; set; } = Task.CompletedTask;

    /// <summary>The in-process service on the same store.</summary>
    public IExploService Admin { get; }

    /// <summary>Closes and reopens the store, or null.</summary>
    public Action? Reopen { get; }

    /// <summary>The actors the generators use: read-write Production and Development tokens, a read-only Production one.</summary>
    public static IReadOnlyList<Actor> Actors { get; } = [new("Production", true), new("Development", true), new("Production", false)];

    /// <summary>Sets the store up like the model: its levels, the Development DVG, its data sources and DVG defaults, and one API token per actor.</summary>
    /// <param name="model">The initial model.</param>
    /// <returns>A task.</returns>
    public async Task InitializeAsync(ReferenceWorkspace model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Require(await Admin.AddAccessGroupAsync(_admin, "Development"));
        for (var i = 1; i < model.Levels.Length - 1; i++)
        {
            Require(await Admin.AddLevelAsync(_admin, model.Levels[i], after: model.Levels[i - 1]));
        }

        foreach (var source in model.DataSources)
        {
            Require(await Admin.AddDataSourceAsync(_admin, new AddDataSourceRequest(source.Id, source.SchemaId, null, source.AccessGroups)));
        }

        foreach (var (accessGroup, defaults) in model.DefaultMappings)
        {
            foreach (var (schemaId, dataSourceId) in defaults)
            {
                Require(await Admin.SetDefaultDataSourceAsync(_admin, accessGroup, schemaId, dataSourceId));
            }
        }

        foreach (var actor in Actors)
        {
            _secrets[actor] = Require(await Admin.CreateApiTokenAsync(_admin, new CreateApiTokenRequest(actor.AccessGroup, !actor.CanWrite, actor.ToString()))).Secret;
        }
    }

    private static T Require<T>(Result<T> result) =>
        result.Match(value => value, failure => throw new InvalidOperationException($"Set-up failed: {failure.Code}: {failure.Message}"));

    /// <summary>The caller of an actor.</summary>
    public Caller CallerOf(Actor actor) => Caller.WithApiToken(_secrets[actor]);

    /// <summary>The current token of a customer (any DVG), or a well-formed token no customer has.</summary>
    public async Task<string> TokenOf(string providedId)
    {
        var found = await Admin.GetCustomerAsync(_admin, providedId);
        return found.Match(customer => customer.Token, _ => new string('0', 64));
    }

    /// <summary>
    /// Compares the whole observable state with the model: every customer (DVG, level, parent, own and computed fields,
    /// version, identity across renames, token changed exactly when rotated, tokens unique) and the tag list.
    /// </summary>
    /// <returns>Null when they match, else what differs.</returns>
    public async Task<string?> CompareAsync(ReferenceWorkspace model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = new StringBuilder();
        var actual = Require(await Admin.ListCustomersAsync(_admin, new CustomerFilter())).ToDictionary(c => c.ProvidedId, StringComparer.Ordinal);
        if (actual.Count != model.Customers.Count)
        {
            problems.AppendLine($"the store has {actual.Count} customers ({string.Join(", ", actual.Keys)}), the model {model.Customers.Count} ({string.Join(", ", model.Customers.Values.Select(c => c.ProvidedId))})");
        }

        foreach (var m in model.Customers.Values)
        {
            if (!actual.TryGetValue(m.ProvidedId, out var a))
            {
                problems.AppendLine($"customer '{m.ProvidedId}' is missing");
                continue;
            }

            void Expect(string what, object? expected, object? got)
            {
                if (!Equals(expected, got))
                {
                    problems.AppendLine($"customer '{m.ProvidedId}': {what} is {got ?? "null"}, expected {expected ?? "null"}");
                }
            }

            Expect("access_group", m.AccessGroup, a.AccessGroup);
            Expect("hierarchy_level", m.Level, a.HierarchyLevel);
            Expect("parent_provided_id", m.Parent is { } p ? model.Customers[p].ProvidedId : null, a.ParentProvidedId);
            Expect("properties", PropertyMap.ToJson(m.Properties), PropertyMap.ToJson(a.Properties));
            Expect("mapping", Text(m.Mapping), Text(a.Mapping));
            Expect("group_tags", string.Join(",", m.Tags.Select(t => model.Tags[t])), string.Join(",", a.GroupTags));
            Expect("version", m.Version, a.Version);
            Expect("computed_properties", PropertyMap.ToJson(model.ComputedProperties(m)), PropertyMap.ToJson(a.ComputedProperties));
            Expect("computed_parent_schema_datasource_mapping", Text(model.ComputedMapping(m)), Text(a.ComputedMapping));
            Expect("computed_group_tags", string.Join(",", model.ComputedTags(m)), string.Join(",", a.ComputedGroupTags));

            if (_identities.TryGetValue(m.Key, out var id) && id != a.Id)
            {
                problems.AppendLine($"customer '{m.ProvidedId}' changed identity from {id} to {a.Id}");
            }

            _identities[m.Key] = a.Id;
            if (_tokens.TryGetValue(m.Key, out var seen) && (seen.Epoch == m.TokenEpoch) != (seen.Token == a.Token))
            {
                problems.AppendLine($"customer '{m.ProvidedId}': its token {(seen.Token == a.Token ? "did not change after a rotation" : "changed without a rotation")}");
            }

            _tokens[m.Key] = (m.TokenEpoch, a.Token);
        }

        if (actual.Values.Select(c => c.Token).Distinct().Count() != actual.Count)
        {
            problems.AppendLine("two customers share a token");
        }

        var tags = Require(await Admin.ListGroupTagsAsync(_admin)).Select(t => t.Name);
        if (!tags.SequenceEqual(model.Tags.Values))
        {
            problems.AppendLine($"group tags are [{string.Join(",", tags)}], expected [{string.Join(",", model.Tags.Values)}]");
        }

        foreach (var key in _identities.Keys.Where(k => !model.Customers.ContainsKey(k)).ToList())
        {
            _identities.Remove(key);
            _tokens.Remove(key);
        }

        return problems.Length == 0 ? null : problems.ToString();
    }

    private static string Text(IEnumerable<KeyValuePair<string, string>> map) => string.Join(",", map.Select(e => $"{e.Key}={e.Value}"));

    /// <inheritdoc />
    public void Dispose() => _dispose?.Invoke();

    /// <inheritdoc />
    public override string ToString() => "the system under test";
}
