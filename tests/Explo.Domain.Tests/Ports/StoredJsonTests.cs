using System.Text.Json;
using Explo.Domain.Ports;

namespace Explo.Domain.Tests.Ports;

/// <summary>
/// The stores' persisted JSON layout (<see cref="StoredJson"/>): byte for byte what the stores wrote before it was
/// shared, for every event type and for workspaces.
/// </summary>
public sealed class StoredJsonTests
{
    // How both stores serialised an event before StoredJson: reflection, snake_case names, the event's runtime type.
    private static readonly JsonSerializerOptions ReflectionReference = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly DateTimeOffset At = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234567);

    // Instances of every event type, with nulls, empty and non-ASCII text where the type has them.
    private static readonly DomainEvent[] Samples =
    [
        new CustomerCreated(new CustomerId(7), "acme", new AccessGroupId(3), null) { OccurredAt = At },
        new CustomerCreated(new CustomerId(long.MaxValue), "Kündé 客户 \"q\" <b>&'+\\ 😀", new AccessGroupId(5), new CustomerId(7)) { OccurredAt = DateTimeOffset.UnixEpoch },
        new CustomerUpdated(new CustomerId(7), "acme", ["name", "email_addresses", "ünïcode"]) { OccurredAt = At },
        new CustomerUpdated(new CustomerId(7), "acme", []) { OccurredAt = At },
        new CustomerMoved(new CustomerId(8), "child", new CustomerId(7), null) { OccurredAt = At },
        new CustomerMoved(new CustomerId(8), "child", null, new CustomerId(9)) { OccurredAt = At },
        new CustomerDeleted(new CustomerId(8), "Тест") { OccurredAt = At },
        new CustomerTokenRotated(new CustomerId(8), "child") { OccurredAt = At },
        new GroupTagCreated(new GroupTagId(11), "VIP ★") { OccurredAt = At },
        new GroupTagRenamed(new GroupTagId(11), "VIP ★", "") { OccurredAt = At },
        new GroupTagDeleted(new GroupTagId(11), "VIP", 12_345) { OccurredAt = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5)) },
        new WorkspaceInitialized { OccurredAt = At },
        new WorkspaceChanged("hierarchy_level_added", "Région") { OccurredAt = At },
    ];

    public static TheoryData<DomainEvent> Events() => [.. Samples];

    [Theory]
    [MemberData(nameof(Events))]
    public void An_event_is_written_as_the_stores_wrote_it_by_reflection(DomainEvent e) =>
        Assert.Equal(JsonSerializer.Serialize(e, e.GetType(), ReflectionReference), StoredJson.EventJson(e));

    [Fact]
    public void An_event_layout_is_pinned() =>
        Assert.Equal(
            """{"customer_id":{"value":8},"provided_id":"child","old_parent_id":{"value":7},"new_parent_id":null,"kind":"customer_moved","occurred_at":"2024-05-06T07:08:09.1234567+02:00"}""",
            StoredJson.EventJson(new CustomerMoved(new CustomerId(8), "child", new CustomerId(7), null) { OccurredAt = At }));

    [Fact]
    public void Every_concrete_event_type_has_a_sample_here_and_a_registered_layout()
    {
        var concrete = typeof(DomainEvent).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(DomainEvent)) && !t.IsAbstract)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(concrete);

        // A new event type must be registered in StoredJsonContext (or the stores refuse to write it) ...
        Assert.All(concrete, t => Assert.True(StoredJsonContext.Default.GetTypeInfo(t) is not null, $"{t} is not registered in StoredJsonContext"));

        // ... and sampled above, so its text is compared with the reflection reference.
        var sampled = Samples.Select(e => e.GetType()).Distinct().OrderBy(t => t.FullName, StringComparer.Ordinal);
        Assert.Equal(concrete, sampled);
    }

    [Fact]
    public void An_event_type_from_outside_the_core_is_refused()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => StoredJson.EventJson(new HostEvent { OccurredAt = At }));
        Assert.Contains(nameof(HostEvent), failure.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A workspace with everything it can hold: levels given out of rank order, non-ASCII and HTML-sensitive names, a
    /// valid token (<c>revoked_at</c> null) and a revoked one, times with offsets and sub-second ticks, data sources with
    /// and without DVGs, and a default.
    /// </summary>
    private static Workspace Full() => new(
        [new HierarchyLevel(new LevelId(2), "Benutzer 😀", 1), new HierarchyLevel(new LevelId(1), "Kündé 客户 \"q\" <b>&'+\\", 0)],
        [new AccessGroup(new AccessGroupId(3), "Produktion"), new AccessGroup(new AccessGroupId(5), "Тест")],
        [
            new ApiToken(new ApiTokenId(6), "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", new AccessGroupId(3), true, "läbel", new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero), null),
            new ApiToken(new ApiTokenId(7), "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", new AccessGroupId(5), false, "ci", At, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5))),
        ],
        [new DataSource("ds-main", "postgres", "Haupt-Datenbank", [new AccessGroupId(3), new AccessGroupId(5)]), new DataSource("ds-empty", "mysql", "leer", [])],
        [new DataSourceDefault(new AccessGroupId(3), "postgres", "ds-main")],
        8);

    // Captured from the LiteDB store's WorkspaceJson.Write before StoredJson (the PostgreSQL store wrote the same text).
    private const string FullJson =
        """{"levels":[{"id":1,"name":"K\u00FCnd\u00E9 \u5BA2\u6237 \u0022q\u0022 \u003Cb\u003E\u0026\u0027\u002B\\","rank":0},{"id":2,"name":"Benutzer \uD83D\uDE00","rank":1}],"access_groups":[{"id":3,"name":"Produktion"},{"id":5,"name":"\u0422\u0435\u0441\u0442"}],"api_tokens":[{"id":6,"secret_hash":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","access_group_id":3,"read_only":true,"label":"l\u00E4bel","created_at":"2024-05-06T07:08:09.123+00:00","revoked_at":null},{"id":7,"secret_hash":"60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752","access_group_id":5,"read_only":false,"label":"ci","created_at":"2024-05-06T07:08:09.1234567+02:00","revoked_at":"2025-01-02T03:04:05-05:00"}],"data_sources":[{"id":"ds-main","schema_id":"postgres","name":"Haupt-Datenbank","access_groups":[3,5]},{"id":"ds-empty","schema_id":"mysql","name":"leer","access_groups":[]}],"data_source_defaults":[{"access_group_id":3,"schema_id":"postgres","data_source_id":"ds-main"}],"next_entity_id":8}""";

    // Likewise, for a new workspace.
    private const string DefaultJson =
        """{"levels":[{"id":1,"name":"Customer","rank":0},{"id":2,"name":"User","rank":1}],"access_groups":[{"id":3,"name":"Production"}],"api_tokens":[],"data_sources":[],"data_source_defaults":[],"next_entity_id":4}""";

    [Fact]
    public void A_workspace_is_written_as_the_stores_wrote_it()
    {
        Assert.Equal(FullJson, StoredJson.WorkspaceJson(Full()));
        Assert.Equal(DefaultJson, StoredJson.WorkspaceJson(Workspace.CreateDefault()));
    }

    [Fact]
    public void A_stored_workspace_reads_back_to_the_same_workspace_and_text()
    {
        var read = StoredJson.ReadWorkspace(FullJson);
        var full = Full();

        Assert.Equal<HierarchyLevel>(full.Levels, read.Levels);
        Assert.Equal<AccessGroup>(full.AccessGroups, read.AccessGroups);
        Assert.Equal<ApiToken>(full.ApiTokens, read.ApiTokens);
        Assert.Null(read.ApiTokens[0].RevokedAt);
        Assert.Equal(full.ApiTokens[1].RevokedAt!.Value.Offset, read.ApiTokens[1].RevokedAt!.Value.Offset);
        Assert.Equal(full.DataSources.Select(d => (d.Id, d.SchemaId, d.Name, string.Join(",", d.AccessGroups))), read.DataSources.Select(d => (d.Id, d.SchemaId, d.Name, string.Join(",", d.AccessGroups))));
        Assert.Equal<DataSourceDefault>(full.DataSourceDefaults, read.DataSourceDefaults);
        Assert.Equal(full.NextEntityId, read.NextEntityId);
        Assert.Equal(FullJson, StoredJson.WorkspaceJson(read));
        Assert.Equal(DefaultJson, StoredJson.WorkspaceJson(StoredJson.ReadWorkspace(DefaultJson)));
    }

    [Fact]
    public void An_older_LiteDB_workspace_with_group_tags_reads_without_them()
    {
        // LiteDB schemas 1 and 2 kept the group tags in the workspace, between the tokens and the data sources.
        var legacy = DefaultJson.Replace("\"api_tokens\":[],", "\"api_tokens\":[],\"group_tags\":[{\"id\":4,\"name\":\"VIP\"}],", StringComparison.Ordinal);
        Assert.Contains("group_tags", legacy, StringComparison.Ordinal);

        Assert.Equal(DefaultJson, StoredJson.WorkspaceJson(StoredJson.ReadWorkspace(legacy)));
    }

    [Fact]
    public void A_workspace_written_without_revoked_at_reads_as_a_valid_token()
    {
        var json = FullJson.Replace(",\"revoked_at\":null", string.Empty, StringComparison.Ordinal);
        Assert.Null(StoredJson.ReadWorkspace(json).ApiTokens[0].RevokedAt);
    }

    [Fact]
    public void A_workspace_text_without_its_lists_is_refused_naming_them()
    {
        var error = Assert.Throws<JsonException>(() => StoredJson.ReadWorkspace("""{"levels": [], "api_tokens": [], "data_sources": [], "next_entity_id": 1}"""));
        Assert.Equal("The stored workspace has no list for access_groups, data_source_defaults; it was not written by this layout.", error.Message);
    }

    [Fact]
    public void A_null_workspace_text_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => StoredJson.ReadWorkspace("null"));

    private sealed record HostEvent : DomainEvent
    {
        public override string Kind => "host_event";
    }
}
