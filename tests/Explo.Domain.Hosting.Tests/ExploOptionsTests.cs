using Explo.Domain.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Explo.Domain.Hosting.Tests;

/// <summary>ExploOptions: bound from configuration, checked on start, the one source of the HTTP adapter's limits.</summary>
public sealed class ExploOptionsTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void The_limits_are_bound_from_the_section()
    {
        var configuration = Configuration(("Explo:MaxPageSize", "50"), ("Explo:MaxEmails", "3"), ("Explo:MaxJsonDepth", "10"), ("Explo:MaxEmbedTokenLifetime", "2.00:00:00"), ("Explo:IdempotencyKeyLifetime", "02:00:00"));
        var services = new ServiceCollection().AddSingleton(configuration);
        using var provider = services.AddExploDomain().UseInMemory().BindConfiguration().Services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<ExploOptions>>().Value;
        Assert.Equal(50, options.MaxPageSize);
        Assert.Equal(3, options.MaxEmails);
        Assert.Equal(10, options.MaxJsonDepth);
        Assert.Equal(ExploLimits.Default.MaxMappingEntries, options.MaxMappingEntries);
        Assert.Same(TimeProvider.System, options.TimeProvider);
        Assert.Equal(
            ExploLimits.Default with { MaxPageSize = 50, MaxEmails = 3, MaxJsonDepth = 10, MaxEmbedTokenLifetime = TimeSpan.FromDays(2), IdempotencyKeyLifetime = TimeSpan.FromHours(2) },
            provider.GetRequiredService<ExploService>().Limits);
    }

    [Fact]
    public void An_embed_token_lifetime_out_of_range_is_one_sentence_naming_it()
    {
        var configuration = Configuration(("Explo:MaxEmbedTokenLifetime", "00:00:00"));
        using var provider = new ServiceCollection().AddExploDomain().UseInMemory()
            .BindConfiguration(configuration.GetSection("Explo")).Services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ExploOptions>>().Value);
        Assert.Equal("Explo:MaxEmbedTokenLifetime must be between 00:00:01 and 366.00:00:00; it is 00:00:00.", Assert.Single(e.Failures));
    }

    [Theory]
    [InlineData("00:00:59", "00:00:59")]
    [InlineData("31.00:00:00", "31.00:00:00")]
    public void An_idempotency_key_lifetime_out_of_range_is_one_sentence_naming_it(string value, string shown)
    {
        var configuration = Configuration(("Explo:IdempotencyKeyLifetime", value));
        using var provider = new ServiceCollection().AddExploDomain().UseInMemory()
            .BindConfiguration(configuration.GetSection("Explo")).Services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ExploOptions>>().Value);
        Assert.Equal($"Explo:IdempotencyKeyLifetime must be between 00:01:00 and 30.00:00:00; it is {shown}.", Assert.Single(e.Failures));
    }

    [Fact]
    public void A_section_given_directly_is_bound_and_named()
    {
        var configuration = Configuration(("Services:Explo:MaxPageSize", "0"));
        using var provider = new ServiceCollection().AddExploDomain().UseInMemory()
            .BindConfiguration(configuration.GetSection("Services:Explo")).Services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ExploOptions>>().Value);
        Assert.Equal("Services:Explo:MaxPageSize must be between 1 and 100000; it is 0.", Assert.Single(e.Failures));
    }

    [Fact]
    public void Code_can_override_what_configuration_says()
    {
        var configuration = Configuration(("Explo:MaxPageSize", "50"));
        using var provider = new ServiceCollection().AddSingleton(configuration)
            .AddExploDomain().UseInMemory().BindConfiguration()
            .Services.Configure<ExploOptions>(o => o.MaxPageSize = 60)
            .BuildServiceProvider();
        Assert.Equal(60, provider.GetRequiredService<IOptions<ExploOptions>>().Value.MaxPageSize);
    }

    [Fact]
    public void Each_bad_value_is_a_sentence_naming_the_setting()
    {
        using var provider = new ServiceCollection()
            .AddExploDomain(o =>
            {
                o.MaxPageSize = 0;
                o.MaxEmails = -1;
                o.TimeProvider = null!;
            })
            .UseInMemory()
            .Services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ExploOptions>>().Value);
        Assert.Equal(
            [
                "Explo:MaxEmails must be between 1 and 100000; it is -1.",
                "Explo:MaxPageSize must be between 1 and 100000; it is 0.",
                "Explo:TimeProvider must be set; it is null.",
            ],
            e.Failures);
    }

    [Fact]
    public async Task A_bad_value_stops_the_host_on_start()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("Explo:MaxPageSize", "0")]);
        builder.Services.AddExploDomain().UseInMemory().BindConfiguration();
        using var host = builder.Build();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal("Explo:MaxPageSize must be between 1 and 100000; it is 0.", Assert.Single(e.Failures));
    }

    [Fact]
    public async Task Good_values_start_the_host()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("Explo:MaxPageSize", "10")]);
        builder.Services.AddExploDomain().UseInMemory().BindConfiguration();
        using var host = builder.Build();
        await host.StartAsync();
        Assert.Equal(10, host.Services.GetRequiredService<ExploService>().Limits.MaxPageSize);
        await host.StopAsync();
    }

    [Fact]
    public void The_http_adapter_takes_its_limits_from_the_options()
    {
        var configuration = Configuration(("Explo:MaxPageSize", "50"), ("Explo:MaxRequestBodyBytes", "4096"));
        var services = new ServiceCollection().AddSingleton(configuration);
        services.AddExploDomain().UseInMemory().BindConfiguration();
        services.AddExploApi(o => o.RateLimitPerMinute = 5);
        using var provider = services.BuildServiceProvider();
        var http = provider.GetRequiredService<IOptions<ExploHttpOptions>>().Value;
        Assert.Equal(provider.GetRequiredService<ExploService>().Limits, http.Limits);
        Assert.Equal(ExploLimits.Default with { MaxPageSize = 50, MaxRequestBodyBytes = 4096 }, http.Limits);
        Assert.Equal(5, http.RateLimitPerMinute);
    }

    [Fact]
    public void Limits_set_on_the_http_adapter_itself_still_win()
    {
        var services = new ServiceCollection();
        services.AddExploApi(o => o.Limits = ExploLimits.Default with { MaxPageSize = 3 });
        services.AddExploDomain(o => o.MaxPageSize = 50).UseInMemory();
        using var provider = services.BuildServiceProvider();
        Assert.Equal(3, provider.GetRequiredService<IOptions<ExploHttpOptions>>().Value.Limits.MaxPageSize);
    }

    [Fact]
    public async Task The_readme_composition_serves_one_set_of_limits()
    {
        using var temp = new TempDatabase();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddExploDomain(o => o.MaxPageSize = 500)
            .UseLiteDb(temp.PathOf())
            .BindConfiguration("Explo");
        builder.Services.AddExploApi();
        var app = builder.Build();
        await using (app.ConfigureAwait(false))
        {
            Assert.Equal(500, app.Services.GetRequiredService<ICustomerService>() is ExploService service ? service.Limits.MaxPageSize : 0);
            Assert.Equal(500, app.Services.GetRequiredService<IOptions<ExploHttpOptions>>().Value.Limits.MaxPageSize);
        }
    }

    [Fact]
    public void The_options_round_trip_the_service_options()
    {
        var service = new ExploServiceOptions { Limits = ExploLimits.Default with { MaxEmails = 4, MaxGroupTagsPerWorkspace = 9 }, CustomerRules = [new NoRule()] };
        var back = new ExploOptions().CopyFrom(service).ToServiceOptions();

        Assert.Equal(service.Limits, back.Limits);
        Assert.Same(service.TimeProvider, back.TimeProvider);
        Assert.Same(service.TokenGenerator, back.TokenGenerator);
        Assert.Equal(service.CustomerRules, back.CustomerRules);
    }

    private sealed class NoRule : Explo.Domain.Rules.Rule<Explo.Domain.Rules.CustomerProposal>
    {
        public override string Code => "no_rule";

        public override IEnumerable<Violation> Check(Explo.Domain.Rules.CustomerProposal subject) => [];
    }
}
