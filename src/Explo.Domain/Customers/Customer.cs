using System.Collections.Immutable;
using System.Text.Json;

namespace Explo.Domain;

/// <summary>
/// The customer aggregate: one tenant of the host, with its own properties, mapping, tags and place in the hierarchy.
/// Immutable: every change goes through the application service, which validates it and stores a new version.
/// </summary>
[Entity]
public sealed class Customer
{
    /// <summary>
    /// Reconstitutes a customer exactly as stored. Stores and tests use this; hosts create customers through
    /// <see cref="ICustomerService.GetOrCreateCustomerAsync"/>, which runs the rules.
    /// </summary>
    /// <param name="id">The internal numeric id.</param>
    /// <param name="providedId">The caller's id.</param>
    /// <param name="name">The display name.</param>
    /// <param name="token">The secret dashboard token.</param>
    /// <param name="isDemoGroup">Whether this is a demo customer.</param>
    /// <param name="emails">The e-mail addresses.</param>
    /// <param name="groupTags">The own group tags, by identity, in order.</param>
    /// <param name="properties">The own properties.</param>
    /// <param name="mapping">The own schema-to-data-source mapping.</param>
    /// <param name="levelId">The hierarchy level.</param>
    /// <param name="accessGroupId">The DVG.</param>
    /// <param name="parentId">The parent, or null for a root customer.</param>
    /// <param name="createdAt">When it was created.</param>
    /// <param name="updatedAt">When it last changed.</param>
    /// <param name="version">1 on creation, one more on every change.</param>
    public Customer(
        CustomerId id,
        string providedId,
        string name,
        string token,
        bool isDemoGroup,
        ImmutableArray<string> emails,
        ImmutableArray<GroupTagId> groupTags,
        OrderedMap<JsonElement> properties,
        OrderedMap<string> mapping,
        LevelId levelId,
        AccessGroupId accessGroupId,
        CustomerId? parentId,
        DateTimeOffset createdAt,
        DateTimeOffset updatedAt,
        long version)
    {
        Id = id;
        ProvidedId = Guard.NotNull(providedId);
        Name = Guard.NotNull(name);
        Token = Guard.NotNull(token);
        IsDemoGroup = isDemoGroup;
        Emails = emails.IsDefault ? [] : emails;
        GroupTags = groupTags.IsDefault ? [] : groupTags;
        Properties = Guard.NotNull(properties);
        Mapping = Guard.NotNull(mapping);
        LevelId = levelId;
        AccessGroupId = accessGroupId;
        ParentId = parentId;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
        Version = version;
    }

    /// <summary>The internal numeric id (the legacy <c>team_id</c>).</summary>
    public CustomerId Id { get; }

    /// <summary>The caller's id (<c>provided_id</c>), unique in the workspace.</summary>
    public string ProvidedId { get; }

    /// <summary>The display name.</summary>
    public string Name { get; }

    /// <summary>The secret dashboard token: 64 lowercase hex characters.</summary>
    public string Token { get; }

    /// <summary>Whether this is a demo customer.</summary>
    public bool IsDemoGroup { get; }

    /// <summary>The e-mail addresses, de-duplicated ignoring case.</summary>
    public ImmutableArray<string> Emails { get; }

    /// <summary>The own group tags, by identity.</summary>
    public ImmutableArray<GroupTagId> GroupTags { get; }

    /// <summary>The own properties.</summary>
    public OrderedMap<JsonElement> Properties { get; }

    /// <summary>The own schema-to-data-source mapping (<c>parent_schema_datasource_mapping</c>).</summary>
    public OrderedMap<string> Mapping { get; }

    /// <summary>The hierarchy level.</summary>
    public LevelId LevelId { get; }

    /// <summary>The DVG.</summary>
    public AccessGroupId AccessGroupId { get; }

    /// <summary>The parent, or null for a root customer.</summary>
    public CustomerId? ParentId { get; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; }

