using Explo.Domain.AccessGroups;
using Explo.Domain.Customers;
using Explo.Domain.DataSources;
using Explo.Domain.GroupTags;
using Explo.Domain.Hierarchy;

namespace Explo.Domain.Rules;

/// <summary>The rule sets of the use cases, each a list read top to bottom.</summary>
public static class RuleSets
{
    /// <summary>Every create and update of a customer.</summary>
    public static RuleSet<CustomerProposal> Customer { get; } = new(
        new ProvidedIdIsValid(),
        new NameIsValid(),
        new EmailsAreValid(),
        new EmailCountWithinLimit(),
        new GroupTagCountWithinLimit(),
        new GroupTagsExist(),
        new PropertyKeysAreValid(),
        new PropertiesSizeWithinLimit(),
        new PropertiesDepthWithinLimit(),
        new MappingCountWithinLimit(),
        new MappingEntriesAreValid(),
        new MappingNamesVisibleDataSources(),
        new LevelExists(),
        new LevelRequiredWithParent(),
        new ParentExists(),
        new ParentInSameAccessGroup(),
        new ParentLevelHigher(),
        new NoCycle(),
        new ChildrenStayBelow());

    /// <summary>The filters of the customer lists: a named level and parent must exist.</summary>
    public static RuleSet<CustomerProposal> CustomerFilter { get; } = new(new LevelExists(), new ParentExists());

    /// <summary>
    /// A <c>provided_id</c> (or legacy <c>user_group_id</c>) that looks a customer up (get, update): the customer rule of
    /// the same code, in its lookup form (<see cref="CustomerProposal.ProvidedIdIsLookup"/>).
    /// </summary>
    public static RuleSet<CustomerProposal> ProvidedIdLookup { get; } = new(new ProvidedIdIsValid());

    /// <summary>Group tag names (create, rename).</summary>
    public static RuleSet<NameProposal> GroupTagName { get; } = new(new GroupTagNameIsValid());

    /// <summary>Hierarchy level names (add, rename).</summary>
    public static RuleSet<NameProposal> LevelName { get; } = new(new LevelNameIsValid());

    /// <summary>DVG names (add, rename).</summary>
    public static RuleSet<NameProposal> AccessGroupName { get; } = new(new AccessGroupNameIsValid());

    /// <summary>Identifiers used to look something up (provided ids, tokens, data source ids).</summary>
    public static RuleSet<NameProposal> Identifier { get; } = new(new IdentifierIsValid());

    /// <summary>The v2 list's paging.</summary>
    public static RuleSet<PageProposal> Page { get; } = new(new PageIsPositive(), new PageSizeWithinLimit());

    /// <summary>Who may run an operation (failures are <see cref="Forbidden"/>).</summary>
    public static RuleSet<AccessProposal> Access { get; } = new(new AdminOperationNeedsAdministrator(), new WriteNeedsReadWriteToken());

    /// <summary>The request envelope's limits, checked by transports.</summary>
    public static RuleSet<RequestEnvelope> Request { get; } = new(new BodySizeWithinLimit(), new JsonDepthWithinLimit());

    /// <summary>Every rule code of every rule set.</summary>
    public static IReadOnlyList<string> AllCodes { get; } =
        Customer.Rules.Select(r => r.Code)
            .Concat(GroupTagName.Rules.Select(r => r.Code))
            .Concat(LevelName.Rules.Select(r => r.Code))
            .Concat(AccessGroupName.Rules.Select(r => r.Code))
            .Concat(Identifier.Rules.Select(r => r.Code))
            .Concat(Page.Rules.Select(r => r.Code))
            .Concat(Access.Rules.Select(r => r.Code))
            .Concat(Request.Rules.Select(r => r.Code))
            .ToList();
}
