namespace Explo.Domain;

/// <summary>
/// The catalog of every error code the core or an adapter (HTTP, contracts, client, command-line tool) can report that
/// is not a rule's code. A rule's code is declared once, on its rule class (its <c>Code</c>), and named elsewhere through
/// <see cref="Rules.RuleCodes"/>. Every code of both is listed with its HTTP status in <c>docs/errors.md</c>; a test keeps
/// the three in step and fails on a code written as a literal outside them.
/// </summary>
public static class ErrorCodes
{
    // Not found (404).

    /// <summary>404: no customer has the provided id (or the current token) given, in the caller's data visibility group.</summary>
    public const string CustomerNotFound = "customer_not_found";

    /// <summary>404: no group tag has the name given.</summary>
    public const string GroupTagNotFound = "group_tag_not_found";

    /// <summary>404: the data visibility group named (by an admin operation or a caller) does not exist.</summary>
    public const string AccessGroupNotFound = "access_group_not_found";

    /// <summary>404: the hierarchy level named by an admin operation does not exist.</summary>
    public const string HierarchyLevelNotFound = "hierarchy_level_not_found";

    /// <summary>404: no API token has the id given.</summary>
    public const string ApiTokenNotFound = "api_token_not_found";

    /// <summary>404: no data source has the id given.</summary>
    public const string DataSourceNotFound = "data_source_not_found";

    /// <summary>404 (HTTP): there is no endpoint at the path requested.</summary>
    public const string NotFound = "not_found";

    // Conflicts (409).

    /// <summary>409: the provided id is already used by another customer (or by one in another data visibility group).</summary>
    public const string ProvidedIdTaken = "provided_id_taken";

    /// <summary>
    /// 409 in process, 412 over HTTP: the customer is not at the version the request expected (<c>If-Match</c>, or an
    /// expected version); nothing was changed. Read it again and retry.
    /// </summary>
    public const string PreconditionFailed = "precondition_failed";

    /// <summary>409: the customer has children, and the delete does not cascade.</summary>
    public const string CustomerHasChildren = "customer_has_children";

    /// <summary>409: a group tag of that name already exists.</summary>
    public const string GroupTagExists = "group_tag_exists";

    /// <summary>409: a hierarchy level of that name already exists.</summary>
    public const string HierarchyLevelExists = "hierarchy_level_exists";

    /// <summary>409: the hierarchy level is the workspace's only one and can't be removed.</summary>
    public const string LastHierarchyLevel = "last_hierarchy_level";

    /// <summary>409: customers are at the hierarchy level, so it can't be removed.</summary>
    public const string HierarchyLevelInUse = "hierarchy_level_in_use";

    /// <summary>409: a data visibility group of that name already exists.</summary>
    public const string AccessGroupExists = "access_group_exists";

    /// <summary>400: a cursor (the change feed's <c>after</c>, a page's <c>cursor</c>) is malformed or not one this endpoint gave.</summary>
    public const string InvalidCursor = "invalid_cursor";

    /// <summary>400 (HTTP): the <c>If-Match</c> header is not <c>*</c> or one entity tag as this API's <c>ETag</c> gives it, or disagrees with the body's <c>expected_version</c>.</summary>
    public const string InvalidIfMatch = "invalid_if_match";

    /// <summary>400: an idempotency key is empty, over 255 characters, or not printable ASCII.</summary>
    public const string InvalidIdempotencyKey = "invalid_idempotency_key";

    /// <summary>
    /// 409 in process, 422 over HTTP: the idempotency key was used, within its lifetime, for another request (another
    /// body, path or method); nothing was changed. Use a new key for a new request.
    /// </summary>
    public const string IdempotencyKeyReused = "idempotency_key_reused";

    /// <summary>
    /// Never answered: inside <see cref="IIdempotentWrites.RunIdempotentAsync"/>, what the write's call returns when
    /// its key was answered before (a <see cref="Conflict"/>; the runner then answers the stored reply).
    /// </summary>
    public const string IdempotentReplay = "idempotent_replay";

    /// <summary>409: a request with this idempotency key is still running; retry once it has answered, with the same key.</summary>
    public const string IdempotencyKeyInUse = "idempotency_key_in_use";

    /// <summary>400: the change feed's <c>limit</c> is not between 1 and 1000.</summary>
    public const string InvalidLimit = "invalid_limit";

    /// <summary>404: no embed secret has that key id, or it was revoked.</summary>
    public const string EmbedSecretNotFound = "embed_secret_not_found";

    /// <summary>409: an embed token was asked for without a key id, and the workspace has no live embed secret.</summary>
    public const string NoEmbedSecret = "no_embed_secret";

    /// <summary>400: an embed token's expiration is not a positive ISO-8601 duration within the limit.</summary>
    public const string InvalidExpiration = "invalid_expiration";

