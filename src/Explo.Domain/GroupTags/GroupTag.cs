namespace Explo.Domain;

/// <summary>A label assigned to customers, referred to by identity.</summary>
/// <param name="Id">The identity.</param>
/// <param name="Name">The unique name (1-128 chars, no leading or trailing white space).</param>
[Entity]
public sealed record GroupTag(GroupTagId Id, string Name);
