namespace Explo.Domain.Rules;

/// <summary>The subject of the paging rules.</summary>
/// <param name="Page">The requested page.</param>
/// <param name="PageSize">The requested page size.</param>
/// <param name="Limits">The limits in force.</param>
public sealed record PageProposal(int Page, int PageSize, ExploLimits Limits);

/// <summary><c>page</c> is 1 or more.</summary>
internal sealed class PageIsPositive : Rule<PageProposal>
{
    public override string Code => "invalid_page";

    public override IEnumerable<Violation> Check(PageProposal subject)
    {
        if (subject.Page < 1)
        {
            yield return Broken(FieldNames.Page, $"page must be 1 or more; it is {subject.Page}.");
        }
    }
}

/// <summary><c>page_size</c> is 1 to the limit (1000).</summary>
internal sealed class PageSizeWithinLimit : Rule<PageProposal>
{
    public override string Code => "invalid_page_size";

    public override IEnumerable<Violation> Check(PageProposal subject)
    {
        if (subject.PageSize < 1 || subject.PageSize > subject.Limits.MaxPageSize)
        {
            yield return Broken(FieldNames.PageSize, $"page_size must be between 1 and {subject.Limits.MaxPageSize}; it is {subject.PageSize}.");
        }
    }
}
