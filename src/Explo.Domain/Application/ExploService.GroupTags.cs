using Explo.Domain.GroupTags;
using Explo.Domain.Rules;

namespace Explo.Domain;

public sealed partial class ExploService
{
    /// <inheritdoc />
    public Task<Result<IReadOnlyList<GroupTagView>>> ListGroupTagsAsync(Caller caller, CancellationToken cancellationToken = default) =>
        Run(caller, Access.Read, cancellationToken, unit =>
            Result<IReadOnlyList<GroupTagView>>.Success(unit.Reader.ListGroupTags().Select(t => new GroupTagView(t.Name)).ToList()));

    /// <inheritdoc />
    public Task<Result<GroupTagView>> CreateGroupTagAsync(Caller caller, string name, CancellationToken cancellationToken = default) =>
        Run<GroupTagView>(caller, Access.Write, cancellationToken, unit =>
        {
            if (RuleSets.GroupTagName.Validate(new NameProposal(FieldNames.Name, name)) is { } invalid)
            {
                return invalid;
            }

            if (unit.FindGroupTag(name) is not null)
            {
                return new Conflict(ErrorCodes.GroupTagExists, $"A group tag named {TextChecks.Quote(name)} already exists.");
            }

            var limit = unit.Limits.MaxGroupTagsPerWorkspace;
            if (unit.CountGroupTags() is var count && count >= limit)
            {
                return new Conflict(RuleCodes.TooManyGroupTags, $"The workspace holds {count} group tags, and the limit is {limit} group tags per workspace; delete a group tag before creating another.");
            }

            var (id, workspace) = unit.Workspace.AllocateId();
            var tag = new GroupTag(new GroupTagId(id), name);
            unit.Replace(workspace);
            unit.PutGroupTag(tag);
            unit.Emit(new GroupTagCreated(tag.Id, tag.Name) { OccurredAt = unit.Now });
            return new GroupTagView(tag.Name);
        });

    /// <inheritdoc />
    public Task<Result<GroupTagView>> RenameGroupTagAsync(Caller caller, string name, string newName, CancellationToken cancellationToken = default) =>
        Run<GroupTagView>(caller, Access.Write, cancellationToken, unit =>
        {
            var violations = RuleSets.Identifier.Check(new NameProposal(FieldNames.Name, name))
                .Concat(RuleSets.GroupTagName.Check(new NameProposal(FieldNames.NewName, newName)))
                .ToList();
            if (violations.Count > 0)
            {
                return new ValidationFailed(violations);
            }

            if (unit.FindGroupTag(name) is not { } tag)
            {
                return GroupTagNotFound(name);
            }

            if (string.Equals(name, newName, StringComparison.Ordinal))
            {
                return new GroupTagView(tag.Name);
            }

            if (unit.FindGroupTag(newName) is not null)
            {
                return new Conflict(ErrorCodes.GroupTagExists, $"A group tag named {TextChecks.Quote(newName)} already exists.");
            }

            var renamed = tag with { Name = newName };
            unit.PutGroupTag(renamed);
            unit.Emit(new GroupTagRenamed(tag.Id, tag.Name, newName) { OccurredAt = unit.Now });
            return new GroupTagView(newName);
        });

    /// <inheritdoc />
    public Task<Result<Done>> DeleteGroupTagAsync(Caller caller, string name, CancellationToken cancellationToken = default) =>
        Run<Done>(caller, Access.Write, cancellationToken, unit =>
        {
            if (RuleSets.Identifier.Validate(new NameProposal(FieldNames.Name, name)) is { } invalid)
            {
                return invalid;
            }

            if (unit.FindGroupTag(name) is not { } tag)
            {
                return GroupTagNotFound(name);
            }

            var carriers = unit.Reader.CustomersWithGroupTag(tag.Id);
            foreach (var customer in carriers)
            {
                var next = customer.Next(unit.Now, groupTags: customer.GroupTags.Remove(tag.Id));
                unit.Upsert(next);
                unit.Emit(new CustomerUpdated(next.Id, next.ProvidedId, [FieldNames.GroupTags]) { OccurredAt = unit.Now, AccessGroupId = next.AccessGroupId });
            }

            unit.DeleteGroupTag(tag);
            unit.Emit(new GroupTagDeleted(tag.Id, tag.Name, carriers.Count) { OccurredAt = unit.Now });
            return Done.Instance;
        });

    private static NotFound GroupTagNotFound(string name) =>
        new(ErrorCodes.GroupTagNotFound, $"No group tag is named {TextChecks.Quote(name)}.");
}
