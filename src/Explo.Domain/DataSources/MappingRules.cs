using Explo.Domain.Rules;

namespace Explo.Domain.DataSources;

/// <summary><c>mapping</c>: at most the limit (1000) entries.</summary>
internal sealed class MappingCountWithinLimit : Rule<CustomerProposal>
{
    public override string Code => "too_many_mapping_entries";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.Mapping is { } mapping && mapping.Count > subject.Limits.MaxMappingEntries)
        {
            yield return Broken(FieldNames.Mapping, $"mapping may hold at most {subject.Limits.MaxMappingEntries} entries; it has {mapping.Count}.");
        }
    }
}

/// <summary><c>mapping</c>: schema ids and data source ids are non-empty strings without control characters.</summary>
internal sealed class MappingEntriesAreValid : Rule<CustomerProposal>
{
    public const int MaxLength = 255;

    public override string Code => "invalid_mapping_entry";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.Mapping is not { } mapping)
        {
            yield break;
        }

        foreach (var (schema, dataSource) in mapping.Entries)
        {
            if (TextChecks.Problem("mapping schema id", schema, MaxLength) is { } keyProblem)
            {
                yield return Broken(FieldNames.Mapping, keyProblem);
            }
            else if (TextChecks.Problem($"mapping.{schema}", dataSource, MaxLength) is { } valueProblem)
            {
                yield return Broken($"{FieldNames.Mapping}.{schema}", valueProblem);
            }
        }
    }
}

/// <summary>
/// Hierarchy rule 6: where a schema has any registered data source, a mapping value for it must name a registered
/// data source of that schema that is visible to the customer's DVG. Unregistered schemas take opaque strings.
/// </summary>
internal sealed class MappingNamesVisibleDataSources : Rule<CustomerProposal>
{
    public override string Code => "unknown_data_source";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.Mapping is not { } mapping || subject.Workspace.DataSources.IsEmpty)
        {
            yield break;
        }

        foreach (var (schema, dataSourceId) in mapping.Entries)
        {
            if (!subject.Workspace.HasRegisteredSchema(schema))
            {
                continue;
            }

            var dataSource = subject.Workspace.FindDataSource(dataSourceId);
            if (dataSource is null
                || !string.Equals(dataSource.SchemaId, schema, StringComparison.Ordinal)
                || !dataSource.AccessGroups.Contains(subject.AccessGroup))
            {
                var valid = subject.Workspace.DataSources
                    .Where(d => string.Equals(d.SchemaId, schema, StringComparison.Ordinal) && d.AccessGroups.Contains(subject.AccessGroup))
                    .Select(d => d.Id)
                    .ToList();
                var hint = valid.Count == 0 ? "none is visible to this customer's data visibility group" : $"valid ones are {string.Join(", ", valid)}";
                yield return Broken($"{FieldNames.Mapping}.{schema}", $"mapping.{schema} names data source {TextChecks.Quote(dataSourceId)}, which is not a data source of schema {TextChecks.Quote(schema)} in this data visibility group; {hint}.");
            }
        }
    }
}
