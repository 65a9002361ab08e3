namespace Explo.Domain.Analyzers.Tests;

/// <summary>EXD005: rules and use cases return failures as values; only 'throw Guard.X(...)' may throw.</summary>
public sealed class NoThrowTests
{
    private const string Id = "EXD005";

    private const string Usings = """
        using Explo.Domain;
        using Explo.Domain.Rules;

        public sealed record Subject(string? Name);

        public static class Guard
        {
            public static ArgumentException Invalid(string message) => new(message);

            public static T NotNull<T>(T? value) where T : class => value ?? throw new ArgumentNullException(nameof(value));
        }

        public static class Errors
        {
            public static Exception Make(string message) => new InvalidOperationException(message);
        }

        """;

    [Fact]
    public Task Throws_in_a_rule_are_reported() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public sealed class NameRule : Rule<Subject>
        {
            public override string Code => "name_rule";

            public override IEnumerable<Violation> Check(Subject subject)
            {
                var name = subject.Name ?? [|throw new ArgumentException("no name")|];
                if (name.Length > 100)
                {
                    [|throw new InvalidOperationException("too long");|]
                }

                Func<int> later = () => [|throw Errors.Make("lambda")|];
                return Validate(name, later);

                IEnumerable<Violation> Validate(string value, Func<int> check) =>
                    value.Length == check() ? [|throw new NotSupportedException()|] : [];
            }
        }
        """);

    [Fact]
    public Task Throws_in_a_class_implementing_one_port_alone_are_reported() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public abstract class Customers : ICustomerService
        {
            public Task<Result<CustomerView>> GetCustomerAsync(Caller caller, string providedId, CancellationToken cancellationToken = default) =>
                providedId.Length == 0 ? [|throw new ArgumentException("no id")|] : Find(providedId);

            protected abstract Task<Result<CustomerView>> Find(string providedId);

            public abstract Task<Result<GetOrCreateResult>> GetOrCreateCustomerAsync(Caller caller, CreateCustomerRequest request, CancellationToken cancellationToken = default);

            public abstract Task<Result<CustomerPage>> ListCustomerPageAsync(Caller caller, CustomerPageRequest request, CancellationToken cancellationToken = default);

            public abstract Task<Result<IReadOnlyList<CustomerView>>> ListCustomersAsync(Caller caller, CustomerFilter filter, CancellationToken cancellationToken = default);

            public abstract Task<Result<CustomerView>> UpdateCustomerAsync(Caller caller, UpdateCustomerRequest request, CancellationToken cancellationToken = default);

            public abstract Task<Result<DeleteResult>> DeleteCustomerAsync(Caller caller, DeleteCustomerRequest request, CancellationToken cancellationToken = default);

            public abstract Task<Result<CustomerView>> RefreshCustomerTokenAsync(Caller caller, RefreshTokenRequest request, CancellationToken cancellationToken = default);

            public abstract Task<Result<ImportResult>> ImportCustomersAsync(Caller caller, IReadOnlyList<CreateCustomerRequest> customers, ImportOptions? options = null, CancellationToken cancellationToken = default);
        }
        """);

    [Fact]
    public Task Throws_in_a_use_case_are_reported() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public abstract class MyUseCases : UseCaseBase
        {
            public Result<int> Count(string text)
            {
                try
                {
                    if (text.Length == 0)
                    {
                        [|throw new ArgumentException("empty");|]
                    }

                    return int.Parse(text);
                }
                catch (FormatException)
                {
                    [|throw;|]
                }
            }

            private sealed class Nested
            {
                public void Fail() => [|throw new KeyNotFoundException("nested")|];
            }
        }
        """);

    [Fact]
    public Task Guard_throws_in_rules_and_use_cases_are_allowed() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public sealed class GuardedRule : Rule<Subject>
        {
            public override string Code => "guarded_rule";

            public override IEnumerable<Violation> Check(Subject subject)
            {
                Guard.NotNull(subject);
                if (subject.Name is null)
                {
                    throw Guard.Invalid("a name is required");
                }

                return subject.Name.Length > 10 ? [Broken("name", "too long")] : [];
            }
        }

        public abstract class GuardedUseCases : UseCaseBase
        {
            public Result<int> Count(string? text) =>
                (text ?? throw Guard.Invalid("text")).Length > 0 ? text.Length : new ValidationFailed([new Violation("empty", "text", "empty")]);
        }
        """);

    [Fact]
    public Task Classes_that_are_neither_rules_nor_use_cases_may_throw() => AnalyzerHarness.VerifyAsync(Id, Usings + """
        public sealed class Parser
        {
            public int Parse(string text) => text.Length > 0 ? int.Parse(text) : throw new FormatException("empty");

            public void Check(bool ok)
            {
                if (!ok)
                {
                    throw new InvalidOperationException("broken");
                }
            }
        }
        """);
}
