using System.Globalization;
using Microsoft.Extensions.Options;

namespace Explo.Domain.Hosting;

/// <summary>
/// Checks <see cref="ExploOptions"/>: each failure is one sentence naming the setting as configuration spells it, for
/// example <c>Explo:MaxPageSize must be between 1 and 100000; it is 0.</c>
/// </summary>
public sealed class ExploOptionsValidator : IValidateOptions<ExploOptions>
{
    private readonly ExploOptionsSection _section;

    /// <summary>Creates the validator for options bound from section <see cref="ExploOptions.Section"/>.</summary>
    public ExploOptionsValidator()
        : this(new ExploOptionsSection())
    {
    }

    internal ExploOptionsValidator(ExploOptionsSection section) => _section = section;

    /// <summary>The inclusive range each limit must lie in.</summary>
    public static IReadOnlyDictionary<string, (int Min, int Max)> Ranges { get; } = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
    {
        [nameof(ExploOptions.MaxRequestBodyBytes)] = (1024, 1024 * 1024 * 1024),
        [nameof(ExploOptions.MaxJsonDepth)] = (1, 1000),
        [nameof(ExploOptions.MaxPropertiesBytes)] = (2, 1024 * 1024 * 1024),
        [nameof(ExploOptions.MaxMappingEntries)] = (1, 1_000_000),
        [nameof(ExploOptions.MaxEmails)] = (1, 100_000),
        [nameof(ExploOptions.MaxGroupTagsPerCustomer)] = (1, 100_000),
        [nameof(ExploOptions.MaxGroupTagsPerWorkspace)] = (1, 10_000_000),
        [nameof(ExploOptions.MaxPageSize)] = (1, 100_000),
    };

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ExploOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(nameof(ExploOptions.MaxRequestBodyBytes), options.MaxRequestBodyBytes);
        Check(nameof(ExploOptions.MaxJsonDepth), options.MaxJsonDepth);
        Check(nameof(ExploOptions.MaxPropertiesBytes), options.MaxPropertiesBytes);
        Check(nameof(ExploOptions.MaxMappingEntries), options.MaxMappingEntries);
        Check(nameof(ExploOptions.MaxEmails), options.MaxEmails);
        Check(nameof(ExploOptions.MaxGroupTagsPerCustomer), options.MaxGroupTagsPerCustomer);
        Check(nameof(ExploOptions.MaxGroupTagsPerWorkspace), options.MaxGroupTagsPerWorkspace);
        Check(nameof(ExploOptions.MaxPageSize), options.MaxPageSize);
        if (options.MaxEmbedTokenLifetime < TimeSpan.FromSeconds(1) || options.MaxEmbedTokenLifetime > TimeSpan.FromDays(366))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Key(nameof(ExploOptions.MaxEmbedTokenLifetime))} must be between 00:00:01 and 366.00:00:00; it is {options.MaxEmbedTokenLifetime:c}."));
        }

        if (options.IdempotencyKeyLifetime < TimeSpan.FromMinutes(1) || options.IdempotencyKeyLifetime > TimeSpan.FromDays(30))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Key(nameof(ExploOptions.IdempotencyKeyLifetime))} must be between 00:01:00 and 30.00:00:00; it is {options.IdempotencyKeyLifetime:c}."));
        }

        if (options.TimeProvider is null)
        {
            failures.Add($"{Key(nameof(ExploOptions.TimeProvider))} must be set; it is null.");
        }

        if (options.TokenGenerator is null)
        {
            failures.Add($"{Key(nameof(ExploOptions.TokenGenerator))} must be set; it is null.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(string setting, int value)
        {
            var (min, max) = Ranges[setting];
            if (value < min || value > max)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Key(setting)} must be between {min} and {max}; it is {value}."));
            }
        }
    }

    private string Key(string setting) => string.IsNullOrEmpty(_section.Path) ? setting : $"{_section.Path}:{setting}";
}

/// <summary>The configuration section the options are bound from, for the validator's sentences.</summary>
internal sealed class ExploOptionsSection
{
    public string Path { get; set; } = ExploOptions.Section;
}
