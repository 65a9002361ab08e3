using Explo.Domain;
using Explo.Domain.Hosting;
using Explo.Domain.Ports;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Explo service in a container.</summary>
public static class ExploServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="ExploService"/> singleton, built from the registered <see cref="IWorkspaceStore"/> and
    /// <see cref="ExploOptions"/>, and every port as that same instance: <see cref="ICustomerService"/>,
    /// <see cref="IGroupTagService"/>, <see cref="IUserGroupService"/>, <see cref="IWorkspaceAdmin"/>,
    /// <see cref="IExploApi"/>, <see cref="IExploService"/> and <see cref="IExploAuthorizer"/>. The options are
    /// checked when the host starts (<see cref="ExploOptionsValidator"/>): a bad value stops it with a sentence naming
    /// the setting. Choose the store on the returned builder: <see cref="ExploDomainBuilder.UseInMemory"/> or
    /// <c>UseLiteDb(path)</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets options in code (after any bound from configuration, when called first).</param>
    /// <returns>The builder.</returns>
    public static ExploDomainBuilder AddExploDomain(this IServiceCollection services, Action<ExploOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var section = ExploDomainBuilder.SectionOf(services);
        services.AddOptions<ExploOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExploOptions>, ExploOptionsValidator>(_ => new ExploOptionsValidator(section)));
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp => new ExploService(
            sp.GetService<IWorkspaceStore>()
                ?? throw new InvalidOperationException("No Explo store was chosen: call UseInMemory() or UseLiteDb(path) on AddExploDomain()."),
            sp.GetRequiredService<IOptions<ExploOptions>>().Value.ToServiceOptions()));
        services.TryAddSingleton<IExploService>(sp => sp.GetRequiredService<ExploService>());
        services.TryAddSingleton<IExploApi>(sp => sp.GetRequiredService<ExploService>());
        services.TryAddSingleton<ICustomerService>(sp => sp.GetRequiredService<ExploService>());
        services.TryAddSingleton<IGroupTagService>(sp => sp.GetRequiredService<ExploService>());
        services.TryAddSingleton<IUserGroupService>(sp => sp.GetRequiredService<ExploService>());
        services.TryAddSingleton<IWorkspaceAdmin>(sp => sp.GetRequiredService<ExploService>());
        services.TryAddSingleton<IExploAuthorizer>(sp => sp.GetRequiredService<ExploService>());
        return new ExploDomainBuilder(services);
    }
}
