using System.Collections.Immutable;
using Explo.Domain.Ports;
using Explo.Domain.Rules;

namespace Explo.Domain;

public sealed partial class ExploService
{
    /// <inheritdoc />
    public Task<Result<GetOrCreateResult>> GetOrCreateCustomerAsync(Caller caller, CreateCustomerRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return Run(caller, Access.Write, cancellationToken, unit => GetOrCreate(unit, request, FieldNames.ProvidedId));
    }

    /// <inheritdoc />
    public Task<Result<CustomerView>> GetCustomerAsync(Caller caller, string providedId, CancellationToken cancellationToken = default) =>
        Run<CustomerView>(caller, Access.Read, cancellationToken, unit =>
        {
            if (CheckProvidedIdLookup(unit, FieldNames.ProvidedId, providedId) is { } invalid)
            {
                return invalid;
            }

            return unit.FindVisible(providedId) is { } customer ? unit.View(customer) : CustomerNotFound(providedId);
        });

    /// <inheritdoc />
    public Task<Result<CustomerPage>> ListCustomerPageAsync(Caller caller, CustomerPageRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return Run<CustomerPage>(caller, Access.Read, cancellationToken, unit =>
        {
            var violations = RuleSets.Page.Check(new PageProposal(request.Page, request.PageSize, unit.Limits)).ToList();
            var query = ToQuery(unit, request.Filter, violations);
            if (violations.Count > 0)
            {
                return new ValidationFailed(violations);
            }

            var total = unit.Reader.CountCustomers(query!);
            if (request.Cursor is { } cursor)
            {
                // A keyset page: the customers after the cursor's id, and one more to know whether a page follows.
                if (request.Page != 1 || CustomerCursor.Parse(cursor, request.Filter) is not { } after)
                {
                    return InvalidCursor(request.Page != 1);
                }

                var found = unit.Reader.ListCustomersAfter(query!, after, request.PageSize + 1);
                var page = found.Count > request.PageSize ? found.Take(request.PageSize).ToList() : found;
                return new CustomerPage(total, request.Page, request.PageSize, unit.Views(page))
                {
                    NextCursor = found.Count > request.PageSize ? CustomerCursor.Of(page[^1].Id.Value, request.Filter) : null,
                };
            }

            var skip = (long)(request.Page - 1) * request.PageSize;
            var customers = skip >= total ? [] : unit.Reader.ListCustomers(query!, (int)skip, request.PageSize);
            return new CustomerPage(total, request.Page, request.PageSize, unit.Views(customers))
            {
                NextCursor = customers.Count > 0 && skip + customers.Count < total ? CustomerCursor.Of(customers[^1].Id.Value, request.Filter) : null,
            };
        });
    }

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<CustomerView>>> ListCustomersAsync(Caller caller, CustomerFilter filter, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(filter);
        return Run<IReadOnlyList<CustomerView>>(caller, Access.Read, cancellationToken, unit =>
        {
            var violations = new List<Violation>();
            var query = ToQuery(unit, filter, violations);
            if (violations.Count > 0)
            {
                return new ValidationFailed(violations);
            }

            return Result<IReadOnlyList<CustomerView>>.Success(unit.Views(unit.Reader.ListCustomers(query!, 0, int.MaxValue)));
        });
    }

    /// <inheritdoc />
    public Task<Result<CustomerView>> UpdateCustomerAsync(Caller caller, UpdateCustomerRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return Run(caller, Access.Write, cancellationToken, unit => Update(unit, request, FieldNames.ProvidedId, FieldNames.NewProvidedId));
    }

    /// <inheritdoc />
    public Task<Result<DeleteResult>> DeleteCustomerAsync(Caller caller, DeleteCustomerRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return Run(caller, Access.Write, cancellationToken, unit => Delete(unit, request));
    }

    /// <inheritdoc />
    public Task<Result<CustomerView>> RefreshCustomerTokenAsync(Caller caller, RefreshTokenRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return Run(caller, Access.Write, cancellationToken, unit => RefreshToken(unit, request));
    }

    private static NotFound CustomerNotFound(string providedId, string field = FieldNames.ProvidedId) =>
        new(ErrorCodes.CustomerNotFound, $"No customer has {field} {TextChecks.Quote(providedId)}.");

