using System.Globalization;
using BenchmarkDotNet.Attributes;
using Explo.Domain.LiteDb;

namespace Explo.Domain.Benchmarks;

/// <summary>
/// Group tags scale: creating, renaming or deleting one tag through the service on the LiteDB store costs the same
/// with 10,000 tags in the workspace as with 100 (target: within 2x). Each iteration runs 32 operations: creates add
/// 32 tags (deleted again after the iteration, untimed), deletes remove 32 spare tags (created before the iteration,
/// untimed), renames move one tag's name back and forth; so the workspace holds between N and N + 32 tags throughout.
/// The service's tag limit is raised to N + 32 so that the 10,000 case can go past the default limit of 10,000.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: OperationsPerIteration)]
public class GroupTagBenchmarks
{
    /// <summary>Operations per iteration.</summary>
    public const int OperationsPerIteration = 32;

    private string _path = null!;
    private LiteDbWorkspaceStore? _store;
    private ExploService? _service;
    private readonly Queue<string> _created = new();
    private readonly Queue<string> _spares = new();
    private long _next;
    private bool _renamed;

    /// <summary>Tags in the workspace before the benchmark starts.</summary>
    [Params(100, 10_000)]
    public int Tags { get; set; } = 100;

    /// <summary>The tag the rename benchmark renames (one from the middle of the list).</summary>
    public string RenamedTag => TagName(Tags / 2);

    private static string TagName(int i) => string.Create(CultureInfo.InvariantCulture, $"tag-{i}");

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(StoreData.Folder, string.Create(CultureInfo.InvariantCulture, $"group-tags-{Tags}.db"));
        _store = StoreData.NewStore(_path);
        _service = new ExploService(_store, new ExploServiceOptions
        {
            Limits = ExploLimits.Default with { MaxGroupTagsPerWorkspace = Tags + OperationsPerIteration },
        });
        for (var i = 0; i < Tags; i++)
        {
            StoreData.Check(_service.CreateGroupTagAsync(StoreData.Admin, TagName(i)).Result);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        _store = null;
        StoreData.Delete(_path);
    }

    /// <summary>How many tags the workspace holds now.</summary>
    internal int Count => _store!.ReadAsync(r => r.CountGroupTags()).AsTask().Result;

    internal ExploService Service => _service!;

    [Benchmark]
    public string Create_tag()
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"new-{_next++}");
        _created.Enqueue(name);
        return StoreData.Check(_service!.CreateGroupTagAsync(StoreData.Admin, name).Result).Name;
    }

    /// <summary>Removes the tags the create benchmark added in this iteration (untimed).</summary>
    [IterationCleanup(Target = nameof(Create_tag))]
    public void DeleteCreated()
    {
        while (_created.TryDequeue(out var name))
        {
            StoreData.Check(_service!.DeleteGroupTagAsync(StoreData.Admin, name).Result);
        }
    }

    [Benchmark]
    public string Rename_tag()
    {
        var (from, to) = _renamed ? (RenamedTag + "-renamed", RenamedTag) : (RenamedTag, RenamedTag + "-renamed");
        _renamed = !_renamed;
        return StoreData.Check(_service!.RenameGroupTagAsync(StoreData.Admin, from, to).Result).Name;
    }

    /// <summary>Creates the tags the delete benchmark deletes in this iteration (untimed).</summary>
    [IterationSetup(Target = nameof(Delete_tag))]
    public void CreateSpares()
    {
        while (_spares.Count < OperationsPerIteration)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"spare-{_next++}");
            StoreData.Check(_service!.CreateGroupTagAsync(StoreData.Admin, name).Result);
            _spares.Enqueue(name);
        }
    }

    [Benchmark]
    public bool Delete_tag() =>
        _spares.TryDequeue(out var name)
            ? StoreData.Check(_service!.DeleteGroupTagAsync(StoreData.Admin, name).Result) is not null
            : throw new InvalidOperationException("No spare tag is left to delete; the iteration ran more invocations than were prepared.");
}
