using Explo.Domain.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// What <see cref="ExploServiceCollectionExtensions.AddExploDomain"/> returns: the services, to choose the store
/// (<see cref="ExploDomainBuilder.UseInMemory"/>, <c>UseLiteDb(path)</c>) and bind the options from configuration.
/// </summary>
public sealed class ExploDomainBuilder
{
    /// <summary>Creates the builder over the services.</summary>
    /// <param name="services">The services.</param>
    public ExploDomainBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Binds <see cref="ExploOptions"/> from the configuration section <see cref="ExploOptions.Section"/> (<c>Explo</c>)
    /// of the container's <see cref="IConfiguration"/> (a host's).
    /// </summary>
    /// <returns>This builder.</returns>
    public ExploDomainBuilder BindConfiguration() => BindConfiguration(ExploOptions.Section);

    /// <summary>
    /// Binds <see cref="ExploOptions"/> from the configuration section <paramref name="sectionPath"/> of the
    /// container's <see cref="IConfiguration"/> (a host's); the validator's sentences name settings under that path.
    /// </summary>
    /// <param name="sectionPath">The section's path, for example <c>Explo</c>.</param>
    /// <returns>This builder.</returns>
    public ExploDomainBuilder BindConfiguration(string sectionPath)
    {
        ArgumentNullException.ThrowIfNull(sectionPath);
        Services.AddOptions<ExploOptions>().BindConfiguration(sectionPath);
        SectionOf(Services).Path = sectionPath;
        return this;
    }

    /// <summary>
    /// Binds <see cref="ExploOptions"/> from a configuration section (without a host); the validator's sentences name
    /// settings under the section's path.
    /// </summary>
    /// <param name="section">The section, for example <c>configuration.GetSection("Explo")</c>.</param>
    /// <returns>This builder.</returns>
    public ExploDomainBuilder BindConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        Services.AddOptions<ExploOptions>().Bind(section);
        SectionOf(Services).Path = (section as IConfigurationSection)?.Path ?? string.Empty;
        return this;
    }

    /// <summary>Chooses the store: an <see cref="Explo.Domain.InMemory.InMemoryWorkspaceStore"/>, replacing any store chosen before.</summary>
    /// <returns>This builder.</returns>
    public ExploDomainBuilder UseInMemory() => UseStore(_ => new Explo.Domain.InMemory.InMemoryWorkspaceStore());

    /// <summary>
    /// Chooses the store, replacing any chosen before: <paramref name="factory"/> creates it once, and the container
    /// owns it (disposes it when disposable). Store adapters (<c>UseLiteDb</c>) are built on this.
    /// </summary>
    /// <typeparam name="TStore">The store's type, also registered as itself.</typeparam>
    /// <param name="factory">Creates the store.</param>
    /// <returns>This builder.</returns>
    public ExploDomainBuilder UseStore<TStore>(Func<IServiceProvider, TStore> factory)
        where TStore : class, Explo.Domain.Ports.IWorkspaceStore
    {
        ArgumentNullException.ThrowIfNull(factory);
        RemoveAll(Services, typeof(Explo.Domain.Ports.IWorkspaceStore));
        RemoveAll(Services, typeof(TStore));
        Services.AddSingleton(factory);
        if (typeof(TStore) != typeof(Explo.Domain.Ports.IWorkspaceStore))
        {
            Services.AddSingleton<Explo.Domain.Ports.IWorkspaceStore>(sp => sp.GetRequiredService<TStore>());
        }

        return this;
    }

    internal static ExploOptionsSection SectionOf(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(ExploOptionsSection) && descriptor.ImplementationInstance is ExploOptionsSection section)
            {
                return section;
            }
        }

        var created = new ExploOptionsSection();
        services.AddSingleton(created);
        return created;
    }

    private static void RemoveAll(IServiceCollection services, Type type)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == type)
            {
                services.RemoveAt(i);
            }
        }
    }
}
