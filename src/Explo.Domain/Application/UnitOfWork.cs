using Explo.Domain.Inheritance;
using Explo.Domain.Ports;

namespace Explo.Domain;

/// <summary>
/// The state of one use case: the reader, the authenticated caller, the clock reading, and the changes staged so far.
/// The service turns the staged changes into one <see cref="ChangeSet"/> only when the use case succeeds.
/// </summary>
internal sealed class UnitOfWork : IGroupTagLookup
{
    private readonly List<Customer> _upserts = [];
    private readonly List<CustomerId> _deletes = [];
    private readonly List<DomainEvent> _events = [];
    private readonly Dictionary<string, Customer> _stagedByProvidedId = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stagedTokens = new(StringComparer.Ordinal);
    private readonly Queue<string> _reservedTokens = new();
    private Dictionary<string, Customer?>? _prefetched;

    // Staged group tags: by id (null = deleted) and by name (null = the name is free now). Lookups see them first.
    private readonly Dictionary<GroupTagId, GroupTag?> _stagedTagsById = [];
    private readonly Dictionary<string, GroupTag?> _stagedTagsByName = new(StringComparer.Ordinal);
    private readonly bool _workspaceIsNew;
    private Workspace? _newWorkspace;
    // Read from the store when the first id is allocated (0 until then): a unit that creates nothing never asks for it,
    // and one that does asks after its lookups, so a store may answer it in the same round trip as them.
    private long _nextCustomerId;

    public UnitOfWork(IWorkspaceReader reader, Workspace workspace, bool workspaceIsNew, Principal principal, DateTimeOffset now, ExploServiceOptions options, Rules.RuleSet<Rules.CustomerProposal> customerRules)
    {
        Reader = reader;
        Workspace = workspace;
        _workspaceIsNew = workspaceIsNew;
        Principal = principal;
        Now = now;
        Options = options;
        CustomerRules = customerRules;
    }

    public IWorkspaceReader Reader { get; }

    /// <summary>The workspace as of now, including a staged replacement.</summary>
    public Workspace Workspace { get; private set; }

    public Principal Principal { get; }

    public DateTimeOffset Now { get; }

    public ExploServiceOptions Options { get; }

    public ExploLimits Limits => Options.Limits;

    /// <summary>The customer rules in force: the core's, then the host's.</summary>
    public Rules.RuleSet<Rules.CustomerProposal> CustomerRules { get; }

    public bool WorkspaceIsNew => _workspaceIsNew && _newWorkspace is null;

    public CustomerId AllocateCustomerId()
    {
        if (_nextCustomerId == 0)
        {
            _nextCustomerId = Reader.LastCustomerId + 1;
        }

        return new(_nextCustomerId++);
    }

    public void Replace(Workspace workspace)
    {
        Workspace = workspace;
        _newWorkspace = workspace;
    }

    /// <summary>Stages a new or changed customer; later lookups by provided id in this unit of work see it.</summary>
    public void Upsert(Customer customer)
    {
        _upserts.Add(customer);
        _stagedByProvidedId[customer.ProvidedId] = customer;
        _stagedTokens.Add(customer.Token);
    }

    public void Delete(CustomerId id) => _deletes.Add(id);

    /// <inheritdoc />
    public GroupTag? FindGroupTag(string name)
    {
        if (_stagedTagsByName.TryGetValue(name, out var staged))
        {
            return staged;
        }

        // A stored tag whose id this unit of work changed is known by its staged name only.
        return Reader.FindGroupTag(name) is { } stored && !_stagedTagsById.ContainsKey(stored.Id) ? stored : null;
    }

    /// <inheritdoc />
    public GroupTag? FindGroupTag(GroupTagId id) =>
        _stagedTagsById.TryGetValue(id, out var staged) ? staged : Reader.FindGroupTag(id);

    /// <summary>How many group tags the workspace holds, counting the staged changes.</summary>
    public int CountGroupTags()
    {
        var count = Reader.CountGroupTags();
        foreach (var (id, staged) in _stagedTagsById)
        {
            var stored = Reader.FindGroupTag(id) is not null;
            count += (staged is not null ? 1 : 0) - (stored ? 1 : 0);
        }

        return count;
    }

    /// <summary>Stages a new or renamed group tag (matched by id); later lookups in this unit of work see it.</summary>
    public void PutGroupTag(GroupTag tag)
    {
        if (FindGroupTag(tag.Id) is { } current && !string.Equals(current.Name, tag.Name, StringComparison.Ordinal))
        {
            _stagedTagsByName[current.Name] = null;
        }

        _stagedTagsById[tag.Id] = tag;
        _stagedTagsByName[tag.Name] = tag;
    }

