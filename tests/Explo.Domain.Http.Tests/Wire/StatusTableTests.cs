namespace Explo.Domain.Http.Tests.Wire;

public sealed class StatusTableTests
{
    [Fact]
    public void Every_kind_of_failure_has_its_status()
    {
        var statuses = Enum.GetValues<FailureKind>().ToDictionary(k => k, JsonOut.StatusOf);

        Assert.Equal(
            new Dictionary<FailureKind, int>
            {
                [FailureKind.Validation] = 400,
                [FailureKind.NotFound] = 404,
                [FailureKind.Conflict] = 409,
                [FailureKind.Forbidden] = 403,
                [FailureKind.Unauthorized] = 401,
            },
            statuses);
    }
}
