using Explo.Client;
using Explo.Domain;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="ExploClient"/> as a typed client of <c>IHttpClientFactory</c>.</summary>
public static class ExploClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ExploClient"/> as a typed client (transient, over a pooled handler of
    /// <c>IHttpClientFactory</c>) for the API at <paramref name="baseAddress"/>, holding <paramref name="apiToken"/>, and
    /// as the ports the API serves: <see cref="IExploApi"/>, <see cref="ICustomerService"/>,
    /// <see cref="IGroupTagService"/> and <see cref="IUserGroupService"/> (unless already registered, for example by
    /// <c>AddExploDomain</c>). Its requests go through the standard resilience handler (rate limiter, timeouts, retries,
    /// circuit breaker), whose retries are limited to idempotent requests (<c>GET</c>): the API's <c>POST</c>s and
    /// <c>DELETE</c>s create, change or remove, and are never sent twice.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="baseAddress">The API's root, for example <c>http://localhost:5080/</c>.</param>
    /// <param name="apiToken">The API token's secret.</param>
    /// <param name="resilience">Adjusts the resilience options (delays, timeouts) after the retry rule is set.</param>
    /// <returns>The typed client's builder, to configure its handlers further.</returns>
    public static IHttpClientBuilder AddExploClient(this IServiceCollection services, Uri baseAddress, string apiToken, Action<HttpStandardResilienceOptions>? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentException.ThrowIfNullOrEmpty(apiToken);
        var builder = services
            .AddHttpClient<ExploClient>(http => http.BaseAddress = baseAddress)
            .AddTypedClient(http => new ExploClient(http, apiToken));
        builder.AddStandardResilienceHandler(o =>
        {
            o.Retry.DisableForUnsafeHttpMethods();
            resilience?.Invoke(o);
        });
        services.TryAddTransient<IExploApi>(sp => sp.GetRequiredService<ExploClient>());
        services.TryAddTransient<ICustomerService>(sp => sp.GetRequiredService<ExploClient>());
        services.TryAddTransient<IGroupTagService>(sp => sp.GetRequiredService<ExploClient>());
        services.TryAddTransient<IUserGroupService>(sp => sp.GetRequiredService<ExploClient>());
        return builder;
    }
}