    /// <summary>1 on creation, one more on every change (the basis for optimistic concurrency).</summary>
    public long Version { get; }

    /// <summary>The next version of this customer with some fields replaced; the version rises by one.</summary>
    internal Customer Next(
        DateTimeOffset now,
        string? providedId = null,
        string? name = null,
        string? token = null,
        bool? isDemoGroup = null,
        ImmutableArray<string>? emails = null,
        ImmutableArray<GroupTagId>? groupTags = null,
        OrderedMap<JsonElement>? properties = null,
        OrderedMap<string>? mapping = null,
        LevelId? levelId = null,
        Optional<CustomerId?> parentId = default) => new(
        Id,
        providedId ?? ProvidedId,
        name ?? Name,
        token ?? Token,
        isDemoGroup ?? IsDemoGroup,
        emails ?? Emails,
        groupTags ?? GroupTags,
        properties ?? Properties,
        mapping ?? Mapping,
        levelId ?? LevelId,
        AccessGroupId,
        parentId.HasValue ? parentId.Value : ParentId,
        CreatedAt,
        now,
        Version + 1);

    /// <summary>The names of the API fields whose stored values differ between two versions of a customer.</summary>
    /// <param name="other">The other version.</param>
    /// <returns>The field names, for example <c>properties</c>, <c>parent_provided_id</c>.</returns>
    public IReadOnlyList<string> DifferingFields(Customer other)
    {
        Guard.NotNull(other);
        var fields = new List<string>();
        if (!string.Equals(ProvidedId, other.ProvidedId, StringComparison.Ordinal))
        {
            fields.Add(FieldNames.ProvidedId);
        }

        if (!string.Equals(Name, other.Name, StringComparison.Ordinal))
        {
            fields.Add(FieldNames.Name);
        }

        if (!string.Equals(Token, other.Token, StringComparison.Ordinal))
        {
            fields.Add(FieldNames.Token);
        }

        if (IsDemoGroup != other.IsDemoGroup)
        {
            fields.Add(FieldNames.IsDemoGroup);
        }

        if (!Emails.SequenceEqual(other.Emails, StringComparer.Ordinal))
        {
            fields.Add(FieldNames.Emails);
        }

        if (!GroupTags.SequenceEqual(other.GroupTags))
        {
            fields.Add(FieldNames.GroupTags);
        }

        if (!Properties.SequenceEqual(other.Properties, PropertyMap.ValueComparer))
        {
            fields.Add(FieldNames.Properties);
        }

        if (!Mapping.SequenceEqual(other.Mapping, StringComparer.Ordinal))
        {
            fields.Add(FieldNames.Mapping);
        }

        if (LevelId != other.LevelId)
        {
            fields.Add(FieldNames.HierarchyLevelName);
        }

        if (AccessGroupId != other.AccessGroupId)
        {
            fields.Add(FieldNames.AccessGroup);
        }

        if (ParentId != other.ParentId)
        {
            fields.Add(FieldNames.ParentProvidedId);
        }

        return fields;
    }

    /// <inheritdoc />
    public override string ToString() => $"Customer {ProvidedId} (#{Id}, v{Version})";
}

/// <summary>An optional value that distinguishes "not given" from "given as null".</summary>
/// <typeparam name="T">The value type.</typeparam>
public readonly struct Optional<T>
{
    /// <summary>Wraps a given value (which may be null).</summary>
    /// <param name="value">The value.</param>
    public Optional(T value)
    {
        HasValue = true;
        Value = value;
    }

    /// <summary>True when a value (possibly null) was given.</summary>
    public bool HasValue { get; }

    /// <summary>The given value; default when none was given.</summary>
    public T Value { get; }

    /// <summary>Wraps a given value.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Optional<T>(T value) => new(value);

    /// <inheritdoc />
    public override string ToString() => HasValue ? $"{Value}" : "(not given)";
}
