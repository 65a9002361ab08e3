namespace Explo.Domain;

/// <summary>The internal numeric identity of a customer (returned by the legacy API as <c>team_id</c>).</summary>
/// <param name="Value">The positive number; ids are allocated in creation order and never reused.</param>
public readonly record struct CustomerId(long Value)
{
    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The identity of a hierarchy level; stays the same when the level is renamed or re-ranked.</summary>
/// <param name="Value">The positive number.</param>
public readonly record struct LevelId(int Value);

/// <summary>The identity of a data visibility group (DVG, shown as <c>access_group</c>).</summary>
/// <param name="Value">The positive number.</param>
public readonly record struct AccessGroupId(int Value);

/// <summary>The identity of a group tag; customers refer to tags by this identity, so a rename shows everywhere.</summary>
/// <param name="Value">The positive number.</param>
public readonly record struct GroupTagId(int Value);

/// <summary>The identity of an API token (not its secret).</summary>
/// <param name="Value">The positive number.</param>
public readonly record struct ApiTokenId(int Value);
