using Explo.Domain.Rules;

namespace Explo.Domain.GroupTags;

/// <summary><c>group_tags</c>: at most the limit (100) per customer.</summary>
internal sealed class GroupTagCountWithinLimit : Rule<CustomerProposal>
{
    public override string Code => "too_many_group_tags";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.GroupTagNames is { } names)
        {
            var count = names.Distinct(StringComparer.Ordinal).Count();
            if (count > subject.Limits.MaxGroupTagsPerCustomer)
            {
                yield return Broken(FieldNames.GroupTags, $"group_tags may hold at most {subject.Limits.MaxGroupTagsPerCustomer} tags; it has {count}.");
            }
        }
    }
}

/// <summary>Hierarchy rule 5: group tags named on create or update must exist.</summary>
internal sealed class GroupTagsExist : Rule<CustomerProposal>
{
    public override string Code => "unknown_group_tag";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.GroupTagNames is not { } names)
        {
            yield break;
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] is null || subject.GroupTags.FindGroupTag(names[i]) is null)
            {
                yield return Broken($"{FieldNames.GroupTags}[{i}]", $"group_tags[{i}] names the group tag {TextChecks.Quote(names[i] ?? "null")}, which does not exist; create it first with create_group_tag.");
            }
        }
    }
}

/// <summary>The subject of the name rules of tags, levels and DVGs.</summary>
/// <param name="Field">The field carrying the name.</param>
/// <param name="Name">The name.</param>
public sealed record NameProposal(string Field, string? Name);

/// <summary>A group tag name: 1-128 characters, no leading or trailing white space.</summary>
internal sealed class GroupTagNameIsValid : Rule<NameProposal>
{
    public const int MaxLength = 128;

    public override string Code => "invalid_group_tag_name";

    public override IEnumerable<Violation> Check(NameProposal subject)
    {
        if (TextChecks.Problem(subject.Field, subject.Name, MaxLength, forbidOuterWhiteSpace: true) is { } problem)
        {
            yield return Broken(subject.Field, problem);
        }
    }
}
