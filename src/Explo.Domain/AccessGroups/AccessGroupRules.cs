using Explo.Domain.GroupTags;
using Explo.Domain.Rules;

namespace Explo.Domain.AccessGroups;

/// <summary>A DVG name: 1-64 characters, no control characters, no outer white space.</summary>
internal sealed class AccessGroupNameIsValid : Rule<NameProposal>
{
    public const int MaxLength = 64;

    public override string Code => "invalid_access_group_name";

    public override IEnumerable<Violation> Check(NameProposal subject)
    {
        if (TextChecks.Problem(subject.Field, subject.Name, MaxLength, forbidOuterWhiteSpace: true) is { } problem)
        {
            yield return Broken(subject.Field, problem);
        }
    }
}

/// <summary>A looked-up identifier (a provided id, a token): present and at most 255 characters.</summary>
internal sealed class IdentifierIsValid : Rule<NameProposal>
{
    public override string Code => "invalid_identifier";

    public override IEnumerable<Violation> Check(NameProposal subject)
    {
        if (TextChecks.Problem(subject.Field, subject.Name, 255) is { } problem)
        {
            yield return Broken(subject.Field, problem);
        }
    }
}
