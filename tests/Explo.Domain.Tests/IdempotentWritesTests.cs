using System.Text;
using Explo.Domain.InMemory;

namespace Explo.Domain.Tests;

/// <summary>The in-process side of idempotency keys that the contract does not reach: the key's checks, and what a replayed write's call sees.</summary>
public sealed class IdempotentWritesTests
{
    private static readonly Caller Admin = Caller.Administrator();

    private static IdempotentReply Render<T>(Result<T> result) =>
        new(result.IsSuccess ? 200 : 409, Encoding.UTF8.GetBytes(result.IsSuccess ? "ok" : result.Failure!.Code), null);

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(" lead", "starts or ends with a space")]
    [InlineData("trail ", "starts or ends with a space")]
    [InlineData("new\nline", "not printable ASCII")]
    [InlineData("caf\u00e9", "not printable ASCII")]
    public async Task A_key_the_edge_could_not_carry_is_refused_naming_the_field_and_nothing_runs(string key, string problem)
    {
        var service = new ExploService(new InMemoryWorkspaceStore());
        var ran = false;

        var reply = await service.RunIdempotentAsync(Admin, new IdempotentRequest(key, "f"), (c, t) =>
        {
            ran = true;
            return service.GetOrCreateCustomerAsync(c, new CreateCustomerRequest("acme"), t);
        }, Render);

        Assert.False(ran);
        Assert.Equal("invalid_idempotency_key", Encoding.UTF8.GetString(reply.Body));
        var failure = Assert.IsType<ValidationFailed>(IdempotentRequest.Check(key));
        Assert.Equal("Idempotency-Key", failure.Violations[0].Field);
        Assert.Contains(problem, failure.Violations[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_of_1_and_255_printable_characters_are_taken_and_256_is_not()
    {
        Assert.Null(IdempotentRequest.Check("k"));
        Assert.Null(IdempotentRequest.Check(new string('~', 255)));
        Assert.Null(IdempotentRequest.Check("a key with inner spaces"));
        Assert.Contains("256 characters long", IdempotentRequest.Check(new string('k', 256))!.Violations[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replayed_write_s_call_sees_the_replay_marker_and_the_runner_answers_the_stored_reply()
    {
        var service = new ExploService(new InMemoryWorkspaceStore());
        var request = new IdempotentRequest("k", "create acme");
        Task<IdempotentReply> Run(List<Result<GetOrCreateResult>> seen) => service.RunIdempotentAsync(Admin, request, async (c, t) =>
        {
            var result = await service.GetOrCreateCustomerAsync(c, new CreateCustomerRequest("acme"), t);
            seen.Add(result);
            return result;
        }, Render);

        var firstSeen = new List<Result<GetOrCreateResult>>();
        var first = await Run(firstSeen);
        var repeatSeen = new List<Result<GetOrCreateResult>>();
        var repeat = await Run(repeatSeen);

        Assert.True(firstSeen.Single().IsSuccess);
        Assert.False(first.Replayed);
        Assert.Equal(ErrorCodes.IdempotentReplay, repeatSeen.Single().Failure!.Code);
        Assert.True(repeat.Replayed);
        Assert.Equal(first.Body, repeat.Body);
    }

    [Fact]
    public async Task A_key_does_not_cover_a_read()
    {
        var service = new ExploService(new InMemoryWorkspaceStore());
        await service.GetOrCreateCustomerAsync(Admin, new CreateCustomerRequest("acme"));
        var request = new IdempotentRequest("k", "get acme");

        var first = await service.RunIdempotentAsync(Admin, request, (c, t) => service.GetCustomerAsync(c, "acme", t), Render);
        var second = await service.RunIdempotentAsync(Admin, request, (c, t) => service.GetCustomerAsync(c, "acme", t), Render);

        Assert.False(first.Replayed);
        Assert.False(second.Replayed);
    }
}
