using System.Text;
using System.Text.Json;

namespace Explo.Domain.ContractTests;

/// <summary>
/// The base of every contract suite. A fresh store per test, with a fixed clock and predictable tokens, and:
/// <see cref="Writer"/> (read-write, DVG Production), <see cref="ReadOnly"/> (read-only, Production),
/// <see cref="OtherWriter"/> (read-write, DVG Development), <see cref="Admin"/> (the host's administrator).
/// Levels are the new workspace's Customer (root) and User unless a test adds more.
/// </summary>
public abstract class ContractTestBase : IDisposable
{
    protected static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected ContractTestBase()
    {
        Clock = new ManualTimeProvider(Start);
        Tokens = new SequentialTokenGenerator();
        Sut = CreateService(new ExploServiceOptions { TimeProvider = Clock, TokenGenerator = Tokens });
        Admin = Caller.Administrator();
        Assert.True(AdminService.AddAccessGroupAsync(Admin, "Development").GetAwaiter().GetResult().IsSuccess);
        Writer = Caller.WithApiToken(NewToken("Production", readOnly: false));
        ReadOnly = Caller.WithApiToken(NewToken("Production", readOnly: true));
        OtherWriter = Caller.WithApiToken(NewToken("Development", readOnly: false));
    }

    /// <summary>Builds the adapter under test over a new, empty store.</summary>
    protected abstract ServiceUnderTest CreateService(ExploServiceOptions options);

    protected ServiceUnderTest Sut { get; }

    protected ManualTimeProvider Clock { get; }

    protected SequentialTokenGenerator Tokens { get; }

    /// <summary>The port under test.</summary>
    protected IExploApi Api => Sut.Api;

    /// <summary>In-process service on the same store, for set-up and snapshots.</summary>
    protected IExploService AdminService => Sut.Admin;

    protected Caller Admin { get; }

    protected Caller Writer { get; }

    protected Caller ReadOnly { get; }

    protected Caller OtherWriter { get; }

    public void Dispose()
    {
        Sut.Dispose();
        GC.SuppressFinalize(this);
    }

    protected string NewToken(string accessGroup, bool readOnly) =>
        AdminService.CreateApiTokenAsync(Admin, new CreateApiTokenRequest(accessGroup, readOnly, "test")).GetAwaiter().GetResult().SuccessValue.Secret;

    /// <summary>Creates a customer through the port under test and asserts it was new.</summary>
    protected async Task<CustomerView> Create(string providedId, string? level = null, string? parent = null, Caller? caller = null, Func<CreateCustomerRequest, CreateCustomerRequest>? with = null)
    {
        var request = new CreateCustomerRequest(providedId) { HierarchyLevelName = level, ParentProvidedId = parent };
        if (with is not null)
        {
            request = with(request);
        }

        var result = await Api.GetOrCreateCustomerAsync(caller ?? Writer, request);
        Assert.True(result.IsSuccess, $"creating {providedId} failed: {result}");
        Assert.True(result.SuccessValue.IsNew, $"{providedId} already existed");
        return result.SuccessValue.Customer;
    }

    /// <summary>Adds a level below the one named (or at the bottom) as administrator.</summary>
    protected async Task AddLevel(string name, string? after = null)
    {
        var result = await AdminService.AddLevelAsync(Admin, name, after);
        Assert.True(result.IsSuccess, result.ToString());
    }

    protected async Task CreateTag(string name)
    {
        var result = await AdminService.CreateGroupTagAsync(Admin, name);
        Assert.True(result.IsSuccess, result.ToString());
    }

    /// <summary>Gets a customer (any DVG) through the in-process admin service.</summary>
    protected async Task<CustomerView> Get(string providedId) =>
        (await AdminService.GetCustomerAsync(Admin, providedId)).SuccessValue;

    /// <summary>Asserts a failure of the given type and code and returns it.</summary>
    protected static TFailure AssertFails<TFailure, T>(Result<T> result, string code)
        where TFailure : Failure
    {
        Assert.False(result.IsSuccess, $"expected {typeof(TFailure).Name} {code}, got {result}");
        var failure = Assert.IsType<TFailure>(result.Failure);
        Assert.Equal(code, failure.Code);
        Assert.False(string.IsNullOrWhiteSpace(failure.Message));
        return failure;
    }

    /// <summary>Asserts a validation failure that lists a violation with the given code (and field, when given).</summary>
    protected static Violation AssertViolation<T>(Result<T> result, string code, string? field = null)
    {
        Assert.False(result.IsSuccess, $"expected violation {code}, got {result}");
        var failure = Assert.IsType<ValidationFailed>(result.Failure);
        var violation = failure.Violations.FirstOrDefault(v => v.Code == code && (field is null || v.Field == field));
        Assert.True(violation is not null, $"expected violation {code} on {field ?? "any field"}; got {string.Join("; ", failure.Violations)}");
        Assert.Contains(violation!.Field.Split('[', '.')[0], violation.Message, StringComparison.Ordinal);
        return violation;
    }

