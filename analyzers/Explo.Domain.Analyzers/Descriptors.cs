using Microsoft.CodeAnalysis;

namespace Explo.Domain.Analyzers
{
    /// <summary>Every diagnostic this package reports, built from one list of ids.</summary>
    public static class Descriptors
    {
        // Relative to the repository root: each rule has a page with what, why, a failing and a fixed example.
        private const string HelpBase = "docs/analyzers/";

        public static readonly DiagnosticDescriptor CoreInfrastructure = Create(
            "EXD001", "Architecture", "The core may not use infrastructure",
            "'{0}' is infrastructure ({1}); the core must not use it: declare a port in the core and implement it in an adapter",
            "The domain core (the Explo.Domain assembly) knows nothing of files, sockets, databases, web frameworks, the console, the process environment or reflection-based loading; everything that touches the outside world is an adapter behind a port.");

        public static readonly DiagnosticDescriptor ImpureRule = Create(
            "EXD002", "Rules", "Rules are pure and deterministic",
            "Rule '{0}' {1}; a rule must be pure: take time and randomness from the subject it checks, which gets them through ports",
            "A rule class (one implementing IRule<T>) keeps no mutable instance or static state and never reads the clock, makes random numbers or GUIDs, times itself, or starts work on the thread pool.");

        public static readonly DiagnosticDescriptor RuleCode = Create(
            "EXD003", "Rules", "Every rule declares a unique snake_case code literal",
            "Rule '{0}': {1}",
            "A rule's Code is a stable API: clients match on error_code. It must be a string literal in snake_case (lower-case words joined by '_'), and no two rule classes in a compilation may share one.",
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor DiscardedResult = Create(
            "EXD004", "Results", "A result union is never discarded",
            "The {0} returned by '{1}' is discarded; a failure would go unnoticed: handle it (Match, Switch, IsSuccess) or return it",
            "Use cases and rules report failures as OneOf/OneOfBase values. Calling such a method as a bare statement, or assigning its result to '_', throws the failure away.");

        public static readonly DiagnosticDescriptor ThrowInRuleOrUseCase = Create(
            "EXD005", "Results", "Business failures are values, not exceptions",
            "'{0}' throws; a rule or use case returns failures as result values (only programmer-error guards may throw, through the Guard helper)",
            "Rules (IRule<T>) and use cases (implementations of ICustomerService, IGroupTagService, IUserGroupService, IWorkspaceAdmin or IExploService) report business failures as values. A throw is allowed only as 'throw Guard.Something(...)', the one named helper for programmer errors and broken infrastructure.");

        public static readonly DiagnosticDescriptor ExposedState = Create(
            "EXD006", "Architecture", "Entity state is encapsulated",
            "Entity '{0}' exposes {1}; change state only through methods that check the invariants",
            "The Customer aggregate and the other entities of the core (types marked [Entity]) have no public setter (init is allowed: it can't change an existing instance), no public mutable field and no public mutable collection.");

        // Off by default: the package carries it to every host, but only a project that opts in (the repository's src/,
        // through src/.editorconfig, or a host through its own .editorconfig) is held to it.
        public static readonly DiagnosticDescriptor BlockingOnTask = Create(
            "EXD007", "Async", "Async code never blocks on a task",
            "'{0}' blocks the thread until the task completes; await it instead, and make the caller async",
            "Production code never waits for a Task or ValueTask synchronously: no Task<T>.Result or ValueTask<T>.Result, no Task.Wait, Task.WaitAll or Task.WaitAny, and no GetResult() on a task's awaiter (x.GetAwaiter().GetResult(), x.ConfigureAwait(false).GetAwaiter().GetResult()). Disabled by default; enabled for the repository's src/ by src/.editorconfig.",
            isEnabledByDefault: false);

        private static DiagnosticDescriptor Create(string id, string category, string title, string message, string description, params string[] tags) =>
            Create(id, category, title, message, description, isEnabledByDefault: true, tags);

        private static DiagnosticDescriptor Create(string id, string category, string title, string message, string description, bool isEnabledByDefault, params string[] tags) =>
            new DiagnosticDescriptor(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault, description, HelpBase + id + ".md", tags);
    }
}
