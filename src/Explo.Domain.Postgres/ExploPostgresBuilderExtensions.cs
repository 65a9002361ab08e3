using Explo.Domain.Postgres;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the PostgreSQL store for <see cref="ExploServiceCollectionExtensions.AddExploDomain"/>.</summary>
public static class ExploPostgresBuilderExtensions
{
    /// <summary>
    /// Chooses a <see cref="PostgresWorkspaceStore"/> over the database <paramref name="connectionString"/> names,
    /// replacing any store chosen before. It is opened (its tables created or migrated) when first resolved, and the
    /// container owns it: disposing the container closes its connections. Any number of hosts may use one database.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <returns>The builder.</returns>
    public static ExploDomainBuilder UsePostgres(this ExploDomainBuilder builder, string connectionString)
    {
        // A malformed or unusable connection string is the store's to report, as one sentence, when it is opened.
        ArgumentNullException.ThrowIfNull(connectionString);
        return builder.UsePostgres(_ => connectionString);
    }

    /// <summary>
    /// Chooses a <see cref="PostgresWorkspaceStore"/> over the database whose connection string
    /// <paramref name="connectionString"/> gives (for example from configuration), as
    /// <see cref="UsePostgres(ExploDomainBuilder, string)"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">Gives the connection string.</param>
    /// <returns>The builder.</returns>
    public static ExploDomainBuilder UsePostgres(this ExploDomainBuilder builder, Func<IServiceProvider, string> connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionString);
        return builder.UseStore(sp => new PostgresWorkspaceStore(connectionString(sp), sp.GetService<ILoggerFactory>()?.CreateLogger<PostgresWorkspaceStore>()));
    }
}
