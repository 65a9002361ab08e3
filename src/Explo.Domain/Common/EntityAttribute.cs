namespace Explo.Domain;

/// <summary>
/// Marks an entity of the core (the Customer aggregate, the workspace and its items). The analyzer EXD006 checks that
/// such a type keeps its state encapsulated: no public setter, no public mutable field or collection.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EntityAttribute : Attribute
{
}
