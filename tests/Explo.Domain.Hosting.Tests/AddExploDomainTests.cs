using Explo.Domain.Hosting;
using Explo.Domain.InMemory;
using Explo.Domain.LiteDb;
using Explo.Domain.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace Explo.Domain.Hosting.Tests;

/// <summary>AddExploDomain: one service behind every port, the store the container owns.</summary>
public sealed class AddExploDomainTests
{
    [Fact]
    public void Every_port_is_the_same_service_over_the_chosen_store()
    {
        using var provider = new ServiceCollection().AddExploDomain().UseInMemory().Services.BuildServiceProvider();
        var service = provider.GetRequiredService<ExploService>();
        Assert.IsType<InMemoryWorkspaceStore>(provider.GetRequiredService<IWorkspaceStore>());
        Assert.Same(service, provider.GetRequiredService<ICustomerService>());
        Assert.Same(service, provider.GetRequiredService<IGroupTagService>());
        Assert.Same(service, provider.GetRequiredService<IUserGroupService>());
        Assert.Same(service, provider.GetRequiredService<IWorkspaceAdmin>());
        Assert.Same(service, provider.GetRequiredService<IExploApi>());
        Assert.Same(service, provider.GetRequiredService<IExploService>());
        Assert.Same(service, provider.GetRequiredService<IExploAuthorizer>());
    }

    [Fact]
    public void The_service_gets_the_configured_options()
    {
        var clock = new FixedClock();
        using var provider = new ServiceCollection()
            .AddExploDomain(o =>
            {
                o.MaxPageSize = 7;
                o.TimeProvider = clock;
            })
            .UseInMemory()
            .Services.BuildServiceProvider();
        Assert.Equal(ExploLimits.Default with { MaxPageSize = 7 }, provider.GetRequiredService<ExploService>().Limits);
    }

    [Fact]
    public async Task A_hosts_rule_added_through_the_options_guards_every_create()
    {
        await using var provider = new ServiceCollection()
            .AddExploDomain(o => o.CustomerRules.Add(new NameIsNotShouted()))
            .UseInMemory()
            .Services.BuildServiceProvider();
        var secret = (await provider.GetRequiredService<IWorkspaceAdmin>().CreateApiTokenAsync(Caller.Administrator(), new("Production"))).SuccessValue.Secret;
        var customers = provider.GetRequiredService<ICustomerService>();

        var shouted = await customers.GetOrCreateCustomerAsync(Caller.WithApiToken(secret), new("acme") { Name = "ACME" });
        var quiet = await customers.GetOrCreateCustomerAsync(Caller.WithApiToken(secret), new("acme") { Name = "Acme" });

        Assert.Equal(("name_shouted", "name"), (shouted.Failure?.Code, Assert.Single(Assert.IsType<ValidationFailed>(shouted.Failure).Violations).Field));
        Assert.True(quiet.IsSuccess);
    }

    /// <summary>A host's rule: a name is not written in capitals only.</summary>
    private sealed class NameIsNotShouted : Explo.Domain.Rules.Rule<Explo.Domain.Rules.CustomerProposal>
    {
        public override string Code => "name_shouted";

        public override IEnumerable<Violation> Check(Explo.Domain.Rules.CustomerProposal subject)
        {
            if (subject.Name is { Length: > 1 } name && name == name.ToUpperInvariant() && name != name.ToLowerInvariant())
            {
                yield return Broken("name", $"name '{name}' is in capitals only; write it as the customer writes it.");
            }
        }
    }

    [Fact]
    public void Without_a_store_the_error_says_how_to_choose_one()
    {
        using var provider = new ServiceCollection().AddExploDomain().Services.BuildServiceProvider();
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ICustomerService>());
        Assert.Contains("call UseInMemory() or UseLiteDb(path)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposing_the_container_releases_the_LiteDb_file()
    {
        using var temp = new TempDatabase();
        var path = temp.PathOf();
        var provider = new ServiceCollection().AddExploDomain().UseLiteDb(path).Services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            Assert.Same(provider.GetRequiredService<LiteDbWorkspaceStore>(), provider.GetRequiredService<IWorkspaceStore>());
            Assert.True((await provider.GetRequiredService<IWorkspaceAdmin>().InitializeWorkspaceAsync(Caller.Administrator())).IsSuccess);
            var created = await provider.GetRequiredService<ICustomerService>().GetOrCreateCustomerAsync(Caller.Administrator(), new CreateCustomerRequest("acme"));
            Assert.True(created.IsSuccess);
        }

        using var reopened = new LiteDbWorkspaceStore(path);
        var customer = await new ExploService(reopened).GetCustomerAsync(Caller.Administrator(), "acme");
        Assert.True(customer.IsSuccess);
    }

    [Fact]
    public async Task Closing_the_store_twice_does_nothing()
    {
        using var temp = new TempDatabase();
        var store = new LiteDbWorkspaceStore(temp.PathOf());
        await store.DisposeAsync();
        await store.DisposeAsync();
        store.Dispose();
        using var again = new LiteDbWorkspaceStore(temp.PathOf());
    }

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
