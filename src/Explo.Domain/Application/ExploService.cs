using System.Globalization;
using Explo.Domain.Ports;
using Explo.Domain.Rules;
using OneOf;

namespace Explo.Domain;

/// <summary>
/// The in-process application service: every use case runs as one unit of work on the store, checks the caller,
/// runs its rule set, and either applies the whole change (with its events) or returns every violation, changing nothing.
/// Thread-safe; the store serialises writers.
/// </summary>
public sealed partial class ExploService : IExploService, IExploAuthorizer, IIdempotentWrites
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
        if (caller.Idempotency is { } idempotency && access is Access.Write or Access.AdminWrite)
        {
            return Idempotent(unit, idempotency, work);
        }

        var result = work(unit);
        return (result, result.IsSuccess ? unit.ToChangeSet() : null);
    }

    /// <summary>
    /// A unit of an idempotent request: a key already used (and not expired) answers its stored reply, or a conflict
    /// when it was used for another request, and changes nothing; otherwise the work runs, and a success stores its
    /// rendered answer with its change.
    /// </summary>
    private static (Result<T> Result, ChangeSet? Changes) Idempotent<T>(UnitOfWork unit, IdempotencyContext context, Func<UnitOfWork, Result<T>> work)
    {
        context.Reset();
        var scope = unit.Principal.Identity;
        var key = context.Request.Key;
        if (context.Checks && unit.Reader.FindIdempotencyRecord(scope, key) is { } stored && stored.ExpiresAt > unit.Now)
        {
            if (!string.Equals(stored.Fingerprint, context.Request.Fingerprint, StringComparison.Ordinal))
            {
                return (new Conflict(ErrorCodes.IdempotencyKeyReused, $"The {FieldNames.IdempotencyKey} {TextChecks.Quote(key)} was used at {stored.CreatedAt:O} for another request (another body, path or method); nothing was changed. Use a new key for a new request."), null);
            }

            context.Replayed = stored.Reply;
            return (IdempotencyContext.ReplayMarker, null);
        }

        var result = work(unit);
        if (!result.IsSuccess)
        {
            return (result, null);
        }

        var changes = unit.ToChangeSet();
        if (!context.Stores)
        {
            return (result, changes);
        }

        var reply = context.Render(result);
        context.Stored = reply;
        var record = new IdempotencyRecord(scope, key, context.Request.Fingerprint, reply, unit.Now, unit.Now + unit.Limits.IdempotencyKeyLifetime);
        return (result, changes is null
            ? new ChangeSet(null, [], [], []) { Idempotency = record }
            : changes.With(record));
    }

    /// <inheritdoc />
    public async Task<IdempotentReply> RunIdempotentAsync<T>(Caller caller, IdempotentRequest request, Func<Caller, CancellationToken, Task<Result<T>>> write, Func<Result<T>, IdempotentReply> reply, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(caller);
        Guard.NotNull(request);
        Guard.NotNull(write);
        Guard.NotNull(reply);
        if (IdempotentRequest.Check(request.Key) is { } invalid)
        {
            return reply(invalid);
        }

        var context = new IdempotencyContext(request, result => reply((Result<T>)result));
        var outcome = await write(caller.With(context), cancellationToken).ConfigureAwait(false);
        if (context.Replayed is { } replayed)
        {
            return replayed with { Replayed = true };
        }

        return outcome.IsSuccess && context.Stored is { } stored ? stored : reply(outcome);
    }

    private static OneOf<Principal, Failure> Authenticate(Workspace workspace, Caller caller)
    {
        if (caller.IsAdministrator)
        {
            if (caller.AccessGroupName is null)
            {
                return new Principal(null, workspace.AccessGroups[0].Id, true, true, "admin");
            }

            var group = workspace.FindAccessGroup(caller.AccessGroupName);
            if (group is null)
            {
                return new NotFound(ErrorCodes.AccessGroupNotFound, $"The data visibility group '{caller.AccessGroupName}' does not exist.");
            }

            return new Principal(group.Id, group.Id, true, true, string.Create(CultureInfo.InvariantCulture, $"admin:{group.Id.Value}"));
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

        return new Principal(token.AccessGroupId, token.AccessGroupId, !token.ReadOnly, false, "token:" + token.Id.Value);
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
