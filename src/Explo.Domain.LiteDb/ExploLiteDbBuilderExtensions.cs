using Microsoft.Extensions.Logging;
using Explo.Domain.LiteDb;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the LiteDB store for <see cref="ExploServiceCollectionExtensions.AddExploDomain"/>.</summary>
public static class ExploLiteDbBuilderExtensions
{
    /// <summary>
    /// Chooses a <see cref="LiteDbWorkspaceStore"/> over the file at <paramref name="path"/> (created when missing),
    /// replacing any store chosen before. It is opened when first resolved, and the container owns it: disposing the
    /// container closes the file and releases it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The database file.</param>
    /// <returns>The builder.</returns>
    public static ExploDomainBuilder UseLiteDb(this ExploDomainBuilder builder, string path)
    {
        // An unusable path (empty, a folder, ...) is the store's to report, as one sentence, when it is opened.
        ArgumentNullException.ThrowIfNull(path);
        return builder.UseLiteDb(_ => path);
    }

    /// <summary>
    /// Chooses a <see cref="LiteDbWorkspaceStore"/> over the file whose path <paramref name="path"/> gives (for example
    /// from configuration), as <see cref="UseLiteDb(ExploDomainBuilder, string)"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">Gives the database file's path.</param>
    /// <returns>The builder.</returns>
    public static ExploDomainBuilder UseLiteDb(this ExploDomainBuilder builder, Func<IServiceProvider, string> path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(path);
        return builder.UseStore(sp => new LiteDbWorkspaceStore(path(sp), LiteDbWorkspaceStore.DefaultCachedCustomers, sp.GetService<ILoggerFactory>()?.CreateLogger<LiteDbWorkspaceStore>()));
    }
}