    /// <summary>400: an embed token's <c>rb_allowed_features</c> names a feature that does not exist.</summary>
    public const string InvalidRbAllowedFeatures = "invalid_rb_allowed_features";

    /// <summary>400: an embed token's <c>embed_id</c> is missing or empty.</summary>
    public const string InvalidEmbedId = "invalid_embed_id";

    /// <summary>401: an embed token is malformed, altered, or encrypted with a key the workspace does not hold (live).</summary>
    public const string InvalidEmbedToken = "invalid_embed_token";

    /// <summary>401: an embed token has expired.</summary>
    public const string EmbedTokenExpired = "embed_token_expired";

    /// <summary>409: an API token with that secret already exists.</summary>
    public const string ApiTokenExists = "api_token_exists";

    /// <summary>409: a data source with that id already exists.</summary>
    public const string DataSourceExists = "data_source_exists";

    /// <summary>409: customers' mappings name the data source, so it can't be removed.</summary>
    public const string DataSourceInUse = "data_source_in_use";

    // Validation outside the rule sets (400).

    /// <summary>400: an API token's secret is not 16 to 256 printable characters without white space.</summary>
    public const string InvalidApiTokenSecret = "invalid_api_token_secret";

    /// <summary>400: an API token names a data visibility group the workspace does not have.</summary>
    public const string UnknownAccessGroup = "unknown_access_group";

    // Authentication (401).

    /// <summary>401: no API token was given.</summary>
    public const string MissingApiToken = "missing_api_token";

    /// <summary>401: the API token is unknown or has been revoked.</summary>
    public const string InvalidApiToken = "invalid_api_token";

    /// <summary>401 (HTTP): the <c>Explo-Authorization</c> header lacks the <c>Token </c> scheme.</summary>
    public const string InvalidAuthorizationHeader = "invalid_authorization_header";

    // The text and shape of a body (HTTP, imports, files).

    /// <summary>400: a value is of the wrong JSON type (or a required one is missing).</summary>
    public const string InvalidType = "invalid_type";

    /// <summary>400: the text is not valid JSON.</summary>
    public const string MalformedJson = "malformed_json";

    /// <summary>400: the text is not valid UTF-8, or a string escapes a lone surrogate.</summary>
    public const string InvalidUtf8 = "invalid_utf8";

    /// <summary>400: a key appears twice in one JSON object.</summary>
    public const string DuplicateKey = "duplicate_key";

    /// <summary>400 (HTTP): the request body is empty.</summary>
    public const string EmptyBody = "empty_body";

    /// <summary>400 (HTTP): the request body is JSON but not an object.</summary>
    public const string InvalidBody = "invalid_body";

    /// <summary>400 (HTTP): the request body ended before the length announced.</summary>
    public const string IncompleteBody = "incomplete_body";

    /// <summary>408 (HTTP): the request body arrived too slowly.</summary>
    public const string RequestTimeout = "request_timeout";

    /// <summary>415 (HTTP): the <c>Content-Type</c> names a charset other than UTF-8.</summary>
    public const string UnsupportedCharset = "unsupported_charset";

    // Transport (HTTP).

    /// <summary>405 (HTTP): the path is the API's, the method is not its endpoint's.</summary>
    public const string MethodNotAllowed = "method_not_allowed";

    /// <summary>405 (HTTP): the path lacks its trailing <c>/</c>.</summary>
    public const string TrailingSlashRequired = "trailing_slash_required";

    /// <summary>431 (HTTP): the request's headers are over the limit.</summary>
    public const string RequestHeadersTooLarge = "request_headers_too_large";

    /// <summary>429 (HTTP): too many requests for the token (or address); see <c>Retry-After</c>.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>400 or the server's status (HTTP): the server could not read the request (Kestrel refused it).</summary>
    public const string BadRequest = "bad_request";

    /// <summary>500 (HTTP): the server failed to handle the request; the cause is in its log only.</summary>
    public const string InternalError = "internal_error";

    /// <summary>503 (HTTP): the store can't be reached right now (nothing was applied); see <c>Retry-After</c>.</summary>
    public const string StoreUnavailable = "store_unavailable";

    // Never answered.

    /// <summary>
    /// Never answered: the failure an atomic import's unit of work returns when the import is cancelled before it
    /// commits, so the store drops it; the caller sees a cancelled task.
    /// </summary>
    public const string ImportCancelled = "import_cancelled";

    // Client and command-line tool only.

    /// <summary>The client: the server answered an error status without an error body the client could read.</summary>
    public const string UnknownError = "unknown_error";

    /// <summary>The command-line tool: a CSV record has another number of cells than the header.</summary>
    public const string MalformedCsv = "malformed_csv";
}
