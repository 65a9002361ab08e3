using Explo.Domain.AccessGroups;
using Explo.Domain.Customers;
using Explo.Domain.DataSources;
using Explo.Domain.GroupTags;
using Explo.Domain.Hierarchy;

namespace Explo.Domain.Rules;

/// <summary>
/// The code of every rule, for code outside the rule sets that reports a rule's code itself (an import's cycle, an
/// adapter's unreadable query parameter, a client refusing an admin operation, a reference model). Each value is read
/// from its rule (its <c>Code</c>), where the code is declared once; the full list with HTTP statuses is
/// <c>docs/errors.md</c>, and the codes that are not a rule's are in <see cref="ErrorCodes"/>.
/// </summary>
public static class RuleCodes
{
    /// <summary>The code of <see cref="AdminOperationNeedsAdministrator"/>: an admin operation was called without the administrator (an API token, or over HTTP).</summary>
    public static string AdminRequired { get; } = new AdminOperationNeedsAdministrator().Code;

    /// <summary>The code of <see cref="ChildrenStayBelow"/>: after a level change a child would no longer be at a strictly lower level.</summary>
    public static string ChildLevelNotLower { get; } = new ChildrenStayBelow().Code;

    /// <summary>The code of <see cref="NoCycle"/>: the change would make a customer its own ancestor.</summary>
    public static string HierarchyCycle { get; } = new NoCycle().Code;

    /// <summary>The code of <see cref="LevelRequiredWithParent"/>: a customer created with a parent names no hierarchy level.</summary>
    public static string HierarchyLevelRequired { get; } = new LevelRequiredWithParent().Code;

    /// <summary>The code of <see cref="AccessGroupNameIsValid"/>: a data visibility group name is empty, too long, or has control characters or white space around it.</summary>
    public static string InvalidAccessGroupName { get; } = new AccessGroupNameIsValid().Code;

    /// <summary>The code of <see cref="EmailsAreValid"/>: an e-mail address is not valid.</summary>
    public static string InvalidEmail { get; } = new EmailsAreValid().Code;

    /// <summary>The code of <see cref="GroupTagNameIsValid"/>: a group tag name is empty, too long (over 128 characters) or has white space around it.</summary>
    public static string InvalidGroupTagName { get; } = new GroupTagNameIsValid().Code;

    /// <summary>The code of <see cref="IdentifierIsValid"/>: an identifier used to look something up is missing or over 255 characters.</summary>
    public static string InvalidIdentifier { get; } = new IdentifierIsValid().Code;

    /// <summary>The code of <see cref="LevelNameIsValid"/>: a hierarchy level name is empty, too long, or has control characters or white space around it.</summary>
    public static string InvalidLevelName { get; } = new LevelNameIsValid().Code;

    /// <summary>The code of <see cref="MappingEntriesAreValid"/>: a mapping entry's schema id or data source id is empty or has control characters.</summary>
    public static string InvalidMappingEntry { get; } = new MappingEntriesAreValid().Code;

    /// <summary>The code of <see cref="NameIsValid"/>: a customer name is empty or over 1024 characters.</summary>
    public static string InvalidName { get; } = new NameIsValid().Code;

    /// <summary>The code of <see cref="PageIsPositive"/>: the page is not a whole number of 1 or more.</summary>
    public static string InvalidPage { get; } = new PageIsPositive().Code;

    /// <summary>The code of <see cref="PageSizeWithinLimit"/>: the page size is not a whole number from 1 to the limit (1000).</summary>
    public static string InvalidPageSize { get; } = new PageSizeWithinLimit().Code;

    /// <summary>The code of <see cref="PropertyKeysAreValid"/>: a property key is empty or over 255 characters.</summary>
    public static string InvalidPropertyKey { get; } = new PropertyKeysAreValid().Code;

    /// <summary>The code of <see cref="ProvidedIdIsValid"/>: a provided id is empty, too long (over 255 characters) or has control, invisible or outer white-space characters.</summary>
    public static string InvalidProvidedId { get; } = new ProvidedIdIsValid().Code;

    /// <summary>The code of <see cref="JsonDepthWithinLimit"/>: the JSON is nested deeper than the limit (64 levels).</summary>
    public static string JsonTooDeep { get; } = new JsonDepthWithinLimit().Code;

    /// <summary>The code of <see cref="ParentInSameAccessGroup"/>: the parent is in another data visibility group.</summary>
    public static string ParentAccessGroupMismatch { get; } = new ParentInSameAccessGroup().Code;

    /// <summary>The code of <see cref="ParentLevelHigher"/>: the parent is not at a strictly higher hierarchy level than the child.</summary>
    public static string ParentLevelNotHigher { get; } = new ParentLevelHigher().Code;

    /// <summary>The code of <see cref="ParentExists"/>: the parent named does not exist (or is outside the caller's data visibility group).</summary>
    public static string ParentNotFound { get; } = new ParentExists().Code;

    /// <summary>The code of <see cref="PropertiesDepthWithinLimit"/>: the properties are nested deeper than the limit (64 levels).</summary>
    public static string PropertiesTooDeep { get; } = new PropertiesDepthWithinLimit().Code;

    /// <summary>The code of <see cref="PropertiesSizeWithinLimit"/>: the properties are larger than the limit (256 KiB of JSON).</summary>
    public static string PropertiesTooLarge { get; } = new PropertiesSizeWithinLimit().Code;

    /// <summary>The code of <see cref="WriteNeedsReadWriteToken"/>: a read-only API token tried to write.</summary>
    public static string ReadOnlyToken { get; } = new WriteNeedsReadWriteToken().Code;

    /// <summary>The code of <see cref="BodySizeWithinLimit"/>: the request body is over the limit (1 MiB).</summary>
    public static string RequestBodyTooLarge { get; } = new BodySizeWithinLimit().Code;

    /// <summary>The code of <see cref="EmailCountWithinLimit"/>: a customer has more e-mail addresses than the limit (100).</summary>
    public static string TooManyEmails { get; } = new EmailCountWithinLimit().Code;

    /// <summary>The code of <see cref="GroupTagCountWithinLimit"/>: a customer names more group tags than the limit (also the conflict of a workspace holding the most group tags it may).</summary>
    public static string TooManyGroupTags { get; } = new GroupTagCountWithinLimit().Code;

    /// <summary>The code of <see cref="MappingCountWithinLimit"/>: the data source mapping has more entries than the limit (1000).</summary>
    public static string TooManyMappingEntries { get; } = new MappingCountWithinLimit().Code;

    /// <summary>The code of <see cref="MappingNamesVisibleDataSources"/>: a mapping names a data source that is not registered for the schema, or not visible to the customer's data visibility group.</summary>
    public static string UnknownDataSource { get; } = new MappingNamesVisibleDataSources().Code;

    /// <summary>The code of <see cref="GroupTagsExist"/>: a group tag named on a customer does not exist.</summary>
    public static string UnknownGroupTag { get; } = new GroupTagsExist().Code;

    /// <summary>The code of <see cref="LevelExists"/>: the hierarchy level named does not exist.</summary>
    public static string UnknownHierarchyLevel { get; } = new LevelExists().Code;
}
