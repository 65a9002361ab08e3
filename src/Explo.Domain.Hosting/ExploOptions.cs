using Explo.Domain.Ports;

namespace Explo.Domain.Hosting;

/// <summary>
/// The options of the Explo service, bindable from configuration (section <see cref="Section"/> by default): the
/// limits of <see cref="ExploLimits"/> as settable properties, plus the clock and the token generator, which are set in
/// code only. <see cref="ToServiceOptions"/> turns them into the service's own <see cref="ExploServiceOptions"/>.
/// </summary>
public sealed class ExploOptions
{
    /// <summary>The configuration section bound by default.</summary>
    public const string Section = "Explo";

    /// <inheritdoc cref="ExploLimits.MaxRequestBodyBytes"/>
    public int MaxRequestBodyBytes { get; set; } = ExploLimits.Default.MaxRequestBodyBytes;

    /// <inheritdoc cref="ExploLimits.MaxJsonDepth"/>
    public int MaxJsonDepth { get; set; } = ExploLimits.Default.MaxJsonDepth;

    /// <inheritdoc cref="ExploLimits.MaxPropertiesBytes"/>
    public int MaxPropertiesBytes { get; set; } = ExploLimits.Default.MaxPropertiesBytes;

    /// <inheritdoc cref="ExploLimits.MaxMappingEntries"/>
    public int MaxMappingEntries { get; set; } = ExploLimits.Default.MaxMappingEntries;

    /// <inheritdoc cref="ExploLimits.MaxEmails"/>
    public int MaxEmails { get; set; } = ExploLimits.Default.MaxEmails;

    /// <inheritdoc cref="ExploLimits.MaxGroupTagsPerCustomer"/>
    public int MaxGroupTagsPerCustomer { get; set; } = ExploLimits.Default.MaxGroupTagsPerCustomer;

    /// <inheritdoc cref="ExploLimits.MaxGroupTagsPerWorkspace"/>
    public int MaxGroupTagsPerWorkspace { get; set; } = ExploLimits.Default.MaxGroupTagsPerWorkspace;

    /// <inheritdoc cref="ExploLimits.MaxPageSize"/>
    public int MaxPageSize { get; set; } = ExploLimits.Default.MaxPageSize;

    /// <inheritdoc cref="ExploLimits.MaxEmbedTokenLifetime"/>
    /// <remarks>In configuration as a .NET time span (<c>"30.00:00:00"</c> for 30 days); 1 second to 366 days.</remarks>
    public TimeSpan MaxEmbedTokenLifetime { get; set; } = ExploLimits.Default.MaxEmbedTokenLifetime;

    /// <inheritdoc cref="ExploLimits.IdempotencyKeyLifetime"/>
    /// <remarks>In configuration as a .NET time span (<c>"1.00:00:00"</c> for a day); 1 minute to 30 days.</remarks>
    public TimeSpan IdempotencyKeyLifetime { get; set; } = ExploLimits.Default.IdempotencyKeyLifetime;

    /// <summary>The clock; the system clock by default. Set in code, never bound from configuration.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The secret generator; a CSPRNG by default. Set in code, never bound from configuration.</summary>
    public ITokenGenerator TokenGenerator { get; set; } = CryptoTokenGenerator.Instance;

    /// <summary>
    /// The host's own rules for customers (<c>o.CustomerRules.Add(new RegionIsKnown())</c>), checked after the core's;
    /// see <see cref="ExploServiceOptions.CustomerRules"/>. Set in code only.
    /// </summary>
    public IList<Explo.Domain.Rules.Rule<Explo.Domain.Rules.CustomerProposal>> CustomerRules { get; } = [];

    /// <summary>The limits these options set.</summary>
    /// <returns>The limits.</returns>
    public ExploLimits ToLimits() => new()
    {
        MaxRequestBodyBytes = MaxRequestBodyBytes,
        MaxJsonDepth = MaxJsonDepth,
        MaxPropertiesBytes = MaxPropertiesBytes,
        MaxMappingEntries = MaxMappingEntries,
        MaxEmails = MaxEmails,
        MaxGroupTagsPerCustomer = MaxGroupTagsPerCustomer,
        MaxGroupTagsPerWorkspace = MaxGroupTagsPerWorkspace,
        MaxPageSize = MaxPageSize,
        MaxEmbedTokenLifetime = MaxEmbedTokenLifetime,
        IdempotencyKeyLifetime = IdempotencyKeyLifetime,
    };

    /// <summary>The service's options: these limits, clock and token generator.</summary>
    /// <returns>The service's options.</returns>
    public ExploServiceOptions ToServiceOptions() => new()
    {
        TimeProvider = TimeProvider,
        TokenGenerator = TokenGenerator,
        Limits = ToLimits(),
        CustomerRules = [.. CustomerRules],
    };

    /// <summary>Sets every option from the service's options (for a host that already has them).</summary>
    /// <param name="options">The service's options.</param>
    /// <returns>These options.</returns>
    public ExploOptions CopyFrom(ExploServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TimeProvider = options.TimeProvider;
        TokenGenerator = options.TokenGenerator;
        CustomerRules.Clear();
        foreach (var rule in options.CustomerRules)
        {
            CustomerRules.Add(rule);
        }

        var limits = options.Limits;
        MaxRequestBodyBytes = limits.MaxRequestBodyBytes;
        MaxJsonDepth = limits.MaxJsonDepth;
        MaxPropertiesBytes = limits.MaxPropertiesBytes;
        MaxMappingEntries = limits.MaxMappingEntries;
        MaxEmails = limits.MaxEmails;
        MaxGroupTagsPerCustomer = limits.MaxGroupTagsPerCustomer;
        MaxGroupTagsPerWorkspace = limits.MaxGroupTagsPerWorkspace;
        MaxPageSize = limits.MaxPageSize;
        MaxEmbedTokenLifetime = limits.MaxEmbedTokenLifetime;
        IdempotencyKeyLifetime = limits.IdempotencyKeyLifetime;
        return this;
    }
}