    /// <summary>Stages the deletion of a group tag.</summary>
    public void DeleteGroupTag(GroupTag tag)
    {
        _stagedTagsById[tag.Id] = null;
        _stagedTagsByName[tag.Name] = null;
    }

    public void Emit(DomainEvent domainEvent) => _events.Add(domainEvent);

    public ChangeSet? ToChangeSet()
    {
        var workspace = _newWorkspace ?? (_workspaceIsNew && (_upserts.Count > 0 || _events.Count > 0 || _stagedTagsById.Count > 0) ? Workspace : null);
        if (workspace is null && _upserts.Count == 0 && _deletes.Count == 0 && _events.Count == 0 && _stagedTagsById.Count == 0)
        {
            return null;
        }

        var events = _events;
        if (_workspaceIsNew && workspace is not null)
        {
            events = [new WorkspaceInitialized { OccurredAt = Now }, .. _events];
        }

        var tagUpserts = new List<GroupTag>();
        var tagDeletes = new List<GroupTagId>();
        foreach (var (id, staged) in _stagedTagsById)
        {
            if (staged is not null)
            {
                tagUpserts.Add(staged);
            }
            else
            {
                tagDeletes.Add(id);
            }
        }

        return new ChangeSet(workspace, _deletes, _upserts, events) { UpsertedGroupTags = tagUpserts, DeletedGroupTags = tagDeletes };
    }

    /// <summary>A customer by provided id, if the caller may see it.</summary>
    public Customer? FindVisible(string providedId) =>
        FindByProvidedId(providedId) is { } c && Principal.Sees(c) ? c : null;

    /// <summary>A customer by provided id in any DVG, including customers staged earlier in this unit of work.</summary>
    public Customer? FindByProvidedId(string providedId) =>
        _stagedByProvidedId.TryGetValue(providedId, out var staged) ? staged
        : _prefetched is not null && _prefetched.TryGetValue(providedId, out var known) ? known
        : Reader.FindCustomerByProvidedId(providedId);

