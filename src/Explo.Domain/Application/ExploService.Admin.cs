using System.Collections.Immutable;
using Explo.Domain.GroupTags;
using Explo.Domain.Ports;
using Explo.Domain.Rules;

namespace Explo.Domain;

/// <summary>Admin operations: hierarchy levels, DVGs, API tokens and the data-source registry.</summary>
public sealed partial class ExploService
{
    /// <inheritdoc />
    public Task<Result<bool>> InitializeWorkspaceAsync(Caller caller, CancellationToken cancellationToken = default) =>
        Run(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            if (!unit.WorkspaceIsNew)
            {
                return false;
            }

            // The unit of work records the initialisation event with the first stored workspace.
            unit.Replace(unit.Workspace);
            return Result<bool>.Success(true);
        });

    /// <inheritdoc />
    public Task<Result<CreatedApiToken?>> BootstrapWorkspaceAsync(Caller caller, CreateApiTokenRequest firstToken, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(firstToken);
        return Run<CreatedApiToken?>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            if (!unit.WorkspaceIsNew)
            {
                return Result<CreatedApiToken?>.Success(null);
            }

            // The workspace is stored with its first token (the unit of work records the initialisation event).
            unit.Replace(unit.Workspace);
            return CreateToken(unit, firstToken).Map<CreatedApiToken?>(created => created);
        });
    }

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<HierarchyLevel>>> ListLevelsAsync(Caller caller, CancellationToken cancellationToken = default) =>
        Run(caller, Access.Admin, cancellationToken, unit => Result<IReadOnlyList<HierarchyLevel>>.Success(unit.Workspace.Levels));

    /// <inheritdoc />
    public Task<Result<HierarchyLevel>> AddLevelAsync(Caller caller, string name, string? after = null, CancellationToken cancellationToken = default) =>
        Run<HierarchyLevel>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            if (RuleSets.LevelName.Validate(new NameProposal(FieldNames.Name, name)) is { } invalid)
            {
                return invalid;
            }

            var levels = unit.Workspace.Levels;
            if (unit.Workspace.FindLevel(name) is not null)
            {
                return LevelExists(name);
            }

            var rank = levels.Length;
            if (after is not null)
            {
                if (unit.Workspace.FindLevel(after) is not { } above)
                {
                    return LevelNotFound(after);
                }

                rank = above.Rank + 1;
            }

            // Inserting shifts the lower levels down by one; every edge keeps its direction.
            var (id, workspace) = unit.Workspace.AllocateId();
            var level = new HierarchyLevel(new LevelId(id), name, rank);
            var shifted = levels.Select(l => l.Rank >= rank ? l with { Rank = l.Rank + 1 } : l).Append(level);
            unit.Replace(workspace.With(levels: shifted));
            unit.Emit(new WorkspaceChanged("hierarchy_level_added", name) { OccurredAt = unit.Now });
            return level;
        });

    /// <inheritdoc />
    public Task<Result<HierarchyLevel>> RenameLevelAsync(Caller caller, string name, string newName, CancellationToken cancellationToken = default) =>
        Run<HierarchyLevel>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            if (RuleSets.LevelName.Validate(new NameProposal(FieldNames.NewName, newName)) is { } invalid)
            {
                return invalid;
            }

            if (unit.Workspace.FindLevel(name) is not { } level)
            {
                return LevelNotFound(name);
            }

            if (string.Equals(name, newName, StringComparison.Ordinal))
            {
                return level;
            }

            if (unit.Workspace.FindLevel(newName) is not null)
            {
                return LevelExists(newName);
            }

            var renamed = level with { Name = newName };
            unit.Replace(unit.Workspace.With(levels: unit.Workspace.Levels.Select(l => l.Id == level.Id ? renamed : l)));
            unit.Emit(new WorkspaceChanged("hierarchy_level_renamed", $"{name} -> {newName}") { OccurredAt = unit.Now });
            return renamed;
        });

    /// <inheritdoc />
    public Task<Result<Done>> RemoveLevelAsync(Caller caller, string name, CancellationToken cancellationToken = default) =>
        Run<Done>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            if (unit.Workspace.FindLevel(name) is not { } level)
            {
                return LevelNotFound(name);
            }

            if (unit.Workspace.Levels.Length == 1)
            {
                return new Conflict(ErrorCodes.LastHierarchyLevel, $"Hierarchy level {TextChecks.Quote(name)} is the only level; a workspace needs at least one.");
            }

            var used = unit.Reader.CountCustomers(new CustomerQuery(LevelId: level.Id));
            if (used > 0)
            {
                return new Conflict(ErrorCodes.HierarchyLevelInUse, $"Hierarchy level {TextChecks.Quote(name)} has {used} customer(s); move them to another level first.");
            }

            var remaining = unit.Workspace.Levels.Where(l => l.Id != level.Id).Select((l, i) => l with { Rank = i });
            unit.Replace(unit.Workspace.With(levels: remaining));
            unit.Emit(new WorkspaceChanged("hierarchy_level_removed", name) { OccurredAt = unit.Now });
            return Done.Instance;
        });

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<AccessGroup>>> ListAccessGroupsAsync(Caller caller, CancellationToken cancellationToken = default) =>
        Run(caller, Access.Admin, cancellationToken, unit => Result<IReadOnlyList<AccessGroup>>.Success(unit.Workspace.AccessGroups));

    /// <inheritdoc />
    public Task<Result<AccessGroup>> AddAccessGroupAsync(Caller caller, string name, CancellationToken cancellationToken = default) =>
        Run<AccessGroup>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            if (RuleSets.AccessGroupName.Validate(new NameProposal(FieldNames.Name, name)) is { } invalid)
            {
                return invalid;
            }

            if (unit.Workspace.FindAccessGroup(name) is not null)
            {
                return AccessGroupExists(name);
            }

            var (id, workspace) = unit.Workspace.AllocateId();
            var group = new AccessGroup(new AccessGroupId(id), name);
            unit.Replace(workspace.With(accessGroups: [.. workspace.AccessGroups, group]));
            unit.Emit(new WorkspaceChanged("access_group_added", name) { OccurredAt = unit.Now });
            return group;
        });

    /// <inheritdoc />
    public Task<Result<AccessGroup>> RenameAccessGroupAsync(Caller caller, string name, string newName, CancellationToken cancellationToken = default) =>
        Run<AccessGroup>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            if (RuleSets.AccessGroupName.Validate(new NameProposal(FieldNames.NewName, newName)) is { } invalid)
            {
                return invalid;
            }

            if (unit.Workspace.FindAccessGroup(name) is not { } group)
            {
                return AccessGroupNotFound(name);
            }

            if (string.Equals(name, newName, StringComparison.Ordinal))
            {
                return group;
            }

            if (unit.Workspace.FindAccessGroup(newName) is not null)
            {
                return AccessGroupExists(newName);
            }

            var renamed = group with { Name = newName };
            unit.Replace(unit.Workspace.With(accessGroups: unit.Workspace.AccessGroups.Select(g => g.Id == group.Id ? renamed : g)));
            unit.Emit(new WorkspaceChanged("access_group_renamed", $"{name} -> {newName}") { OccurredAt = unit.Now });
            return renamed;
        });

    /// <inheritdoc />
    public Task<Result<CreatedApiToken>> CreateApiTokenAsync(Caller caller, CreateApiTokenRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return Run(caller, Access.AdminWrite, cancellationToken, unit => CreateToken(unit, request));
    }

    private static Result<CreatedApiToken> CreateToken(UnitOfWork unit, CreateApiTokenRequest request)
    {
        if (unit.Workspace.FindAccessGroup(request.AccessGroup ?? string.Empty) is not { } group)
        {
            return AccessGroupNotFound(request.AccessGroup ?? string.Empty);
        }

        if (request.Secret is { } chosen
            && (chosen.Length is < 16 or > 256 || chosen.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            return new ValidationFailed(ErrorCodes.InvalidApiTokenSecret, "secret", "secret must be 16 to 256 printable characters without white space.");
        }

        var secret = request.Secret ?? unit.Options.TokenGenerator.NewToken();
        if (unit.Workspace.ApiTokens.Any(t => t.Matches(ApiToken.Hash(secret))))
        {
            return new Conflict(ErrorCodes.ApiTokenExists, "An API token with this secret already exists.");
        }

        var (id, workspace) = unit.Workspace.AllocateId();
        var token = new ApiToken(new ApiTokenId(id), ApiToken.Hash(secret), group.Id, request.ReadOnly, request.Label ?? string.Empty, unit.Now, null);
        unit.Replace(workspace.With(apiTokens: [.. workspace.ApiTokens, token]));
        unit.Emit(new WorkspaceChanged("api_token_created", $"token {id} ({group.Name})") { OccurredAt = unit.Now });
        return new CreatedApiToken(Info(unit.Workspace, token), secret);
    }

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<ApiTokenInfo>>> ListApiTokensAsync(Caller caller, CancellationToken cancellationToken = default) =>
        Run(caller, Access.Admin, cancellationToken, unit =>
            Result<IReadOnlyList<ApiTokenInfo>>.Success(unit.Workspace.ApiTokens.Select(t => Info(unit.Workspace, t)).ToList()));

    /// <inheritdoc />
    public Task<Result<Done>> RevokeApiTokenAsync(Caller caller, ApiTokenId id, CancellationToken cancellationToken = default) =>
        Run<Done>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            if (unit.Workspace.ApiTokens.FirstOrDefault(t => t.Id == id) is not { } token)
            {
                return new NotFound(ErrorCodes.ApiTokenNotFound, $"No API token has id {id.Value}.");
            }

            if (!token.IsActive)
            {
                return Done.Instance;
            }

            var revoked = token with { RevokedAt = unit.Now };
            unit.Replace(unit.Workspace.With(apiTokens: unit.Workspace.ApiTokens.Select(t => t.Id == id ? revoked : t)));
            unit.Emit(new WorkspaceChanged("api_token_revoked", $"token {id.Value}") { OccurredAt = unit.Now });
            return Done.Instance;
        });

    /// <inheritdoc />
    public Task<Result<IReadOnlyList<DataSourceView>>> ListDataSourcesAsync(Caller caller, CancellationToken cancellationToken = default) =>
        Run(caller, Access.Admin, cancellationToken, unit =>
            Result<IReadOnlyList<DataSourceView>>.Success(unit.Workspace.DataSources.Select(d => DataSourceInfo(unit.Workspace, d)).ToList()));

    /// <inheritdoc />
    public Task<Result<DataSourceView>> AddDataSourceAsync(Caller caller, AddDataSourceRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return Run<DataSourceView>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            var violations = RuleSets.Identifier.Check(new NameProposal(FieldNames.DataSourceId, request.Id))
                .Concat(RuleSets.Identifier.Check(new NameProposal(FieldNames.SchemaId, request.SchemaId)))
                .ToList();
            var groups = new List<AccessGroupId>();
            var names = request.AccessGroups ?? [];
            if (names.Count == 0)
            {
                violations.Add(new Violation(RuleCodes.InvalidIdentifier, FieldNames.AccessGroup, "access_group must name at least one data visibility group."));
            }

            foreach (var name in names)
            {
                if (unit.Workspace.FindAccessGroup(name) is { } group)
                {
                    groups.Add(group.Id);
                }
                else
                {
                    violations.Add(new Violation(ErrorCodes.UnknownAccessGroup, FieldNames.AccessGroup, $"access_group {TextChecks.Quote(name)} is not a data visibility group of this workspace."));
                }
            }

            if (violations.Count > 0)
            {
                return new ValidationFailed(violations);
            }

            if (unit.Workspace.FindDataSource(request.Id) is not null)
            {
                return new Conflict(ErrorCodes.DataSourceExists, $"A data source with id {TextChecks.Quote(request.Id)} already exists.");
            }

            var dataSource = new DataSource(request.Id, request.SchemaId, request.Name ?? request.Id, groups.Distinct().ToImmutableArray());
            unit.Replace(unit.Workspace.With(dataSources: [.. unit.Workspace.DataSources, dataSource]));
            unit.Emit(new WorkspaceChanged("data_source_added", request.Id) { OccurredAt = unit.Now });
            return DataSourceInfo(unit.Workspace, dataSource);
        });
    }

    /// <inheritdoc />
    public Task<Result<Done>> RemoveDataSourceAsync(Caller caller, string id, CancellationToken cancellationToken = default) =>
        Run<Done>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            if (unit.Workspace.FindDataSource(id) is not { } dataSource)
            {
                return DataSourceNotFound(id);
            }

            var user = unit.Reader.EnumerateCustomers().FirstOrDefault(c =>
                c.Mapping.TryGetValue(dataSource.SchemaId, out var mapped) && string.Equals(mapped, id, StringComparison.Ordinal));
            if (user is not null)
            {
                return new Conflict(ErrorCodes.DataSourceInUse, $"Data source {TextChecks.Quote(id)} is mapped by customer {TextChecks.Quote(user.ProvidedId)} (and maybe others); change their mappings first.");
            }

            unit.Replace(unit.Workspace.With(
                dataSources: unit.Workspace.DataSources.Where(d => d.Id != id),
                dataSourceDefaults: unit.Workspace.DataSourceDefaults.Where(d => d.DataSourceId != id)));
            unit.Emit(new WorkspaceChanged("data_source_removed", id) { OccurredAt = unit.Now });
            return Done.Instance;
        });

    /// <inheritdoc />
    public Task<Result<Done>> SetDefaultDataSourceAsync(Caller caller, string accessGroup, string schemaId, string? dataSourceId, CancellationToken cancellationToken = default) =>
        Run<Done>(caller, Access.AdminWrite, cancellationToken, unit =>
        {
            if (unit.Workspace.FindAccessGroup(accessGroup) is not { } group)
            {
                return AccessGroupNotFound(accessGroup);
            }

            if (dataSourceId is not null)
            {
                if (unit.Workspace.FindDataSource(dataSourceId) is not { } dataSource)
                {
                    return DataSourceNotFound(dataSourceId);
                }

                if (!string.Equals(dataSource.SchemaId, schemaId, StringComparison.Ordinal) || !dataSource.AccessGroups.Contains(group.Id))
                {
                    return new ValidationFailed(RuleCodes.UnknownDataSource, FieldNames.DataSourceId, $"data_source_id {TextChecks.Quote(dataSourceId)} is not a data source of schema {TextChecks.Quote(schemaId)} in data visibility group {TextChecks.Quote(accessGroup)}.");
                }
            }

            var others = unit.Workspace.DataSourceDefaults.Where(d => !(d.AccessGroupId == group.Id && string.Equals(d.SchemaId, schemaId, StringComparison.Ordinal)));
            var defaults = dataSourceId is null ? others : others.Append(new DataSourceDefault(group.Id, schemaId, dataSourceId));
            unit.Replace(unit.Workspace.With(dataSourceDefaults: defaults));
            unit.Emit(new WorkspaceChanged("data_source_default_set", $"{accessGroup}/{schemaId} -> {dataSourceId ?? "(none)"}") { OccurredAt = unit.Now });
            return Done.Instance;
        });

    private static ApiTokenInfo Info(Workspace workspace, ApiToken token) =>
        new(token.Id, workspace.AccessGroup(token.AccessGroupId).Name, token.ReadOnly, token.Label, token.CreatedAt, token.RevokedAt);

    private static DataSourceView DataSourceInfo(Workspace workspace, DataSource dataSource) => new(
        dataSource.Id,
        dataSource.SchemaId,
        dataSource.Name,
        dataSource.AccessGroups.Select(g => workspace.AccessGroup(g).Name).ToList(),
        workspace.DataSourceDefaults.Where(d => d.DataSourceId == dataSource.Id).Select(d => workspace.AccessGroup(d.AccessGroupId).Name).ToList());

    private static Conflict LevelExists(string name) =>
        new(ErrorCodes.HierarchyLevelExists, $"A hierarchy level named {TextChecks.Quote(name)} already exists.");

    private static NotFound LevelNotFound(string name) =>
        new(ErrorCodes.HierarchyLevelNotFound, $"No hierarchy level is named {TextChecks.Quote(name)}.");

    private static Conflict AccessGroupExists(string name) =>
        new(ErrorCodes.AccessGroupExists, $"A data visibility group named {TextChecks.Quote(name)} already exists.");

    private static NotFound AccessGroupNotFound(string name) =>
        new(ErrorCodes.AccessGroupNotFound, $"No data visibility group is named {TextChecks.Quote(name)}.");

    private static NotFound DataSourceNotFound(string id) =>
        new(ErrorCodes.DataSourceNotFound, $"No data source has id {TextChecks.Quote(id)}.");
}