    /// <summary>The failure of a conditional write whose customer is not at the expected version; null when it is, or when no version is expected.</summary>
    private static Conflict? StaleVersion(Customer customer, long? expected) =>
        expected is { } version && version != customer.Version
            ? new Conflict(ErrorCodes.PreconditionFailed, $"customer {TextChecks.Quote(customer.ProvidedId)} is at version {customer.Version}, not {version}; nothing was changed. Read it again and retry.")
            : null;

    private static ValidationFailed InvalidCursor(bool withPage) => new(
        ErrorCodes.InvalidCursor,
        FieldNames.Cursor,
        withPage
            ? "Give a cursor or a page number, not both: a cursor names where the next page starts."
            : "The cursor is not a next_cursor this list gave with these filters; start again without one (or with the filters it was read with).");

    private static NotFound TokenNotFound() =>
        new(ErrorCodes.CustomerNotFound, "No customer has this current_token.");

    /// <summary>Resolves list filters into a store query; unknown names become violations.</summary>
    private static CustomerQuery? ToQuery(UnitOfWork unit, CustomerFilter filter, List<Violation> violations)
    {
        var level = filter.HierarchyLevelName is { } levelName ? unit.Workspace.FindLevel(levelName) : null;
        var parent = filter.ParentProvidedId is { } parentId ? unit.FindVisible(parentId) : null;
        violations.AddRange(RuleSets.CustomerFilter.Check(new CustomerProposal
        {
            IsCreate = false,
            LevelName = filter.HierarchyLevelName,
            EffectiveLevel = level,
            ParentProvidedId = filter.ParentProvidedId,
            EffectiveParent = parent,
            AccessGroup = unit.Principal.CreateIn,
            Workspace = unit.Workspace,
            GroupTags = unit,
            Limits = unit.Limits,
        }));
        return new CustomerQuery(unit.Principal.Scope, parent?.Id, level?.Id);
    }

    private static Result<GetOrCreateResult> GetOrCreate(UnitOfWork unit, CreateCustomerRequest request, string providedIdField) =>
        GetOrCreateCore(unit, request, providedIdField).Map(r => new GetOrCreateResult(r.IsNew, unit.View(r.Customer)));

    /// <summary>Get-or-create without building a view: the customer and whether it is new (also used by imports).</summary>
    private static Result<(Customer Customer, bool IsNew)> GetOrCreateCore(UnitOfWork unit, CreateCustomerRequest request, string providedIdField)
    {
        var decision = DecideGetOrCreate(unit, request, providedIdField);
        return decision.Outcome ?? Create(unit, request, decision);
    }

    /// <summary>
    /// What a get-or-create would do, without changing the unit of work: the existing customer, a failure, or a create
    /// (with the level and parent it looked up). It reads only the unit's lookups and the immutable workspace, so an
    /// import may decide many rows at once on several threads, then apply the decisions in order.
    /// </summary>
    private static CreateDecision DecideGetOrCreate(UnitOfWork unit, CreateCustomerRequest request, string providedIdField)
    {
        if (!string.IsNullOrEmpty(request.ProvidedId) && unit.FindByProvidedId(request.ProvidedId) is { } existing)
        {
            return new(unit.Principal.Sees(existing)
                ? (existing, false)
                : new Conflict(ErrorCodes.ProvidedIdTaken, $"{providedIdField} {TextChecks.Quote(request.ProvidedId)} is already used by a customer in another data visibility group."), null, null);
        }

        var workspace = unit.Workspace;
        var level = request.HierarchyLevelName is { } levelName ? workspace.FindLevel(levelName) : workspace.RootLevel;
        var parent = request.ParentProvidedId is { } parentId ? unit.FindVisible(parentId) : null;
        var proposal = new CustomerProposal
        {
            IsCreate = true,
            ProvidedIdField = providedIdField,
            ProvidedId = request.ProvidedId,
            Name = request.Name,
            Emails = request.Emails,
            GroupTagNames = request.GroupTags,
            Properties = request.Properties,
            Mapping = request.Mapping,
            LevelName = request.HierarchyLevelName,
            EffectiveLevel = level,
            ParentProvidedId = request.ParentProvidedId,
            EffectiveParent = parent,
            EffectiveParentLevel = parent is null ? null : workspace.Level(parent.LevelId),
            AccessGroup = unit.Principal.CreateIn,
            Workspace = workspace,
            GroupTags = unit,
            Limits = unit.Limits,
        };
        return unit.CustomerRules.Validate(proposal) is { } invalid ? new(invalid, null, null) : new(null, level, parent);
    }

