namespace Explo.Domain;

/// <summary>A data visibility group (DVG): a partition of customers, API tokens and data sources.</summary>
/// <param name="Id">The identity.</param>
/// <param name="Name">The unique, case-sensitive name, shown on customers as <c>access_group</c>.</param>
[Entity]
public sealed record AccessGroup(AccessGroupId Id, string Name);
