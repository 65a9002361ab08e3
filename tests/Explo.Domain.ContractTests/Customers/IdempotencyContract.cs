using System.Text;

namespace Explo.Domain.ContractTests.Customers;

/// <summary>
/// Idempotency keys (issue 17, point 3): the first write with a key runs and its answer is stored with its change; a
/// repeat with the same request gets that answer and changes nothing; the same key for another request is refused; a
/// failed write stores nothing; keys are per token and expire. In process through <see cref="IIdempotentWrites"/>, over
/// HTTP through the client's <c>WithIdempotencyKey</c> (the server fingerprints the body).
/// </summary>
public abstract class IdempotencyContract : ContractTestBase
{
    /// <summary>
    /// Runs a write under a key and answers it as text: in process, the stored reply's bytes (rendered by
    /// <see cref="Render{T}"/>); over HTTP, the client's result rendered the same way. <paramref name="request"/> names
    /// the request in process (its fingerprint); over HTTP the body is the fingerprint.
    /// </summary>
    private async Task<string> Keyed<T>(string key, string request, Caller caller, Func<IExploApi, Caller, Task<Result<T>>> call)
    {
        if (Sut.WithIdempotencyKey is { } keyed)
        {
            return Text(Render(await call(keyed(key), caller)));
        }

        var runner = Assert.IsAssignableFrom<IIdempotentWrites>(Api);
        return Text(await runner.RunIdempotentAsync(caller, new IdempotentRequest(key, request), (c, _) => call(Api, c), Render));
    }

    private static string Text(IdempotentReply reply) => Encoding.UTF8.GetString(reply.Body);

    private static IdempotentReply Render<T>(Result<T> result) => result.Match(
        value => new IdempotentReply(200, Encoding.UTF8.GetBytes(value switch
        {
            GetOrCreateResult r => (r.IsNew ? "new|" : "found|") + Describe(r.Customer),
            CustomerView c => Describe(c),
            DeleteResult d => "deleted|" + string.Join(",", d.DeletedProvidedIds),
            ImportResult i => $"imported|{i.Created}|{i.Existing}|{string.Join(",", i.Errors.Select(e => $"{e.Row}:{e.Failure.Code}"))}",
            GroupTagView t => "tag|" + t.Name,
            _ => value!.ToString()!,
        }), null),
        failure => new IdempotentReply(409, Encoding.UTF8.GetBytes("fail:" + failure.Code), null));

    private Task<string> CreateKeyed(string key, string providedId, Caller? caller = null, string? name = null) =>
        Keyed(key, $"create {providedId} {name}", caller ?? Writer, (api, c) => api.GetOrCreateCustomerAsync(c, new CreateCustomerRequest(providedId) { Name = name }));