    /// <summary>Creates the customer a <see cref="DecideGetOrCreate"/> decided to create, and stages it with its event.</summary>
    private static Result<(Customer Customer, bool IsNew)> Create(UnitOfWork unit, CreateCustomerRequest request, CreateDecision decision)
    {
        var customer = new Customer(
            unit.AllocateCustomerId(),
            request.ProvidedId!,
            request.Name ?? request.ProvidedId!,
            unit.NewCustomerToken(),
            request.IsDemoGroup ?? false,
            EmailAddresses.Distinct(request.Emails ?? []),
            TagIds(unit, request.GroupTags),
            request.Properties ?? PropertyMap.Empty,
            request.Mapping ?? OrderedMap<string>.Empty,
            decision.Level!.Id,
            unit.Principal.CreateIn,
            decision.Parent?.Id,
            unit.Now,
            unit.Now,
            1);
        unit.Upsert(customer);
        unit.Emit(new CustomerCreated(customer.Id, customer.ProvidedId, customer.AccessGroupId, customer.ParentId) { OccurredAt = unit.Now });
        return (customer, true);
    }

    /// <summary>A get-or-create decision: a final <paramref name="Outcome"/>, or (when null) a create at this level under this parent.</summary>
    private readonly record struct CreateDecision(Result<(Customer Customer, bool IsNew)>? Outcome, HierarchyLevel? Level, Customer? Parent);

    private static Result<CustomerView> Update(UnitOfWork unit, UpdateCustomerRequest request, string providedIdField, string newProvidedIdField)
    {
        if (CheckProvidedIdLookup(unit, providedIdField, request.ProvidedId) is { } invalidId)
        {
            return invalidId;
        }

        if (unit.FindVisible(request.ProvidedId) is not { } existing)
        {
            return CustomerNotFound(request.ProvidedId, providedIdField);
        }

        if (StaleVersion(existing, request.ExpectedVersion) is { } stale)
        {
            return stale;
        }

        var workspace = unit.Workspace;
        var level = request.HierarchyLevelName is { } levelName ? workspace.FindLevel(levelName) : workspace.Level(existing.LevelId);
        var parentGiven = request.ParentProvidedId.HasValue;
        var parent = parentGiven
            ? (request.ParentProvidedId.Value is { } parentId ? unit.FindVisible(parentId) : null)
            : (existing.ParentId is { } currentParent ? unit.Reader.FindCustomer(currentParent) : null);
        var levelChanged = level is not null && level.Id != existing.LevelId;
        var proposal = new CustomerProposal
        {
            IsCreate = false,
            Existing = existing,
            ProvidedIdField = newProvidedIdField,
            ProvidedId = request.NewProvidedId,
            Name = request.Name,
            Emails = request.Emails,
            GroupTagNames = request.GroupTags,
            Properties = request.Properties,
            Mapping = request.Mapping,
            LevelName = request.HierarchyLevelName,
            EffectiveLevel = level,
            ParentProvidedId = parentGiven ? request.ParentProvidedId.Value : null,
            EffectiveParent = parent,
            EffectiveParentLevel = parent is null ? null : workspace.Level(parent.LevelId),
            ParentLineage = parentGiven && parent is not null ? Lineage(unit.Reader, parent) : new HashSet<CustomerId>(),
            Children = levelChanged
                ? unit.Reader.GetChildren(existing.Id).Select(c => (c, workspace.Level(c.LevelId))).ToList()
                : [],
            AccessGroup = existing.AccessGroupId,
            Workspace = workspace,
            GroupTags = unit,
            Limits = unit.Limits,
        };
        if (unit.CustomerRules.Validate(proposal) is { } invalid)
        {
            return invalid;
        }

        if (request.NewProvidedId is { } newId
            && !string.Equals(newId, existing.ProvidedId, StringComparison.Ordinal)
            && unit.FindByProvidedId(newId) is not null)
        {
            return new Conflict(ErrorCodes.ProvidedIdTaken, $"{newProvidedIdField} {TextChecks.Quote(newId)} is already used by another customer.");
        }

        var next = existing.Next(
            unit.Now,
            providedId: request.NewProvidedId,
            name: request.Name,
            isDemoGroup: request.IsDemoGroup,
            emails: request.Emails is null ? null : EmailAddresses.Distinct(request.Emails),
            groupTags: request.GroupTags is null ? null : TagIds(unit, request.GroupTags),
            properties: request.Properties,
            mapping: request.Mapping,
            levelId: level!.Id,
            parentId: parentGiven ? new Optional<CustomerId?>(parent?.Id) : default);
        var changed = existing.DifferingFields(next);
        if (changed.Count == 0)
        {
            return unit.View(existing);
        }

        unit.Upsert(next);
        unit.Emit(new CustomerUpdated(next.Id, next.ProvidedId, changed) { OccurredAt = unit.Now, AccessGroupId = next.AccessGroupId });
        if (next.ParentId != existing.ParentId)
        {
            unit.Emit(new CustomerMoved(next.Id, next.ProvidedId, existing.ParentId, next.ParentId) { OccurredAt = unit.Now, AccessGroupId = next.AccessGroupId });
        }

        return unit.View(next);
    }