    /// <summary>
    /// Looks up many provided ids in one batch (a bulk path calls this first), so the lookups that follow in this unit
    /// of work are answered from memory instead of one store query each. Staged customers still take precedence.
    /// </summary>
    public void Prefetch(IEnumerable<string?> providedIds)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var providedId in providedIds)
        {
            if (!string.IsNullOrEmpty(providedId) && !_stagedByProvidedId.ContainsKey(providedId))
            {
                wanted.Add(providedId);
            }
        }

        _prefetched ??= new Dictionary<string, Customer?>(wanted.Count, StringComparer.Ordinal);
        foreach (var providedId in wanted)
        {
            _prefetched[providedId] = null;
        }

        // A store that never held a customer (the first import into a new file) has none of them: no query needed.
        if (Reader.LastCustomerId == 0)
        {
            return;
        }

        foreach (var customer in Reader.FindCustomersByProvidedIds(wanted))
        {
            _prefetched[customer.ProvidedId] = customer;
        }
    }

    /// <summary>
    /// Draws up to <paramref name="count"/> new dashboard tokens and checks them against the store in one batch, so
    /// that many creations in this unit of work don't each query the store (<see cref="NewCustomerToken"/> hands them out).
    /// </summary>
    public void ReserveTokens(int count)
    {
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; round < 4 && fresh.Count < count; round++)
        {
            var batch = new HashSet<string>(StringComparer.Ordinal);
            for (var i = fresh.Count; i < count; i++)
            {
                var token = Options.TokenGenerator.NewToken();
                if (!_stagedTokens.Contains(token) && !fresh.Contains(token))
                {
                    batch.Add(token);
                }
            }

            if (Reader.LastCustomerId > 0)
            {
                batch.ExceptWith(Reader.FindTokensInUse(batch));
            }

            fresh.UnionWith(batch);
        }

        foreach (var token in fresh)
        {
            _reservedTokens.Enqueue(token);
        }
    }

    /// <summary>A customer by token, if the caller may see it.</summary>
    public Customer? FindVisibleByToken(string token) =>
        Reader.FindCustomerByToken(token) is { } c && Principal.Sees(c) ? c : null;

    /// <summary>A new dashboard token no customer has.</summary>
    public string NewCustomerToken()
    {
        while (_reservedTokens.TryDequeue(out var reserved))
        {
            if (!_stagedTokens.Contains(reserved))
            {
                return reserved;
            }
        }

        for (var attempt = 0; attempt < 16; attempt++)
        {
            var token = Options.TokenGenerator.NewToken();
            if (!_stagedTokens.Contains(token) && Reader.FindTokensInUse([token]).Count == 0)
            {
                return token;
            }
        }

        throw new InvalidOperationException("The token generator keeps returning tokens that are in use; it is not random.");
    }

    /// <summary>The views of customers, their computed fields resolved with shared ancestors applied once.</summary>
    public IReadOnlyList<CustomerView> Views(IReadOnlyList<Customer> customers)
    {
        if (customers.Count == 0)
        {
            return [];
        }

        var byId = new Dictionary<CustomerId, Customer>(customers.Count);
        foreach (var customer in customers)
        {
            byId[customer.Id] = customer;
        }

        var defaults = new Dictionary<AccessGroupId, OrderedMap<string>>();
        Func<AccessGroupId, OrderedMap<string>> defaultMapping = group => defaults.TryGetValue(group, out var map) ? map : defaults[group] = Workspace.DefaultMapping(group);

        // One customer (the common read) looks its ancestors up one by one, without a batch per level.
        var computed = customers.Count == 1
            ? new Dictionary<CustomerId, ComputedFields>(1)
            {
                [customers[0].Id] = InheritanceResolver.ResolveOne(
                    customers[0],
                    id =>
                    {
                        var found = Reader.FindCustomer(id);
                        if (found is not null)
                        {
                            byId.TryAdd(found.Id, found);
                        }

                        return found;
                    },
                    defaultMapping),
            }
            : InheritanceResolver.Resolve(
                customers,
                ids =>
                {
                    var loaded = Reader.FindCustomers(ids);
                    foreach (var customer in loaded)
                    {
                        byId.TryAdd(customer.Id, customer);
                    }

                    return loaded;
                },
                defaultMapping);

        var views = new CustomerView[customers.Count];
        for (var i = 0; i < customers.Count; i++)
        {
            var customer = customers[i];
            views[i] = ToView(customer, computed[customer.Id], customer.ParentId is { } parent ? byId[parent].ProvidedId : null);
        }

        return views;
    }

    /// <summary>The view of a customer whose computed fields are known.</summary>
    public CustomerView ToView(Customer customer, ComputedFields fields, string? parentProvidedId) => new()
    {
        Id = customer.Id,
        ProvidedId = customer.ProvidedId,
        Name = customer.Name,
        Token = customer.Token,
        IsDemoGroup = customer.IsDemoGroup,
        Emails = customer.Emails,
        GroupTags = TagNames(customer.GroupTags),
        Properties = customer.Properties,
        Mapping = customer.Mapping,
        HierarchyLevel = Workspace.Level(customer.LevelId).Name,
        AccessGroup = Workspace.AccessGroup(customer.AccessGroupId).Name,
        ParentProvidedId = parentProvidedId,
        ComputedProperties = fields.Properties,
        ComputedMapping = fields.Mapping,
        ComputedGroupTags = TagNames(fields.GroupTags),
        CreatedAt = customer.CreatedAt,
        UpdatedAt = customer.UpdatedAt,
        Version = customer.Version,
    };

    /// <summary>The view of a customer and the provided id each computed value comes from, resolved by the inheritance code.</summary>
    public CustomerExplanation Explain(Customer customer)
    {
        var explained = InheritanceResolver.Explain(customer, Reader.FindCustomer, Workspace.DefaultMapping);
        var providedIds = new Dictionary<CustomerId, string>(explained.Ancestors.Length + 1) { [customer.Id] = customer.ProvidedId };
        foreach (var ancestor in explained.Ancestors)
        {
            providedIds[ancestor.Id] = ancestor.ProvidedId;
        }

        var view = ToView(customer, explained.Fields, explained.Ancestors.IsEmpty ? null : explained.Ancestors[0].ProvidedId);
        return new CustomerExplanation(
            view,
            OrderedMap<string>.FromDistinct([.. explained.PropertySources.Entries.Select(e => KeyValuePair.Create(e.Key, providedIds[e.Value]))]),
            OrderedMap<string>.FromDistinct([.. explained.MappingSources.Entries.Select(e => KeyValuePair.Create(e.Key, e.Value is { } id ? providedIds[id] : CustomerExplanation.AccessGroupDefault))]));
    }

    public CustomerView View(Customer customer) => Views([customer])[0];

    private System.Collections.Immutable.ImmutableArray<string> TagNames(System.Collections.Immutable.ImmutableArray<GroupTagId> ids)
    {
        var builder = System.Collections.Immutable.ImmutableArray.CreateBuilder<string>(ids.Length);
        foreach (var id in ids)
        {
            if (FindGroupTag(id) is { } tag)
            {
                builder.Add(tag.Name);
            }
        }

        return builder.ToImmutable();
    }
}
