namespace Explo.Domain;

/// <summary>
/// The customers port (spec section 3): get or create, get, list, page, update, delete, rotate a token, import.
/// Implemented in-process by <see cref="ExploService"/> and remotely by the HTTP client. Every call names its
/// <see cref="Caller"/>; DVG scoping and read-only tokens are enforced behind this port. Business failures come back as
/// <see cref="Result{T}"/> values, never as exceptions.
/// </summary>
public interface ICustomerService
{
    /// <summary>Gets the customer with the request's provided id, or creates it (an existing one is returned unchanged).</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The customer's fields.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The customer and whether it was created.</returns>
    Task<Result<GetOrCreateResult>> GetOrCreateCustomerAsync(Caller caller, CreateCustomerRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets a customer by provided id.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="providedId">The provided id.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The customer.</returns>
    Task<Result<CustomerView>> GetCustomerAsync(Caller caller, string providedId, CancellationToken cancellationToken = default);

    /// <summary>Lists one page of customers (v2), in creation order.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">Page, page size and filters.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The page and the total count.</returns>
    Task<Result<CustomerPage>> ListCustomerPageAsync(Caller caller, CustomerPageRequest request, CancellationToken cancellationToken = default);

    /// <summary>Lists every matching customer (v1, deprecated), in creation order.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="filter">The filters.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The customers.</returns>
    Task<Result<IReadOnlyList<CustomerView>>> ListCustomersAsync(Caller caller, CustomerFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Updates a customer: given fields replace the stored ones, omitted fields are unchanged.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The updated customer.</returns>
    Task<Result<CustomerView>> UpdateCustomerAsync(Caller caller, UpdateCustomerRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes a customer by its token; one with children only with cascade, which deletes the subtree atomically.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The token and the cascade flag.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>What was deleted.</returns>
    Task<Result<DeleteResult>> DeleteCustomerAsync(Caller caller, DeleteCustomerRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives a customer a new dashboard token, if it is at the request's expected version when one is given; the old
    /// token stops working at once.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The customer's current token, and the version it must be at.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The customer with its new token.</returns>
    Task<Result<CustomerView>> RefreshCustomerTokenAsync(Caller caller, RefreshTokenRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Bulk get-or-create of many customers: rows may name parents that come later in the input, and the outcome (which
    /// rows create a customer, which find one, which fail and why, the ids given) is that of taking the rows one by one,
    /// parents first. With <see cref="ImportOptions.Atomic"/> the import is one unit of work (one transaction; the
    /// store's other requests wait for it): any invalid row fails the whole import (every row's violations, fields
    /// prefixed <c>rows[i].</c>) and nothing is stored. Without it, valid rows are stored and invalid ones reported, and
    /// the rows are committed in batches of <see cref="ImportOptions.BatchSize"/>, one unit of work each: other requests
    /// run between batches and may see the import in part (whole batches, each with its events). A batch that finds the
    /// caller no longer allowed (its token revoked meanwhile) fails the import there; the batches before it stay.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="customers">The rows, in file order.</param>
    /// <param name="options">Options; non-atomic, in batches of <see cref="ImportOptions.DefaultBatchSize"/> rows by default.</param>
    /// <param name="cancellationToken">
    /// Cancels before the work starts, or between two batches of a non-atomic import: the returned task is then
    /// cancelled and the batches already committed stay stored.
    /// </param>
    /// <returns>Counts of created and existing customers, and the rows not imported.</returns>
    Task<Result<ImportResult>> ImportCustomersAsync(Caller caller, IReadOnlyList<CreateCustomerRequest> customers, ImportOptions? options = null, CancellationToken cancellationToken = default);
}

/// <summary>The group tags port: list, create, rename, delete the workspace's group tags.</summary>
public interface IGroupTagService
{
    /// <summary>Lists the group tags.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The tags, in creation order.</returns>
    Task<Result<IReadOnlyList<GroupTagView>>> ListGroupTagsAsync(Caller caller, CancellationToken cancellationToken = default);

    /// <summary>Creates a group tag; an existing name is a conflict.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The tag.</returns>
    Task<Result<GroupTagView>> CreateGroupTagAsync(Caller caller, string name, CancellationToken cancellationToken = default);

    /// <summary>Renames a group tag; every customer carrying it shows the new name.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="name">The current name.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The renamed tag.</returns>
    Task<Result<GroupTagView>> RenameGroupTagAsync(Caller caller, string name, string newName, CancellationToken cancellationToken = default);

    /// <summary>Deletes a group tag and removes it from every customer.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>Done.</returns>
    Task<Result<Done>> DeleteGroupTagAsync(Caller caller, string name, CancellationToken cancellationToken = default);
}

/// <summary>The legacy user groups port (the hosted API's old endpoints): a user group is a root-level customer.</summary>
public interface IUserGroupService
{
    /// <summary>Legacy: gets or creates a user group (a root-level customer).</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The user group's fields.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The user group and whether it was created.</returns>
    Task<Result<UserGroupResult>> GetOrCreateUserGroupAsync(Caller caller, CreateUserGroupRequest request, CancellationToken cancellationToken = default);

    /// <summary>Legacy: updates a user group.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The user group.</returns>
    Task<Result<UserGroupView>> UpdateUserGroupAsync(Caller caller, UpdateUserGroupRequest request, CancellationToken cancellationToken = default);

    /// <summary>Legacy: deletes a user group by its token.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The token and the cascade flag.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>What was deleted.</returns>
    Task<Result<DeleteResult>> DeleteUserGroupAsync(Caller caller, DeleteCustomerRequest request, CancellationToken cancellationToken = default);

    /// <summary>Legacy: gives a user group a new token, if it is at the request's expected version when one is given.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The current token, and the version the user group must be at.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The user group with its new token.</returns>
    Task<Result<UserGroupView>> RefreshUserGroupTokenAsync(Caller caller, RefreshTokenRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// The workspace administrator's port: initialise a workspace; hierarchy levels, data visibility groups, API tokens and
/// data sources. Served in-process only (the HTTP API doesn't serve it, so the HTTP client doesn't implement it); every
/// call needs <see cref="Caller.Administrator"/>.
/// </summary>
public interface IWorkspaceAdmin
{
    /// <summary>Admin: stores the default workspace if the store is new.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>True when this call created the workspace.</returns>
    Task<Result<bool>> InitializeWorkspaceAsync(Caller caller, CancellationToken cancellationToken = default);

    /// <summary>
    /// Admin: if the store is new, stores the default workspace with a first API token, in one unit of work (so a
    /// workspace never exists without the token, and of several callers racing on one new store exactly one creates
    /// them); otherwise changes nothing.
    /// </summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="firstToken">The first token: its DVG, whether it is read-only, its label, and its secret (generated when null).</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The token this call created, with its secret; null when the store already had a workspace.</returns>
    Task<Result<CreatedApiToken?>> BootstrapWorkspaceAsync(Caller caller, CreateApiTokenRequest firstToken, CancellationToken cancellationToken = default);

    /// <summary>Admin: the hierarchy levels, root first.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The levels.</returns>
    Task<Result<IReadOnlyList<HierarchyLevel>>> ListLevelsAsync(Caller caller, CancellationToken cancellationToken = default);

    /// <summary>Admin: adds a level directly below the one named, or at the bottom.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="name">The new level's name.</param>
    /// <param name="after">The level to insert below; null for the bottom.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The new level.</returns>
    Task<Result<HierarchyLevel>> AddLevelAsync(Caller caller, string name, string? after = null, CancellationToken cancellationToken = default);

    /// <summary>Admin: renames a level.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="name">The current name.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The renamed level.</returns>
    Task<Result<HierarchyLevel>> RenameLevelAsync(Caller caller, string name, string newName, CancellationToken cancellationToken = default);

    /// <summary>Admin: removes a level no customer uses (the last level can't be removed).</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>Done.</returns>
    Task<Result<Done>> RemoveLevelAsync(Caller caller, string name, CancellationToken cancellationToken = default);

    /// <summary>Admin: the DVGs.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The DVGs.</returns>
    Task<Result<IReadOnlyList<AccessGroup>>> ListAccessGroupsAsync(Caller caller, CancellationToken cancellationToken = default);

    /// <summary>Admin: adds a DVG.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The DVG.</returns>
    Task<Result<AccessGroup>> AddAccessGroupAsync(Caller caller, string name, CancellationToken cancellationToken = default);

    /// <summary>Admin: renames a DVG.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="name">The current name.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The renamed DVG.</returns>
    Task<Result<AccessGroup>> RenameAccessGroupAsync(Caller caller, string name, string newName, CancellationToken cancellationToken = default);

    /// <summary>Admin: creates an API token; the secret is in the result and nowhere else.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="request">The DVG, read-only flag and label.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The token and its secret.</returns>
    Task<Result<CreatedApiToken>> CreateApiTokenAsync(Caller caller, CreateApiTokenRequest request, CancellationToken cancellationToken = default);

    /// <summary>Admin: the API tokens (never their secrets).</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The tokens.</returns>
    Task<Result<IReadOnlyList<ApiTokenInfo>>> ListApiTokensAsync(Caller caller, CancellationToken cancellationToken = default);

    /// <summary>Admin: revokes an API token; it stops working at once.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="id">The token's id.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>Done.</returns>
    Task<Result<Done>> RevokeApiTokenAsync(Caller caller, ApiTokenId id, CancellationToken cancellationToken = default);

    /// <summary>Admin: the data-source registry.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The data sources.</returns>
    Task<Result<IReadOnlyList<DataSourceView>>> ListDataSourcesAsync(Caller caller, CancellationToken cancellationToken = default);

    /// <summary>Admin: registers a data source.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="request">The data source.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The data source.</returns>
    Task<Result<DataSourceView>> AddDataSourceAsync(Caller caller, AddDataSourceRequest request, CancellationToken cancellationToken = default);

    /// <summary>Admin: removes a data source no customer maps to (its defaults go with it).</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="id">The data source id.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>Done.</returns>
    Task<Result<Done>> RemoveDataSourceAsync(Caller caller, string id, CancellationToken cancellationToken = default);

    /// <summary>Admin: sets (or with null clears) the default data source of a schema in a DVG.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="accessGroup">The DVG.</param>
    /// <param name="schemaId">The schema.</param>
    /// <param name="dataSourceId">The default, or null to clear it.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>Done.</returns>
    Task<Result<Done>> SetDefaultDataSourceAsync(Caller caller, string accessGroup, string schemaId, string? dataSourceId, CancellationToken cancellationToken = default);

    /// <summary>Admin: creates an embed secret; its secret is in the result, shown this once.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="label">A label for people.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The secret's key id and label, and the secret.</returns>
    Task<Result<CreatedEmbedSecret>> CreateEmbedSecretAsync(Caller caller, string? label = null, CancellationToken cancellationToken = default);

    /// <summary>Admin: the embed secrets, revoked ones included, in creation order (never a secret).</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The secrets.</returns>
    Task<Result<IReadOnlyList<EmbedSecretInfo>>> ListEmbedSecretsAsync(Caller caller, CancellationToken cancellationToken = default);

    /// <summary>Admin: revokes an embed secret (tokens it encrypted no longer validate); revoking again changes nothing.</summary>
    /// <param name="caller">An administrator.</param>
    /// <param name="keyId">The secret's key id.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>Done, or <c>embed_secret_not_found</c>.</returns>
    Task<Result<Done>> RevokeEmbedSecretAsync(Caller caller, string keyId, CancellationToken cancellationToken = default);
}

/// <summary>The use case of <c>generate_jwt</c>: embed tokens for a customer and a dashboard.</summary>
public interface IEmbedTokenService
{
    /// <summary>
    /// An embed token (a compact JWE, <c>dir</c> / <c>A256GCM</c>) for a customer the caller sees and a dashboard,
    /// encrypted with the embed secret <see cref="EmbedTokenRequest.KeyId"/> names, or the newest live one. Read-only
    /// tokens may ask; nothing is stored.
    /// </summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="request">The customer, the embed id, and the token's options.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>
    /// The token, or: <c>customer_not_found</c>, <c>embed_secret_not_found</c> (unknown or revoked key id),
    /// <c>no_embed_secret</c>, <c>invalid_expiration</c>, <c>invalid_rb_allowed_features</c>, <c>invalid_embed_id</c>.
    /// </returns>
    Task<Result<EmbedToken>> GenerateEmbedTokenAsync(Caller caller, EmbedTokenRequest request, CancellationToken cancellationToken = default);
}

/// <summary>The change feed: every stored change, in commit order, resumable from a cursor.</summary>
public interface IChangeFeed
{
    /// <summary>
    /// The events after a cursor that the caller may see, in commit order: a token sees its DVG's customer events and
    /// the workspace's group-tag events; the administrator sees everything. Reading on from
    /// <see cref="EventPage.NextCursor"/> never repeats or skips an event, even while writes go on.
    /// </summary>
    /// <param name="caller">Who asks (read-only tokens may).</param>
    /// <param name="after">A <see cref="EventPage.NextCursor"/> of an earlier read; null to start at the first event.</param>
    /// <param name="limit">The most events to return, 1 to 1000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page, or <c>invalid_cursor</c> / <c>invalid_limit</c>.</returns>
    Task<Result<EventPage>> ReadEventsAsync(Caller caller, string? after = null, int limit = 100, CancellationToken cancellationToken = default);
}

/// <summary>The inverse of <c>generate_jwt</c>, for hosts that render dashboards themselves.</summary>
public interface IEmbedTokenValidator
{
    /// <summary>
    /// Decrypts an embed token with the live embed secret its header names, and checks that it has not expired.
    /// </summary>
    /// <param name="token">The token, as <c>generate_jwt</c> gave it.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>
    /// Its claims, or an <see cref="Unauthorized"/> failure: <c>invalid_embed_token</c> (malformed, altered, or a key
    /// the workspace does not hold live) or <c>embed_token_expired</c>.
    /// </returns>
    Task<Result<EmbedTokenClaims>> ValidateEmbedTokenAsync(string token, CancellationToken cancellationToken = default);
}

/// <summary>
/// What the HTTP API serves: <see cref="ICustomerService"/>, <see cref="IGroupTagService"/>,
/// <see cref="IUserGroupService"/>, <see cref="IEmbedTokenService"/> and <see cref="IChangeFeed"/>, implemented in-process by
/// <see cref="ExploService"/> and remotely by the HTTP client, so a host can swap one for the other.
/// </summary>
public interface IExploApi : ICustomerService, IGroupTagService, IUserGroupService, IEmbedTokenService, IChangeFeed;

/// <summary>
/// Every port at once (<see cref="IExploApi"/>, <see cref="IWorkspaceAdmin"/> and <see cref="IEmbedTokenValidator"/>), as
/// the in-process <see cref="ExploService"/> implements them. A host usually depends on the one port it needs.
/// </summary>
public interface IExploService : IExploApi, IWorkspaceAdmin, IEmbedTokenValidator;