    /// <summary>
    /// The whole observable state as canonical text: every customer (all DVGs, every field, version and timestamps),
    /// tags, levels, DVGs, API tokens, data sources, and the number of stored events.
    /// </summary>
    protected Task<string> Snapshot() => Snapshot(Sut);

    /// <summary>The whole observable state of another service under test (one a test built with its own options).</summary>
    protected async Task<string> Snapshot(ServiceUnderTest sut)
    {
        var service = sut.Admin;
        var text = new StringBuilder();
        foreach (var c in (await service.ListCustomersAsync(Admin, new CustomerFilter())).SuccessValue)
        {
            text.Append(c.Id).Append('|').Append(c.ProvidedId).Append('|').Append(c.Name).Append('|').Append(c.Token)
                .Append('|').Append(c.IsDemoGroup).Append('|').AppendJoin(',', c.Emails).Append('|').AppendJoin(',', c.GroupTags)
                .Append('|').Append(PropertyMap.ToJson(c.Properties)).Append('|').AppendJoin(',', c.Mapping.Select(m => $"{m.Key}={m.Value}"))
                .Append('|').Append(c.HierarchyLevel).Append('|').Append(c.AccessGroup).Append('|').Append(c.ParentProvidedId)
                .Append('|').Append(PropertyMap.ToJson(c.ComputedProperties)).Append('|').AppendJoin(',', c.ComputedMapping.Select(m => $"{m.Key}={m.Value}"))
                .Append('|').AppendJoin(',', c.ComputedGroupTags).Append('|').Append(c.CreatedAt.ToUnixTimeMilliseconds())
                .Append('|').Append(c.UpdatedAt.ToUnixTimeMilliseconds()).Append('|').Append(c.Version).AppendLine();
        }

        text.AppendLine("tags: " + string.Join(",", (await service.ListGroupTagsAsync(Admin)).SuccessValue.Select(t => t.Name)));
        text.AppendLine("levels: " + string.Join(",", (await service.ListLevelsAsync(Admin)).SuccessValue));
        text.AppendLine("dvgs: " + string.Join(",", (await service.ListAccessGroupsAsync(Admin)).SuccessValue));
        text.AppendLine("tokens: " + string.Join(",", (await service.ListApiTokensAsync(Admin)).SuccessValue));
        text.AppendLine("sources: " + JsonSerializer.Serialize((await service.ListDataSourcesAsync(Admin)).SuccessValue));
        text.AppendLine("events: " + sut.EventCount());
        return text.ToString();
    }

    /// <summary>Runs a call that must fail, and asserts the whole state is exactly as it was before.</summary>
    protected Task<Result<T>> RejectedWithoutChange<T>(Func<Task<Result<T>>> call) => RejectedWithoutChange(Sut, call);

    /// <summary>Runs a call on another service under test that must fail, and asserts its whole state is as it was.</summary>
    protected async Task<Result<T>> RejectedWithoutChange<T>(ServiceUnderTest sut, Func<Task<Result<T>>> call)
    {
        var before = await Snapshot(sut);
        var result = await call();
        Assert.False(result.IsSuccess, $"expected a failure, got {result}");
        Assert.Equal(before, await Snapshot(sut));
        return result;
    }

    /// <summary>Every field of a customer view (computed fields, version and timestamps included) as canonical text.</summary>
    protected static string Describe(CustomerView c) =>
        new StringBuilder()
            .Append(c.Id).Append('|').Append(c.ProvidedId).Append('|').Append(c.Name).Append('|').Append(c.Token)
            .Append('|').Append(c.IsDemoGroup).Append('|').AppendJoin(',', c.Emails).Append('|').AppendJoin(',', c.GroupTags)
            .Append('|').Append(PropertyMap.ToJson(c.Properties)).Append('|').AppendJoin(',', c.Mapping.Select(m => $"{m.Key}={m.Value}"))
            .Append('|').Append(c.HierarchyLevel).Append('|').Append(c.AccessGroup).Append('|').Append(c.ParentProvidedId)
            .Append('|').Append(PropertyMap.ToJson(c.ComputedProperties)).Append('|').AppendJoin(',', c.ComputedMapping.Select(m => $"{m.Key}={m.Value}"))
            .Append('|').AppendJoin(',', c.ComputedGroupTags).Append('|').Append(c.CreatedAt.ToUnixTimeMilliseconds())
            .Append('|').Append(c.UpdatedAt.ToUnixTimeMilliseconds()).Append('|').Append(c.Version)
            .ToString();
}
