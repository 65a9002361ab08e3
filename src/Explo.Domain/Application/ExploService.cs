using Explo.Domain.Ports;
using OneOf;

namespace Explo.Domain;

/// <summary>
/// The in-process application service: every use case runs as one unit of work on the store, checks the caller,
/// runs its rule set, and either applies the whole change (with its events) or returns every violation, changing nothing.
/// Thread-safe; the store serialises writers.
/// </summary>
public sealed partial class ExploService : IExploService, IExploAuthorizer
{
    private readonly IWorkspaceStore _store;
    private readonly ExploServiceOptions _options;

    /// <summary>The core's customer rules, then the host's (<see cref="ExploServiceOptions.CustomerRules"/>).</summary>
    private readonly Rules.RuleSet<Rules.CustomerProposal> _customerRules;

    /// <summary>Creates the service over a store.</summary>
    /// <param name="store">The store (for example <see cref="InMemory.InMemoryWorkspaceStore"/>).</param>
    /// <param name="options">Clock, token generator and limits; defaults when null.</param>
    public ExploService(IWorkspaceStore store, ExploServiceOptions? options = null)
    {
        _store = Guard.NotNull(store);
        _options = options ?? new ExploServiceOptions();
        _customerRules = _options.CustomerRules.Count == 0
            ? Rules.RuleSets.Customer
            : new Rules.RuleSet<Rules.CustomerProposal>([.. Rules.RuleSets.Customer.Rules, .. _options.CustomerRules.Select(rule => (Rules.IRule<Rules.CustomerProposal>)Guard.NotNull(rule))]);
    }

    /// <summary>The limits in force.</summary>
    public ExploLimits Limits => _options.Limits;

    private enum Access
    {
        Read,
        Write,
        Admin,
        AdminWrite,
    }

    /// <summary>Runs a use case as one unit of work: authenticate, authorise, run, and commit only on success.</summary>
    private Task<Result<T>> Run<T>(Caller caller, Access access, CancellationToken cancellationToken, Func<UnitOfWork, Result<T>> work)
    {
        Guard.NotNull(caller);
        return RunAsync(caller, access, work, cancellationToken).AsTask();
    }

    /// <summary>
    /// Runs a use case as one unit of work on the store (see <see cref="Run{T}"/>): a read as a query, anything else as a
    /// write, whose work the store may run on a thread of its own, and again when it retries a group of units alone.
    /// </summary>
    private ValueTask<Result<T>> RunAsync<T>(Caller caller, Access access, Func<UnitOfWork, Result<T>> work, CancellationToken cancellationToken)
    {
        if (access is Access.Read or Access.Admin)
        {
            return _store.ReadAsync(reader => Execute(reader, caller, access, work).Result, cancellationToken);
        }

        return _store.WriteAsync(
            reader =>
            {
                var decision = Execute(reader, caller, access, work);
                return new WriteDecision<Result<T>>(decision.Result, decision.Changes);
            },
            cancellationToken);
    }

    private (Result<T> Result, ChangeSet? Changes) Execute<T>(IWorkspaceReader reader, Caller caller, Access access, Func<UnitOfWork, Result<T>> work)
    {
        var stored = reader.Workspace;
        var workspace = stored ?? Workspace.CreateDefault();
        var authenticated = Authenticate(workspace, caller);
        if (authenticated.TryPickT1(out var failure, out var principal))
        {
            return (Result<T>.Fail(failure), null);
        }

        var denied = Rules.RuleSets.Access.Check(new AccessGroups.AccessProposal(
            principal.CanWrite,
            principal.IsAdministrator,
            Writes: access is Access.Write or Access.AdminWrite,
            AdminOnly: access is Access.Admin or Access.AdminWrite));
        if (denied.Count > 0)
        {
            return (new Forbidden(denied[0].Code, denied[0].Message), null);
        }

        var unit = new UnitOfWork(reader, workspace, stored is null, principal, _options.TimeProvider.GetUtcNow(), _options, _customerRules);
        var result = work(unit);
        return (result, result.IsSuccess ? unit.ToChangeSet() : null);
    }

    private static OneOf<Principal, Failure> Authenticate(Workspace workspace, Caller caller)
    {
        if (caller.IsAdministrator)
        {
            if (caller.AccessGroupName is null)
            {
                return new Principal(null, workspace.AccessGroups[0].Id, true, true);
            }

            var group = workspace.FindAccessGroup(caller.AccessGroupName);
            if (group is null)
            {
                return new NotFound(ErrorCodes.AccessGroupNotFound, $"The data visibility group '{caller.AccessGroupName}' does not exist.");
            }

            return new Principal(group.Id, group.Id, true, true);
        }

        if (string.IsNullOrEmpty(caller.Secret))
        {
            return new Unauthorized(ErrorCodes.MissingApiToken, "No API token was given; send one as 'Explo-Authorization: Token <secret>'.");
        }

        var token = workspace.FindActiveToken(ApiToken.Hash(caller.Secret));
        if (token is null)
        {
            return new Unauthorized(ErrorCodes.InvalidApiToken, "The API token is unknown or has been revoked.");
        }

        return new Principal(token.AccessGroupId, token.AccessGroupId, !token.ReadOnly, false);
    }

    /// <inheritdoc />
    public Task<Result<CallerAccess>> AuthorizeAsync(Caller caller, bool writes, CancellationToken cancellationToken = default) =>
        Run<CallerAccess>(caller, Access.Read, cancellationToken, unit =>
        {
            var principal = unit.Principal;
            var denied = Rules.RuleSets.Access.Check(new AccessGroups.AccessProposal(principal.CanWrite, principal.IsAdministrator, Writes: writes, AdminOnly: false));
            if (denied.Count > 0)
            {
                return new Forbidden(denied[0].Code, denied[0].Message);
            }

            var group = principal.Scope is { } scope ? unit.Workspace.AccessGroups.First(g => g.Id == scope).Name : null;
            return new CallerAccess(group, principal.CanWrite, principal.IsAdministrator);
        });

    private static ValidationFailed? CheckIdentifier(string field, string? value) =>
        Rules.RuleSets.Identifier.Validate(new GroupTags.NameProposal(field, value));
}
