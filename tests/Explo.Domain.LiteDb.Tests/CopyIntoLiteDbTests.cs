using Explo.Domain.ContractTests;

namespace Explo.Domain.LiteDb.Tests;

/// <summary>The LiteDB store takes a copy (<see cref="CopyIntoStoreContract{TStore}"/>), on a file of its own.</summary>
public sealed class CopyIntoLiteDbTests : CopyIntoStoreContract<LiteDbWorkspaceStore>, IDisposable
{
    private readonly TempDatabase _folder = new();
    private readonly string _file;

    public CopyIntoLiteDbTests() => _file = _folder.PathOf();

    public void Dispose() => _folder.Dispose();

    protected override LiteDbWorkspaceStore Open() => new(_file);
}
