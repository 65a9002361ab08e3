using Explo.Domain.Rules;

namespace Explo.Domain.AccessGroups;

/// <summary>The subject of the access rules: what the caller may do, and what the operation needs.</summary>
/// <param name="CanWrite">False for a read-only token.</param>
/// <param name="IsAdministrator">True for the host's administrator.</param>
/// <param name="Writes">True when the operation changes state.</param>
/// <param name="AdminOnly">True for an admin operation.</param>
public sealed record AccessProposal(bool CanWrite, bool IsAdministrator, bool Writes, bool AdminOnly);

/// <summary>Hierarchy rule 7: admin operations (levels, DVGs, API tokens, data sources) are for the host's administrator only.</summary>
internal sealed class AdminOperationNeedsAdministrator : Rule<AccessProposal>
{
    public override string Code => "admin_required";

    public override IEnumerable<Violation> Check(AccessProposal subject)
    {
        if (subject.AdminOnly && !subject.IsAdministrator)
        {
            yield return Broken("Explo-Authorization", "This is an admin operation; API tokens can't run it. Use the library or the command-line tool as the workspace administrator.");
        }
    }
}

/// <summary>Hierarchy rule 7: a read-only token can't write.</summary>
internal sealed class WriteNeedsReadWriteToken : Rule<AccessProposal>
{
    public override string Code => "read_only_token";

    public override IEnumerable<Violation> Check(AccessProposal subject)
    {
        if (subject.Writes && !subject.CanWrite)
        {
            yield return Broken("Explo-Authorization", "This API token is read-only; use a read-write token to make changes.");
        }
    }
}
