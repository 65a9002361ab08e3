namespace Explo.Domain;

/// <summary>A named, ordered rank of the hierarchy. Rank 0 is the root (highest) level.</summary>
/// <param name="Id">The level's identity, stable across renames and re-ranking.</param>
/// <param name="Name">The unique, case-sensitive name (1-64 chars).</param>
/// <param name="Rank">The position from the top: a parent's rank is always smaller than its children's.</param>
[Entity]
public sealed record HierarchyLevel(LevelId Id, string Name, int Rank);
