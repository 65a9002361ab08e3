namespace Explo.Domain;

/// <summary>Input of creating an API token.</summary>
/// <param name="AccessGroup">The DVG the token sees and writes.</param>
/// <param name="ReadOnly">True for a token that may only read.</param>
/// <param name="Label">A label for people.</param>
public sealed record CreateApiTokenRequest(string AccessGroup, bool ReadOnly = false, string Label = "")
{
    /// <summary>
    /// A secret chosen by the administrator (for example from an environment variable): 16-256 printable characters
    /// without white space. When null, a random 64-hex secret is generated.
    /// </summary>
    public string? Secret { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"CreateApiTokenRequest {{ AccessGroup = {AccessGroup}, ReadOnly = {ReadOnly}, Label = {Label}, Secret = {(Secret is null ? "(generated)" : "***")} }}";
}

/// <summary>An API token as admin listings show it: never its secret.</summary>
/// <param name="Id">The id.</param>
/// <param name="AccessGroup">The DVG's name.</param>
/// <param name="ReadOnly">Whether it may only read.</param>
/// <param name="Label">The label.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
public sealed record ApiTokenInfo(ApiTokenId Id, string AccessGroup, bool ReadOnly, string Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A newly created API token: the secret is shown here once and never again.</summary>
/// <param name="Token">The token's description.</param>
/// <param name="Secret">The secret to send as <c>Explo-Authorization: Token &lt;secret&gt;</c>.</param>
public sealed record CreatedApiToken(ApiTokenInfo Token, string Secret)
{
    /// <inheritdoc />
    public override string ToString() => $"CreatedApiToken {{ Token = {Token}, Secret = *** }}";
}

/// <summary>Input of registering a data source.</summary>
/// <param name="Id">The data source id, as mapping values name it.</param>
/// <param name="SchemaId">The schema it belongs to.</param>
/// <param name="Name">A name for people; defaults to the id.</param>
/// <param name="AccessGroups">The DVGs that may map to it (at least one).</param>
public sealed record AddDataSourceRequest(string Id, string SchemaId, string? Name, IReadOnlyList<string> AccessGroups);

/// <summary>A data source as admin listings show it.</summary>
/// <param name="Id">The id.</param>
/// <param name="SchemaId">The schema.</param>
/// <param name="Name">The name.</param>
/// <param name="AccessGroups">The DVGs' names.</param>
/// <param name="DefaultIn">The DVGs in which it is the schema's default.</param>
public sealed record DataSourceView(string Id, string SchemaId, string Name, IReadOnlyList<string> AccessGroups, IReadOnlyList<string> DefaultIn);
