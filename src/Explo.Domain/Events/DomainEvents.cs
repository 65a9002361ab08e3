namespace Explo.Domain;

/// <summary>A fact about a change, emitted by a use case and persisted by the store atomically with the change.</summary>
public abstract record DomainEvent
{
    /// <summary>When the change happened (from the service's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>A stable snake_case name of the event kind.</summary>
    public abstract string Kind { get; }
}

/// <summary>A customer was created.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="ProvidedId">Its provided id.</param>
/// <param name="AccessGroupId">Its DVG.</param>
/// <param name="ParentId">Its parent, if any.</param>
public sealed record CustomerCreated(CustomerId CustomerId, string ProvidedId, AccessGroupId AccessGroupId, CustomerId? ParentId) : DomainEvent
{
    /// <inheritdoc />
    public override string Kind => "customer_created";
}

/// <summary>A customer's stored fields changed.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="ProvidedId">Its provided id after the change.</param>
/// <param name="ChangedFields">The API names of the fields that changed.</param>
public sealed record CustomerUpdated(CustomerId CustomerId, string ProvidedId, IReadOnlyList<string> ChangedFields) : DomainEvent
{
    /// <summary>
    /// The customer's DVG, which decides who sees the event in the change feed. Null in events stored before it was
    /// recorded (then the feed looks the customer up).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public AccessGroupId? AccessGroupId { get; init; }

    /// <inheritdoc />
    public override string Kind => "customer_updated";
}

/// <summary>A customer moved to another parent (or became a root).</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="ProvidedId">Its provided id.</param>
/// <param name="OldParentId">The previous parent.</param>
/// <param name="NewParentId">The new parent.</param>
public sealed record CustomerMoved(CustomerId CustomerId, string ProvidedId, CustomerId? OldParentId, CustomerId? NewParentId) : DomainEvent
{
    /// <summary>
    /// The customer's DVG, which decides who sees the event in the change feed. Null in events stored before it was
    /// recorded (then the feed looks the customer up).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public AccessGroupId? AccessGroupId { get; init; }

    /// <inheritdoc />
    public override string Kind => "customer_moved";
}

/// <summary>A customer was deleted.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="ProvidedId">Its provided id.</param>
public sealed record CustomerDeleted(CustomerId CustomerId, string ProvidedId) : DomainEvent
{
    /// <summary>
    /// The customer's DVG, which decides who sees the event in the change feed. Null in events stored before it was
    /// recorded (then the feed looks the customer up).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public AccessGroupId? AccessGroupId { get; init; }

    /// <inheritdoc />
    public override string Kind => "customer_deleted";
}

/// <summary>A customer's dashboard token was rotated; the old one is invalid.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="ProvidedId">Its provided id.</param>
public sealed record CustomerTokenRotated(CustomerId CustomerId, string ProvidedId) : DomainEvent
{
    /// <summary>
    /// The customer's DVG, which decides who sees the event in the change feed. Null in events stored before it was
    /// recorded (then the feed looks the customer up).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public AccessGroupId? AccessGroupId { get; init; }

    /// <inheritdoc />
    public override string Kind => "customer_token_rotated";
}

/// <summary>A group tag was created.</summary>
/// <param name="TagId">The tag.</param>
/// <param name="Name">Its name.</param>
public sealed record GroupTagCreated(GroupTagId TagId, string Name) : DomainEvent
{
    /// <inheritdoc />
    public override string Kind => "group_tag_created";
}

/// <summary>A group tag was renamed; every customer shows the new name.</summary>
/// <param name="TagId">The tag.</param>
/// <param name="OldName">The old name.</param>
/// <param name="NewName">The new name.</param>
public sealed record GroupTagRenamed(GroupTagId TagId, string OldName, string NewName) : DomainEvent
{
    /// <inheritdoc />
    public override string Kind => "group_tag_renamed";
}

/// <summary>A group tag was deleted and removed from every customer.</summary>
/// <param name="TagId">The tag.</param>
/// <param name="Name">Its name.</param>
/// <param name="CustomersAffected">How many customers carried it.</param>
public sealed record GroupTagDeleted(GroupTagId TagId, string Name, int CustomersAffected) : DomainEvent
{
    /// <inheritdoc />
    public override string Kind => "group_tag_deleted";
}

/// <summary>The workspace was created with its defaults.</summary>
public sealed record WorkspaceInitialized : DomainEvent
{
    /// <inheritdoc />
    public override string Kind => "workspace_initialized";
}

/// <summary>An admin change to levels, DVGs, API tokens or data sources.</summary>
/// <param name="Change">What changed, for example <c>hierarchy_level_added</c>.</param>
/// <param name="Subject">The name or id of the item changed (never a secret).</param>
public sealed record WorkspaceChanged(string Change, string Subject) : DomainEvent
{
    /// <inheritdoc />
    public override string Kind => Change;
}