    [Fact]
    public async Task Ten_concurrent_retries_of_a_create_make_one_customer_one_event_and_ten_identical_answers()
    {
        var before = Sut.EventCount();
        using var start = new ManualResetEventSlim();
        var retries = Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await CreateKeyed("create-acme", "acme", name: "Acme");
        })).ToList();
        start.Set();
        var answers = await Task.WhenAll(retries);

        Assert.Single(answers.Distinct());
        Assert.StartsWith("new|", answers[0], StringComparison.Ordinal);
        Assert.Equal(before + 1, Sut.EventCount());
        Assert.Equal(["acme"], (await Api.ListCustomersAsync(Writer, new CustomerFilter())).SuccessValue.Select(c => c.ProvidedId));
    }

    [Fact]
    public async Task A_repeat_gets_the_stored_answer_even_after_later_changes_and_changes_nothing()
    {
        await Create("acme");
        var first = await Keyed("rename", "rename acme", Writer, (api, c) => api.UpdateCustomerAsync(c, new UpdateCustomerRequest("acme") { Name = "Acme Inc" }));
        Assert.Contains("|Acme Inc|", first, StringComparison.Ordinal);
        Assert.True((await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Name = "Later" })).IsSuccess);
        var before = await Snapshot();

        var repeat = await Keyed("rename", "rename acme", Writer, (api, c) => api.UpdateCustomerAsync(c, new UpdateCustomerRequest("acme") { Name = "Acme Inc" }));

        Assert.Equal(first, repeat);
        Assert.Equal(before, await Snapshot());
        Assert.Equal("Later", (await Get("acme")).Name);
    }

    [Fact]
    public async Task A_write_that_changes_nothing_still_keeps_its_answer()
    {
        await Create("acme");
        var first = await CreateKeyed("again", "acme");
        Assert.StartsWith("found|", first, StringComparison.Ordinal);
        await Api.UpdateCustomerAsync(Writer, new UpdateCustomerRequest("acme") { Name = "Changed" });

        Assert.Equal(first, await CreateKeyed("again", "acme"));
    }

    [Fact]
    public async Task The_same_key_for_another_request_is_refused_and_changes_nothing()
    {
        await CreateKeyed("k", "acme");
        var before = await Snapshot();

        var other = await CreateKeyed("k", "globex");

        Assert.Equal("fail:idempotency_key_reused", other);
        Assert.Equal(before, await Snapshot());
        AssertFails<NotFound, CustomerView>(await Api.GetCustomerAsync(Writer, "globex"), "customer_not_found");
    }

    [Fact]
    public async Task Keys_belong_to_their_token()
    {
        await CreateKeyed("shared", "acme");

        var theirs = await CreateKeyed("shared", "globex", OtherWriter);

        Assert.StartsWith("new|", theirs, StringComparison.Ordinal);
        Assert.True((await Api.GetCustomerAsync(OtherWriter, "globex")).IsSuccess);
    }

    [Fact]
    public async Task A_failed_write_stores_nothing_so_its_repeat_runs_again()
    {
        Task<string> Update() => Keyed("update-bob", "update bob", Writer, (api, c) => api.UpdateCustomerAsync(c, new UpdateCustomerRequest("bob") { Name = "Bob" }));

        Assert.Equal("fail:customer_not_found", await Update());
        await Create("bob");

        Assert.Contains("|Bob|", await Update(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_holds_for_its_lifetime_and_then_runs_as_new()
    {
        await CreateKeyed("k", "acme");
        Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.Equal("fail:idempotency_key_reused", await CreateKeyed("k", "globex"));

        Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.StartsWith("new|", await CreateKeyed("k", "globex"), StringComparison.Ordinal);
        Assert.Equal("fail:idempotency_key_reused", await CreateKeyed("k", "acme"));
    }

    [Fact]
    public async Task A_retried_delete_gets_its_first_answer_not_a_not_found()
    {
        var acme = await Create("acme");
        var first = await Keyed("delete", "delete acme", Writer, (api, c) => api.DeleteCustomerAsync(c, new DeleteCustomerRequest(acme.Token)));
        var events = Sut.EventCount();

        var repeat = await Keyed("delete", "delete acme", Writer, (api, c) => api.DeleteCustomerAsync(c, new DeleteCustomerRequest(acme.Token)));

        Assert.Equal("deleted|acme", first);
        Assert.Equal(first, repeat);
        Assert.Equal(events, Sut.EventCount());
    }

    [Fact]
    public async Task A_retried_import_gets_its_first_answer_and_imports_nothing_again()
    {
        await Create("acme");
        IReadOnlyList<CreateCustomerRequest> rows = [new("a1"), new("a2") { ParentProvidedId = "acme", HierarchyLevelName = "User" }, new("acme"), new("a3") { HierarchyLevelName = "Nowhere" }, new("a4")];
        Task<string> Import() => Keyed("import", "import a1..a4", Writer, (api, c) => api.ImportCustomersAsync(c, rows, new ImportOptions { BatchSize = 2 }));

        var first = await Import();
        var before = await Snapshot();
        var events = Sut.EventCount();

        var repeat = await Import();

        Assert.Equal("imported|3|1|3:unknown_hierarchy_level", first);
        Assert.Equal(first, repeat);
        Assert.Equal(before, await Snapshot());
        Assert.Equal(events, Sut.EventCount());
    }
}
