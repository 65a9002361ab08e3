using System.Collections.Immutable;
using Explo.Domain.Ports;
using LiteDB;

namespace Explo.Domain.LiteDb.Tests;

/// <summary>
/// The store's writer: units of work run on its own thread; the units waiting when it is free commit as one group (one
/// LiteDB transaction), each deciding against the ones before it; a unit that can't be applied fails alone; a unit
/// cancelled while it waits is dropped; closing the store commits the units already queued.
/// </summary>
public sealed class GroupCommitTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDatabase _folder = new();
    private readonly Caller _admin = Caller.Administrator();

    public void Dispose() => _folder.Dispose();

    private static Customer Make(Workspace workspace, long id, string providedId, string token) =>
        new(new CustomerId(id), providedId, "n", token, false, ImmutableArray<string>.Empty, ImmutableArray<GroupTagId>.Empty,
            PropertyMap.Empty, OrderedMap<string>.Empty, workspace.RootLevel.Id, workspace.AccessGroups[0].Id, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1);

    [Fact]
    public async Task Units_of_work_run_on_the_store_s_writer_thread()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var caller = Environment.CurrentManagedThreadId;

        var (thread, name) = await store.WriteAsync(_ => new WriteDecision<(int, string?)>((Environment.CurrentManagedThreadId, Thread.CurrentThread.Name), null));

        Assert.NotEqual(caller, thread);
        Assert.Equal("Explo LiteDB writer", name);
    }

    [Fact]
    public async Task Get_or_creates_waiting_together_commit_in_one_transaction_and_each_sees_the_ones_before_it()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = new ExploService(store);
        Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("first"))).IsSuccess);
        var before = store.Commits;

        Task<Result<GetOrCreateResult>>[] requests;
        using (var held = new HeldWriter(store))
        {
            // Eight new ids, and the same new id eight times: all wait behind the held unit, then go as one group.
            requests = [
                .. Enumerable.Range(0, 8).Select(i => service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest($"new-{i}"))),
                .. Enumerable.Range(0, 8).Select(_ => service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("same")))];
            await Task.Delay(200);
            Assert.All(requests, r => Assert.False(r.IsCompleted));
            await held.ReleaseAsync();
        }

        var answers = await Task.WhenAll(requests);

        Assert.All(answers, a => Assert.True(a.IsSuccess));
        Assert.Equal(1, store.Commits - before);
        Assert.Single(answers.Select(a => a.SuccessValue.Customer.Id).Where((_, i) => i >= 8).Distinct());
        Assert.Single(answers.Where((a, i) => i >= 8 && a.SuccessValue.IsNew)); // the first of them created it, the rest found it
        Assert.Equal(10, store.ReadNow(r => r.CountCustomers(new CustomerQuery())));
        Assert.Equal(10, store.ReadNow(r => r.LastCustomerId));
        Assert.Equal(9, answers.Select(a => a.SuccessValue.Customer.Id).Distinct().Count());
        Assert.Empty(store.Invariants());

        // Durable as a group: the file holds all of them after reopening.
        store.Dispose();
        using var reopened = new LiteDbWorkspaceStore(_folder.PathOf());
        Assert.Equal(10, reopened.ReadNow(r => r.CountCustomers(new CustomerQuery())));
        Assert.Equal(11, reopened.CountEvents()); // the workspace's event, then one per customer
    }

    [Fact]
    public async Task Idempotent_writes_with_one_key_in_one_group_run_once_and_the_rest_get_the_first_answer()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = new ExploService(store);
        Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("first"))).IsSuccess);
        var before = store.Commits;
        var events = store.CountEvents();
        var key = new IdempotentRequest("one-key", "create same");

        Task<IdempotentReply>[] requests;
        using (var held = new HeldWriter(store))
        {
            // Decided in turn in one transaction: the later ones see the first one's key, staged but not yet committed.
            requests = [.. Enumerable.Range(0, 6).Select(i => service.RunIdempotentAsync(
                _admin,
                key,
                (c, t) => service.GetOrCreateCustomerAsync(c, new CreateCustomerRequest($"same-{i}"), t),
                r => new IdempotentReply(200, System.Text.Encoding.UTF8.GetBytes(r.SuccessValue.Customer.ProvidedId), null)))];
            await Task.Delay(200);
            await held.ReleaseAsync();
        }

        var answers = await Task.WhenAll(requests);

        Assert.Equal(1, store.Commits - before);
        Assert.Single(answers.Select(a => System.Text.Encoding.UTF8.GetString(a.Body)).Distinct());
        Assert.Equal(5, answers.Count(a => a.Replayed));
        Assert.Equal(events + 1, store.CountEvents());
    }

    [Fact]
    public async Task A_unit_the_file_refuses_fails_alone_and_the_others_of_its_group_commit()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = new ExploService(store);
        var taken = (await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("taken"))).SuccessValue.Customer;
        var tokenInUse = store.ReadNow(r => r.FindCustomer(taken.Id)!.Token);
        var before = store.Commits;
        var eventsBefore = store.CountEvents();

        Task<Result<GetOrCreateResult>> first, last;
        Task<int> refused;
        using (var held = new HeldWriter(store))
        {
            first = service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("a"));

            // A change set that breaks the unique token index (a bug in a caller): LiteDB refuses it at insert.
            refused = store.WriteAsync(r => new WriteDecision<int>(1, new ChangeSet(null, [], [Make(r.Workspace!, r.LastCustomerId + 1, "bad", tokenInUse)], []))).AsTask();
            last = service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("c"));
            await Task.Delay(200);
            await held.ReleaseAsync();
        }

        Assert.IsType<LiteException>((await Assert.ThrowsAsync<InvalidOperationException>(() => refused)).InnerException);
        Assert.True((await first).IsSuccess);
        Assert.True((await last).IsSuccess);

        // The group was rolled back and its units went alone: "a" and "c" committed, "bad" did not.
        Assert.Equal(2, store.Commits - before);
        Assert.Equal(["taken", "a", "c"], store.ReadNow(r => r.ListCustomers(new CustomerQuery(), 0, 10)).Select(c => c.ProvidedId));
        Assert.Null(store.ReadNow(r => r.FindCustomerByProvidedId("bad")));
        Assert.Equal(eventsBefore + 2, store.CountEvents());
        Assert.Empty(store.Invariants());
    }

    [Fact]
    public async Task A_unit_cancelled_while_it_waits_is_dropped_and_changes_nothing()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = new ExploService(store);
        Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("first"))).IsSuccess);
        var ran = false;

        using var cancel = new CancellationTokenSource();
        Task<int> dropped;
        Task<Result<GetOrCreateResult>> kept;
        using (var held = new HeldWriter(store))
        {
            dropped = store.WriteAsync(r => { ran = true; return new WriteDecision<int>(1, null); }, cancel.Token).AsTask();
            var cancelled = service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("never"), cancel.Token);
            kept = service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("kept"));
            await cancel.CancelAsync();

            // Answered at once, while the writer is still held.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
            await held.ReleaseAsync();
        }

        Assert.True((await kept).IsSuccess);
        Assert.False(ran);
        Assert.Null(store.ReadNow(r => r.FindCustomerByProvidedId("never")));
        Assert.Equal(2, store.ReadNow(r => r.CountCustomers(new CustomerQuery())));
    }

    [Fact]
    public async Task A_started_unit_ignores_a_later_cancellation_so_a_committed_change_is_never_reported_cancelled()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        using var cancel = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();

        var write = store.WriteAsync(
            r =>
            {
                started.Set();
                Assert.True(SpinWait.SpinUntil(() => cancel.IsCancellationRequested, Patience));
                return new WriteDecision<int>(7, new ChangeSet(Workspace.CreateDefault(), [], [], []));
            },
            cancel.Token).AsTask();
        Assert.True(started.Wait(Patience));
        await cancel.CancelAsync();

        Assert.Equal(7, await write);
        Assert.NotNull(store.ReadNow(r => r.Workspace));
    }

    [Fact]
    public async Task Closing_the_store_commits_the_units_already_queued_and_refuses_later_ones()
    {
        var path = _folder.PathOf();
        Task<Result<GetOrCreateResult>>[] queued;
        var store = new LiteDbWorkspaceStore(path);
        var service = new ExploService(store);
        using (var held = new HeldWriter(store))
        {
            queued = [.. Enumerable.Range(0, 5).Select(i => service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest($"q{i}")))];
            var closing = Task.Run(store.Dispose);
            await Task.Delay(200);
            Assert.False(closing.IsCompleted);
            await held.ReleaseAsync();
            await closing.WaitAsync(Patience);
        }

        Assert.All(await Task.WhenAll(queued), a => Assert.True(a.IsSuccess));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.WriteAsync(_ => new WriteDecision<int>(0, null)).AsTask());
        using var reopened = new LiteDbWorkspaceStore(path);
        Assert.Equal(5, reopened.ReadNow(r => r.CountCustomers(new CustomerQuery())));
    }

    [Fact]
    public async Task A_work_that_throws_answers_its_caller_with_the_exception_and_the_rest_of_its_group_commits()
    {
        using var store = new LiteDbWorkspaceStore(_folder.PathOf());
        var service = new ExploService(store);
        Assert.True((await service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("first"))).IsSuccess);
        var before = store.Commits;

        Task<int> thrown;
        Task<Result<GetOrCreateResult>> other;
        using (var held = new HeldWriter(store))
        {
            thrown = store.WriteAsync<int>(_ => throw new InvalidDataException("the work broke")).AsTask();
            other = service.GetOrCreateCustomerAsync(_admin, new CreateCustomerRequest("other"));
            await Task.Delay(200);
            await held.ReleaseAsync();
        }

        Assert.Equal("the work broke", (await Assert.ThrowsAsync<InvalidDataException>(() => thrown)).Message);
        Assert.True((await other).IsSuccess);
        Assert.Equal(1, store.Commits - before);
    }
}
