namespace Explo.Domain.Analyzers.Tests;

/// <summary>EXD006: [Entity] types have no public setter, public mutable field or public mutable collection.</summary>
public sealed class EncapsulatedEntityTests
{
    private const string Id = "EXD006";

    private const string Usings = """
        using System.Collections.Immutable;
        using System.Collections.ObjectModel;
        using Explo.Domain;

        """;

    [Fact]
    public Task Public_setters_and_public_mutable_fields_are_reported() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        [Entity]
        public sealed class Account
        {
            public static int [|Created|];

            public decimal [|Balance|];

            public string [|Name|] { get; set; } = "";

            public string Owner { get; private set; } = "";
        }
        """);

    [Fact]
    public Task Public_mutable_collections_are_reported() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        [Entity]
        public sealed class Basket
        {
            public readonly string[] [|Codes|] = [];

            public List<string> [|Items|] { get; } = new();

            public IList<int> [|Quantities|] { get; private init; } = new List<int>();

            public IDictionary<string, decimal> [|Prices|] => new Dictionary<string, decimal>();

            public HashSet<string> [|Tags|] { get; } = new();
        }
        """);

    [Fact]
    public Task Init_only_private_and_read_only_state_is_encapsulated() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        [Entity]
        public sealed class Account
        {
            public const int MaxNameLength = 100;

            public static readonly Account Empty = new() { Name = "" };

            public readonly decimal Balance;

            private readonly List<string> _history = new();

            public string Name { get; init; } = "";

            public int Version { get; private set; }

            internal string Note { get; set; } = "";

            public int Revision { get; internal set; }

            public IReadOnlyList<string> History => _history;

            public ImmutableArray<string> Emails { get; init; } = [];

            public ReadOnlyCollection<string> Audit => _history.AsReadOnly();

            public IReadOnlyDictionary<string, int> Limits { get; } = new Dictionary<string, int>();

            public void Rename(string name)
            {
                _history.Add(name);
                Version++;
            }
        }

        [Entity]
        public sealed record Tag(string Name, ImmutableArray<string> Aliases);
        """);

    [Fact]
    public Task Types_that_are_not_entities_may_expose_state() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public sealed class CustomerDto
        {
            public string Name { get; set; } = "";

            public List<string> Emails { get; set; } = new();

            public int Count;
        }
        """);

    [Fact]
    public Task Collection_subclasses_and_inherited_public_state_are_reported() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public sealed class TagList : List<string>
        {
        }

        public abstract class Audited
        {
            public DateTimeOffset UpdatedAt { get; set; }

            public string UpdatedBy { get; private set; } = "";
        }

        [Entity]
        public sealed class [|Order|] : Audited
        {
            public TagList [|Tags|] { get; } = new();

            public ImmutableList<string>.Builder [|Lines|] { get; } = ImmutableList.CreateBuilder<string>();
        }

        [Entity]
        public abstract class Base
        {
            public int [|Version|] { get; set; }
        }

        [Entity]
        public sealed class Derived : Base
        {
        }
        """);
}
