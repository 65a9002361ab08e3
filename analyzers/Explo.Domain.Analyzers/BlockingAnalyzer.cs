using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Explo.Domain.Analyzers
{
    /// <summary>
    /// EXD007: no synchronous wait on a task: <c>Task&lt;T&gt;.Result</c>, <c>ValueTask&lt;T&gt;.Result</c>, <c>Task.Wait</c>,
    /// <c>Task.WaitAll</c>, <c>Task.WaitAny</c>, or <c>GetResult()</c> on a task's awaiter (configured or not).
    /// Disabled by default (see <see cref="Descriptors.BlockingOnTask"/>).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BlockingAnalyzer : DiagnosticAnalyzer
    {
        private static readonly string[] AwaiterNames =
        {
            "System.Runtime.CompilerServices.TaskAwaiter",
            "System.Runtime.CompilerServices.TaskAwaiter`1",
            "System.Runtime.CompilerServices.ValueTaskAwaiter",
            "System.Runtime.CompilerServices.ValueTaskAwaiter`1",
            "System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter",
            "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter",
            "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable+ConfiguredValueTaskAwaiter",
            "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1+ConfiguredValueTaskAwaiter",
        };

        /// <summary>How a member is named in the message: <c>ConfiguredTaskAwaitable&lt;int&gt;.ConfiguredTaskAwaiter</c>.</summary>
        private static readonly SymbolDisplayFormat TypeFormat = new SymbolDisplayFormat(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
            genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
            miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.BlockingOnTask);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var task = start.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
                if (task is null)
                {
                    return;
                }

                var types = new TaskTypes(
                    task,
                    ImmutableArray.Create(
                        start.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1"),
                        start.Compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1"))
                        .Where(type => type is not null).Select(type => type!).ToImmutableArray(),
                    AwaiterNames.Select(start.Compilation.GetTypeByMetadataName)
                        .Where(type => type is not null).Select(type => type!).ToImmutableArray());

                start.RegisterOperationAction(types.CheckResult, OperationKind.PropertyReference);
                start.RegisterOperationAction(types.CheckCall, OperationKind.Invocation);
            });
        }

        private sealed class TaskTypes
        {
            private readonly INamedTypeSymbol _task;
            private readonly ImmutableArray<INamedTypeSymbol> _withResult;
            private readonly ImmutableArray<INamedTypeSymbol> _awaiters;

            public TaskTypes(INamedTypeSymbol task, ImmutableArray<INamedTypeSymbol> withResult, ImmutableArray<INamedTypeSymbol> awaiters)
            {
                _task = task;
                _withResult = withResult;
                _awaiters = awaiters;
            }

            /// <summary><c>task.Result</c> on a Task&lt;T&gt; or a ValueTask&lt;T&gt;; any other property named Result is fine.</summary>
            public void CheckResult(OperationAnalysisContext context)
            {
                var property = ((IPropertyReferenceOperation)context.Operation).Property;
                if (property.Name == "Result" && !property.IsStatic && IsOneOf(property.ContainingType, _withResult) && !InNameOf(context.Operation))
                {
                    Report(context, property.ContainingType.ToDisplayString(TypeFormat) + ".Result");
                }
            }

            /// <summary><c>Task.Wait/WaitAll/WaitAny(...)</c> and <c>GetResult()</c> on a task's awaiter.</summary>
            public void CheckCall(OperationAnalysisContext context)
            {
                var method = ((IInvocationOperation)context.Operation).TargetMethod;
                var blocks = method.Name switch
                {
                    "Wait" or "WaitAll" or "WaitAny" => SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, _task),
                    "GetResult" => !method.IsStatic && IsOneOf(method.ContainingType, _awaiters),
                    _ => false,
                };
                if (blocks)
                {
                    Report(context, method.ContainingType.ToDisplayString(TypeFormat) + "." + method.Name + "()");
                }
            }

            private static bool IsOneOf(INamedTypeSymbol? type, ImmutableArray<INamedTypeSymbol> candidates) =>
                type is not null && candidates.Any(candidate => SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, candidate));

            /// <summary><c>nameof(task.Result)</c> names the property; nothing runs.</summary>
            private static bool InNameOf(IOperation operation)
            {
                for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
                {
                    if (parent is INameOfOperation)
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>Reported from the member's name to the end of the expression (<c>Result</c>, <c>GetResult()</c>, <c>WaitAll(a, b)</c>).</summary>
            private static void Report(OperationAnalysisContext context, string member)
            {
                var syntax = context.Operation.Syntax;
                var name = syntax switch
                {
                    InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name,
                    InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => binding.Name,
                    MemberAccessExpressionSyntax access => access.Name,
                    MemberBindingExpressionSyntax binding => binding.Name,
                    _ => null,
                };
                var location = name is null
                    ? syntax.GetLocation()
                    : Location.Create(syntax.SyntaxTree, TextSpan.FromBounds(name.SpanStart, syntax.Span.End));
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.BlockingOnTask, location, member));
            }
        }
    }
}
