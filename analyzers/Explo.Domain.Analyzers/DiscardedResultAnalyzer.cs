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
            context.RegisterOperationAction(CheckDiscardLocal, OperationKind.VariableDeclarator);
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

        /// <summary><c>var _ = M();</c> declares a local named '_' that nothing reads: a discard too.</summary>
        private static void CheckDiscardLocal(OperationAnalysisContext context)
        {
            var declarator = (IVariableDeclaratorOperation)context.Operation;
            if (declarator.Symbol.Name == "_" && declarator.GetVariableInitializer() is { } initializer)
            {
                Report(context, initializer.Value);
            }
        }

        private static void Report(OperationAnalysisContext context, IOperation operation)
        {
            var value = Unwrap(operation);

            // holder?.Make(): the call is the conditional access's WhenNotNull part; report the whole expression.
            var reported = value;
            while (value is IConditionalAccessOperation conditional)
            {
                value = Unwrap(conditional.WhenNotNull);
            }

            var awaited = value is IAwaitOperation await ? Unwrap(await.Operation) : value;
            if (awaited is not IInvocationOperation invocation)
            {
                return;
            }

            var type = value is IAwaitOperation ? value.Type : Symbols.AwaitedType(invocation.Type) ?? invocation.Type;
            if (!Symbols.IsResultUnion(type))
            {
                return;
            }

            // await M().ConfigureAwait(false): the result comes from M.
            var source = invocation;
            while (source.TargetMethod.Name == "ConfigureAwait" && Unwrap(source.Instance) is IInvocationOperation inner)
            {
                source = inner;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.DiscardedResult,
                (reported is IConditionalAccessOperation ? reported : invocation).Syntax.GetLocation(),
                type!.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                source.TargetMethod.Name));
        }

        private static IOperation? Unwrap(IOperation? value)
        {
            while (value is IConversionOperation { IsImplicit: true } conversion)
            {
                value = conversion.Operand;
            }

            return value;
        }
    }
}
