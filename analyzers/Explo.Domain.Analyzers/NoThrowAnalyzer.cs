using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Explo.Domain.Analyzers
{
    /// <summary>EXD005: rules and use cases do not throw, except 'throw Guard.X(...)' for programmer errors.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NoThrowAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>The one named guard helper whose exceptions may be thrown.</summary>
        public const string GuardTypeName = "Guard";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.ThrowInRuleOrUseCase);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var symbols = Symbols.From(start.Compilation);
                if (symbols.Rule is null && symbols.Ports.Length == 0)
                {
                    return;
                }

                start.RegisterOperationAction(c => Check(c, symbols), OperationKind.Throw);
            });
        }

        private static void Check(OperationAnalysisContext context, Symbols symbols)
        {
            var owner = Symbols.ContainingType(context.ContainingSymbol);
            while (owner is not null && !symbols.IsRule(owner) && !symbols.IsUseCase(owner))
            {
                owner = owner.ContainingType;
            }

            if (owner is null)
            {
                return;
            }

            var thrown = ((IThrowOperation)context.Operation).Exception;
            while (thrown is IConversionOperation conversion)
            {
                thrown = conversion.Operand;
            }

            if (thrown is IInvocationOperation { TargetMethod.ContainingType.Name: GuardTypeName })
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ThrowInRuleOrUseCase, context.Operation.Syntax.GetLocation(), owner.Name));
        }
    }
}
