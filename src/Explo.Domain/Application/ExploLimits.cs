namespace Explo.Domain;

/// <summary>The configurable limits of spec section 5, with their defaults.</summary>
public sealed record ExploLimits
{
    /// <summary>The defaults.</summary>
    public static ExploLimits Default { get; } = new();

    /// <summary>Largest request body an adapter accepts, in bytes (1 MiB).</summary>
    public int MaxRequestBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted (64), for request bodies and for the <c>properties</c> object.</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>Largest <c>properties</c> object, serialized as compact UTF-8 JSON (256 KiB).</summary>
    public int MaxPropertiesBytes { get; init; } = 256 * 1024;

    /// <summary>Most mapping entries per customer (1000).</summary>
    public int MaxMappingEntries { get; init; } = 1000;

    /// <summary>Most e-mail addresses per customer (100).</summary>
    public int MaxEmails { get; init; } = 100;

    /// <summary>Most group tags per customer (100).</summary>
    public int MaxGroupTagsPerCustomer { get; init; } = 100;

    /// <summary>
    /// Most group tags in the workspace (10,000); creating one more is a <see cref="Conflict"/>
    /// <c>too_many_group_tags</c>. Bounds the memory a store may spend on tags and the size of the tag list.
    /// </summary>
    public int MaxGroupTagsPerWorkspace { get; init; } = 10_000;

    /// <summary>Largest page of the v2 list (1000).</summary>
    public int MaxPageSize { get; init; } = 1000;

    /// <summary>Longest life an embed token may be given by <c>generate_jwt</c>'s <c>expiration</c> (30 days).</summary>
    public TimeSpan MaxEmbedTokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long an idempotency key holds after its first request (24 hours); a repeat after that runs as new.</summary>
    public TimeSpan IdempotencyKeyLifetime { get; init; } = TimeSpan.FromHours(24);
}

/// <summary>Options of <see cref="ExploService"/>.</summary>
public sealed record ExploServiceOptions
{
    /// <summary>The clock; the system clock by default.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The secret generator; a CSPRNG by default.</summary>
    public Ports.ITokenGenerator TokenGenerator { get; init; } = Ports.CryptoTokenGenerator.Instance;

    /// <summary>The limits.</summary>
    public ExploLimits Limits { get; init; } = ExploLimits.Default;

    /// <summary>
    /// The host's own rules for customers, checked after the core's on every create, update and import row (their
    /// violations come back like the core's: code, field, sentence; 400 over HTTP). Each derives from
    /// <see cref="Rules.Rule{TSubject}"/> of <see cref="Rules.CustomerProposal"/>, as the core's rules do, and is held
    /// to the same discipline by the analyzers (pure and deterministic: no clock, no I/O, no randomness).
    /// </summary>
    public IReadOnlyList<Rules.Rule<Rules.CustomerProposal>> CustomerRules { get; init; } = [];
}
