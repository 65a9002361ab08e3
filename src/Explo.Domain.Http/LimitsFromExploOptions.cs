using Explo.Domain.Hosting;
using Microsoft.Extensions.Options;

namespace Explo.Domain.Http;

/// <summary>Sets <see cref="ExploHttpOptions.Limits"/> from <see cref="ExploOptions"/>: the service's limits are the endpoints'.</summary>
internal sealed class LimitsFromExploOptions(IOptions<ExploOptions> explo) : IConfigureOptions<ExploHttpOptions>
{
    public void Configure(ExploHttpOptions options) => options.Limits = explo.Value.ToLimits();
}
