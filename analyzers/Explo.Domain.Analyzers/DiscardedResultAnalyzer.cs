using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Explo.Domain.Analyzers
{
    /// <summary>EXD004: a OneOf/OneOfBase result is not thrown away by a bare call or a discard assignment.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DiscardedResultAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.DiscardedResult);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(CheckStatement, OperationKind.ExpressionStatement);
            context.RegisterOperationAction(CheckDiscard, OperationKind.SimpleAssignment);
        }

        private static void CheckStatement(OperationAnalysisContext context)
        {
            var value = ((IExpressionStatementOperation)context.Operation).Operation;
            if (value is ISimpleAssignmentOperation)
            {
                return; // handled by CheckDiscard
            }

            Report(context, value);
        }

        private static void CheckDiscard(OperationAnalysisContext context)
        {
            var assignment = (ISimpleAssignmentOperation)context.Operation;
            if (assignment.Target is IDiscardOperation)
            {
                Report(context, assignment.Value);
            }
        }

        private static void Report(OperationAnalysisContext context, IOperation value)
        {
            while (value is IConversionOperation { IsImplicit: true } conversion)
            {
                value = conversion.Operand;
            }

            var awaited = value is IAwaitOperation await ? await.Operation : value;
            if (awaited is not IInvocationOperation invocation)
            {
                return;
            }

            var type = value is IAwaitOperation ? value.Type : Symbols.AwaitedType(invocation.Type) ?? invocation.Type;
            if (!Symbols.IsResultUnion(type))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.DiscardedResult,
                invocation.Syntax.GetLocation(),
                type!.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                invocation.TargetMethod.Name));
        }
    }
}