    private static Result<DeleteResult> Delete(UnitOfWork unit, DeleteCustomerRequest request)
    {
        if (CheckIdentifier(FieldNames.CurrentToken, request.CurrentToken) is { } invalid)
        {
            return invalid;
        }

        if (unit.FindVisibleByToken(request.CurrentToken) is not { } target)
        {
            return TokenNotFound();
        }

        if (StaleVersion(target, request.ExpectedVersion) is { } stale)
        {
            return stale;
        }

        var children = unit.Reader.GetChildren(target.Id);
        if (children.Count > 0 && !request.Cascade)
        {
            return new Conflict(ErrorCodes.CustomerHasChildren, $"customer {TextChecks.Quote(target.ProvidedId)} has {children.Count} child customer(s); delete or move them first, or pass cascade: true to delete the whole subtree.");
        }

        var subtree = new List<Customer> { target };
        for (var i = 0; i < subtree.Count; i++)
        {
            subtree.AddRange(i == 0 ? children : unit.Reader.GetChildren(subtree[i].Id));
        }

        // Deepest first, so no event ever describes a customer whose parent is already gone.
        subtree.Reverse();
        foreach (var customer in subtree)
        {
            unit.Delete(customer.Id);
            unit.Emit(new CustomerDeleted(customer.Id, customer.ProvidedId) { OccurredAt = unit.Now, AccessGroupId = customer.AccessGroupId });
        }

        return new DeleteResult(subtree.Select(c => c.ProvidedId).Reverse().ToList());
    }

    private static Result<CustomerView> RefreshToken(UnitOfWork unit, RefreshTokenRequest request)
    {
        if (CheckIdentifier(FieldNames.CurrentToken, request.CurrentToken) is { } invalid)
        {
            return invalid;
        }

        if (unit.FindVisibleByToken(request.CurrentToken) is not { } customer)
        {
            return TokenNotFound();
        }

        if (StaleVersion(customer, request.ExpectedVersion) is { } stale)
        {
            return stale;
        }

        var next = customer.Next(unit.Now, token: unit.NewCustomerToken());
        unit.Upsert(next);
        unit.Emit(new CustomerTokenRotated(next.Id, next.ProvidedId) { OccurredAt = unit.Now, AccessGroupId = next.AccessGroupId });
        return unit.View(next);
    }

    /// <summary>
    /// A <c>provided_id</c> (or <c>user_group_id</c>) that looks a customer up: present, 1-255 characters, no control
    /// characters; reported as <c>invalid_provided_id</c> on that field, like the id given on create.
    /// </summary>
    private static ValidationFailed? CheckProvidedIdLookup(UnitOfWork unit, string field, string? providedId) =>
        RuleSets.ProvidedIdLookup.Validate(new CustomerProposal
        {
            IsCreate = false,
            ProvidedIdIsLookup = true,
            ProvidedIdField = field,
            ProvidedId = providedId,
            AccessGroup = unit.Principal.CreateIn,
            Workspace = unit.Workspace,
            GroupTags = unit,
            Limits = unit.Limits,
        });

    /// <summary>The ids of a customer and all its ancestors.</summary>
    private static HashSet<CustomerId> Lineage(IWorkspaceReader reader, Customer customer)
    {
        var lineage = new HashSet<CustomerId> { customer.Id };
        var current = customer;
        while (current.ParentId is { } parentId && lineage.Add(parentId))
        {
            current = reader.FindCustomer(parentId) ?? throw Guard.Corrupt($"Customer {parentId.Value} is referenced as a parent but is missing.");
        }

        return lineage;
    }

    private static ImmutableArray<GroupTagId> TagIds(IGroupTagLookup tags, IReadOnlyList<string>? names) =>
        names is null
            ? []
            : names.Distinct(StringComparer.Ordinal).Select(n => tags.FindGroupTag(n)!.Id).ToImmutableArray();
}
